"""Membership metrics (DESIGN.md §3): the source's check value, bands, refusals, balance."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from phoenix_gui.engine.metrics import (
    CRITICAL,
    DEGRADED,
    HEALTHY,
    HealthBands,
    MetricInputs,
    MetricsError,
    balance,
    compute,
    ideal_overhead,
    overhead_ratio,
)
from phoenix_gui.params import PARAMS

SOURCE = MetricInputs(joins=12, leaves=8, hours=24, trust=0.95, compliance=0.98)


def test_source_check_value() -> None:
    m = compute(SOURCE)
    assert m.mcr == pytest.approx(20 / 24)
    assert m.wmcr == pytest.approx((0.5 * 12 + 8) / 24)
    assert m.si == pytest.approx(1 / (1 + 20 / 24))
    assert m.dhs == pytest.approx(100 * (24 / 44 + 0.95 + 0.98) / 3)
    assert m.as_dict() == {
        "mcr": 0.8333,
        "wmcr": 0.5833,
        "si": 0.5455,
        "dhs": 82.5,
        "status": "Healthy",
    }


def test_formulas_fill_in_the_numbers() -> None:
    lines = compute(SOURCE).formulas()
    assert lines[0] == "MCR  = (J + L) / Δt = (12 + 8) / 24 = 0.8333 events/h"
    assert "(0.5·12 + 1·8) / 24 = 0.5833" in lines[1]
    assert lines[2].endswith("= 0.5455")
    assert lines[3].endswith("(0.5455 + 0.95 + 0.98) / 3 = 82.5 % Healthy")


def test_weights_change_only_wmcr() -> None:
    heavy = compute(MetricInputs(12, 8, 24, 0.95, 0.98, w_join=2.0, w_leave=3.0))
    base = compute(SOURCE)
    assert heavy.wmcr == pytest.approx((2 * 12 + 3 * 8) / 24)
    assert (heavy.mcr, heavy.si, heavy.dhs) == (base.mcr, base.si, base.dhs)


@pytest.mark.parametrize(
    ("trust", "compliance", "dhs", "status"),
    [
        (1.0, 1.0, 100.0, HEALTHY),
        (0.4, 1.0, 80.0, HEALTHY),
        (0.3997, 1.0, 79.99, DEGRADED),
        (0.8, 0.0, 60.0, DEGRADED),
        (0.7997, 0.0, 59.99, CRITICAL),
    ],
)
def test_band_edges(trust: float, compliance: float, dhs: float, status: str) -> None:
    assert HealthBands().status(dhs) == status
    # No churn gives SI = 1, so DHS = 100 · (1 + T + C) / 3 lands on the edge itself.
    m = compute(MetricInputs(0, 0, 1.0, trust, compliance))
    assert m.dhs == pytest.approx(dhs, abs=1e-9)
    assert m.status == status


def test_custom_bands() -> None:
    bands = HealthBands(healthy=90.0, degraded=70.0)
    assert [bands.status(x) for x in (90.0, 89.99, 70.0, 69.99)] == [
        HEALTHY, DEGRADED, DEGRADED, CRITICAL,
    ]  # fmt: skip
    assert compute(SOURCE, bands).status == DEGRADED  # 82.5 is Healthy only by the default bands
    assert compute(MetricInputs(0, 0, 1.0, 0.0, 0.0), bands).status == CRITICAL  # DHS 33.3


@pytest.mark.parametrize(
    ("healthy", "degraded"), [(50.0, 60.0), (101.0, 60.0), (80.0, -1.0), (math.nan, 60.0)]
)
def test_bad_bands_are_refused(healthy: float, degraded: float) -> None:
    with pytest.raises(MetricsError) as info:
        HealthBands(healthy=healthy, degraded=degraded)
    assert info.value.field.startswith("bands")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("joins", -1),
        ("joins", math.nan),
        ("leaves", -0.5),
        ("leaves", math.inf),
        ("hours", 0),
        ("hours", -24),
        ("hours", math.nan),
        ("trust", 1.01),
        ("trust", -0.01),
        ("trust", math.nan),
        ("compliance", 2),
        ("compliance", -math.inf),
        ("w_join", -0.1),
        ("w_leave", math.nan),
        ("joins", "12"),
        ("trust", True),
        ("hours", None),
    ],
)
def test_every_bad_input_names_its_field(field: str, value: Any) -> None:
    kwargs: dict[str, Any] = {
        "joins": 12, "leaves": 8, "hours": 24, "trust": 0.95, "compliance": 0.98,
    }  # fmt: skip
    kwargs[field] = value
    with pytest.raises(MetricsError) as info:
        MetricInputs(**kwargs)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("joins", "leaves", "hours"), [(1e308, 1e308, 1.0), (5, 5, 5e-324), (1e200, 0, 1e-200)]
)
def test_overflowing_rate_is_refused(joins: float, leaves: float, hours: float) -> None:
    with pytest.raises(MetricsError, match="overflows") as info:
        MetricInputs(joins, leaves, hours, 0.5, 0.5)
    assert info.value.field == "hours"


def test_numpy_scalars_are_accepted() -> None:
    joins: Any = np.int64(12)
    leaves: Any = np.int32(8)
    m = compute(MetricInputs(joins, leaves, np.float64(24.0), 0.95, 0.98))
    assert m.as_dict() == compute(SOURCE).as_dict()


finite_counts = st.floats(min_value=0.0, max_value=1e12, allow_nan=False)
unit = st.floats(min_value=0.0, max_value=1.0)


@given(
    joins=finite_counts,
    leaves=finite_counts,
    hours=st.floats(min_value=1e-9, max_value=1e9),
    trust=unit,
    compliance=unit,
    w_join=st.floats(min_value=0.0, max_value=10.0),
    w_leave=st.floats(min_value=0.0, max_value=10.0),
)
def test_metrics_are_finite_and_dhs_is_a_percentage(
    joins: float,
    leaves: float,
    hours: float,
    trust: float,
    compliance: float,
    w_join: float,
    w_leave: float,
) -> None:
    m = compute(MetricInputs(joins, leaves, hours, trust, compliance, w_join, w_leave))
    for value in (m.mcr, m.wmcr, m.si, m.dhs):
        assert math.isfinite(value)
    assert m.mcr >= 0 and m.wmcr >= 0
    assert 0.0 < m.si <= 1.0
    assert 0.0 <= m.dhs <= 100.0
    assert m.status == HealthBands().status(m.dhs)


@given(
    joins=st.floats(min_value=0.0, max_value=1e300),
    leaves=st.floats(min_value=0.0, max_value=1e300),
    hours=st.floats(min_value=5e-324, max_value=1e300),
)
def test_extreme_inputs_are_either_refused_or_finite(
    joins: float, leaves: float, hours: float
) -> None:
    try:
        m = compute(MetricInputs(joins, leaves, hours, 1.0, 1.0))
    except MetricsError as exc:
        assert exc.field == "hours"
        return
    assert all(math.isfinite(v) for v in (m.mcr, m.wmcr, m.si, m.dhs))


@given(st.sampled_from(["joins", "leaves", "hours", "trust", "compliance", "w_join", "w_leave"]))
def test_param_spec_ranges_are_accepted_by_the_metrics(name: str) -> None:
    # Every value the sliders and CLI allow must be computable (the specs and the model agree).
    spec = PARAMS[name]
    for value in (spec.default, spec.maximum, spec.minimum if not spec.min_exclusive else 1e-3):
        kwargs: dict[str, float] = {
            n: PARAMS[n].default
            for n in ("joins", "leaves", "hours", "trust", "compliance", "w_join", "w_leave")
        }
        kwargs[name] = spec.validate(value)
        m = compute(MetricInputs(**kwargs))
        assert 0.0 <= m.dhs <= 100.0


# --- balance and rebalancing overhead -------------------------------------------------------


def test_balance_statistics() -> None:
    stats = balance([2, 4, 6, 8])
    assert (stats.members, stats.tasks, stats.max) == (4, 20, 8)
    assert stats.mean == 5.0
    assert stats.std == pytest.approx(math.sqrt(5.0))  # population standard deviation
    assert stats.max_over_mean == pytest.approx(1.6)
    assert stats.as_dict() == {
        "members": 4, "tasks": 20, "mean": 5.0, "std": 2.2361, "max": 8, "max_over_mean": 1.6,
    }  # fmt: skip


def test_balance_edge_cases() -> None:
    assert balance([]).as_dict()["members"] == 0
    assert balance(np.array([], dtype=np.int64)).max_over_mean == 0.0
    idle = balance([0, 0, 0])
    assert (idle.mean, idle.max_over_mean) == (0.0, 0.0)
    even = balance(np.full(7, 3, dtype=np.int32))
    assert (even.std, even.max_over_mean) == (0.0, 1.0)
    whole_floats: Any = [3.0, 4.0]
    assert balance(whole_floats).tasks == 7


@pytest.mark.parametrize("loads", [[1, -1], [1.5, 2], [math.nan], [math.inf, 1]])
def test_balance_refuses_bad_loads(loads: Any) -> None:
    with pytest.raises(MetricsError) as info:
        balance(loads)
    assert info.value.field == "loads"


def test_overhead_ratio() -> None:
    assert overhead_ratio(25, 100) == 0.25
    assert overhead_ratio(0, 0) == 0.0
    assert overhead_ratio(100, 100) == 1.0
    with pytest.raises(MetricsError) as info:
        overhead_ratio(-1, 10)
    assert info.value.field == "moved"
    with pytest.raises(MetricsError) as info:
        overhead_ratio(1, -10)
    assert info.value.field == "active"
    with pytest.raises(MetricsError, match="cannot exceed"):
        overhead_ratio(11, 10)


def test_ideal_overhead() -> None:
    assert ideal_overhead(0, "join") == 1.0  # the first member takes everything
    assert ideal_overhead(9, "join") == pytest.approx(0.1)
    assert ideal_overhead(10, "leave") == pytest.approx(0.1)
    assert ideal_overhead(1, "leave") == 1.0
    for args, field in (((-1, "join"), "members"), ((0, "leave"), "members"), ((3, "x"), "kind")):
        with pytest.raises(MetricsError) as info:
            ideal_overhead(*args)
        assert info.value.field == field


def test_a_huge_whole_number_is_reported_out_of_range_not_fractional() -> None:
    from phoenix_gui.params import PARAMS, ParamError

    with pytest.raises(ParamError) as err:
        PARAMS["joins"].validate(10**30, field="metrics.joins")
    assert err.value.field == "metrics.joins"
    assert "must be in [0, 100000]" in err.value.message
    with pytest.raises(ParamError, match="whole number"):
        PARAMS["joins"].validate(2.5)


# -- band edges on exact decimals (issue 18, item 1) ---------------------------------------


def _grid(name: str) -> st.SearchStrategy[float]:
    """Values a slider can take: minimum + k·step within the range, as the decimal it shows."""
    spec = PARAMS[name]
    first = 1 if spec.min_exclusive else 0
    last = round((spec.maximum - spec.minimum) / spec.step)
    places = max(0, -math.floor(math.log10(spec.step))) if spec.step < 1 else 0
    return st.integers(first, min(last, 400)).map(
        lambda k: float(round(spec.minimum + k * spec.step, places + 1))
    )


def _independent_band(j: float, lv: float, h: float, t: float, c: float) -> str:
    """The band from decimal arithmetic, written out without the engine's helpers."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 60
        dj, dl, dh, dt, dc = (Decimal(repr(x)) for x in (j, lv, h, t, c))
        si = 1 / (1 + (dj + dl) / dh)
        dhs = 100 * (si + dt + dc) / 3
        # 60 digits are enough to tell an exact edge from a value a hair away from it.
        if abs(dhs - 80) < Decimal("1e-40"):
            dhs = Decimal(80)
        if abs(dhs - 60) < Decimal("1e-40"):
            dhs = Decimal(60)
    return HEALTHY if dhs >= 80 else DEGRADED if dhs >= 60 else CRITICAL


