"""The audit's text: canonical JSON, and many records' times and details encoded at once.

:func:`canonical_json` is orjson (sorted keys) where its bytes are exactly those of
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)``,
and that ``json.dumps`` itself for the few payloads where they could differ
(tests/engine/test_audit_encoding.py compares both over generated payloads).

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

Details of many records are encoded by one orjson call over the list (:func:`dict_texts`).
tests/engine/test_audit_batch.py compares all of it with the one-at-a-time results.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson

_TWO_52 = float(2**52)


def _plain(value: Any) -> Any:
    """JSON fallback for numpy scalars and arrays the engine may put in details.

    Only called for types json cannot encode, so ordinary payloads pay nothing. The hash covers
    the encoded text, so the file and its verification see plain ints/floats/lists.
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# One shared encoder: building a JSONEncoder per call would cost more than the encoding itself.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_plain
)


# orjson's fast path: sorted keys, and every type json would not encode as-is (numpy scalars,
# str/int/dict/list subclasses, dataclasses, dates) handed to _refuse, i.e. to json.
_FAST_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)
# Where orjson's bytes may differ from json's, the record is encoded by json instead:
# - floats 0 < |x| < 1e-4: json (repr) writes 1e-05 and 5e-07, orjson 0.00001 and 5e-7;
# - NaN and infinities: orjson writes null where json (allow_nan=False) refuses the payload.
# A false alarm (a string holding "null", a legitimate None) only costs the slower encoder.
_SMALL_FLOAT = re.compile(r"\de-\d(?!\d)|(?<![\d.])0\.0000", re.ASCII)


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__}: left to json")


def canonical_json(payload: Any) -> str:
    """``payload`` as canonical JSON text: sorted keys, ``,``/``:``, UTF-8 as is, no NaN.

    Byte-identical to ``json.dumps(payload, sort_keys=True, separators=(",", ":"),
    ensure_ascii=False, allow_nan=False)`` (numpy scalars and arrays as plain numbers and lists)
    and raising what it raises. orjson alone is about ten times faster on the engine's small
    payloads; with the checks and the fallbacks a record costs about half what json's does.
    One exception: orjson writes a plain ``enum.Enum`` or ``uuid.UUID`` as its value where json
    refuses it; the engine never puts either in an event (details hold JSON types only).
    """
    try:
        raw = orjson.dumps(payload, default=_refuse, option=_FAST_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: big ints, surrogates, non-str keys, numpy …
        return _ENCODER.encode(payload)
    # Plain substring tests first, on the text (``bytes in bytes`` first tries the operand as
    # an int and formats the TypeError it clears: several times a str test's cost); the exact
    # test only where one finds something.
    text = raw.decode()
    if "null" in text or (("e-" in text or "0.0000" in text) and _SMALL_FLOAT.search(text)):
        return _ENCODER.encode(payload)
    return text


class _TextOf(dict[Any, str]):
    """Canonical JSON of ``str(key)``, worked out once per key (event kinds, primitives)."""

    def __missing__(self, key: Any) -> str:
        text = self[key] = _ENCODER.encode(str(key))
        return text


KIND_TEXT = _TextOf()
PRIMITIVE_TEXT = _TextOf()


def dict_texts(values: list[Any]) -> list[str] | list[None]:
    """The canonical JSON of each dict in ``values`` without its braces, from one orjson call
    over the list: where that text passes :func:`canonical_json`'s checks it is ``json.dumps``'
    text of the list, i.e. ``[``, the elements' texts joined by ``,``, and ``]``; with only dicts
    as elements, each boundary between two reads ``},{``, so if the text holds exactly
    ``len(values) - 1`` of those they are the boundaries. Otherwise (or for anything but plain
    dicts) ``None`` for each: the caller encodes those one at a time."""
    nothing: list[None] = [None] * len(values)
    if not values or set(map(type, values)) != {dict}:
        return nothing
    try:
        raw = orjson.dumps(values, default=_refuse, option=_FAST_OPTIONS)
    except TypeError:
        return nothing
    text = raw.decode()
    if "null" in text or (("e-" in text or "0.0000" in text) and _SMALL_FLOAT.search(text)):
        return nothing
    parts = text[2:-2].split("},{")
    return parts if len(parts) == len(values) else nothing


# Up to this many times are rounded one at a time (about a microsecond each, where numpy's
# dozen calls cost tens of microseconds whatever their size).
_FEW = 12


def _one_time(value: float) -> tuple[float, str | None]:
    """``round(value, 9)`` and its text, as :func:`audit_times` gives them for one value."""
    v = float(value)
    if not math.isfinite(v):
        return v, None
    rounded = round(v, 9)
    return rounded, repr(rounded)


def audit_times(values: Sequence[float]) -> tuple[list[float], list[str | None]]:
    """``round(v, 9)`` of each value and the JSON text of that (its ``repr``); the text is
    None for a value that is not finite (the record's own path refuses it). A few values, or
    one value repeated (a batch of records made at one moment), are rounded one at a time:
    numpy's fixed cost per call is more than theirs."""
    if not isinstance(values, list):
        values = list(values)
    first = values[0] if values else 0.0
    if len(values) <= _FEW or values.count(first) == len(values):
        if len(values) > _FEW:
            rounded_one, text_one = _one_time(first)
            return [rounded_one] * len(values), [text_one] * len(values)
        pairs = [_one_time(v) for v in values]
        return [r for r, _ in pairs], [t for _, t in pairs]
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
