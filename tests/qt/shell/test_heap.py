"""keep_collections_short: what import time made leaves the collected generations; garbage made
afterwards, a run replaced by Reset included, is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from phoenix_gui.qt.shell.heap import collect_everything, keep_collections_short

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def short_collections() -> Iterator[None]:
    keep_collections_short()
    yield
    collect_everything()


def test_what_was_there_leaves_the_collected_generations(short_collections) -> None:
    assert gc.get_freeze_count() > 0
    assert len(gc.get_objects()) < gc.get_freeze_count()


def test_cycles_made_afterwards_are_collected_even_after_a_full_collection(
    short_collections,
) -> None:
    survivor = weakref.ref(Node())
    gc.collect()  # a full collection while the cycle is still referenced … by itself only
    assert survivor() is None
    kept = Node()
    gc.collect()  # a full collection while `kept` is alive must not freeze it
    assert any(obj is kept for obj in gc.get_objects())


def test_a_reset_frees_the_run_it_replaced(short_collections, open_workbench_window) -> None:
    window = open_workbench_window(None)
    old = weakref.ref(window.adapter.sim)
    window.adapter.step_once()
    gc.collect()  # a full collection while the run is alive (a long session has many)
    window.reset_action.trigger()
    gc.collect()
    assert window.adapter.sim is not old()
    assert old() is None


def test_collect_everything_undoes_it() -> None:
    keep_collections_short()
    collect_everything()
    assert gc.get_freeze_count() == 0
    kept = Node()
    gc.collect()
    assert any(obj is kept for obj in gc.get_objects())


def test_freed_memory_is_given_back_every_few_steps(qapp) -> None:
    from PySide6 import QtCore

    from phoenix_gui.qt.shell import heap

    class Source(QtCore.QObject):
        stepped = QtCore.Signal(object)

    source = Source()
    returner = heap.FreeMemoryReturner(source.stepped)
    for _ in range(2 * heap.TRIM_EVERY + 1):
        source.stepped.emit(None)
    assert returner.steps == 2 * heap.TRIM_EVERY + 1
    assert returner.returns == (2 if heap.give_back_free_memory() else 0)
