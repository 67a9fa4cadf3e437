"""ParamState: the one home of the run's parameters (STYLE.md rule 12, napari's EventedModel).

Every parameter a user can change — the slider values, the seed and the paradigm — lives here
and nowhere else; the sliders, the Metrics panel, the time series' configured line, the engine
(through the adapter) and the scenario document (what Save writes) are told when it changes.
It holds two sets of values:

* ``start`` — the scenario as it is now, at t = 0: what Save writes and what Reset starts
  from. A user's edit (slider, value box, seed, paradigm), undo / redo and opening a file
  change it.
* ``live`` — what the engine runs with at this moment: the start values, then whatever the
  scenario's timeline ``set`` events changed since t = 0. The window shows these.

The two differ only while a lesson's scripted ``set`` is in force; Reset makes them equal
again. Every user edit is one :class:`QUndoCommand` on :attr:`ParamState.undo_stack` (a drag
is merged into one), and is checked by the same parameter table (``phoenix_gui.params``) and
rate check the scenario files and the command line use, so every place accepts the same values.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from PySide6 import QtCore, QtGui

from phoenix_gui.engine import PARADIGMS, MetricInputs, SimulationConfig, rate_problem
from phoenix_gui.params import PARAMS, SEED_MAX, ParamError

# The scenario's parameters a user edits, by name (phoenix_gui.params) or run setting.
METRIC_FIELDS = ("joins", "leaves", "hours", "trust", "compliance", "w_join", "w_leave")
STATE_PARAMS = (*METRIC_FIELDS, "crash_share", "hosts", "vnodes", "tasks", "seed", "paradigm")
# These shape the whole run (its population, its random streams, its placement): a change
# starts the run again from t = 0.
RESTART_PARAMS = frozenset({"hosts", "vnodes", "tasks", "seed", "paradigm"})
# Edits of one parameter closer together than this are one undo step (a drag, typing "120").
MERGE_S = 1.0


def values_of(config: SimulationConfig) -> dict[str, Any]:
    """The state's values as ``config`` has them."""
    m = config.metrics
    out: dict[str, Any] = {name: getattr(m, name) for name in METRIC_FIELDS}
    out["crash_share"] = config.churn.crash_share
    out["hosts"] = config.members.generate
    out["vnodes"] = config.ring.vnodes
    out["tasks"] = config.workload.initial_tasks
    out["seed"] = config.seed
    out["paradigm"] = config.paradigm
    return out


def with_values(config: SimulationConfig, values: dict[str, Any]) -> SimulationConfig:
    """``config`` with the state's ``values`` in place."""
    metrics = dataclasses.replace(config.metrics, **{n: values[n] for n in METRIC_FIELDS})
    return dataclasses.replace(
        config,
        metrics=metrics,
        churn=dataclasses.replace(config.churn, crash_share=values["crash_share"]),
        members=dataclasses.replace(config.members, generate=int(values["hosts"])),
        ring=dataclasses.replace(config.ring, vnodes=int(values["vnodes"])),
        workload=dataclasses.replace(config.workload, initial_tasks=int(values["tasks"])),
        seed=int(values["seed"]),
        paradigm=values["paradigm"],
    )


