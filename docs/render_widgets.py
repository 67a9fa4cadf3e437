"""Render the controls, metrics and time-series widgets to PNG at typical dock sizes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/render_widgets.py [OUT_DIR] [--dark]

Writes controls.png (380×700), metrics.png (380×700) and timeseries.png (800×300) into OUT_DIR
(default: build/widgets) so a person can look for clipping, overlaps and unreadable text.
``--dark`` renders with the Fusion style and the app's dark theme (files named *_dark.png), to
check that nothing assumes a light background.
The data is a made-up but plausible run; the PNGs are not committed.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtWidgets

from phoenix_gui.engine import BalanceStats, MetricInputs, Metrics, balance, compute
from phoenix_gui.qt.panels.controls import ControlsPanel
from phoenix_gui.qt.panels.metrics_panel import MetricsPanel
from phoenix_gui.qt.panels.timeseries import TimeSeriesPanel
from phoenix_gui.qt.shell.presentation import apply_theme


@dataclass
class DemoSnapshot:
    """The attributes the panels read from the engine's Snapshot."""

    configured: Metrics
    observed: Metrics | None
    balance: BalanceStats
    last_change: dict[str, object] | None
    stranded: int
    work_lost: float
    throughput: float
    migrations_per_hour: float
    time: float
    step: int


def demo_snapshot(step: int) -> DemoSnapshot:
    """A deterministic, wavy run: observed churn drifts around the configured rate."""
    t = step * 0.25
    configured = compute(MetricInputs(12, 8, 24, 0.95, 0.98))
    wave = math.sin(t / 7.0)
    observed = None
    if t >= 2:
        observed = compute(MetricInputs(12 + 6 * wave, 8 + 3 * wave, 24, 0.93 + 0.03 * wave, 0.97))
    loads = [100 + int(15 * math.sin(i + t / 5.0)) for i in range(10)]
    change = {"kind": "join", "member": "host-11", "moved": 83, "active": 1000,
              "ratio": 0.083, "ideal": 1 / 11}  # fmt: skip
    return DemoSnapshot(
        configured=configured,
        observed=observed,
        balance=balance(loads),
        last_change=change if t > 5 else None,
        stranded=3 if 40 < t < 42 else 0,
        work_lost=0.25 * (t // 10),
        throughput=20 + 4 * wave,
        migrations_per_hour=12 + 10 * max(0.0, wave),
        time=t,
        step=step,
    )


def grab(widget: QtWidgets.QWidget, width: int, height: int, path: Path) -> None:
    widget.resize(width, height)
    widget.show()
    QtWidgets.QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not save {path}")
    print(path)


def start(argv: list[str], default_out: str) -> tuple[QtWidgets.QApplication, Path, str]:
    """The application, output folder and file-name suffix of ``[OUT_DIR] [--dark]``.

    ``--dark`` switches to the Fusion style and the app's own dark theme (View ▸ Theme ▸ Dark)
    and names the files *_dark.png. Shared with render_panels.py.
    """
    dark = "--dark" in argv
    args = [a for a in argv[1:] if a != "--dark"]
    out = Path(args[0] if args else default_out)
    out.mkdir(parents=True, exist_ok=True)
    existing = QtWidgets.QApplication.instance()
    app = existing if isinstance(existing, QtWidgets.QApplication) else QtWidgets.QApplication(argv)
    if not dark:
        return app, out, ""
    app.setStyle("Fusion")
    apply_theme("dark", app)
    return app, out, "_dark"


def main(argv: list[str]) -> int:
    app, out, suffix = start(argv, "build/widgets")
    controls = ControlsPanel()
    metrics = MetricsPanel()
    controls.valuesPreview.connect(metrics.show_values)
    controls.set_values({"joins": 12, "leaves": 8, "hours": 24, "trust": 0.95})
    grab(controls, 380, 700, out / f"controls{suffix}.png")

    series = TimeSeriesPanel()
    series.resize(800, 300)
    series.show()
    for step in range(400):
        snapshot = demo_snapshot(step)
        series.append(snapshot)
    metrics.update_snapshot(snapshot)
    grab(metrics, 380, 700, out / f"metrics{suffix}.png")
    series.refresh()
    grab(series, 800, 300, out / f"timeseries{suffix}.png")
    for widget in (controls, metrics, series):
        widget.close()
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
