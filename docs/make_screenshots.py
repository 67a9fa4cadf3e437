"""Render docs/screenshot-main.png: the main window on the default lesson, mid-migration.

    QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py

Deterministic: the default lesson with its seed, a crash of the busiest member at step 30,
then the frame a quarter of a second after the packets of the first migrations took off.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from phoenix_gui.cli.gui_cmd import load
from phoenix_gui.qt.app import create_app

OUT = Path(__file__).resolve().parent / "screenshot-main.png"


def main() -> int:
    app = create_app()
    from phoenix_gui.qt.main_window import MainWindow

    config, source = load(None)
    window = MainWindow(config, source=source)  # type: ignore[arg-type]
    window.resize(1600, 1000)
    window.show()
    clock = [1000.0]
    view = window.ring_view
    view._clock = lambda: clock[0]
    adapter = window.adapter
    for _ in range(30):
        adapter.step_once()
        clock[0] += 1.0  # let earlier animations finish between steps
        view.render_frame()
    busiest = max(
        (m for m in adapter.member_infos() if m.status == "ACTIVE"), key=lambda m: (m.load, m.id)
    )
    window.inspect_member(busiest.id)
    adapter.request_crash(busiest.id)
    for _ in range(12):
        adapter.step_once()
        if view.packets_in_flight:
            break
        clock[0] += 0.1
        view.render_frame()
    clock[0] += 0.25
    view.render_frame()
    app.processEvents()
    ok = window.grab().save(str(OUT))
    view.stop_animation()
    window.close()
    print(f"wrote {OUT}" if ok else f"could not write {OUT}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
