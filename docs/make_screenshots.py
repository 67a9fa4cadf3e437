"""Render the README screenshots: the whole workbench, offscreen, mid-run, at two screen sizes.

    .venv/bin/python docs/make_screenshots.py [OUT_DIR]

Writes ``screenshot-1280x800.png``, ``screenshot-1280x800-presentation.png``,
``screenshot-1920x1080.png`` and ``screenshot-1920x1080-presentation.png`` (default OUT_DIR:
this folder). Each size runs in its own process on an offscreen screen of exactly that size
(Qt's ``offscreen:configfile=``), so presentation mode's full screen is that size too.

At 1280×800 it also writes one picture per paradigm's view mid-migration (issue 14):
``view-ring-1280x800.png`` (a host drains on the token ring), ``view-kubernetes-1280x800.png``
(node-a of the Kubernetes lesson is drained) and ``view-agents-1280x800.png`` (agent sessions
hand off, the refused agent in its lane).

Deterministic: the default lesson with its seed and a synthetic animation clock. The run is
stepped past the lesson's first captions (Next pressed at the first, as a teacher would),
the busiest member crashes, and the frame is taken a quarter of a second after the packets of
the first migrations took off, with the current caption over the ring. Settings and autosaves
go to a temporary folder: the user's own are never read or changed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SIZES = ((1280, 800), (1920, 1080))
HERE = Path(__file__).resolve().parent
STEPS_BEFORE_CRASH = 50


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    out.mkdir(parents=True, exist_ok=True)
    if os.environ.get("PHOENIX_SCREENSHOT_SIZE"):
        width, height = (int(v) for v in os.environ["PHOENIX_SCREENSHOT_SIZE"].split("x"))
        return render(width, height, out)
    status = 0
    with tempfile.TemporaryDirectory(prefix="phoenix-screens-") as tmp:
        for width, height in SIZES:
            config = Path(tmp) / f"screen-{width}x{height}.json"
            config.write_text(json.dumps(_screen(width, height)), encoding="utf-8")
            env = dict(
                os.environ,
                QT_QPA_PLATFORM=f"offscreen:configfile={config}",
                PHOENIX_SCREENSHOT_SIZE=f"{width}x{height}",
            )
            root = str(HERE.parent)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
            done = subprocess.run([sys.executable, __file__, str(out)], env=env, check=False)
            status = status or done.returncode
    return status


def _screen(width: int, height: int) -> dict[str, Any]:
    """One offscreen screen of the given size at 96 dpi, scale 1."""
    return {
        "screens": [
            {
                "name": f"screen-{width}x{height}",
                "x": 0,
                "y": 0,
                "width": width,
                "height": height,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ]
    }


def render(width: int, height: int, out: Path) -> int:
    from phoenix_gui.qt.shell.app import create_app

    app = create_app()
    from PySide6 import QtCore, QtGui

    from phoenix_gui.qt.document.settings import Settings
    from phoenix_gui.qt.shell.workbench import open_workbench

    with tempfile.TemporaryDirectory(prefix="phoenix-screens-") as tmp:
        window = open_workbench(
            None,
            settings=Settings.from_file(Path(tmp) / "settings.ini"),
            autosave_folder=Path(tmp) / "autosave",
        )
        bench = window.workbench
        assert bench is not None
        window.setWindowState(QtCore.Qt.WindowState.WindowNoState)
        window.setGeometry(0, 0, width, height)
        bench.apply_default_layout()
        window.show()
        app.processEvents()
        _run_to_migration(window, app)
        ok = True
        for mode in ("", "-presentation"):
            if mode:
                bench.presentation.set_active(window, True)
                bench.overlay.reposition()
            _settle(app)
            image = window.grab().toImage()
            path = out / f"screenshot-{width}x{height}{mode}.png"
            # Screenshots are flat UI colours: an indexed image keeps them sharp and small.
            small = image.convertToFormat(
                QtGui.QImage.Format.Format_Indexed8, QtCore.Qt.ImageConversionFlag.ThresholdDither
            )
            saved = small.save(str(path), "PNG", 9)  # type: ignore[call-overload]
            print(
                f"{path}  {image.width()}x{image.height()}  {path.stat().st_size // 1024} KB"
                f"  packets in flight {window.ring_view.packets_in_flight}"
                f"  caption {bench.overlay.isVisible()}"
            )
            ok = ok and saved and image.size() == QtCore.QSize(width, height)
        bench.presentation.set_active(window, False)
        bench.document.confirm_discard = lambda _doc: "discard"
        window.views.stop_animation()
        window.close()
        if (width, height) == (1280, 800):
            ok = render_views(width, height, out, Path(tmp)) and ok
    return 0 if ok else 1


# lesson, how to get to the migration, seconds of flight shown
VIEW_SHOTS = (
    ("ring", "classroom-basics", 0.8),
    ("kubernetes", "kubernetes-drain", 0.7),
    ("agents", "agentic-handoff", 0.6),
)


def render_views(width: int, height: int, out: Path, tmp: Path) -> bool:
    """Each paradigm's view in the workbench, mid-migration (captions read and put away)."""
    from PySide6 import QtCore, QtWidgets

    from phoenix_gui.qt.document.settings import Settings
    from phoenix_gui.qt.shell.workbench import open_workbench
    from phoenix_gui.resources import resource_path

    app = QtWidgets.QApplication.instance()
    ok = True
    for name, lesson, flown in VIEW_SHOTS:
        window = open_workbench(
            resource_path(f"scenarios/{lesson}.yaml"),
            settings=Settings.from_file(tmp / f"settings-{name}.ini"),
            autosave_folder=tmp / "autosave",
        )
        bench = window.workbench
        assert bench is not None
        window.setWindowState(QtCore.Qt.WindowState.WindowNoState)
        window.setGeometry(0, 0, width, height)
        bench.apply_default_layout()
        window.show()
        app.processEvents()
        clock = [1000.0]
        view = window.views.view_for(window.adapter.paradigm)
        view._clock = lambda c=clock: c[0]  # type: ignore[attr-defined, misc]  # same frame each run
        _to_migration(window, app, name, clock)
        clock[0] += flown
        view.render_frame()  # type: ignore[attr-defined]
        if name == "ring":
            window.views.ring.set_selected(None)
        bench.overlay.dismiss()
        _settle(app)
        path = out / f"view-{name}-{width}x{height}.png"
        image = window.grab().toImage()
        saved = image.save(str(path), "PNG", 9)  # type: ignore[call-overload]
        print(
            f"{path}  {image.width()}x{image.height()}  {path.stat().st_size // 1024} KB"
            f"  packets in flight {view.packets_in_flight}"  # type: ignore[attr-defined]
            f"  narration {window.views.narration_text()!r}"
        )
        ok = ok and saved and view.packets_in_flight > 0  # type: ignore[attr-defined]
        bench.document.confirm_discard = lambda _doc: "discard"
        window.views.stop_animation()
        window.close()
    return ok


