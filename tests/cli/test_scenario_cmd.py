"""`phoenix-flight validate FILE...` and `phoenix-flight schema`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from phoenix_gui.cli import main

REPO = Path(__file__).resolve().parents[2]
LESSONS = sorted((REPO / "scenarios").glob("*.yaml"))


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_all_bundled_lessons_validate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", *map(str, LESSONS)], capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"{LESSONS[0]}: OK (Agentic hand-off)"
    assert len(out.splitlines()) == len(LESSONS) == 10


def test_invalid_files_exit_2_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("schema_version: 1\nname: Good\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "schema_version: 1\nname: Bad\nmetrics: {trust: 2}\nring: {vnodes: 1, spin: 3}\n",
        encoding="utf-8",
    )
    code, out, err = run(["validate", str(bad), str(good), str(tmp_path / "gone.yaml")], capsys)
    assert code == 2
    assert out == f"{good}: OK (Good)\n"
    assert err.splitlines() == [
        f"{bad}:3:18: metrics.trust: must be in [0, 1], got 2",
        f"{bad}:4:19: ring.spin: unknown key 'spin'",
        f"{tmp_path / 'gone.yaml'}:1:1: (document): cannot read the file: "
        "No such file or directory",
    ]
    assert "Traceback" not in err


def test_validate_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    assert "FILE" in capsys.readouterr().err


def test_schema_prints_the_shipped_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["schema"], capsys)
    assert (code, err) == (0, "")
    assert out == (REPO / "resources" / "scenario.schema.json").read_text(encoding="utf-8")
    assert json.loads(out)["title"] == "PhoenixFlight scenario"


def test_validate_from_a_real_shell_has_no_traceback(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "a: &a ["
        + "x," * 9
        + "]\n"
        + "".join(
            f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    proc = subprocess.run(
        [sys.executable, "-m", "phoenix_gui", "validate", str(bomb)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"{bomb}:") and "expands to more than 200000 nodes" in proc.stderr
    assert "Traceback" not in proc.stderr
