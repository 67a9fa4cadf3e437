"""The audit log's fast canonical JSON (orjson) writes exactly what json.dumps writes.

The hash chain covers the encoded bytes, so a single differing byte (a float's exponent, an
escape, the key order) would change every later hash: the fast path must be byte-identical to
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)`` or
hand the payload to it.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phoenix_gui.engine.audit import canonical_json


def reference(payload: Any) -> str:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def same_outcome(payload: Any) -> None:
    """Equal text, or both refuse the payload with the same kind of error."""
    try:
        expected = reference(payload)
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            canonical_json(payload)
        return
    assert canonical_json(payload) == expected


scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # beyond 64 bits too: orjson refuses those, json writes them
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=-1e-3, max_value=1e-3)  # where repr and orjson disagree
    | st.floats(allow_nan=False, allow_infinity=False).map(lambda x: round(x, 9))
    | st.text()  # non-ASCII, astral, control characters, quotes, backslashes
    | st.sampled_from(["null", "e-5", "node-3", "0.00001", "\u2028", "\x7f", "é", "😀"])
)
payloads = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


@given(payloads)
def test_fast_encoding_is_byte_identical_to_json_dumps(payload: Any) -> None:
    same_outcome(payload)


@given(
    time=st.floats(min_value=0, max_value=1e6),
    task=st.integers(min_value=0, max_value=10**7),
    member=st.one_of(st.none(), st.text(max_size=12)),
)
def test_engine_shaped_payloads_are_identical(time: float, task: int, member: str | None) -> None:
    payload = {
        "time": round(time, 9),
        "primitive": "assignment",
        "event": "task_completed",
        "details": {"task": task, "member": member},
    }
    same_outcome(payload)


@pytest.mark.parametrize(
    "value",
    [
        1e-05,  # json: 1e-05, orjson: 0.00001
        5e-07,  # json: 5e-07, orjson: 5e-7
        -3.5e-09,
        9.99e-05,
        1e-04,
        1e16,
        1.5e300,
        5e-324,
        -0.0,
        2**63,
        2**64 + 1,  # orjson cannot encode it: json does
        -(2**63) - 1,
        "é\x00\x1f\x7f\u2028\U0001f600",
        'a"\\b\n\t\b\f\r',
        (1, 2.5),
        {"b": 1, "a": {"é": 1, "z": 2, "😀": 3, "\uffff": 4}},  # code-point key order
    ],
)
def test_known_differences_between_the_encoders_are_handled(value: Any) -> None:
    same_outcome({"details": {"value": value}, "time": 1.0})


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_refused_not_written_as_null(bad: float) -> None:
    with pytest.raises(ValueError):
        canonical_json({"details": {"x": bad}})


@pytest.mark.parametrize("value", [{1: 2}, {"x": {1, 2}}, object(), b"bytes", "\ud800"], ids=repr)
def test_what_json_refuses_is_refused_the_same_way(value: Any) -> None:
    same_outcome({"details": {"value": value}})


def test_numpy_values_encode_as_plain_numbers_and_lists() -> None:
    payload = {
        "details": {
            "i": np.int64(7),
            "f": np.float64(2.5e-06),
            "b": np.bool_(True),
            "a": np.arange(3),
        }
    }
    assert canonical_json(payload) == '{"details":{"a":[0,1,2],"b":true,"f":2.5e-06,"i":7}}'
