"""Per-cell mean, spread and 95 % confidence interval (Student's t)."""

from __future__ import annotations

import math

import pytest

from phoenix_gui.experiments.stats import cell_stats, t975


def _row(cell: int, v: str, x: str, error: str = "") -> dict[str, str]:
    return {"cell": str(cell), "vnodes": v, "m": x, "error": error}


def test_mean_std_and_t_interval() -> None:
    rows = [_row(0, "1", "1"), _row(0, "1", "2"), _row(0, "1", "3"), _row(1, "5", "4")]
    a, b = cell_stats(rows, ("vnodes",), "m")
    assert a.mean == 2 and a.std == 1 and a.n == 3
    assert a.ci == pytest.approx(4.303 / math.sqrt(3))
    assert (b.mean, b.std, b.ci, b.values) == (4, None, None, ("5",))


def test_failures_and_blanks_are_left_out_and_counted() -> None:
    rows = [_row(0, "1", "2"), _row(0, "1", "", ""), _row(0, "1", "9", "ValueError: x")]
    (a,) = cell_stats(rows, ("vnodes",), "m")
    assert (a.n, a.missing, a.mean) == (1, 2, 2)


def test_t_table() -> None:
    assert t975(1) == 12.706 and t975(9) == 2.262
    assert t975(35) == 2.042  # between rows: the smaller df, the wider interval
    assert t975(5000) == 1.96
    with pytest.raises(ValueError):
        t975(0)
