"""Simulation ▸ Experiment…: define a sweep of the open scenario, run it, read the chart.

Choose one or two parameters with their values (``1,10,100`` or ``START:STOP:STEP``, the same
text as ``sweep --vary``), replicates, steps per run, the metric and the worker processes.
Run starts a :class:`SweepJob` (background processes, progress bar, Cancel); rows appear on
the :class:`ExperimentFigure` as they arrive. Clicking a run emits :attr:`openRun` with the
exact configuration of that run (the sweep's base, its values, its seed), which the workbench
opens in the main window. Export writes the
table (CSV, atomically) or the chart (PNG). The scenario's ``experiment:`` section, when
present, fills the form in.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtWidgets

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.experiments.design import (
    VARIABLE_PARAMS,
    Design,
    ExperimentError,
    parse_vary,
)
from phoenix_gui.experiments.executors import default_workers
from phoenix_gui.experiments.runs import NUMERIC_METRICS, Job, job_config
from phoenix_gui.experiments.session import SweepSession
from phoenix_gui.experiments.table import write_atomic
from phoenix_gui.qt.document.export import ExportError, export_widget_png
from phoenix_gui.qt.experiments.figure import ExperimentFigure
from phoenix_gui.qt.experiments.sweep_job import SweepJob

NONE = "(none)"
DEFAULT_VALUES = {"vnodes": "1,10,100", "hosts": "5,10,20", "trust": "0.5:1:0.1"}


class ExperimentDialog(QtWidgets.QDialog):
    """The Experiment window (non-modal: the main window stays usable)."""

    openRun = QtCore.Signal(object)  # noqa: N815  (Qt signal naming) the clicked run's config

    def __init__(
        self,
        base: Callable[[], SimulationConfig],
        experiment: Any = None,
        parent: QtWidgets.QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Experiment")
        self.setObjectName("experimentDialog")
        self._base = base
        self.session: SweepSession | None = None
        self.job: SweepJob | None = None
        self.last_opened: Job | None = None
        self.ask_save_path: Callable[[str, str, str], str | None] = self._ask_save_path
        self._build()
        self.load_experiment(experiment)

    # ---- form ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.param1 = QtWidgets.QComboBox(self)
        self.param1.addItems(VARIABLE_PARAMS)
        self.values1 = QtWidgets.QLineEdit(self)
        self.param2 = QtWidgets.QComboBox(self)
        self.param2.addItems([NONE, *VARIABLE_PARAMS])
        self.values2 = QtWidgets.QLineEdit(self)
        for edit in (self.values1, self.values2):
            edit.setPlaceholderText("1,10,100  or  START:STOP:STEP")
        self.param2.currentTextChanged.connect(lambda text: self.values2.setEnabled(text != NONE))
        self.replicates = QtWidgets.QSpinBox(self)
        self.replicates.setRange(1, 10_000)
        self.steps = QtWidgets.QSpinBox(self)
        self.steps.setRange(1, 1_000_000)
        self.steps.setSuffix(" steps")
        self.metric_box = QtWidgets.QComboBox(self)
        self.metric_box.addItems(NUMERIC_METRICS)
        self.metric_box.currentTextChanged.connect(self._on_metric_changed)
        self.workers = QtWidgets.QSpinBox(self)
        self.workers.setRange(1, max(64, default_workers()))
        self.workers.setValue(default_workers())

        form = QtWidgets.QFormLayout()
        for label, a, b in (
            ("Parameter", self.param1, self.values1),
            ("Second parameter", self.param2, self.values2),
        ):
            row = QtWidgets.QHBoxLayout()
            row.addWidget(a)
            row.addWidget(b, 1)
            form.addRow(label, row)
        form.addRow("Replicates (seeds per cell)", self.replicates)
        form.addRow("Duration of a run", self.steps)
        form.addRow("Metric", self.metric_box)
        form.addRow("Worker processes", self.workers)

        self.run_button = QtWidgets.QPushButton("Run", self)
        self.run_button.setDefault(True)
        self.cancel_button = QtWidgets.QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.csv_button = QtWidgets.QPushButton("Export CSV…", self)
        self.png_button = QtWidgets.QPushButton("Export PNG…", self)
        for button in (self.csv_button, self.png_button):
            button.setEnabled(False)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.csv_button.clicked.connect(lambda: self._export("csv"))
        self.png_button.clicked.connect(lambda: self._export("png"))
        buttons = QtWidgets.QHBoxLayout()
        for button in (self.run_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.csv_button, self.png_button):
            buttons.addWidget(button)

        self.progress = QtWidgets.QProgressBar(self)
        self.progress.setFormat("%v of %m runs")
        self.progress.setValue(0)
        self.status = QtWidgets.QLabel("Choose what to vary and press Run.", self)
        self.status.setObjectName("experimentStatus")
        self.status.setWordWrap(True)
        self.figure = ExperimentFigure(self)
        self.figure.setMinimumHeight(320)
        self.figure.runClicked.connect(self._on_run_clicked)

        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.figure, 1)
        self.resize(900, 720)

    def load_experiment(self, experiment: Any) -> None:
        """Fill the form from a scenario's ``experiment:`` section (or sensible defaults)."""
        step_hours = self._base().timing.step_hours
        if experiment is None:
            self.param1.setCurrentText("vnodes")
            self.values1.setText(DEFAULT_VALUES["vnodes"])
            self.param2.setCurrentText(NONE)
            self.values2.setText("")
            self.replicates.setValue(5)
            self.steps.setValue(max(1, round(24 / step_hours)))
            self.metric_box.setCurrentText("obs_dhs")
        else:
            varies = list(experiment.vary)
            self.param1.setCurrentText(varies[0].param)
            self.values1.setText(_values_text(varies[0].values))
            second = varies[1] if len(varies) > 1 else None
            self.param2.setCurrentText(second.param if second else NONE)
            self.values2.setText(_values_text(second.values) if second else "")
            self.replicates.setValue(experiment.replicates)
            if experiment.steps is not None:
                self.steps.setValue(experiment.steps)
            else:
                self.steps.setValue(max(1, round(experiment.sim_hours / step_hours)))
            self.metric_box.setCurrentText(experiment.metric)
        self.values2.setEnabled(self.param2.currentText() != NONE)

    def design(self) -> Design:
        """The form as a sweep; ExperimentError naming the field otherwise."""
        varies = [parse_vary(f"{self.param1.currentText()}={self.values1.text()}", "Values")]
        if self.param2.currentText() != NONE:
            text = f"{self.param2.currentText()}={self.values2.text()}"
            varies.append(parse_vary(text, "Second values"))
        return Design(tuple(varies), self.replicates.value(), self.steps.value())

    # ---- running ---------------------------------------------------------------------------
    def run(self) -> bool:
        if self.job is not None and self.job.running:
            return False
        try:
            design = self.design()
        except ExperimentError as exc:
            self._say(str(exc), error=True)
            return False
        self.session = SweepSession(self._base(), design)
        self.figure.set_design(design, [self.metric_box.currentText()])
        self.progress.setRange(0, self.session.total)
        self.progress.setValue(0)
        self.job = SweepJob(self.session, self.workers.value(), self)
        self.job.rowsArrived.connect(self._on_rows)
        self.job.progress.connect(self._on_progress)
        self.job.finished.connect(self._on_finished)
        self.job.failed.connect(lambda text: self._say(f"Workers failed: {text}", error=True))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._say(f"Running {self.session.total} runs on {self.job.workers} worker processes…")
        self.job.start()
        return True

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self._say("Cancelling…")

    def _on_rows(self, rows: list[dict[str, str]]) -> None:
        self.figure.add_rows(rows)  # only the new ones: the figure keeps what it has
        self.csv_button.setEnabled(True)
        self.png_button.setEnabled(True)

    def _on_progress(self, done: int, total: int, failures: int, eta: float) -> None:
        self.progress.setValue(done)
        if self.job is not None and self.job.running:
            left = "" if eta < 0 else f", about {_duration(eta)} left"
            self._say(f"{done} of {total} runs, {failures} failed{left}")

    def _on_finished(self, cancelled: bool) -> None:
        assert self.session is not None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        done, total = len(self.session.rows), self.session.total
        what = "Cancelled" if cancelled else "Done"
        self._say(
            f"{what}: {done} of {total} runs, {self.session.failures} failed. "
            "Click a point (or a cell) to open that run."
        )

    def _on_metric_changed(self, metric: str) -> None:
        if self.session is not None:
            self.figure.set_design(self.session.design, [metric])
            self.figure.add_rows(sorted(self.session.rows.values(), key=_key))

    def _on_run_clicked(self, cell: int, replicate: int) -> None:
        if self.session is None:
            return
        job = self.session.jobs[cell * self.session.design.replicates + replicate]
        self.last_opened = job
        self.openRun.emit(job_config(job))

    # ---- export ----------------------------------------------------------------------------
    def export_csv(self, path: str | os.PathLike[str]) -> None:
        assert self.session is not None
        write_atomic(Path(path), self.session.text())

    def export_png(self, path: str | os.PathLike[str]) -> None:
        export_widget_png(self.figure, path)

    def _export(self, kind: str) -> None:
        if self.session is None:
            return
        name = "CSV table (*.csv)" if kind == "csv" else "PNG image (*.png)"
        path = self.ask_save_path(f"Export {kind.upper()}", f"experiment.{kind}", name)
        if not path:
            return
        try:
            (self.export_csv if kind == "csv" else self.export_png)(path)
        except (OSError, ExportError) as exc:
            self._say(f"Could not export {path}: {exc}", error=True)
            return
        self._say(f"Exported {path}")

    def _ask_save_path(self, title: str, suggested: str, file_filter: str) -> str | None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return path or None

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    def closeEvent(self, event: Any) -> None:
        self.cancel()
        if self.job is not None:
            self.job.wait(10.0)
        super().closeEvent(event)


def _key(row: dict[str, str]) -> tuple[int, int]:
    return int(row["cell"]), int(row["replicate"])


def _values_text(values: Any) -> str:
    return ",".join(
        str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values
    )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"