def _band_of_text(text: str) -> str:
    value = float(text)
    return HEALTHY if value >= 80 else DEGRADED if value >= 60 else CRITICAL


def test_exact_edges_land_where_decimal_arithmetic_puts_them() -> None:
    edge = compute(MetricInputs(joins=0, leaves=0, hours=24, trust=0.4, compliance=0.4))
    assert (edge.dhs, edge.status, edge.as_dict()["dhs"]) == (60.0, DEGRADED, 60.0)
    assert edge.formulas()[3].endswith("= 60.0 % Degraded")
    # Every T + C = 0.8 (or 1.4) on the slider grid is exactly on an edge.
    wrong = []
    for t100 in range(101):
        for c100 in range(101):
            t, c = t100 / 100, c100 / 100
            m = compute(MetricInputs(0, 0, 24, t, c))
            if m.status != _independent_band(0, 0, 24, t, c):
                wrong.append((t, c))
    assert wrong == []


def test_shown_number_and_band_never_contradict_near_an_edge() -> None:
    bands = HealthBands()
    from phoenix_gui.engine.metrics import dhs_text

    assert dhs_text(79.97, bands) == "79.97"
    assert dhs_text(79.95, bands) == "79.95"
    assert dhs_text(59.99, bands) == "59.99"
    assert dhs_text(82.515, bands) == "82.5"
    # J = 1, L = 0 over Δt = 3999 h with T = 0.7, C = 0.7: DHS a hair under 80.
    m = compute(MetricInputs(1, 0, 3999, 0.7, 0.7))
    assert m.status == DEGRADED
    assert _band_of_text(m.dhs_text()) == DEGRADED
    assert m.as_dict()["dhs"] < 80


@given(_grid("joins"), _grid("leaves"), _grid("hours"), _grid("trust"), _grid("compliance"))
def test_band_is_decimal_exact_and_matches_the_shown_number_over_the_slider_grid(
    j: float, lv: float, h: float, t: float, c: float
) -> None:
    m = compute(MetricInputs(j, lv, h, t, c))
    assert m.status == _independent_band(j, lv, h, t, c)
    assert _band_of_text(m.dhs_text()) == m.status
    assert _band_of_text(str(m.as_dict()["dhs"])) == m.status
    assert m.formulas()[3].endswith(f"{m.dhs_text()} % {m.status}")
