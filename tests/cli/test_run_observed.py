"""`phoenix-flight run` on an empty cluster: undefined observed values are null, empty or n/a."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from phoenix_gui.cli import main

EMPTY = [
    "run",
    "--hosts",
    "0",
    "--joins",
    "0",
    "--leaves",
    "0",
    "--arrival-rate",
    "0",
    "--steps",
    "100",
]


def test_json_and_csv_of_an_empty_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "steps.csv"
    assert main([*EMPTY, "--json", "--csv", str(table)]) == 0
    text = capsys.readouterr().out
    assert "NaN" not in text
    summary = json.loads(text)
    json.dumps(summary, allow_nan=False)
    assert summary["members"] == 0 and summary["tasks_completed"] == 0
    assert summary["observed"]["dhs"] is None and summary["observed"]["status"] is None
    assert summary["observed_inputs"]["trust"] is None  # no work was ever done
    # The configured side stays a number: only observations can be missing.
    assert isinstance(summary["configured"]["dhs"], float)
    rows = list(csv.DictReader(table.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 100
    last = rows[-1]  # 25 h: the submissions at t = 0 have left the 24 h window
    for column in ("obs_trust", "obs_compliance", "obs_dhs", "obs_status"):
        assert last[column] == "", column
    assert last["obs_mcr"] == "0.0" and last["cfg_status"] == "Healthy"
    assert "nan" not in table.read_text(encoding="utf-8").lower()


def test_without_tasks_compliance_is_undefined_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*EMPTY, "--tasks", "0", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["observed_inputs"] == {"hours": 25.0, "trust": None, "compliance": None}


def test_text_summary_says_n_a(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(EMPTY) == 0
    lines = capsys.readouterr().out.splitlines()
    observed = next(line for line in lines if line.strip().startswith("observed "))
    assert observed.endswith("DHS n/a")
    inputs = next(line for line in lines if "observed inputs" in line)
    assert "T n/a" in inputs and "C 0.9780" in inputs
    assert all("nan" not in line.lower() for line in lines)


def test_zero_steps_has_no_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--steps", "0", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["observed"] == dict.fromkeys(("mcr", "wmcr", "si", "dhs", "status"))
    assert summary["observed_inputs"]["hours"] == 0.0
