"""`phoenix-flight gui --self-test` runs without a display and reports one JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_self_test_runs_headless_and_reports() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # it must pick the offscreen platform by itself
    env["PYTHONPATH"] = ROOT
    proc = subprocess.run(
        [sys.executable, "-m", "phoenix_gui", "gui", "--self-test", "--steps", "40"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
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


def test_self_test_refuses_a_missing_scenario() -> None:
    env = dict(os.environ, PYTHONPATH=ROOT, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "phoenix_gui", "gui", "--self-test", "no/such/file.yaml"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr
