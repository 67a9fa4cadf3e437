"""Lessons by name: `phoenix-flight lessons`, and run / validate / gui given `ring-join` instead
of a path, from any working directory; a missing scenario named without an invented place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from phoenix_gui.cli import main
from phoenix_gui.resources import ScenarioNotFoundError, lesson_names, scenario_source

REPO = Path(__file__).resolve().parents[2]
LESSON_FILES = sorted((REPO / "scenarios").glob("*.yaml"))


def cli(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`phoenix-flight …` in a child process started in ``cwd`` (not the repository root)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "phoenix_gui", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_lessons_lists_name_title_paradigm_and_one_line(capsys) -> None:
    assert main(["lessons", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["name"] for r in rows] == [p.stem for p in LESSON_FILES] == lesson_names()
    ring = next(r for r in rows if r["name"] == "ring-join")
    assert (ring["title"], ring["paradigm"]) == ("Ring join", "phoenix")
    assert ring["summary"].startswith("Consistent hashing in one picture.")
    assert all("\n" not in r["summary"] and 0 < len(r["summary"]) <= 100 for r in rows)
    assert main(["lessons"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["name", "title", "paradigm", "description"]
    assert any(line.startswith("kubernetes-drain ") and "kubernetes" in line for line in table)


def test_run_and_validate_take_a_lesson_name_from_any_folder(tmp_path: Path) -> None:
    by_name = cli("run", "ring-join", "--json", cwd=tmp_path)
    assert by_name.returncode == 0, by_name.stderr
    by_path = cli("run", str(REPO / "scenarios" / "ring-join.yaml"), "--json", cwd=tmp_path)
    assert json.loads(by_name.stdout) == json.loads(by_path.stdout)
    # The README's spelling works from elsewhere too: it names the bundled copy.
    readme_path = cli("validate", "scenarios/ring-join.yaml", "crash-vs-drain", cwd=tmp_path)
    assert readme_path.returncode == 0, readme_path.stderr
    assert (
        "OK (Ring join)" in readme_path.stdout and "OK (Crash versus drain)" in readme_path.stdout
    )


def test_a_local_file_wins_over_a_lesson_of_the_same_name(tmp_path: Path) -> None:
    local = tmp_path / "ring-join"
    local.write_text((REPO / "scenarios" / "classroom-basics.yaml").read_text(encoding="utf-8"))
    os.chdir(tmp_path)
    try:
        assert scenario_source("ring-join") == Path("ring-join")
        assert scenario_source("ring-join.yaml").name == "ring-join.yaml"
    finally:
        os.chdir(REPO)


def test_compare_takes_lesson_names_too(tmp_path: Path) -> None:
    proc = cli("compare", "crash-vs-drain", "ring-join", "--steps", "4", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) >= {"a", "b", "diff"}


@pytest.mark.parametrize("command", ["run", "validate", "gui", "compare"])
def test_a_missing_scenario_is_named_without_an_invented_line_and_column(
    tmp_path: Path, command: str
) -> None:
    env_cmd = [command, "nope.yaml"] + (["ring-join"] if command == "compare" else [])
    proc = cli(*env_cmd, cwd=tmp_path)
    assert proc.returncode == 2
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith(f"phoenix-flight {command}: nope.yaml: no such file, and no bundled")
    assert "ring-join" in line  # the names it would have accepted
    assert ":1:1" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_folder_is_not_a_scenario(tmp_path: Path) -> None:
    with pytest.raises(ScenarioNotFoundError, match="is a folder"):
        scenario_source(str(tmp_path))
