"""Many audit times at once: ``round(t, 9)`` and their JSON text, exactly as one at a time.

A record's time is ``round(event.time, 9)``, written as ``json.dumps`` writes a float (its
``repr``). Per record those two cost more than the rest of the encoding; for a batch of records
(:meth:`AuditLog.append_many`) numpy rounds them all and orjson writes them all in one call,
each value checked to be one where the result is provably the one-at-a-time result, and the
others done one at a time:

- ``round(x, 9)`` is the double nearest to ``k / 10**9`` with ``k`` the exact ``x · 10**9``
  rounded half to even. numpy computes ``rint(fl(x · 1e9)) / 1e9``: the division is correctly
  rounded, so the results agree whenever ``rint`` picks the same ``k``, i.e. whenever the exact
  product is not within the product's rounding error (half an ulp) of a half-integer. Values
  within two ulps of one (ties included), and products beyond 2**52, are rounded by ``round``.
- orjson writes the shortest round-tripping digits, as ``repr`` does; the layout is the same
  in ``[1e-4, 1e16)`` (and for 0.0), where both write plain decimals. Outside it (``1e-05``
  against ``0.00001``) a value is written by ``repr``.

tests/engine/test_audit_batch.py compares both with the one-at-a-time results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import orjson

_TWO_52 = float(2**52)


def audit_times(values: Sequence[float]) -> tuple[list[float], list[str | None]]:
    """``round(v, 9)`` of each value and the JSON text of that (its ``repr``); the text is
    None for a value that is not finite (the record's own path refuses it)."""
    with np.errstate(all="ignore"):  # inf and NaN are dealt with below, one at a time
        scaled = np.asarray(values, dtype=np.float64) * 1e9
        y = np.rint(scaled) / 1e9
        size = np.abs(scaled)
        half = np.abs(scaled - np.floor(scaled) - 0.5)
        risky = ~(size < _TWO_52) | (half <= 2.0 * np.spacing(size))
    rounded: list[float] = y.tolist()
    if not rounded:
        return rounded, []
    if risky.any():
        for i in np.flatnonzero(risky).tolist():
            v = float(values[i])
            rounded[i] = round(v, 9) if math.isfinite(v) else v
        y = np.asarray(rounded, dtype=np.float64)
    finite = np.isfinite(y)
    if not finite.all():
        return rounded, [repr(v) if math.isfinite(v) else None for v in rounded]
    texts: list[str | None] = list(orjson.dumps(rounded).decode()[1:-1].split(","))
    size = np.abs(y)
    plain = ((size >= 1e-4) & (size < 1e16) | (y == 0.0)) & ~np.signbit(y)
    if not plain.all():
        for i in np.flatnonzero(~plain).tolist():
            texts[i] = repr(rounded[i])
    return rounded, texts
