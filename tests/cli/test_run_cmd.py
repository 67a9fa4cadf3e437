"""`phoenix-flight run`: summary, CSV, audit, flag errors, scenario overrides, Ctrl-C."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from phoenix_gui.cli import main
from phoenix_gui.engine.audit import verify_file

SMALL = ["--hosts", "6", "--tasks", "200", "--joins", "30", "--leaves", "20"]
KEYS = {
    "seed", "sim_hours", "steps", "joins", "leaves", "crashes", "migrations", "tasks_completed",
    "tasks_lost", "work_lost", "work_lost_graceful", "audit_records", "audit_head", "configured",
    "observed", "suppressed_leaves",
}  # fmt: skip


def test_json_summary_csv_and_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audit = tmp_path / "audit.jsonl"
    table = tmp_path / "steps.csv"
    code = main(["run", *SMALL, "--sim-hours", "10", "--json", "--csv", str(table),
                 "--audit", str(audit)])  # fmt: skip
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) >= KEYS
    assert summary["steps"] == 40 and summary["sim_hours"] == 10
    assert summary["tasks_lost"] == 0 and summary["work_lost_graceful"] == 0
    for part in ("configured", "observed"):
        assert set(summary[part]) == {"mcr", "wmcr", "si", "dhs", "status"}
    expected_mcr = (summary["joins"] + summary["leaves"]) / 10
    assert summary["observed"]["mcr"] == pytest.approx(expected_mcr, abs=1e-4)
    result = verify_file(audit, summary["audit_head"], summary["audit_records"])
    assert result.ok, result.message()
    rows = list(csv.DictReader(table.read_text().splitlines()))
    assert len(rows) == 40 and rows[-1]["time"] == "10.0"


def test_text_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", *SMALL, "--steps", "4"]) == 0
    out = capsys.readouterr().out
    assert "configured" in out and "observed" in out and "audit:" in out


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--trust", "1.5"], "--trust"),
        (["--hours", "0"], "--hours"),
        (["--hosts", "x"], "--hosts"),
        (["--seed", "-1"], "--seed"),
        (["--steps", "1.5"], "--steps"),
    ],
)
def test_bad_values_name_the_flag(
    args: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = [] if "--steps" in args else ["--steps", "1"]
    assert main(["run", *args, *extra]) == 2
    err = capsys.readouterr().err
    assert flag in err and "Traceback" not in err


def test_scenario_file_with_flag_override(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = pytest.importorskip("phoenix_gui.scenario")
    from phoenix_gui.engine.config import SimulationConfig

    path = tmp_path / "s.yaml"
    scenario.save_scenario(path, SimulationConfig(seed=77, paradigm="kubernetes"), name="lesson")
    assert main(["run", str(path), "--seed", "5", "--steps", "2", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["seed"] == 5 and summary["paradigm"] == "kubernetes"
    (tmp_path / "bad.yaml").write_text("schema_version: 1\nseed: [\n")
    assert main(["run", str(tmp_path / "bad.yaml"), "--steps", "1"]) == 2
    assert "bad.yaml" in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_at_a_step_boundary_and_writes_everything(tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    table = tmp_path / "steps.csv"
    cmd = [sys.executable, "-m", "phoenix_gui", "run", "--hosts", "50", "--tasks", "20000",
           "--steps", "1000000", "--json", "--csv", str(table), "--audit", str(audit)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while (not table.exists() or table.stat().st_size < 2000) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    summary = json.loads(out)
    assert summary["interrupted"] is True and 0 < summary["steps"] < 1_000_000
    assert verify_file(audit, summary["audit_head"], summary["audit_records"]).ok
    rows = list(csv.DictReader(table.read_text().splitlines()))
    assert len(rows) == summary["steps"]
    assert "interrupted" in err and "Traceback" not in err
    assert os.path.getsize(audit) > 0


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal, so the progress bar draws into it."""

    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_stderr_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["run", "--steps", "40", "--tasks", "200", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)  # stdout holds the JSON and nothing else
    assert summary["steps"] == 40
    assert "simulating" in terminal.getvalue()


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--steps", "40", "--tasks", "200", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert json.loads(captured.out)["steps"] == 40


SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize("lesson", sorted(p.stem for p in SCENARIOS.glob("*.yaml")))
def test_a_scenario_runs_to_its_end_without_a_length_flag(
    lesson: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from phoenix_gui.scenario import load_config

    config = load_config(SCENARIOS / f"{lesson}.yaml")
    assert main(["run", str(SCENARIOS / f"{lesson}.yaml"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    last = max((e.at for e in config.timeline), default=config.metrics.hours - 0.25)
    # Every scripted event (the last included) has fired by the end of the run.
    assert summary["sim_hours"] >= last + config.timing.step_hours - 1e-9
    assert summary["invariant_violations"] == [] and summary["tasks_lost"] == 0


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["run"], "--sim-hours or --steps"),
        (["run", "--steps", "1e12"], "--steps"),
        (["run", "--sim-hours", "1e12"], "--sim-hours"),
        (["run", "--sim-hours", "0"], "--sim-hours"),
    ],
)
def test_run_length_is_required_and_bounded(
    argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert flag in capsys.readouterr().err


# -- issue 18: defaults that make sense, the new paradigm and retirement mode -------------


def _summary(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["run", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_default_arrivals_keep_observed_metrics_defined(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "steps.csv"
    summary = _summary(["--sim-hours", "30", "--csv", str(table)], capsys)
    assert summary["tasks_submitted"] > 1000  # arrivals at the default 20 per hour
    last = list(csv.DictReader(table.read_text(encoding="utf-8").splitlines()))[-1]
    # 30 h: the t = 0 submissions left the 24 h window, the arrivals keep C and DHS defined.
    assert last["obs_compliance"] != "" and last["obs_dhs"] != "" and last["obs_status"] != ""
    assert "work_delayed" in last and "retries" in last
    none = _summary(["--sim-hours", "30", "--arrival-rate", "0"], capsys)
    assert none["tasks_submitted"] == 1000


def test_kubernetes_warns_when_pods_pend_and_defaults_fit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fits = _summary(["--paradigm", "kubernetes", "--sim-hours", "1"], capsys)
    assert fits["warnings"] == [] and fits["tasks_pending"] < 100
    argv = ["--paradigm", "kubernetes", "--hosts", "10", "--tasks", "3000", "--sim-hours", "1"]
    full = _summary(argv, capsys)
    assert full["tasks_pending"] > 1000
    assert any("are PENDING" in w for w in full["warnings"])
    assert main(["run", *argv]) == 0
    assert "  warning: " in capsys.readouterr().out


def test_trust_weighted_and_evict_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--paradigm", "trust-weighted", "--retirement", "evict", "--leaves", "40",
            "--crash-share", "0", "--sim-hours", "12", "--reliability", "0.9"]  # fmt: skip
    summary = _summary(argv, capsys)
    assert summary["paradigm"] == "trust-weighted" and summary["retirement"] == "evict"
    assert summary["retirements"] > 0 and summary["evicted"] > 0
    assert summary["work_lost_graceful"] == 0 and summary["invariant_violations"] == []
    for key in ("work_delayed", "work_lost_evicted", "tasks_pending", "events_ignored", "retries"):
        assert key in summary


def test_low_trust_run_differs_and_says_how(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--sim-hours", "24", "--joins", "0", "--leaves", "0", "--seed", "5"]
    low = _summary([*base, "--trust", "0.55"], capsys)
    high = _summary([*base, "--trust", "0.99"], capsys)
    assert low["audit_head"] != high["audit_head"]
    assert low["retries"] > 10 * high["retries"]
    assert low["work_done"] < high["work_done"]
    assert low["observed_inputs"]["trust"] == pytest.approx(0.55, abs=0.03)


def test_saturated_ring_is_named_by_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--hosts", "50", "--vnodes", "1000", "--tasks", "100", "--steps", "1"]) == 0
    assert "Ring saturated: 50 members × 1000 vnodes" in capsys.readouterr().out
