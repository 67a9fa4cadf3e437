"""Press Step as a user does and wait for the step to end (it runs in slices on the event loop)."""

from __future__ import annotations

from typing import Any


def press_step(window: Any, qtbot: Any, timeout: int = 10_000) -> None:
    window.step_action.trigger()
    qtbot.waitUntil(lambda: not window.adapter.step_in_progress, timeout=timeout)
