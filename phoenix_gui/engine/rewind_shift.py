"""Deltas of arrays whose records were put in or taken out in the middle (for rewind.py).

The ring keeps its vnodes sorted by key (``_vn_key`` and its parallel ``_vn_token``,
``_vn_member``, ``_vn_replica``); the due-time schedule and the token index keep sorted runs. A
join inserts a member's vnodes all over the ring, so every record after the first one moves:
an element-by-element delta touches nearly all of them and the keyframe stored the array whole
(at 10^4 steps and tasks, more than half of the history's memory). A *shift* says instead which
rows of the old version were dropped and where new rows were put in; the rest keep their order.

It is found on an array whose rows are all distinct (the sorted keys): a row of the old version
missing from the new one was dropped, a row of the new one missing from the old one was put in.
Its parallel arrays moved the same way, so a shift found in a keyframe is tried on the other
arrays of the same lengths. Rows a shift does not explain are stored as they are (``fixed``),
so a version rebuilt with a shift is always the array's exact bytes, whatever the guess.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

_MIX = np.uint64(0x9E37_79B9_7F4A_7C15)  # odd: the row hash below is exact on 8-byte rows


class Shift(NamedTuple):
    """Rows dropped from the old version and rows put into the new one (row numbers)."""

    dropped: np.ndarray  # int64, rows of the old version
    inserted: np.ndarray  # int64, rows of the new version


def rows(flat: np.ndarray, record: int) -> np.ndarray | None:
    """``flat``'s bytes as rows of ``record`` bytes (None unless they are whole rows)."""
    if record <= 0 or flat.nbytes % record:
        return None
    return flat.view(np.uint8).reshape(-1, record)


def _hash(table: np.ndarray) -> np.ndarray:
    """One 64-bit number per row (equal rows, equal numbers)."""
    record = table.shape[1]
    for kind in (np.uint64, np.uint32, np.uint16, np.uint8):
        if record % np.dtype(kind).itemsize == 0:
            columns = np.ascontiguousarray(table).view(kind)
            break
    out = np.zeros(table.shape[0], dtype=np.uint64)
    for column in columns.T:
        out *= _MIX
        out += column.astype(np.uint64)
    return out


def _repeats(ordered: np.ndarray) -> bool:
    return bool((ordered[1:] == ordered[:-1]).any())


def _among(ordered: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``ordered`` (sorted)."""
    if not ordered.size:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), ordered.size - 1)
    return np.asarray(ordered[at] == values)


def find(old: np.ndarray, new: np.ndarray) -> Shift | None:
    """The shift from ``old`` to ``new`` (tables of rows), when each one's rows are distinct."""
    before, after = _hash(old), _hash(new)
    sorted_before, sorted_after = np.sort(before), np.sort(after)
    if _repeats(sorted_before) or _repeats(sorted_after):
        return None
    kept = _among(sorted_after, before)
    fresh = ~_among(sorted_before, after)
    if int(kept.sum()) != int((~fresh).sum()):
        return None
    return Shift(np.flatnonzero(~kept), np.flatnonzero(fresh))


def apply(
    old: np.ndarray, dropped: np.ndarray, inserted: np.ndarray, put: np.ndarray
) -> np.ndarray:
    """``old``'s rows less ``dropped``, with the rows ``put`` at the places ``inserted``."""
    record = old.shape[1]
    whole = np.dtype((np.void, record))  # a row as one element: rows are moved, not bytes
    keep = np.ones(old.shape[0], dtype=bool)
    keep[dropped] = False
    new_rows = old.shape[0] - dropped.size + inserted.size
    fresh = np.zeros(new_rows, dtype=bool)
    fresh[inserted] = True
    out = np.empty((new_rows, record), dtype=np.uint8)
    out_rows = out.view(whole).reshape(-1)
    out_rows[fresh] = np.ascontiguousarray(put).view(whole).reshape(-1)
    out_rows[~fresh] = np.ascontiguousarray(old).view(whole).reshape(-1)[keep]
    return out


def fixes(old: np.ndarray, new: np.ndarray, shift: Shift) -> np.ndarray:
    """Rows of ``new`` the shift applied to ``old`` does not give (row numbers)."""
    made = apply(old, shift.dropped, shift.inserted, new[shift.inserted])
    return np.flatnonzero((made != new).any(axis=1))
