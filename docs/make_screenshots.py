"""Render the README screenshots with the self-test, and one picture per paradigm's view.

    .venv/bin/python docs/make_screenshots.py [OUT_DIR]

Runs ``phoenix-flight gui --self-test --size WxH [--presentation] --screenshot DIR`` at
1280×800 and 1920×1080, normal and presentation mode, and keeps its "crash" moment (the
default lesson a few steps after its busiest member crashed and was detected: stranded tasks,
packets of the first migrations in flight, the lesson's caption in its strip below the ring) as
``screenshot-1280x800.png``, ``screenshot-1280x800-presentation.png``,
``screenshot-1920x1080.png`` and ``screenshot-1920x1080-presentation.png`` (default OUT_DIR:
this folder). Each run is its own process on an offscreen screen of exactly that size, with
settings and autosaves in a temporary folder, and must pass the self-test's layout checks
(every Metrics row visible, caption beside the ring, no overlapping labels, honest dots).

At 1280×800 it also writes one picture per paradigm's view mid-migration (issue 14):
``view-ring-1280x800.png`` (a host drains on the token ring), ``view-kubernetes-1280x800.png``
(node-a of the Kubernetes lesson is drained) and ``view-agents-1280x800.png`` (agent sessions
hand off, the refused agent in its lane), in a process of its own on a screen of that size.

Deterministic: the lessons with their seeds and synthetic animation clocks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SIZES = ("1280x800", "1920x1080")
VIEWS_SIZE = (1280, 800)
HERE = Path(__file__).resolve().parent
MOMENT = "crash"


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    out.mkdir(parents=True, exist_ok=True)
    if os.environ.get("PHOENIX_SCREENSHOT_VIEWS"):
        return render_view_pictures(out)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
    status = 0
    for size in SIZES:
        for mode in ("", "-presentation"):
            with tempfile.TemporaryDirectory(prefix="phoenix-screens-") as tmp:
                command = [sys.executable, "-m", "phoenix_gui", "gui", "--self-test"]
                command += ["--size", size, "--screenshot", tmp]
                command += ["--presentation"] if mode else []
                done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    print(done.stderr, file=sys.stderr)
                    status = 1
                    continue
                layout = json.loads(done.stdout.strip().splitlines()[-1])["layout"]
                path = out / f"screenshot-{size}{mode}.png"
                _save_small(Path(tmp) / f"self-test-{MOMENT}.png", path)
                print(f"{path}  {path.stat().st_size // 1024} KB  layout {json.dumps(layout)}")
    with tempfile.TemporaryDirectory(prefix="phoenix-screens-") as tmp:
        config = Path(tmp) / "screen.json"
        config.write_text(json.dumps(_screen(*VIEWS_SIZE)), encoding="utf-8")
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
        env["PHOENIX_SCREENSHOT_VIEWS"] = "1"
        done = subprocess.run([sys.executable, __file__, str(out)], env=env, check=False)
        status = status or done.returncode
    return status


def _save_small(source: Path, target: Path) -> None:
    """Screenshots are flat UI colours: an indexed image keeps them sharp and small."""
    from PySide6 import QtCore, QtGui

    image = QtGui.QImage(str(source))
    small = image.convertToFormat(
        QtGui.QImage.Format.Format_Indexed8, QtCore.Qt.ImageConversionFlag.ThresholdDither
    )
    if not small.save(str(target), "PNG", 9):  # type: ignore[call-overload]
        raise OSError(f"cannot write {target}")


def _screen(width: int, height: int) -> dict[str, Any]:
    """One offscreen screen of the given size at 96 dpi, scale 1."""
    from phoenix_gui.qt.shell.selftest import offscreen_screen

    return offscreen_screen(width, height)


def render_view_pictures(out: Path) -> int:
    from phoenix_gui.qt.shell.app import create_app

    create_app()
    with tempfile.TemporaryDirectory(prefix="phoenix-screens-") as tmp:
        return 0 if render_views(*VIEWS_SIZE, out, Path(tmp)) else 1


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
        window.timeseries.catch_up()
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


def _settle(app: Any) -> None:
    for _ in range(3):
        app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
