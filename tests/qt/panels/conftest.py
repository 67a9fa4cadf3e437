"""Small real Simulations for the panel tests, a helper that steps one into a panel, and one
that selects a table row as a click would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine.config import (
    ChurnConfig,
    MembersConfig,
    Paradigm,
    SimulationConfig,
    WorkloadConfig,
)
from phoenix_gui.engine.simulation import Simulation

SimFactory = Callable[..., Simulation]


@pytest.fixture
def make_sim() -> SimFactory:
    """``make_sim(hosts=5, tasks=50, paradigm="phoenix")``: churn off, so only we change it."""

    def build(hosts: int = 5, tasks: int = 50, paradigm: Paradigm = "phoenix", **kw) -> Simulation:
        cfg = SimulationConfig(
            seed=7,
            paradigm=paradigm,
            members=MembersConfig(generate=hosts, **kw.pop("members", {})),
            workload=WorkloadConfig(
                initial_tasks=tasks, **{"arrival_rate": 0.0, **kw.pop("workload", {})}
            ),
            churn=ChurnConfig(enabled=False),
            **kw,
        )
        return Simulation(cfg)

    return build


def step_into(sim: Simulation, *panels) -> None:
    """One engine step with its events delivered to each panel's ``on_event``, as the adapter
    does, then a ``refresh`` (the adapter's per-step signal)."""
    result = sim.step()
    for panel in panels:
        for event in result.events:
            panel.on_event(event)
        panel.refresh()


def select_row(view: QtWidgets.QTableView, row: int) -> None:
    """Select ``row`` (whole row, replacing the selection) through the view's selection model,
    as a click would."""
    flags = (
        QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QtCore.QItemSelectionModel.SelectionFlag.Rows
    )
    view.selectionModel().select(view.model().index(row, 0), flags)
