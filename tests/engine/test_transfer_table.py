"""Transfers in flight as columns (engine/transfers.py): the table reads like the dict it
replaced, a transfer is a view of its row, and rows are reused once their transfer is over."""

from __future__ import annotations

import numpy as np

from phoenix_gui.engine.tasks import checkpoint_digests, checkpoint_hash, checkpoint_hashes
from phoenix_gui.engine.transfers import TransferTable


def _add(table: TransferTable, ids: list[int], generation: int) -> np.ndarray:
    tasks = np.array(ids, dtype=np.int64)
    progress = tasks * 0.5
    ckpt = tasks * 0.25
    return table.add(
        tasks, tasks % 7, (tasks + 1) % 7, "drain", progress, ckpt,
        checkpoint_digests(tasks, progress, ckpt), generation,
    )  # fmt: skip


def test_checkpoint_digests_are_the_hex_hashes_as_bytes() -> None:
    tasks = np.arange(40, dtype=np.int64)
    progress, times = tasks * 1.5, tasks * 0.1
    digests = checkpoint_digests(tasks, progress, times)
    assert [bytes(d).hex() for d in digests] == checkpoint_hashes(tasks, progress, times)


def test_the_table_reads_like_a_dict_of_transfers() -> None:
    table = TransferTable()
    rows = _add(table, [3, 9, 12], generation=1)
    assert len(table) == 3 and 9 in table and 4 not in table and sorted(table) == [3, 9, 12]
    tr = table[9]
    assert (tr.task, tr.source, tr.target, tr.reason) == (9, 2, 3, "drain")
    assert (tr.progress, tr.ckpt_time, tr.attempt, tr.generation) == (4.5, 2.25, 1, 1)
    assert tr.digest == checkpoint_hash(9, 4.5, 2.25)
    tr.progress -= 0.5
    tr.digest = checkpoint_hash(9, tr.progress, tr.ckpt_time)
    assert table.get(9) is not None and table.get(9).progress == 4.0  # type: ignore[union-attr]
    assert bytes(table.digest[table.row_of(9)]).hex() == checkpoint_hash(9, 4.0, 2.25)
    assert table.members_named() == {3, 2, 5} | {4, 3, 6}
    assert list(table.live(rows, 1)) == list(rows) and table.live(rows, 2).size == 0


def test_rows_are_reused_once_their_transfer_is_over() -> None:
    table = TransferTable()
    first = _add(table, list(range(100)), generation=1)
    size = table.task.size
    table.release(first[:60])
    assert len(table) == 40 and table.get(0) is None and table.live(first, 1).size == 40
    second = _add(table, list(range(200, 260)), generation=2)
    assert table.task.size == size and set(second.tolist()) == set(first[:60].tolist())
    assert table.live(first, 1).size == 40  # the reused rows belong to batch 2 now
    assert [table[t].task for t in range(200, 260)] == list(range(200, 260))
