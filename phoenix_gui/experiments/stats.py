"""Per-cell statistics of a metric: mean, spread and a 95 % confidence interval of the mean.

The interval is mean ± t · s / √n with Student's t for n − 1 degrees of freedom (replicates
are few: 1.96 would claim too much at n = 5). A cell with one finite value has a mean but no
interval; failed runs and undefined values (empty fields) are left out and counted.

:class:`CellValues` collects one cell's values as rows arrive (the window adds each new row
once instead of going over every row again); :func:`cell_stats` is the same over a whole table.
Means and spreads use exactly rounded sums, so the figures do not depend on the order in which
rows came in.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Two-sided 97.5 % quantiles of Student's t by degrees of freedom (standard tables); past the
# table the next smaller listed df is used, which errs on the wide side.
_T975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
    9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120,
    17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064,
    25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000,
    120: 1.980,
}  # fmt: skip
_Z975 = 1.960


def t975(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` ≥ 1 degrees of freedom."""
    if df < 1:
        raise ValueError(f"df: must be ≥ 1, got {df}")
    if df > 1000:
        return _Z975
    return _T975[max(k for k in _T975 if k <= df)]


@dataclass(frozen=True)
class CellStats:
    cell: int
    values: tuple[str, ...]  # the cell's parameter values, as in the table
    n: int  # finite values
    missing: int  # failed runs and undefined values
    mean: float | None
    std: float | None  # sample standard deviation (n − 1)
    ci: float | None  # half-width of the 95 % interval of the mean


class CellValues:
    """The values of one metric in one cell, added row by row."""

    def __init__(self, cell: int, values: tuple[str, ...]) -> None:
        self.cell = cell
        self.values = values
        self.numbers: list[float] = []
        self.replicates: list[int] = []  # the replicate of each number, in the same order
        self.missing = 0

    def add(self, row: Mapping[str, str], metric: str) -> float | None:
        """Take ``row``'s value of ``metric``; returns it (None when failed or undefined)."""
        x = _number(row.get(metric)) if not row.get("error") else None
        if x is None:
            self.missing += 1
        else:
            self.numbers.append(x)
            self.replicates.append(int(row.get("replicate", len(self.replicates))))
        return x

    def stats(self) -> CellStats:
        return _stats(self.cell, self.values, self.numbers, self.missing)


def cell_stats(
    rows: Iterable[Mapping[str, str]], names: tuple[str, ...], metric: str
) -> list[CellStats]:
    """One :class:`CellStats` per cell present in ``rows``, by cell."""
    cells: dict[int, CellValues] = {}
    for row in rows:
        cell = int(row["cell"])
        if cell not in cells:
            cells[cell] = CellValues(cell, tuple(str(row[n]) for n in names))
        cells[cell].add(row, metric)
    return [cells[cell].stats() for cell in sorted(cells)]


def _number(text: object) -> float | None:
    if text is None or text == "":
        return None
    try:
        x = float(str(text))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _stats(cell: int, values: tuple[str, ...], xs: list[float], missing: int) -> CellStats:
    n = len(xs)
    if n == 0:
        return CellStats(cell, values, 0, missing, None, None, None)
    mean = math.fsum(xs) / n
    if n == 1:
        return CellStats(cell, values, 1, missing, mean, None, None)
    std = math.sqrt(math.fsum((x - mean) ** 2 for x in xs) / (n - 1))
    return CellStats(cell, values, n, missing, mean, std, t975(n - 1) * std / math.sqrt(n))
