"""`phoenix-flight metrics`: flags from the parameter specs, formulas, JSON, refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from phoenix_gui.cli import main
from phoenix_gui.cli.metrics_cmd import FLAG_PARAMS
from phoenix_gui.engine.metrics import MetricInputs, compute
from phoenix_gui.params import PARAMS

REPO = Path(__file__).resolve().parents[2]
ACCEPTANCE = ["--joins", "12", "--leaves", "8", "--hours", "24", "--trust", "0.95"]
ACCEPTANCE += ["--compliance", "0.98"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["metrics", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_acceptance_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run([*ACCEPTANCE, "--json"], capsys)
    assert (code, err) == (0, "")
    assert out.count("\n") == 1  # exactly one object
    assert json.loads(out) == {
        "mcr": 0.8333,
        "wmcr": 0.5833,
        "si": 0.5455,
        "dhs": 82.5,
        "status": "Healthy",
    }


def test_text_shows_formulas_with_numbers_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(ACCEPTANCE, capsys)
    assert code == 0
    assert "MCR  = (J + L) / Δt = (12 + 8) / 24 = 0.8333 events/h" in out
    assert "(0.5·12 + 1·8) / 24 = 0.5833" in out
    assert "SI   = 1 / (1 + MCR) = 1 / (1 + 0.8333) = 0.5455" in out
    assert "= 82.5 % Healthy" in out
    assert out.rstrip().splitlines()[-1].startswith("Status: Healthy")


def test_defaults_come_from_the_specs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--json"], capsys)
    expected = compute(MetricInputs(**{n: PARAMS[n].default for n in FLAG_PARAMS}))
    assert code == 0 and json.loads(out) == expected.as_dict()


def test_weights_are_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*ACCEPTANCE, "--w-join", "2", "--w-leave", "0", "--json"], capsys)
    assert code == 0
    assert json.loads(out)["wmcr"] == round(2 * 12 / 24, 4)


def test_degraded_and_critical_status(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--joins", "0", "--leaves", "0", "--trust", "0.8", "--compliance", "0", "--json"]
    assert json.loads(run(args, capsys)[1])["status"] == "Degraded"  # DHS exactly 60
    args[5] = "0.7997"
    assert json.loads(run(args, capsys)[1])["status"] == "Critical"


def test_help_lists_every_flag_from_the_specs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["metrics", "--help"])
    out = capsys.readouterr().out
    for name in FLAG_PARAMS:
        assert PARAMS[name].flag in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--hours", "0"], "--hours: must be in [0.01, 10000], got 0"),
        (["--hours", "-1"], "--hours: must be in [0.01, 10000], got -1"),
        (["--joins", "abc"], "--joins: must be a number, got 'abc'"),
        (["--joins", "1.5"], "--joins: must be a whole number, got 1.5"),
        (["--leaves", "-2"], "--leaves: must be in [0, 100000], got -2"),
        (["--trust", "nan"], "--trust: must be a finite number, got nan"),
        (["--compliance", "inf"], "--compliance: must be a finite number, got inf"),
        (["--compliance", "1.5"], "--compliance: must be in [0, 1], got 1.5"),
        (["--w-join", "-0.5"], "--w-join: must be in [0, 10], got -0.5"),
        (["--w-leave", ""], "--w-leave: must be a number, got ''"),
    ],
)
def test_bad_input_names_the_option(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run([*ACCEPTANCE, *argv, "--json"], capsys)
    assert (code, out) == (2, "")
    assert err == f"phoenix-flight metrics: error: {message}\n"


@pytest.mark.parametrize("name", FLAG_PARAMS)
@pytest.mark.parametrize("bad", ["x", "NaN", "-inf", "1e400"])
def test_every_option_refuses_non_numbers(
    name: str, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    flag = PARAMS[name].flag
    code, _, err = run([f"{flag}={bad}"], capsys)
    assert code == 2
    assert err.startswith(f"phoenix-flight metrics: error: {flag}: ")
    assert "Traceback" not in err


def test_missing_value_is_an_argparse_error_naming_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["metrics", "--hours"])
    assert info.value.code == 2
    assert "--hours" in capsys.readouterr().err


def _subprocess(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "phoenix_gui", "metrics", *args],
        capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env, timeout=60,
        check=False,
    )  # fmt: skip


def test_acceptance_command_in_a_subprocess() -> None:
    done = _subprocess([*ACCEPTANCE, "--json"])
    assert (done.returncode, done.stderr) == (0, "")
    result = json.loads(done.stdout)
    assert result == {"mcr": 0.8333, "wmcr": 0.5833, "si": 0.5455, "dhs": 82.5, "status": "Healthy"}
    bad = _subprocess(["--hours", "0"])
    assert bad.returncode == 2
    assert bad.stderr == "phoenix-flight metrics: error: --hours: must be in [0.01, 10000], got 0\n"
