"""Cached task dot places equal a fresh computation, whatever the order of ids and tokens."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from phoenix_gui.qt.views.ring import geometry as geo
from phoenix_gui.qt.views.ring.layers import DotLayer


def fresh(ids: np.ndarray, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return geo.token_xy(tokens, geo.task_radius(ids))


@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 9999)), max_size=60),
        min_size=1,
        max_size=5,
    )
)
def test_cached_places_equal_a_fresh_computation(batches: list[list[tuple[int, int]]]) -> None:
    places = geo.TaskPlaces()
    for batch in batches:  # later batches may give a known id another token (another run)
        pairs = dict(batch)  # one token per id within a call, as a task table has
        ids = np.array(list(pairs), dtype=np.int64)
        tokens = np.array(list(pairs.values()), dtype=np.int64)
        x, y = places.xy(ids, tokens)
        fx, fy = fresh(ids, tokens)
        np.testing.assert_array_equal(x, fx)
        np.testing.assert_array_equal(y, fy)


def test_only_new_ids_are_computed(monkeypatch) -> None:
    places = geo.TaskPlaces()
    ids = np.arange(1000)
    tokens = np.arange(1000) * 7 % 10_000
    places.xy(ids, tokens)
    computed: list[int] = []
    real = geo.token_xy

    def counting(tok, radius):
        computed.append(len(tok))
        return real(tok, radius)

    monkeypatch.setattr(geo, "token_xy", counting)
    places.xy(np.arange(1005), np.arange(1005) * 7 % 10_000)
    assert computed == [5]


def test_dot_order_depends_on_the_keys_ranks_not_their_values(qtbot) -> None:
    # The dots are painted in interleaved rounds (honest pixel shares, issue 13); the order is
    # decided by each key's rank, so member indices past 16 bits give the same picture.
    rng = np.random.default_rng(3)
    keys = rng.integers(-1, 300, 20_000)
    x, y = rng.random(20_000), rng.random(20_000)
    layer = DotLayer()
    layer.set_data(x, y, keys)
    first = layer._xy.copy()
    assert sorted(map(tuple, first.T)) == sorted(zip(x, y, strict=True))  # every dot, once
    layer.set_data(x, y, keys * 1000)
    np.testing.assert_array_equal(layer._xy, first)
