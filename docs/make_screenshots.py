"""Render the README screenshots with the self-test: the real window, offscreen, mid-run.

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
Deterministic: the default lesson with its seed and the self-test's synthetic clock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = ("1280x800", "1920x1080")
HERE = Path(__file__).resolve().parent
MOMENT = "crash"


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
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


if __name__ == "__main__":
    sys.exit(main())
