"""The model packages never pull in Qt (STYLE.md rule 1); the engine not YAML or pydantic either.

Each check imports the package and every submodule in a fresh interpreter, because in this
process pytest-qt has long since imported PySide6.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
QT = ("PySide6", "shiboken6", "pyqtgraph")
ENGINE_FORBIDDEN = (*QT, "yaml", "pydantic", "pydantic_core")

_PROBE = """
import importlib, json, pkgutil, sys
name, forbidden = sys.argv[1], set(sys.argv[2].split(","))
module = importlib.import_module(name)
imported = [name]
for info in pkgutil.walk_packages(getattr(module, "__path__", []), name + "."):
    importlib.import_module(info.name)
    imported.append(info.name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in forbidden)
print(json.dumps({"imported": imported, "loaded": loaded}))
"""


def probe(name: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("QT_API", None)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, name, ",".join(forbidden)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_engine_and_all_its_modules_load_without_qt_yaml_or_pydantic() -> None:
    result = probe("phoenix_gui.engine", ENGINE_FORBIDDEN)
    assert "phoenix_gui.engine.metrics" in result["imported"]
    assert "phoenix_gui.engine.audit" in result["imported"]
    assert result["loaded"] == []


def test_params_loads_without_qt_yaml_or_pydantic() -> None:
    assert probe("phoenix_gui.params", ENGINE_FORBIDDEN)["loaded"] == []


def test_scenario_loads_without_qt() -> None:
    scenario = REPO / "phoenix_gui" / "scenario"
    if not any(scenario.glob("*.py")):
        pytest.skip("phoenix_gui.scenario has no modules yet")
    result = probe("phoenix_gui.scenario", QT)
    assert len(result["imported"]) > 1
    assert result["loaded"] == []


def test_the_probe_does_see_a_forbidden_import() -> None:
    # Guard against a probe that can never fail: yaml imported on purpose must be reported.
    assert probe("yaml", ("yaml",))["loaded"][0] == "yaml"


def test_experiments_and_the_sweep_worker_load_without_qt() -> None:
    """Sweeps run on Dask workers and spawned processes that need no Qt at all."""
    result = probe("phoenix_gui.experiments", QT)
    assert "phoenix_gui.experiments.executors" in result["imported"]
    assert result["loaded"] == []
    assert probe("phoenix_gui.sweep_worker", (*QT, "numpy"))["loaded"] == []
