"""DueQueue merges two sorted runs by binary search: the same run (times and ids, in the same
order) as sorting their entries together with np.lexsort, ties between the runs included."""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.engine.schedule import DueQueue, _merged, _Run


def _sorted_run(times: np.ndarray, ids: np.ndarray, at: int) -> _Run:
    order = np.lexsort((ids, times))
    return _Run(times[order], ids[order], at=at)


@pytest.mark.parametrize("seed", range(12))
def test_merged_equals_sorting_together(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n1, n2 = (int(x) for x in rng.integers(0, 300, 2))
    coarse = seed % 3 == 0  # few distinct times: ties within and across the runs
    draw = (lambda n: rng.integers(0, 20, n) * 0.5) if coarse else (lambda n: rng.random(n) * 48)
    first = _sorted_run(draw(n1), rng.integers(0, 10**6, n1), int(rng.integers(0, n1 + 1)))
    second = _sorted_run(draw(n2), rng.integers(0, 10**6, n2), int(rng.integers(0, n2 + 1)))
    times = np.concatenate((first.times[first.at :], second.times[second.at :]))
    ids = np.concatenate((first.ids[first.at :], second.ids[second.at :]))
    order = np.lexsort((ids, times))
    got = _merged(first, second)
    assert got.at == 0
    assert got.times.tolist() == times[order].tolist()
    assert got.ids.tolist() == ids[order].tolist()


def test_queue_pops_in_time_then_id_order() -> None:
    rng = np.random.default_rng(4)
    queue = DueQueue()
    pushed: list[tuple[float, int]] = []
    for size in (500, 200, 90, 64, 300, 70):
        times = np.round(rng.random(size) * 10, 1)
        ids = rng.integers(0, 10**5, size)
        queue.push(ids, times)
        pushed += zip(times.tolist(), ids.tolist(), strict=True)
    ids, times = queue.pop_until(5.0)
    assert list(zip(times.tolist(), ids.tolist(), strict=True)) == sorted(
        p for p in pushed if p[0] <= 5.0
    )


@pytest.mark.parametrize("ids_from", [0, -5, 2**41 - 3, 2**45])
def test_merged_with_repeated_pairs_and_ids_of_any_size(ids_from: int) -> None:
    rng = np.random.default_rng(abs(ids_from) % 97)
    times = rng.integers(0, 6, 200) * 0.25
    ids = ids_from + rng.integers(0, 6, 200)
    first = _sorted_run(times[:120], ids[:120], 0)
    second = _sorted_run(
        np.concatenate((times[120:], times[:30])), np.concatenate((ids[120:], ids[:30])), 0
    )
    both_t = np.concatenate((first.times, second.times))
    both_i = np.concatenate((first.ids, second.ids))
    order = np.lexsort((both_i, both_t))
    got = _merged(first, second)
    assert got.times.tolist() == both_t[order].tolist()
    assert got.ids.tolist() == both_i[order].tolist()