class ParamState(QtCore.QObject):
    """The parameters of the open scenario: ``start`` (t = 0) and ``live`` (now)."""

    # name, live value, cause: "edit" | "undo" | "lesson" | "reset" | "load"
    changed = QtCore.Signal(str, object, str)
    # The start values changed (an edit or undo): the scenario document follows them.
    startChanged = QtCore.Signal(dict)  # noqa: N815

    def __init__(self, config: SimulationConfig, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._base = config
        self._start = values_of(config)
        self._live = dict(self._start)
        self._lesson_set: dict[str, float] = {}  # parameter → hour a timeline `set` changed it
        self.undo_stack = QtGui.QUndoStack(self)

    # ---- reading -----------------------------------------------------------------------
    def value(self, name: str) -> Any:
        """The live value of ``name`` (what the engine runs with now)."""
        return self._live[name]

    def values(self) -> dict[str, Any]:
        return dict(self._live)

    def start_values(self) -> dict[str, Any]:
        return dict(self._start)

    def start_config(self) -> SimulationConfig:
        """The scenario's configuration at t = 0, as it is now (what Reset starts)."""
        return with_values(self._base, self._start)

    def set_by_lesson(self, name: str) -> float | None:
        """The hour a timeline ``set`` last changed ``name`` in this run (None: it did not)."""
        return self._lesson_set.get(name)

    # ---- checking ----------------------------------------------------------------------
    def check(self, name: str, value: Any) -> Any:
        """``value`` coerced, or ParamError naming the parameter (the table the scenario
        schema and the command line use, and the engine's rate bound)."""
        if name == "paradigm":
            if value not in PARADIGMS:
                raise ParamError(name, f"must be one of {', '.join(PARADIGMS)}, got {value!r}")
            return value
        if name == "seed":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SEED_MAX:
                raise ParamError(name, f"must be a whole number in [0, {SEED_MAX}], got {value!r}")
            return value
        if name not in PARAMS or name not in self._start:
            raise ParamError(name, "not a parameter of the scenario")
        checked = PARAMS[name].validate(value)
        if name in ("joins", "leaves", "hours"):
            metrics = MetricInputs(**{n: self._live[n] for n in METRIC_FIELDS})
            problem = rate_problem(dataclasses.replace(metrics, **{name: checked}))
            if problem is not None:
                raise ParamError(name, problem.split(": ", 1)[-1])
        return checked

    # ---- changing ----------------------------------------------------------------------
    def edit(self, name: str, value: Any) -> bool:
        """A user changed ``name``: one undoable command (merged with the edit just before it
        when it is the same parameter moved again at once). False if nothing changed.

        ParamError (naming the parameter) when the table or the rate bound refuses it.
        """
        checked = self.check(name, value)
        if checked == self._start[name] and checked == self._live[name]:
            return False
        self.undo_stack.push(_EditCommand(self, name, self._start[name], checked))
        return True

    def _apply(self, name: str, value: Any, cause: str) -> None:
        self._start[name] = value
        self._live[name] = value
        self._lesson_set.pop(name, None)
        self.startChanged.emit(dict(self._start))
        self.changed.emit(name, value, cause)

    def engine_set(self, name: str, value: float, at: float) -> None:
        """The engine changed a live parameter (a lesson's timeline ``set``)."""
        if name not in self._live or self._live[name] == value:
            return  # our own edit coming back from the engine
        spec = PARAMS[name]
        self._live[name] = int(value) if spec.kind == "int" else float(value)
        self._lesson_set[name] = at
        self.changed.emit(name, self._live[name], "lesson")

    def reset(self) -> SimulationConfig:
        """Back to t = 0 of the scenario as it is now: live = start. Returns its config."""
        self._lesson_set.clear()
        for name, value in self._start.items():
            if self._live[name] != value:
                self._live[name] = value
                self.changed.emit(name, value, "reset")
        return self.start_config()

    def load(self, config: SimulationConfig) -> None:
        """A new scenario (a file was opened): its values, and no undo history."""
        self._base = config
        self._start = values_of(config)
        self._live = dict(self._start)
        self._lesson_set.clear()
        self.undo_stack.clear()
        for name, value in self._start.items():
            self.changed.emit(name, value, "load")


class _EditCommand(QtGui.QUndoCommand):
    """One user edit of one parameter; a drag of the same slider merges into one command."""

    def __init__(self, state: ParamState, name: str, old: Any, new: Any) -> None:
        spec = PARAMS.get(name)
        super().__init__(f"change {spec.label if spec else name.capitalize()}")
        self.state, self.name, self.old, self.new = state, name, old, new
        self.when = time.monotonic()

    def id(self) -> int:
        return STATE_PARAMS.index(self.name)

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:
        if not isinstance(other, _EditCommand) or other.name != self.name:
            return False
        if other.when - self.when > MERGE_S:
            return False
        self.new, self.when = other.new, other.when
        self.setObsolete(self.new == self.old)  # dragged back to where it started
        return True

    def redo(self) -> None:
        self.state._apply(self.name, self.new, "edit")

    def undo(self) -> None:
        self.state._apply(self.name, self.old, "undo")
