"""Render the workbench panels to PNG at a typical dock size, from small real simulations.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/render_panels.py [OUT_DIR] [--dark]

Writes members.png, capabilities.png, workload.png, decisions_ring.png,
decisions_scored.png, recorder.png and algorithms.png (500×400 each) into OUT_DIR (default:
build/panels) so a person can look for clipping, overlaps and unreadable text. The PNGs are
not committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine import (
    ChurnConfig,
    MembersConfig,
    MemberSpec,
    Paradigm,
    Simulation,
    SimulationConfig,
    WorkloadConfig,
)
from phoenix_gui.qt.panels import (
    AlgorithmsPanel,
    CapabilitiesPanel,
    DecisionsPanel,
    FlightRecorderPanel,
    MembersPanel,
    WorkloadPanel,
)

SIZE = (500, 400)
AGENTS = (
    MemberSpec(id="agent-summary", kind="agent", capabilities=("summarise", "translate")),
    MemberSpec(id="agent-gpu", kind="agent", capabilities=("gpu", "summarise")),
    MemberSpec(id="agent-long", kind="agent", capabilities=("summary-long",)),
)


def build(
    paradigm: Paradigm, hosts: int, tasks: int, listed: tuple[MemberSpec, ...] = ()
) -> Simulation:
    return Simulation(
        SimulationConfig(
            seed=11,
            paradigm=paradigm,
            members=MembersConfig(generate=hosts, listed=listed),
            workload=WorkloadConfig(initial_tasks=tasks),
            churn=ChurnConfig(enabled=False),
        )
    )


def run(sim: Simulation, steps: int, *panels: object) -> None:
    """Step ``sim`` and deliver its events the way the main window's adapter does."""
    for _ in range(steps):
        result = sim.step()
        for panel in panels:
            for event in result.events:
                panel.on_event(event)  # type: ignore[attr-defined]
            panel.refresh()  # type: ignore[attr-defined]


def grab(widget: QtWidgets.QWidget, path: Path) -> None:
    widget.resize(*SIZE)
    widget.show()
    for _ in range(3):  # let coalesced refreshes and layouts settle
        QtWidgets.QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not save {path}")
    print(path)


def select_row(view: QtWidgets.QTableView, row: int) -> None:
    flags = (
        QtCore.QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QtCore.QItemSelectionModel.SelectionFlag.Rows
    )
    view.selectionModel().select(view.model().index(row, 0), flags)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(Path(__file__).parent))
    from render_widgets import start  # the widgets' render script owns OUT_DIR and --dark

    _app, out, suffix = start(argv, "build/panels")

    ring = build("phoenix", 12, 400, AGENTS)
    members, workload, decisions = MembersPanel(), WorkloadPanel(), DecisionsPanel()
    recorder, algorithms = FlightRecorderPanel(), AlgorithmsPanel()
    panels = (members, workload, decisions, recorder, algorithms)
    for panel in panels:
        panel.set_simulation(ring)
    workload.taskSelected.connect(decisions.set_task)
    members.form.id_edit.setText("agent-untrusted")
    members.form.kind_combo.setCurrentText("agent")
    members.form.trust_box.setValue(0.3)
    members.form.register_button.click()
    ring.request_retire("host-3")
    ring.request_crash("host-7")
    run(ring, 1, *panels)
    moved = next(i for i in range(len(ring.tasks)) if len(ring.packet(i).lineage) > 1)
    select_row(workload.view, moved)
    members.select_member("host-3")
    grab(members, out / f"members{suffix}.png")
    grab(workload, out / f"workload{suffix}.png")
    grab(decisions, out / f"decisions_ring{suffix}.png")
    grab(recorder, out / f"recorder{suffix}.png")
    recorder.verify()
    grab(recorder, out / f"recorder_verified{suffix}.png")
    grab(algorithms, out / f"algorithms{suffix}.png")

    agentic = build("agentic", 0, 30, AGENTS)
    capabilities = CapabilitiesPanel()
    capabilities.set_simulation(agentic)
    capabilities.search_edit.setText("sum")
    grab(capabilities, out / f"capabilities{suffix}.png")

    scored = build("kubernetes", 8, 60)
    decisions.set_simulation(scored)
    decisions.set_task(59)
    grab(decisions, out / f"decisions_scored{suffix}.png")

    for widget in (*panels, capabilities):
        widget.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
