"""A step's moves read from its events: a batch event and the same moves one by one agree."""

from __future__ import annotations

import numpy as np

from phoenix_gui.engine import Event
from phoenix_gui.engine.events import Primitive
from phoenix_gui.qt.readers.stories import _moves

INDEX = {"h-0": 0, "h-1": 1, "h-2": 2}


def _single(task: int, token: int, src: object, dst: object, reason: str) -> Event:
    details = {"task": task, "token": token, "from": src, "to": dst, "reason": reason}
    return Event(1.0, Primitive.MIGRATION, "migration_started", details)


def test_a_batch_reads_as_its_moves_one_by_one() -> None:
    tasks, tokens = [5, 9, 2, 7], [100, 200, 300, 400]
    src = ["h-0", "h-1", None, "h-gone"]  # None and an unknown member: −1
    dst = ["h-2", "h-0", "h-1", "h-2"]
    batch = Event(
        1.0,
        Primitive.MIGRATION,
        "migrations_started",
        {"count": 4, "tasks": tasks, "tokens": tokens, "from": src, "to": dst, "reason": "join"},
    )
    first = _single(11, 50, "h-2", "h-1", "crash")
    other = Event(1.0, Primitive.MIGRATION, "task_assigned", {"task": 3})
    moves = _moves([first, other, batch], INDEX)
    alone = _moves(
        [first, *(_single(*m, "join") for m in zip(tasks, tokens, src, dst, strict=True))],
        INDEX,
    )
    for read in (moves, alone):
        assert read.tasks.tolist() == [11, 5, 9, 2, 7]
        assert read.tokens.tolist() == [50, 100, 200, 300, 400]
        assert read.source.tolist() == [2, 0, 1, -1, -1]
        assert read.target.tolist() == [1, 2, 0, 1, 2]
        assert read.reasons == ("crash", "join", "join", "join", "join")
        assert read.tasks.dtype == np.int64 and read.source.dtype == np.int64
    empty = _moves([other], INDEX)
    assert empty.tasks.size == 0 and empty.source.dtype == np.int64 and empty.reasons == ()


def test_a_members_share_of_the_moves_keeps_their_order_and_reasons() -> None:
    from phoenix_gui.qt.readers.stories import _subset

    moves = _moves(
        [_single(t, t * 10, "h-0", dst, reason) for t, dst, reason in
         ((1, "h-1", "join"), (2, "h-2", "crash"), (3, "h-1", "drain"))],
        INDEX,
    )  # fmt: skip
    mine = _subset(moves, np.flatnonzero(moves.target == 1))
    assert mine.tasks.tolist() == [1, 3] and mine.tokens.tolist() == [10, 30]
    assert mine.reasons == ("join", "drain") and mine.source.tolist() == [0, 0]


def test_grouped_positions_are_a_scan_of_every_element_in_order() -> None:
    # A step with hundreds of joins asks each join's moves from one grouping, not a scan each.
    from phoenix_gui.qt.readers.stories import _Grouped

    rng = np.random.default_rng(7)
    values = rng.integers(-2, 40, size=5000)
    grouped = _Grouped(values)
    for value in range(-3, 45):
        assert grouped.of(value).tolist() == np.flatnonzero(values == value).tolist()
    assert _Grouped(np.zeros(0, dtype=np.int64)).of(3).size == 0
    assert _Grouped(np.array([4, 4, 4], dtype=np.int16)).of(4).tolist() == [0, 1, 2]
