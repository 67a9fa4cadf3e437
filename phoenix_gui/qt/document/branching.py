"""BranchRun: run B of a comparison — its own engine run, parameters, undo and history of edits.

"Branch here" copies the run on screen at that moment (a checkpoint restored: the same state,
the same audit chain) and lets it go on beside the original, run A. B owns everything a run is
changed through, apart from A's: an adapter of its own (the views on the right subscribe to
it), a :class:`ParamState` with its own undo stack (Undo in B never touches A), and the record
of what the user did to it — parameter edits, retire, crash, join — at the step boundary where
each took effect. That record is what Save writes into the scenario as a variant
(:meth:`BranchRun.variant_data`): the parameters set at the branch point as the variant's
overrides (the engine's ``branch`` applies them there, as the user's requests were), later
edits as timeline events at their hour, so reopening the file runs B again.

A comparison opened from a scenario (``compare: {variant: NAME}``) is also a BranchRun: B
starts as the variant's own run when the variant branches at hour 0, or as a copy of A when it
branches later — identical to A step for step until that hour, where the variant's changes are
applied to it (``pending``), exactly as ``Simulation.branch`` at that hour of A would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6 import QtCore

from phoenix_gui.engine import CHANGEABLE, Simulation, SimulationConfig
from phoenix_gui.params import ParamError
from phoenix_gui.qt.adapter import LIVE_PARAMS, SimulationAdapter
from phoenix_gui.qt.document.param_state import METRIC_FIELDS, ParamState


@dataclass(frozen=True)
class BranchEdit:
    """One thing the user did to run B, at the step boundary where it took effect."""

    step: int
    kind: str  # "set", "retire", "crash" or "join"
    name: str = ""  # the parameter, or the member retired / crashed
    value: float = 0.0  # a parameter's new value


class BranchRun(QtCore.QObject):
    """Run B: ``adapter`` (its engine run), ``state`` (its parameters) and ``edits``."""

    edited = QtCore.Signal()  # the user changed B (a parameter, an action)
    applied = QtCore.Signal(str)  # a pending variant took effect ("" or why it could not)

    def __init__(
        self,
        sim: Simulation,
        *,
        origin: str | None = None,
        pending: tuple[int, SimulationConfig] | None = None,
        adapter: SimulationAdapter | None = None,
        parent: QtCore.QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.origin = origin  # the scenario variant B was opened from (None: "Branch here")
        self.pending = pending  # (step, config): a variant to apply when B reaches that step
        self.branch_step = pending[0] if pending is not None else sim.step_index
        self.edits: list[BranchEdit] = []
        self._saved_upto = 0  # edits already in the variant ``origin`` names
        # ``adapter``: one kept from an earlier B (its views are built already) takes this run.
        if adapter is None:
            adapter = SimulationAdapter(parent=self, sim=sim)
        else:
            adapter.adopt(sim)
        self.adapter = adapter
        self.state = ParamState(sim.config, parent=self)
        self.start_values = self.state.values()  # B's parameters at the branch point
        self.state.changed.connect(self._on_state_changed)
        self.adapter.eventsEmitted.connect(self._on_engine_events)
        self.adapter.stepped.connect(self._apply_pending)
        self._apply_pending()

    def detach(self) -> None:
        """B is closed: its adapter stops and no longer reports to this run."""
        self.adapter.shutdown()
        self.adapter.eventsEmitted.disconnect(self._on_engine_events)
        self.adapter.stepped.disconnect(self._apply_pending)

    @property
    def sim(self) -> Simulation:
        return self.adapter.sim

    @property
    def branch_hour(self) -> float:
        return self.branch_step * self.sim.config.timing.step_hours

    # ---- what the user does to B ---------------------------------------------------------
    def edit(self, name: str, value: Any) -> bool:
        """A slider of B moved: one undoable edit on B's own stack (ParamError if refused)."""
        if name not in LIVE_PARAMS:
            raise ParamError(
                name, "cannot change in run B: it shaped the run from its start (B shares it)"
            )
        return self.state.edit(name, value)

    def request_retire(self, member_id: str) -> None:
        self.adapter.request_retire(member_id)
        self._record("retire", member_id)

    def request_crash(self, member_id: str) -> None:
        self.adapter.request_crash(member_id)
        self._record("crash", member_id)

    def request_join(self) -> None:
        self.adapter.request_join()
        self._record("join")

    def _boundary(self) -> int:
        """The step boundary a request made now takes effect at."""
        return self.sim.step_index + (1 if self.adapter.mid_step else 0)

    def _record(self, kind: str, name: str = "", value: float = 0.0) -> None:
        self.edits.append(BranchEdit(self._boundary(), kind, name, value))
        self.edited.emit()

    def _on_state_changed(self, name: str, value: object, cause: str) -> None:
        if cause not in ("edit", "undo") or name not in LIVE_PARAMS:
            return
        self.adapter.set_param(name, float(value))  # type: ignore[arg-type]
        self._record("set", name, float(value))  # type: ignore[arg-type]

    def _on_engine_events(self, events: list[Any]) -> None:
        for event in events:
            if event.kind == "param_changed":  # a scripted `set` in B's timeline
                name, new = str(event.details["name"]), event.details["new"]
                self.state.engine_set(name, new, event.time)

    # ---- a variant that branches later ---------------------------------------------------
    def _apply_pending(self, *_: object) -> None:
        if self.pending is None or self.sim.step_index < self.pending[0]:
            return
        _step, config = self.pending
        self.pending = None
        try:
            twin = self.sim.branch(config)
        except ValueError as error:
            self.applied.emit(str(error))
            return
        self.adapter.adopt(twin)
        self.state.load(twin.config)
        self.start_values = self.state.values()
        self.applied.emit("")

    # ---- saving --------------------------------------------------------------------------
    def variant_data(
        self, base_start: dict[str, Any], base_timeline: list[dict[str, Any]], origin: Any = None
    ) -> dict[str, Any]:
        """The ``variants:`` entry that runs B again: ``base_start`` are the scenario's start
        values (A's), ``base_timeline`` its timeline as data, ``origin`` the plain data of the
        variant B was opened from (None for "Branch here")."""
        dt = self.sim.config.timing.step_hours
        if origin is not None:
            later = self.edits[self._saved_upto :]
            data = dict(origin)
        else:
            later = list(self.edits)
            data = {"branch_at": _hour(self.branch_step, dt)}
            values = dict(self.start_values)
            for edit in [e for e in later if e.kind == "set" and e.step <= self.branch_step]:
                later.remove(edit)  # set at the branch point: the variant's own values
                values[edit.name] = edit.value
            metrics = {n: values[n] for n in METRIC_FIELDS if values[n] != base_start[n]}
            if metrics:
                data["metrics"] = metrics
            if "crash_share" in CHANGEABLE and values["crash_share"] != base_start["crash_share"]:
                data["churn"] = {"crash_share": values["crash_share"]}
        if later:
            own = data.get("timeline")
            timeline = list(own if own is not None else base_timeline)
            timeline += [_event(edit, dt) for edit in later]
            data["timeline"] = timeline
        return data

    def saved_as(self, name: str) -> None:
        """B was saved as variant ``name``: later saves add only what came after."""
        self.origin = name
        self._saved_upto = len(self.edits)


