"""`phoenix-flight ring`: JSON and table output, join/leave moves, and user errors (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from phoenix_gui.cli import main
from phoenix_gui.engine.ring import HashRing


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["ring", *argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one JSON object on one line
    result: dict[str, Any] = json.loads(out)
    return result


def owners_on(members: list[str], vnodes: int, tasks: list[str]) -> dict[str, str]:
    ring = HashRing.from_members(members, vnodes)
    return {t: ring.route(t) for t in tasks}


def test_json_owners_and_load(capsys: pytest.CaptureFixture[str]) -> None:
    got = run_json(capsys, "--members", "a,b,c", "--vnodes", "30", "--task-count", "500")
    tasks = [f"task-{i}" for i in range(500)]
    assert got["owners"] == owners_on(["a", "b", "c"], 30, tasks)
    assert list(got["owners"]) == tasks
    assert got["load"] == {m: list(got["owners"].values()).count(m) for m in "abc"}
    assert sum(got["load"].values()) == 500
    assert "moved" not in got and "moved_fraction" not in got
    positions = got["positions"]
    assert sum(p["owned_positions"] for p in positions.values()) == 10000
    assert all(p["distinct_positions"] <= 30 for p in positions.values())


def test_json_join_reports_the_full_diff(capsys: pytest.CaptureFixture[str]) -> None:
    got = run_json(
        capsys, "--members", "a,b,c", "--vnodes", "20", "--task-count", "2000", "--join", "d"
    )
    tasks = [f"task-{i}" for i in range(2000)]
    before = owners_on(["a", "b", "c"], 20, tasks)
    after = owners_on(["a", "b", "c", "d"], 20, tasks)
    assert got["owners"] == after
    assert got["moved"] == {t: [before[t], after[t]] for t in tasks if before[t] != after[t]}
    assert all(dst == "d" for _, dst in got["moved"].values())
    assert got["moved_fraction"] == pytest.approx(len(got["moved"]) / 2000, abs=1e-6)
    assert got["ideal_fraction"] == pytest.approx(0.25)
    assert got["members"] == ["a", "b", "c", "d"]


def test_json_leave(capsys: pytest.CaptureFixture[str]) -> None:
    got = run_json(
        capsys, "--members", "a,b,c,d,e", "--vnodes", "10", "--tasks", "x,y,z,w", "--leave", "c"
    )
    before = owners_on(list("abcde"), 10, ["x", "y", "z", "w"])
    assert list(got["owners"]) == ["x", "y", "z", "w"]
    assert got["moved"] == {
        t: [before[t], got["owners"][t]] for t in before if before[t] != got["owners"][t]
    }
    assert all(src == "c" for src, _ in got["moved"].values())
    assert "c" not in got["load"]
    assert got["ideal_fraction"] == pytest.approx(0.2)


def test_readable_table(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["ring", "--members", "alpha,beta", "--vnodes", "8", "--task-count", "100"]
    assert main([*argv, "--join", "gamma"]) == 0
    out = capsys.readouterr().out
    assert "3 members × 8 vnodes, 100 tasks (after join of gamma)" in out
    assert "Effective vnodes per member (distinct positions really held, mean): 8 of 8" in out
    assert "saturated" not in out  # 24 vnodes on 10000 positions
    for name in ("alpha", "beta", "gamma"):
        assert any(line.startswith(name) for line in out.splitlines())
    assert "Join of gamma:" in out and "ideal 1/(N+1) = 33.33 %" in out


def test_explicit_tasks_listed_in_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ring", "--members", "a,b", "--vnodes", "4", "--tasks", "t1,t2"]) == 0
    out = capsys.readouterr().out
    expected = owners_on(["a", "b"], 4, ["t1", "t2"])
    assert f"t1 → {expected['t1']}" in out and f"t2 → {expected['t2']}" in out


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--members", "", "--task-count", "3"], "--members"),
        (["--members", "a,,b", "--task-count", "3"], "--members"),
        (["--members", "a,b,a", "--task-count", "3"], "--members"),
        (["--members", "a", "--vnodes", "0", "--task-count", "3"], "--vnodes"),
        (["--members", "a", "--vnodes", "1001", "--task-count", "3"], "--vnodes"),
        (["--members", "a", "--vnodes", "2.5", "--task-count", "3"], "--vnodes"),
        (["--members", "a", "--vnodes", "many", "--task-count", "3"], "--vnodes"),
        (["--members", "a", "--task-count", "-1"], "--task-count"),
        (["--members", "a", "--tasks", "x,x"], "--tasks"),
        (["--members", "a,b", "--task-count", "3", "--join", "b"], "--join"),
        (["--members", "a,b", "--task-count", "3", "--leave", "zz"], "--leave"),
        (["--members", "a", "--task-count", "3", "--leave", "a"], "--leave"),
    ],
)
def test_bad_input_exits_2_naming_the_option(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    assert main(["ring", *argv]) == 2
    err = capsys.readouterr().err
    assert f"phoenix-flight ring: error: {flag}:" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--members", "a"], ["--members", "a", "--task-count", "1", "--tasks", "x"]):
        with pytest.raises(SystemExit) as exc:
            main(["ring", *argv])
        assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_subprocess_entry_point() -> None:
    cmd = [sys.executable, "-m", "phoenix_gui", "ring", "--members", "a,b", "--vnodes", "3"]
    done = subprocess.run(
        [*cmd, "--task-count", "5", "--join", "c", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["owners"] == owners_on(["a", "b", "c"], 3, [f"task-{i}" for i in range(5)])
    bad = subprocess.run(
        [*cmd, "--task-count", "5", "--leave", "nobody"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert "--leave" in bad.stderr and "Traceback" not in bad.stderr


def test_saturated_ring_says_so_in_words_and_effective_vnodes_are_exact(
    capsys: pytest.CaptureFixture[str],
) -> None:
    members = ",".join(f"host-{i}" for i in range(5))
    argv = ["ring", "--members", members, "--vnodes", "1000", "--task-count", "10"]
    assert main([*argv, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    held = [p["distinct_positions"] for p in result["positions"].values()]
    assert result["effective_vnodes"] == pytest.approx(sum(held) / 5, abs=1e-4)
    assert result["effective_vnodes"] < 800  # not min(V, 10000/N) = 1000
    assert "no longer spread load" in result["saturation"]
    assert main(argv) == 0
    assert "Ring saturated: 5 members × 1000 vnodes" in capsys.readouterr().out


def test_help_states_the_tie_rule(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["ring", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "full 128-bit MD5 of the vnode key, then by the key itself" in out
    assert "up to 80 % of tasks" in out
