"""add_counts: np.add.at's result on an integer member column, whatever the indexes."""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.engine.members import add_counts


@pytest.mark.parametrize("sign", [1, -1, 3])
def test_add_counts_matches_add_at_with_repeats(sign: int) -> None:
    rng = np.random.default_rng(7)
    column = rng.integers(0, 50, 40).astype(np.int64)
    for dtype in (np.int64, np.int32):
        members = rng.integers(0, 40, 300).astype(dtype)
        expected = column.copy()
        np.add.at(expected, members, sign)
        got = column.copy()
        add_counts(got, members, sign)
        assert np.array_equal(got, expected)


def test_add_counts_of_nothing_changes_nothing() -> None:
    column = np.arange(5, dtype=np.int64)
    add_counts(column, np.zeros(0, dtype=np.int64), -1)
    assert column.tolist() == [0, 1, 2, 3, 4]


def test_add_counts_leaves_odd_indexes_to_add_at() -> None:
    # A negative index counts from the end, as add.at does; one past the end raises as it does.
    column = np.zeros(4, dtype=np.int64)
    add_counts(column, np.array([-1, 0, -1]), 1)
    assert column.tolist() == [1, 0, 0, 2]
    with pytest.raises(IndexError):
        add_counts(column, np.array([4]), 1)
