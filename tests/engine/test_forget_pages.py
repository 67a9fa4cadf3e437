"""A forgetful task table gives back every page of what it forgot (issues 11/12).

Forgetting goes in runs of a few thousand rows; each run must give back the page it starts in
(the rows before it were forgotten already), or one page per run and column stays resident —
an eighth of a float column over a long run. The columns are not advised onto huge pages, or
khugepaged fills the 2 MB around the live rows back in. Both read the kernel's own view of the
table's memory (mincore, /proc/self/smaps), not the process's resident size.
"""

from __future__ import annotations

import ctypes
import mmap
import sys

import numpy as np
import pytest

from phoenix_gui.engine import tasks, vnode_order
from phoenix_gui.engine.tasks import TaskState, TaskTable

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or tasks._MADVISE is None, reason="Linux madvise"
)

PAGE = mmap.PAGESIZE


def _resident_pages(array: np.ndarray, start: int, end: int) -> int:
    """Pages of rows [start, end) of ``array`` (whole pages inside it) in memory (mincore)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mincore.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p)
    base = array.ctypes.data
    first = -(-(base + start * array.itemsize) // PAGE) * PAGE
    last = (base + end * array.itemsize) // PAGE * PAGE
    if last <= first:
        return 0
    vec = ctypes.create_string_buffer((last - first) // PAGE)
    assert libc.mincore(first, last - first, vec) == 0, ctypes.get_errno()
    return sum(b & 1 for b in vec.raw)


def _churned_table(batches: int) -> TaskTable:
    """A forgetful table that handed out ``batches`` · 50 tasks, ~1000 of them live at a time,
    forgetting after every 16 batches (as a headless run does every FORGET_EVERY steps)."""
    table = TaskTable(capacity=2048)
    table.forgetful = True
    for k in range(batches):
        ids = table.append(50)
        table.raw("state")[ids] = TaskState.RUNNING
        table.raw("work")[ids] = 1.0
        if ids[0] >= 1000:
            table.raw("state")[ids - 1000] = TaskState.COMPLETED
        if k % 16 == 15:
            table.forget_finished()
    return table


def test_forgotten_rows_keep_no_page_resident() -> None:
    table = _churned_table(6000)  # 300,000 tasks, forgotten in runs of ~4000-5000
    low = table.live_from
    assert low > 250_000
    for name in ("work", "base", "due", "token"):  # written, filled, and 4-byte columns
        held = _resident_pages(table.raw(name), 0, low)
        assert held == 0, (name, held)
    assert not table.raw("work")[:low].any()
    assert (table.raw("work")[low : len(table)] == 1.0).all()


def test_released_rows_read_zero_and_the_rows_around_them_are_kept() -> None:
    array = np.arange(1, 100_001, dtype=np.float64)
    tasks._release(array, 1000, 2000)
    tasks._release(array, 2000, 50_000, zero_below=True)
    assert _resident_pages(array, 1000, 50_000) <= 1  # the first run's head page at most
    assert _resident_pages(array, 2000, 50_000) == 0
    # (Read after: a read maps the shared zero page, which mincore counts.)
    assert not array[1000:50_000].any()
    assert array[999] == 1000.0 and array[50_000] == 50_001.0


def _vm_flags(address: int) -> list[str]:
    with open("/proc/self/smaps", encoding="ascii") as smaps:
        inside = False
        for line in smaps:
            head = line.split()[0]
            if "-" in head and not head.endswith(":"):
                lo, hi = (int(x, 16) for x in head.split("-"))
                inside = lo <= address < hi
            elif inside and head == "VmFlags:":
                return line.split()[1:]
    raise AssertionError("address not mapped")


@pytest.mark.skipif(vnode_order._SET_HUGEPAGE is None, reason="numpy without its switch")
def test_a_grown_forgetful_table_is_not_advised_onto_huge_pages() -> None:
    table = _churned_table(2000)  # grown from 2048 rows to 131,072: 1 MB per float column
    table.append(600_000)  # and on to 8 MB columns, where numpy would advise huge pages
    for name in ("work", "token"):
        column = table.raw(name)
        assert "hg" not in _vm_flags(column.ctypes.data + column.nbytes // 2), name
