"""AuditLog.append_many (the engine's bulk records) writes exactly what append writes, one
event at a time: the same lines, hashes and payloads, and the same refusals at the same record.

Its times are rounded and written in bulk (audit_text.audit_times), so that is compared with
``round(t, 9)`` and ``repr`` too, where the two could part: ties, products near a half-integer,
tiny and huge values, -0.0, inf and NaN.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phoenix_gui.engine.audit import AuditError, AuditLog
from phoenix_gui.engine.audit_text import audit_times, canonical_json, dict_texts
from phoenix_gui.engine.core import Core
from phoenix_gui.engine.events import Event, Primitive
from phoenix_gui.engine.step_events import StepEvents

_EDGES = [
    0.0, -0.0, 1e-4, 9.9999e-5, 1e-5, 5e-7, 5e-10, 1.5e-9, 0.0009765625, 1e15, 1e16, 1e17,
    2.0**52, 2.0**53 + 2, 4503599.6274966, 47.9999999995, 12.0000000005, 1.7976931348623157e308,
    -3.25, 123456.1234567895, math.nan, math.inf, -math.inf,
]  # fmt: skip


def _expected(value: float) -> tuple[float, str | None]:
    if not math.isfinite(value):
        return value, None
    rounded = round(value, 9)
    return rounded, repr(rounded)


def _check_times(values: list[float]) -> None:
    rounded, texts = audit_times(values)
    assert len(rounded) == len(texts) == len(values)
    for value, got, text in zip(values, rounded, texts, strict=True):
        want, want_text = _expected(value)
        assert text == want_text, value
        if want_text is not None:
            assert got == want and math.copysign(1.0, got) == math.copysign(1.0, want), value


def test_times_at_the_edges() -> None:
    _check_times(_EDGES)
    _check_times([x for x in _EDGES if math.isfinite(x)])
    _check_times([])


def test_times_near_half_integers_and_across_magnitudes() -> None:
    rng = np.random.default_rng(11)
    k = rng.integers(0, 10**13, 20_000)
    ties = ((k + 0.5) / 1e9).tolist()  # x · 1e9 at (or a rounding error from) a half-integer
    near = ((k + 0.5 + rng.normal(0, 1e-6, k.size)) / 1e9).tolist()
    spread = (10.0 ** rng.uniform(-12, 20, 20_000)).tolist()
    hours = (rng.random(20_000) * 500).tolist()
    _check_times(ties + near + spread + hours)


@given(st.lists(st.floats(), max_size=30))
def test_times_of_any_floats(values: list[float]) -> None:
    _check_times(values)


def _events(rng: np.random.Generator, n: int) -> list[Event]:
    kinds = ["task_completed", "task_submitted", "task_assigned", "task_denied"]
    prims = list(Primitive)
    out = []
    for i in range(n):
        details: dict[str, Any] = {"task": int(rng.integers(0, 10**6)), "member": f"host-{i % 7}"}
        if i % 5 == 0:
            details = {"task": i, "authorised": bool(i % 2)}
        if i % 11 == 0:
            details = {"ratio": float(rng.random()) * 1e-6, "name": 'a "q" \\ é\n', "x": None}
        if i % 13 == 0:
            details = {}
        out.append(Event(float(rng.random() * 48), prims[i % len(prims)], kinds[i % 4], details))
    return out


def _lines(log: AuditLog) -> list[str]:
    return [r.line for r in log.records]


def _same_logs(events: list[Event]) -> tuple[AuditLog, AuditLog]:
    single, bulk = AuditLog(), AuditLog()
    single.append_payload({"time": 0.0, "primitive": "system", "event": "run_started",
                           "details": {}})  # fmt: skip
    bulk.append_payload(single.records[0].payload)
    for event in events:
        single.append(event)
    bulk.append_many(events)
    return single, bulk


@pytest.mark.parametrize("n", [1, 2, 50, 400])
def test_append_many_equals_append(n: int) -> None:
    single, bulk = _same_logs(_events(np.random.default_rng(n), n))
    assert _lines(bulk) == _lines(single)
    assert bulk.head == single.head and len(bulk) == len(single)
    assert [r.payload for r in bulk.records] == [r.payload for r in single.records]
    assert bulk.verify().ok


def test_append_many_takes_the_slow_path_where_it_must() -> None:
    events = [
        Event(3, Primitive.SYSTEM, "int_time", {}),  # round(3, 9) is the int 3: "3", not "3.0"
        Event(np.float64(2.5), Primitive.SYSTEM, "numpy_time", {"v": np.int64(4)}),
        Event(1.0000000005, Primitive.MIGRATION, "tie", {"big": 2**70}),
        Event(7e-6, Primitive.DISCOVERY, "tiny", {"f": 1e-7}),
        Event(8.0, "assignment", "plain_str_primitive", {"t": 1}),  # type: ignore[arg-type]
        Event(9.0, Primitive.GOVERNANCE, 'ünï "kind"', {"list": [1, 2.5, "x"]}),
    ]
    single, bulk = _same_logs(events)
    assert _lines(bulk) == _lines(single)
    assert '"time":3,' in single.records[1].line


@pytest.mark.parametrize(
    "bad",
    [
        Event(math.nan, Primitive.SYSTEM, "nan_time", {}),
        Event(2.0, Primitive.SYSTEM, "nan_detail", {"x": math.inf}),
        Event(2.0, Primitive.SYSTEM, "set_detail", {"x": {1, 2}}),
        Event(2.0, Primitive.SYSTEM, "surrogate", {"x": "\ud800"}),
    ],
)
def test_append_many_refuses_where_append_refuses(bad: Event) -> None:
    good = _events(np.random.default_rng(3), 4)
    single, bulk = AuditLog(), AuditLog()
    for event in good:
        single.append(event)
    with pytest.raises(AuditError) as one:
        single.append(bad)
    with pytest.raises(AuditError) as many:
        bulk.append_many([*good, bad, *good])
    assert str(many.value) == str(one.value)
    assert _lines(bulk) == _lines(single)  # the records before it, and nothing after


def test_append_many_after_the_seal_is_refused() -> None:
    log = AuditLog()
    log.seal(1.0)
    with pytest.raises(AuditError, match="sealed"):
        log.append_many(_events(np.random.default_rng(1), 2))


def test_emit_many_equals_emit() -> None:
    events = _events(np.random.default_rng(5), 60)
    seen: dict[str, list[Event]] = {"single": [], "bulk": []}
    cores = {}
    for name in seen:
        core = Core.__new__(Core)
        core.audit = AuditLog()
        core._step_events = StepEvents()
        core._listeners = [seen[name].append]
        cores[name] = core
    for event in events:
        cores["single"].emit(event.time, event.primitive, event.kind, **event.details)
    cores["bulk"].emit_many(
        [e.time for e in events],
        [e.primitive for e in events],
        [e.kind for e in events],
        [e.details for e in events],
    )
    assert _lines(cores["bulk"].audit) == _lines(cores["single"].audit)
    assert cores["bulk"]._step_events == cores["single"]._step_events == events
    assert seen["bulk"] == seen["single"] == events


def _plain_events(n: int) -> list[Event]:
    """Events whose details all go through the one-call encoding (no null, no tiny float)."""
    return [
        Event(0.25 * i + 1e-3, Primitive.MIGRATION, "migration_started",
              {"task": i, "from": f"h{i}", "to": 'x}, {"y', "eta": 3.5, "ok": True,
               "path": [{"a": 1}], "z": [{}]} if i % 3 == 0 else {"task": i, "member": "é"})
        for i in range(n)
    ]  # fmt: skip


@pytest.mark.parametrize("n", [1, 2, 3, 300])
def test_append_many_of_plain_details_equals_append(n: int) -> None:
    single, bulk = _same_logs(_plain_events(n))
    assert _lines(bulk) == _lines(single)


details = st.dictionaries(
    st.text(max_size=6),
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet="{},\"'ab\\:[]é\x00", max_size=8)
    | st.lists(st.dictionaries(st.text(max_size=3), st.integers(), max_size=3), max_size=3),
    max_size=5,
)


@given(st.lists(details, max_size=8))
def test_details_texts_are_each_dicts_canonical_json(values: list[dict[str, Any]]) -> None:
    texts = dict_texts(values)
    assert len(texts) == len(values)
    for value, text in zip(values, texts, strict=True):
        if text is not None:
            assert "{" + text + "}" == canonical_json(value)


def test_details_texts_are_used_when_they_can_be() -> None:
    values = [e.details for e in _plain_events(30)]
    texts = dict_texts(values)
    assert None not in texts
    assert ["{" + t + "}" for t in texts if t is not None] == [canonical_json(v) for v in values]
    # A string holding the separator makes the split ambiguous: encoded one at a time then.
    assert dict_texts([{"a": "},{"}, {"b": 1}]) == [None, None]
    assert dict_texts([{"a": [{"x": 1}, {"y": 2}]}]) == [None]
    assert dict_texts([{"a": None}]) == [None] and dict_texts([[1]]) == [None]
