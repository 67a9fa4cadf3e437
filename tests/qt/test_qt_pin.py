"""Guards the PySide6 pin (DESIGN.md §9).

PySide6 6.12.0 on CPython 3.11 drops a reference to ``None`` on every Qt call that returns
nothing; after a few thousand calls the interpreter aborts in ``none_dealloc``. A correct
build leaves None's reference count where it was. On CPython ≥ 3.12 None is immortal and the
count cannot move, so the check only has teeth on 3.11 — which is what we ship on.
"""

import sys

import PySide6
from PySide6.QtCore import QPointF

CALLS = 1000


def test_none_refcount_unchanged_by_void_qt_calls() -> None:
    point = QPointF(0.0, 0.0)
    point.setX(1.0)  # warm up any lazy binding state before measuring
    before = sys.getrefcount(None)
    for i in range(CALLS):
        point.setX(float(i))
    after = sys.getrefcount(None)
    # A leak of one reference per call would show as a drop of ~1000; allow a little noise
    # from the interpreter itself (frame set-up) but nothing proportional to the calls.
    assert abs(after - before) < 20, (
        f"None refcount moved by {after - before} over {CALLS} void Qt calls "
        f"(PySide6 {PySide6.__version__}); see DESIGN.md §9 before changing the pin"
    )
    assert point.x() == float(CALLS - 1)


def test_pinned_version_is_the_known_good_one() -> None:
    assert PySide6.__version__ == "6.11.3", (
        f"PySide6 {PySide6.__version__} is installed; the known-good pin is 6.11.3 (DESIGN §9)"
    )
