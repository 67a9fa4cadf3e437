"""keep_collections_short: what start-up built and what survives a full collection leaves the
collected generations; garbage made afterwards is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from phoenix_gui.qt.shell.heap import collect_everything, keep_collections_short


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def short_collections() -> Iterator[None]:
    keep_collections_short()
    yield
    collect_everything()


def test_start_up_objects_leave_the_collected_generations(short_collections) -> None:
    assert gc.get_freeze_count() > 0
    assert len(gc.get_objects(generation=2)) < gc.get_freeze_count()


def test_survivors_of_a_full_collection_are_frozen_and_new_cycles_still_collected(
    short_collections,
) -> None:
    kept = Node()
    frozen_before = gc.get_freeze_count()
    dropped = weakref.ref(Node())
    gc.collect()
    assert dropped() is None  # garbage made after start-up is collected
    assert gc.get_freeze_count() > frozen_before  # `kept` survived: frozen
    assert not any(obj is kept for obj in gc.get_objects())


def test_collect_everything_undoes_it() -> None:
    keep_collections_short()
    collect_everything()
    assert gc.get_freeze_count() == 0
    kept = Node()
    gc.collect()
    assert any(obj is kept for obj in gc.get_objects())
