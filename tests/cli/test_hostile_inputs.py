"""Hostile inputs, outputs and long runs (issue 12): one parametrised case per class, plus a
hypothesis strategy that mixes them.

Each class once let a bad input through to a traceback, a hang, a clobbered file or unbounded
growth. Every case here drives the real command line (``main``, or a subprocess where a hang
is the risk) and checks the user sees exit 2 and one line naming the place (exit 1 for a
failing write), and that nothing is left half-written.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phoenix_gui.cli import main
from phoenix_gui.engine import (
    MAX_LINE_BYTES,
    RECENT,
    AuditLog,
    Event,
    Primitive,
    Simulation,
    SimulationConfig,
    verify_file,
)
from phoenix_gui.scenario import ScenarioError, loads_scenario

REPO = Path(__file__).resolve().parents[2]
PLACE = re.compile(
    r"^(phoenix-flight [a-z]+: )?"
    r"(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<path>\S+): (?P<msg>.+)$"
)


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def scenario(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text("schema_version: 1\nname: hostile\n" + body, encoding="utf-8")
    return path


def assert_placed(err: str, file: Path, path: str, line: int | None = None) -> None:
    """One of the lines names ``file``:LINE:COL and the field ``path``; no traceback."""
    assert "Traceback" not in err
    hits = [m for m in map(PLACE.match, err.splitlines()) if m and m["path"] == path]
    assert hits, err
    assert hits[0]["file"] == str(file)
    if line is not None:
        assert int(hits[0]["line"]) == line, err


# -- 1. denormal and extreme floats, in any float field ------------------------------------------

FLOAT_FIELDS = [
    ("metrics:\n  hours: {v}\n", "metrics.hours", 2),
    ("metrics:\n  trust: {v}\n", "metrics.trust", 2),
    ("metrics:\n  w_join: {v}\n", "metrics.w_join", 2),
    ("metrics:\n  bands:\n    healthy: {v}\n", "metrics.bands.healthy", 3),
    ("simulation:\n  step_hours: {v}\n", "simulation.step_hours", 2),
    ("simulation:\n  heartbeat_interval: {v}\n", "simulation.heartbeat_interval", 2),
    ("simulation:\n  bandwidth_mb_per_hour: {v}\n", "simulation.bandwidth_mb_per_hour", 2),
    ("simulation:\n  validation_failure: {v}\n", "simulation.validation_failure", 2),
    ("members:\n  template:\n    context_limit: {v}\n", "members.template.context_limit", 3),
    ("members:\n  template:\n    cpu: {v}\n", "members.template.cpu", 3),
    ("workload:\n  work_mean: {v}\n", "workload.work_mean", 2),
    ("workload:\n  state_mb: {v}\n", "workload.state_mb", 2),
    ("workload:\n  arrival_rate: {v}\n", "workload.arrival_rate", 2),
    ("workload:\n  cpu_demand: {v}\n", "workload.cpu_demand", 2),
    ("governance:\n  min_member_trust: {v}\n", "governance.min_member_trust", 2),
    ("timeline:\n  - {{at: {v}, kind: caption, text: hi}}\n", "timeline[0].at", 2),
]


@pytest.mark.parametrize("value", ["1e-320", "5e-324", "-5e-324", "1.0e+308"])
@pytest.mark.parametrize(("body", "path", "offset"), FLOAT_FIELDS)
def test_extreme_floats_are_refused_with_their_place(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    value: str,
    body: str,
    path: str,
    offset: int,
) -> None:
    file = scenario(tmp_path, body.format(v=value))
    for command in (["validate", str(file)], ["run", str(file), "--steps", "1"]):
        code, out, err = cli(command, capsys)
        assert code == 2, (command, out, err)
        assert_placed(err, file, path, line=2 + offset)
    assert not list(tmp_path.glob("*.partial"))


def test_extreme_floats_on_the_command_line_name_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for flag in ("--hours", "--trust", "--crash-share", "--w-join", "--sim-hours"):
        length = [] if flag == "--sim-hours" else ["--steps", "1"]
        code, _, err = cli(["run", *length, flag, "5e-324"], capsys)
        assert code == 2 and err.startswith(f"phoenix-flight run: {flag}: "), err


# -- 2. timeline and rates that multiply one step's (or the run's) work --------------------------

WORK_MULTIPLIERS = [
    (
        "timeline:\n"
        + "".join(f"  - {{at: {i}, kind: submit, count: 2000000}}\n" for i in range(3)),
        "timeline[0].count",
    ),
    ("workload:\n  arrival_rate: 1000000\ntimeline:\n  - {at: 9000, kind: caption, text: x}\n",
     "workload.arrival_rate"),
    ("simulation:\n  step_hours: 10\n  heartbeat_interval: 0.001\n",
     "simulation.heartbeat_interval"),
    ("metrics:\n  joins: 100000\n  hours: 0.01\n", "metrics.hours"),
    ("members:\n  generate: 5000\ntimeline:\n  - {at: 1, kind: burst, count: 5000}\n",
     "timeline[0]"),
    ("timeline:\n  - {at: 1, kind: set, values: {hours: 0.01, joins: 100000}}\n",
     "timeline[0].values.hours"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "path"), WORK_MULTIPLIERS)
def test_work_multipliers_are_bounded_by_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, path: str
) -> None:
    file = scenario(tmp_path, body)
    code, _, err = cli(["validate", str(file)], capsys)
    assert code == 2
    assert_placed(err, file, path)


def test_arrivals_over_a_long_run_are_refused_naming_the_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    file = scenario(tmp_path, "workload:\n  arrival_rate: 1000\n")
    code, _, err = cli(["run", str(file), "--sim-hours", "1000000"], capsys)
    assert code == 2 and err.startswith("phoenix-flight run: --sim-hours: "), err
    assert "workload.arrival_rate" in err


# -- 3. YAML 1.2 numbers, never YAML 1.1 --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("seed: 010\n", ("seed", 10)),
        ("seed: 0o17\n", ("seed", 15)),
        ("metrics:\n  hours: 1e1\n", ("hours", 10.0)),
        ("metrics:\n  hours: 1:30\n", "metrics.hours"),  # sexagesimal 90 in YAML 1.1
        ("seed: 1_000\n", "seed"),  # 1000 in YAML 1.1
        ("churn:\n  enabled: yes\n", "churn.enabled"),  # true in YAML 1.1
    ],
)
def test_numbers_follow_yaml_1_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    expect: tuple[str, float] | str,
) -> None:
    file = scenario(tmp_path, text)
    code, _, err = cli(["validate", str(file)], capsys)
    if isinstance(expect, str):
        assert code == 2
        assert_placed(err, file, expect, line=3 if "\n  " not in text else 4)
        return
    assert code == 0, err
    loaded = loads_scenario(file.read_text())
    name, value = expect
    got = loaded.seed if name == "seed" else loaded.metrics.hours
    assert got == value and type(got) is type(value)


# -- 4. special files: FIFOs, devices, directories; stdin where it makes sense -----------------


def _special(kind: str, tmp_path: Path) -> str:
    if kind == "fifo":
        path = tmp_path / "pipe"
        os.mkfifo(path)
        return str(path)
    return {"zero": "/dev/zero", "null": "/dev/null", "dir": str(tmp_path)}[kind]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "zero", "null", "dir"])
@pytest.mark.parametrize("command", [["validate"], ["run"], ["audit", "verify"]])
def test_special_files_are_refused_without_blocking(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    target = _special(kind, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "phoenix_gui", *command, target],
        capture_output=True, text=True, timeout=60, check=False, env=env,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and target in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_stdin_is_read_with_the_same_cap(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    good = subprocess.run(
        [sys.executable, "-m", "phoenix_gui", "validate", "-"],
        input="schema_version: 1\nname: piped\n", capture_output=True, text=True,
        timeout=60, check=False, env=env,
    )  # fmt: skip
    assert (good.returncode, good.stdout) == (0, "-: OK (piped)\n")
    with open("/dev/zero", "rb") as zero:
        big = subprocess.run(
            [sys.executable, "-m", "phoenix_gui", "validate", "-"],
            stdin=zero, capture_output=True, text=True, timeout=60, check=False, env=env,
        )  # fmt: skip
    assert big.returncode == 2 and "limited to 1.0 MiB" in big.stderr


# -- 5. audit records: deep nesting, over-long lines --------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b'{"seq":0,"x":"' + b"a" * (MAX_LINE_BYTES + 10) + b'"}', "longer than 1048576 bytes"),
    ],
)
def test_hostile_audit_records_fail_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: bytes, reason: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(line + b"\n")
    code, out, err = cli(["audit", "verify", str(path)], capsys)
    assert code == 1 and out.startswith("record 0: ") and reason in out, out
    assert err == ""


# -- 6. outputs: atomic, never clobbering, write errors named -----------------------------------

RUN = ["run", "--hosts", "3", "--tasks", "50", "--steps", "4"]


@pytest.mark.parametrize("case", ["same-path", "audit-is-scenario", "refused-run", "link"])
def test_outputs_never_clobber(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    old = tmp_path / "old.jsonl"
    old.write_text("precious\n")
    source = scenario(tmp_path, "")
    original = source.read_bytes()
    if case == "same-path":
        argv = [*RUN, "--audit", str(old), "--csv", str(tmp_path / "." / "old.jsonl")]
    elif case == "audit-is-scenario":
        argv = ["run", str(source), "--steps", "2", "--audit", str(source)]
    elif case == "link":
        (tmp_path / "alias.jsonl").symlink_to(old)
        argv = [*RUN, "--audit", str(old), "--csv", str(tmp_path / "alias.jsonl")]
    else:
        argv = [*RUN, "--trust", "7", "--audit", str(old)]
    code, out, err = cli(argv, capsys)
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert old.read_text() == "precious\n" and source.read_bytes() == original
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize("target", ["/dev/full", "/proc/version", "missing-dir/out.jsonl"])
@pytest.mark.parametrize("flag", ["--audit", "--csv"])
def test_write_errors_exit_1_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, flag: str
) -> None:
    if target.startswith("/") and not os.path.exists(target):
        pytest.skip(f"{target} does not exist here")
    path = target if target.startswith("/") else str(tmp_path / target)
    code, out, err = cli([*RUN, "--steps", "40", flag, path], capsys)
    assert code == 1 and out == "", err
    assert err.startswith(f"phoenix-flight run: {flag}: cannot write {path}: ")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.rglob("*.partial")) and not os.path.exists(path + ".partial")


def test_outputs_appear_only_when_the_run_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit, table = tmp_path / "a.jsonl", tmp_path / "t.csv"
    seen: list[bool] = []
    import phoenix_gui.cli.run_cmd as run_cmd

    original = run_cmd._loop

    def spying(sim: Simulation, steps: int, on_step: Any) -> None:
        original(sim, steps, on_step)
        seen.append(audit.exists() or table.exists())
        seen.append((tmp_path / "a.jsonl.partial").exists())

    run_cmd._loop = spying  # type: ignore[assignment]
    try:
        code, _, _ = cli([*RUN, "--audit", str(audit), "--csv", str(table)], capsys)
    finally:
        run_cmd._loop = original  # type: ignore[assignment]
    assert code == 0 and seen == [False, True]
    assert audit.exists() and table.exists() and not list(tmp_path.glob("*.partial"))


# -- 7. the audit seal: truncated, empty, appended ----------------------------------------------


def _sealed_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, Any]]:
    audit = tmp_path / "run.jsonl"
    code, out, _ = cli([*RUN, "--audit", str(audit), "--json"], capsys)
    assert code == 0
    return audit, json.loads(out)


@pytest.mark.parametrize("damage", ["last-line-deleted", "empty", "appended", "none"])
def test_the_seal_catches_truncation_and_appending_without_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    audit, summary = _sealed_run(tmp_path, capsys)
    lines = audit.read_bytes().splitlines(keepends=True)
    n = summary["audit_records"]
    assert len(lines) == n
    expected = f"OK {n} records, sealed; head {summary['audit_head']}\n"
    if damage == "last-line-deleted":
        audit.write_bytes(b"".join(lines[:-1]))
        expected = f"record {n - 1}: log ends without its closing record"
    elif damage == "empty":
        audit.write_bytes(b"")
        expected = "record 0: log ends without its closing record"
    elif damage == "appended":
        from phoenix_gui.engine.audit import record_hash

        payload = {"time": 9.0, "primitive": "system", "event": "late", "details": {}}
        digest = record_hash(n, summary["audit_head"], payload)
        body = json.dumps(payload, sort_keys=True, separators=(",", ":"))[1:-1]
        extra = f'{{"seq":{n},{body},"prev_hash":"{summary["audit_head"]}","hash":"{digest}"}}'
        audit.write_bytes(audit.read_bytes() + extra.encode() + b"\n")
        expected = f"record {n}: record after the closing record"
    code, out, _ = cli(["audit", "verify", str(audit)], capsys)
    assert out.startswith(expected), out
    assert code == (0 if damage == "none" else 1)


# -- 8. scripted events that cannot apply --------------------------------------------------------


def test_scripted_events_that_cannot_apply_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = scenario(
        tmp_path,
        "members:\n  generate: 6\ntimeline:\n"
        "  - {at: 1, kind: retire, target: host-5}\n"
        "  - {at: 2, kind: crash, target: host-4}\n"
        "  - {at: 3, kind: set, values: {trust: 0.5}}\n",
    )
    code, out, err = cli(["run", str(file), "--hosts", "2", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["events_ignored"] == 2
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"phoenix-flight run: {file}:6:5: timeline[0]: retire of 'host-5'")
    assert lines[1].startswith(f"phoenix-flight run: {file}:7:5: timeline[1]: crash of 'host-4'")


# -- 9. bounded cost: the ring's member limit ----------------------------------------------------


@pytest.mark.parametrize(
    ("count", "extra", "flag"), [(5001, [], "--members"), (5000, ["--join", "x"], "--join")]
)
def test_ring_refuses_more_members_than_run_allows(
    capsys: pytest.CaptureFixture[str], count: int, extra: list[str], flag: str
) -> None:
    members = ",".join(f"m{i}" for i in range(count))
    code, out, err = cli(["ring", "--members", members, "--task-count", "1", *extra], capsys)
    assert code == 2 and out == "" and err.startswith(f"phoenix-flight ring: {flag}: ")


# -- 10. memory: a headless audit log does not keep every record --------------------------------


def test_a_streamed_audit_log_keeps_a_bounded_window(tmp_path: Path) -> None:
    sink_path = tmp_path / "sink.jsonl"
    with open(sink_path, "w", encoding="utf-8") as sink:
        sim = Simulation(SimulationConfig(), audit_sink=sink, keep_audit=False)
        sim.run(steps=200)
        sim.audit.seal(sim.time)
    assert len(sim.audit) > RECENT and len(sim.audit.recent) == RECENT
    assert list(sim.audit.records) == []
    assert sim.audit.recent[-1].hash == sim.audit.head
    assert verify_file(sink_path, require_seal=True).ok
    log = AuditLog(keep=False)
    for i in range(RECENT + 5):
        log.append(Event(float(i), Primitive.SYSTEM, "tick", {"i": i}))
    assert len(log.recent) == RECENT and log.verify().ok


# -- the mix: hypothesis draws hostile values into any float field -------------------------------

HOSTILE_NUMBERS = st.sampled_from(
    ["5e-324", "1e-320", "-1e-310", "1e308", "-1e308", ".inf", "-.inf", ".nan", "010", "0o7",
     "0x1F", "1:30", "1_000", "yes", "off", "1e3", "0", "-0.0", "'12'", "null", "[1]", "{a: 1}"]
)  # fmt: skip


def _never_a_number(value: str) -> bool:
    """Values no float field may take: text (YAML 1.1 forms included), non-finite, denormal."""
    if value in ("1:30", "1_000", "yes", "off", "'12'", "null", "[1]", "{a: 1}"):
        return True
    if value in (".inf", "-.inf", ".nan", "010", "0o7", "0x1F"):
        return value[-3:] in ("inf", "nan")
    number = float(value)
    return not math.isfinite(number) or (number != 0 and abs(number) < sys.float_info.min)


@settings(max_examples=60, deadline=None)
@given(
    field=st.sampled_from(FLOAT_FIELDS),
    value=st.one_of(HOSTILE_NUMBERS, st.floats(allow_nan=True, allow_infinity=True).map(repr)),
)
def test_any_hostile_number_is_read_as_yaml_1_2_and_bounded_or_refused(
    field: tuple[str, str, int], value: str
) -> None:
    body, path, offset = field
    text = "schema_version: 1\nname: mixed\n" + body.format(v=value)
    try:
        loaded = loads_scenario(text, "mix.yaml")
    except ScenarioError as exc:
        for problem in exc.problems:
            assert problem.file == "mix.yaml" and problem.line >= 1 and problem.column >= 1
            assert problem.path and problem.message
        if _never_a_number(value):
            assert any(p.path == path and p.line == 2 + offset for p in exc.problems), str(exc)
        return
    # Accepted: then the value was an ordinary, normal, bounded number, and the engine's own
    # config accepts it.
    from phoenix_gui.scenario import scenario_to_config

    config = scenario_to_config(loaded)
    assert not _never_a_number(value)
    whole = {"010": 10, "0o7": 7, "0x1F": 31}
    number = whole[value] if value in whole else float(value)
    assert number == 0 or abs(number) >= sys.float_info.min
    assert config is not None


@settings(max_examples=40, deadline=None)
@given(
    field=st.sampled_from(FLOAT_FIELDS),
    value=HOSTILE_NUMBERS,
    multiplier=st.one_of(st.none(), st.sampled_from(WORK_MULTIPLIERS)),
)
def test_mixed_hostile_scenarios_are_refused_with_places_or_run_bounded(
    field: tuple[str, str, int], value: str, multiplier: tuple[str, str] | None
) -> None:
    """A float field with a hostile number, plus perhaps a work multiplier: the loader either
    refuses with well-formed places (duplicate sections included) or the run takes a step."""
    from phoenix_gui.scenario import scenario_to_config

    text = "schema_version: 1\nname: mixed\n" + field[0].format(v=value)
    if multiplier is not None:
        text += multiplier[0]
    try:
        loaded = loads_scenario(text, "mix.yaml")
    except ScenarioError as exc:
        for problem in exc.problems:
            assert PLACE.match(str(problem)), str(problem)
        return
    assert multiplier is None  # every multiplier is over a bound
    sim = Simulation(scenario_to_config(loaded), keep_audit=False)
    sim.step()
    assert sim.step_index == 1