def save_into(document: Any, run: BranchRun, base_start: dict[str, Any]) -> str:
    """Write ``run`` into ``document`` (a ScenarioDocument) as a variant that ``compare``
    names: the variant B came from, updated, or a new ``branch``. Returns the variant's name;
    ScenarioError (the document unchanged) if the result does not validate."""
    data = document.scenario.model_dump(mode="json")
    origin = data["variants"].get(run.origin) if run.origin is not None else None
    entry = run.variant_data(base_start, data["timeline"], origin)
    name = run.origin or _free_name(data["variants"], "branch")
    variants = dict(data["variants"])
    variants[name] = entry
    document.update({"variants": variants, "compare": {"variant": name}})
    run.saved_as(name)  # saved again later, this variant gets only what came after
    return name


def _free_name(taken: dict[str, Any], stem: str) -> str:
    name, n = stem, 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}"
    return name


def _hour(step: int, dt: float) -> float:
    hour = step * dt
    return float(round(hour, 9)) if math.isfinite(hour) else hour


def _event(edit: BranchEdit, dt: float) -> dict[str, Any]:
    at = _hour(edit.step, dt)
    if edit.kind == "set":
        return {"at": at, "kind": "set", "values": {edit.name: edit.value}}
    if edit.kind == "join":
        return {"at": at, "kind": "join"}
    return {"at": at, "kind": edit.kind, "target": edit.name}
