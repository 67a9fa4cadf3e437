"""Saving: readable YAML, round trips, and atomic replacement that survives interruption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from phoenix_gui.engine.config import SimulationConfig, TimelineEvent
from phoenix_gui.scenario import (
    ScenarioError,
    dump_scenario,
    load_config,
    load_scenario,
    loads_scenario,
    save_scenario,
    saving,
    scenario_from_config,
    scenario_to_config,
)

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data").glob("*.yaml")
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_load_save_load_gives_an_equal_scenario(path: Path, tmp_path: Path) -> None:
    original = load_scenario(path)
    target = tmp_path / path.name
    save_scenario(target, original)
    again = load_scenario(target)
    assert again == original
    assert scenario_to_config(again) == scenario_to_config(original)
    save_scenario(target, again)  # saving is stable: the same text the second time
    assert target.read_text(encoding="utf-8") == dump_scenario(original)


def test_saved_text_is_readable_in_schema_order(tmp_path: Path) -> None:
    scenario = loads_scenario(
        textwrap.dedent(
            """\
            schema_version: 1
            timeline:
              - {at: 1, kind: caption, text: Grüße}
            members: {listed: [{trust: 0.5, id: zed}]}
            description: |
              Two
              lines.
            name: Ordered
            """
        )
    )
    text = dump_scenario(scenario)
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == [
        *("schema_version", "name", "description", "seed", "paradigm", "retirement"),
        *(
            "metrics",
            "ring",
            "members",
            "workload",
            "churn",
            "simulation",
            "governance",
            "timeline",
        ),
    ]
    assert "description: |-\n  Two\n  lines." in text or "description: |\n  Two\n  lines." in text
    assert "  - id: zed\n    trust: 0.5\n" in text  # id first, defaults left out
    assert "text: Grüße" in text  # Unicode kept as is
    assert text.startswith("# PhoenixFlight scenario (schema version 1). Comments are not kept")


def test_comments_do_not_survive_a_save(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("schema_version: 1  # my note\nname: Commented  # another\n", encoding="utf-8")
    save_scenario(path, load_scenario(path))
    text = path.read_text(encoding="utf-8")
    assert "my note" not in text and "another" not in text


def test_a_config_is_saved_as_a_scenario_and_comes_back_equal(tmp_path: Path) -> None:
    config = SimulationConfig(
        name="From the GUI",
        seed=99,
        timeline=(
            TimelineEvent(at=1.0, kind="set", values=(("joins", 30.0), ("trust", 0.7))),
            TimelineEvent(at=2.0, kind="caption", text="Look", pause=True),
            TimelineEvent(at=3.0, kind="burst", count=4, leaves=True),
        ),
    )
    path = tmp_path / "gui.yaml"
    save_scenario(path, config)
    assert load_config(path) == config
    assert scenario_to_config(scenario_from_config(config)) == config
    named = scenario_from_config(config, name="Renamed", description="Why")
    assert (named.name, named.description) == ("Renamed", "Why")


def test_an_invalid_config_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    bad = SimulationConfig(timeline=(TimelineEvent(at=1.0, kind="crash", target="ghost"),))
    with pytest.raises(ScenarioError, match=r"<config>:1:1: timeline\[0\]\.target: no member"):
        save_scenario(path, bad)
    assert not path.exists()


def _old_file(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "lesson.yaml"
    old = b"# the teacher's original\nschema_version: 1\nname: Old\n"
    path.write_bytes(old)
    return path, old


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("failing", ["replace", "fsync"])
@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), RuntimeError("bug")])
def test_failure_between_write_and_rename_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, error: Exception
) -> None:
    path, old = _old_file(tmp_path)

    def fail(*args: object) -> None:
        raise error

    monkeypatch.setattr(saving.os, failing, fail)
    scenario = loads_scenario("schema_version: 1\nname: New\n")
    expected = ScenarioError if isinstance(error, OSError) else RuntimeError
    with pytest.raises(expected) as info:
        save_scenario(path, scenario)
    if isinstance(error, OSError):
        assert str(info.value) == f"{path}:1:1: (save): cannot save: No space left on device"
    assert path.read_bytes() == old
    assert _leftovers(tmp_path) == []


def test_a_save_into_a_missing_folder_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot save"):
        save_scenario(tmp_path / "no" / "such.yaml", loads_scenario("schema_version: 1\nname: x\n"))


def test_save_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    path, _ = _old_file(tmp_path)
    path.chmod(0o640)
    save_scenario(path, loads_scenario("schema_version: 1\nname: New\n"))
    assert path.stat().st_mode & 0o777 == 0o640


_KILLED_SAVE = textwrap.dedent(
    """\
    import os, sys, time
    from phoenix_gui.scenario import loads_scenario, save_scenario
    from phoenix_gui.scenario import saving

    def stall(src, dst):  # the temporary file is written and fsync'ed; now wait to be killed
        print("written", flush=True)
        time.sleep(60)

    saving.os.replace = stall
    save_scenario(sys.argv[1], loads_scenario("schema_version: 1\\nname: New\\n"))
    """
)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and pid checks are POSIX")
def test_a_killed_save_leaves_the_old_file_and_the_next_save_cleans_up(tmp_path: Path) -> None:
    path, old = _old_file(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_SAVE, str(path)],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "written"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    assert path.read_bytes() == old
    stale = _leftovers(tmp_path)
    assert len(stale) == 1 and stale[0].startswith(f".lesson.yaml.{proc.pid}.")
    assert loads_scenario(path.read_text(encoding="utf-8")).name == "Old"

    save_scenario(path, loads_scenario("schema_version: 1\nname: Newer\n"))
    assert load_scenario(path).name == "Newer"
    assert _leftovers(tmp_path) == []


def test_temporary_files_of_a_live_process_are_left_alone(tmp_path: Path) -> None:
    parent = os.getppid()  # alive for sure, and not us
    live = tmp_path / f".lesson.yaml.{parent}.abcd.tmp"
    live.write_text("half", encoding="utf-8")
    other = tmp_path / ".other.yaml.1.abcd.tmp"
    other.write_text("not ours", encoding="utf-8")
    path, _ = _old_file(tmp_path)
    save_scenario(path, loads_scenario("schema_version: 1\nname: New\n"))
    assert live.exists() and other.exists()