def _to_migration(window: Any, app: Any, name: str, clock: list[float]) -> None:
    """Step (pressing Next at captions) until the view has tasks in the air."""
    bench, adapter = window.workbench, window.adapter
    view = window.views.view_for(adapter.paradigm)
    if name == "ring":
        for _ in range(20):
            _step(window, app, clock)
        for _ in range(10):  # until a drain is the step's only change (no churn join with it)
            busiest = max(adapter.member_infos(), key=lambda m: (m.load, m.id))
            adapter.request_retire(busiest.id)
            _step(window, app, clock, settle=False)
            if " · " not in window.views.narration_text():
                return
            _step(window, app, clock)
        return
    for _ in range(80):
        _step(window, app, clock, settle=False)
        if view.packets_in_flight and (name != "agents" or adapter.sim.time >= 3.0):
            return
        clock[0] += 3.0  # let this step's flights land before the next one
        view.render_frame()
    bench.lessons.next()


def _step(window: Any, app: Any, clock: list[float], settle: bool = True) -> None:
    bench, adapter = window.workbench, window.adapter
    adapter.step_once()
    if bench.lessons.waiting:
        bench.lessons.next()  # the teacher pressed Next
        adapter.pause()
    if settle:
        clock[0] += 3.0
        window.views.current.render_frame()
    app.processEvents()


def _run_to_migration(window: Any, app: Any) -> None:
    """Step the default lesson, crash the busiest member, stop with packets in flight."""
    bench = window.workbench
    view, adapter = window.ring_view, window.adapter
    clock = [1000.0]
    view._clock = lambda: clock[0]  # a synthetic clock: the same frame every time
    for _ in range(STEPS_BEFORE_CRASH):
        adapter.step_once()
        if bench.lessons.waiting:
            bench.lessons.next()  # the teacher pressed Next
            adapter.pause()
        clock[0] += 1.0  # let earlier animations finish between steps
        view.render_frame()
        app.processEvents()
    busiest = max(
        (m for m in adapter.member_infos() if m.status == "ACTIVE"), key=lambda m: (m.load, m.id)
    )
    window.inspect_member(busiest.id)
    bench.members.select_member(busiest.id)
    adapter.request_crash(busiest.id)
    for _ in range(12):
        adapter.step_once()
        app.processEvents()
        if view.packets_in_flight:
            break
        clock[0] += 0.1
        view.render_frame()
    bench.workload.select_task(_moving_task(adapter))
    clock[0] += 0.25
    view.render_frame()


def _moving_task(adapter: Any) -> int:
    """A task whose owner just changed (so Decisions and the lineage have a story)."""
    for change in reversed(adapter.sim.audit.records):
        details = change.payload.get("details", {})
        if change.payload.get("event") == "migration_started" and "task" in details:
            return int(details["task"])
    return 0


def _settle(app: Any) -> None:
    for _ in range(3):
        app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
