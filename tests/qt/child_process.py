"""Start ``python …`` in a child interpreter from the repository root, as a user would.

The entry-point tests (self-test, no display, Qt messages) need a fresh process: the Qt platform
is chosen once per process, and what they check is what reaches the child's stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def offscreen_env(**extra: str) -> dict[str, str]:
    """This environment with the offscreen Qt platform chosen."""
    return dict(os.environ, PYTHONPATH=ROOT, QT_QPA_PLATFORM="offscreen", **extra)


def bare_env() -> dict[str, str]:
    """This environment with no display and no Qt platform chosen."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHONPATH"] = ROOT
    return env


def run_python(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python *args`` with ``env`` (default: :func:`offscreen_env`), output captured."""
    return subprocess.run(
        [sys.executable, *args],
        env=offscreen_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
