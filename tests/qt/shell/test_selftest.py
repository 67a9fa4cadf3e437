"""`phoenix-flight gui --self-test` runs without a display and reports one JSON line."""

from __future__ import annotations

import json

from tests.qt.child_process import bare_env, run_python


def test_self_test_runs_headless_and_reports() -> None:
    # No display and no platform chosen: it must pick the offscreen platform by itself.
    proc = run_python("-m", "phoenix_gui", "gui", "--self-test", "--steps", "40", env=bare_env())
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["steps"] == 40
    assert result["frames"] >= 40
    assert result["ok"] is True
    assert len(result["audit_head"]) == 64 and result["audit_head"] != "0" * 64
    assert 0 < result["median_frame_ms"] <= result["p95_frame_ms"]
    assert result["startup_ms"] > 0
    assert result["scenario_roundtrip"] in (True, None)
    # Simulation ▸ Experiment… ran its 4 runs in worker processes; the GUI thread's own work per
    # event pass stayed small (wall-clock stalls depend on how busy the machine is).
    assert result["experiment_runs"] == 4
    assert 0 < result["experiment_max_pass_cpu_ms"] <= result["experiment_max_stall_ms"]
    assert result["experiment_max_pass_cpu_ms"] < 100


def test_self_test_refuses_a_missing_scenario() -> None:
    proc = run_python("-m", "phoenix_gui", "gui", "--self-test", "no/such/file.yaml", timeout=60)
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr
