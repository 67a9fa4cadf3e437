"""LineageLog.record_each (the bulk arrivals' lineage) holds exactly what one record per task
would: the same columns, the same chunks, grown to the same sizes."""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.engine.tasks import LineageLog

_COLUMNS = ("_ids", "_owners", "_chunk_of", "_times", "_reason_codes")


def _one_by_one(log: LineageLog, times: list[float], ids: list[int], owners: list[int]) -> None:
    for when, tid, who in zip(times, ids, owners, strict=True):
        log.record(when, "assigned", np.array([tid]), np.array([who], dtype=np.int32))


@pytest.mark.parametrize(("before", "n"), [(0, 1), (0, 300), (250, 7), (60, 70), (5, 1000)])
def test_record_each_equals_one_record_per_task(before: int, n: int) -> None:
    rng = np.random.default_rng(before + n)
    single, bulk = LineageLog(), LineageLog()
    for log in (single, bulk):  # the same history first, in chunks of several tasks
        for chunk in np.array_split(np.arange(before), max(1, before // 3)):
            log.record(0.5, "moved", chunk, np.int32(3))
    times = np.sort(rng.random(n) * 10)
    ids = np.arange(before, before + n, dtype=np.int64)
    owners = rng.integers(0, 9, n).astype(np.int32)
    _one_by_one(single, times.tolist(), ids.tolist(), owners.tolist())
    bulk.record_each(times, "assigned", ids, owners)
    for name in _COLUMNS:
        a, b = getattr(single, name), getattr(bulk, name)
        assert a.size == b.size, name
        assert np.array_equal(a, b), name
    assert (single._n, single._chunks, single._reasons) == (bulk._n, bulk._chunks, bulk._reasons)
    for tid in (int(ids[0]), int(ids[-1])):
        assert bulk.of(tid) == single.of(tid)
