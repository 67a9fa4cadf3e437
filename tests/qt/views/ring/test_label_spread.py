"""Member labels on the ring: neighbours closer than a label's width are moved apart."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from phoenix_gui.qt.views.ring.geometry import LABEL_GAP, spread_angles

TWO_PI = 2.0 * np.pi


def _circular_gaps(theta: np.ndarray) -> np.ndarray:
    ordered = np.sort(np.mod(theta, TWO_PI))
    return np.diff(np.concatenate((ordered, [ordered[0] + TWO_PI])))


def test_far_apart_labels_stay_where_they_are() -> None:
    angles = np.array([0.5, 2.0, 4.0])
    assert np.allclose(spread_angles(angles), angles)


def test_a_cluster_is_spread_evenly_around_its_mean() -> None:
    angles = np.array([1.0, 1.02, 1.04])
    out = spread_angles(angles)
    assert np.allclose(out, [1.0 - LABEL_GAP + 0.02, 1.02, 1.04 + LABEL_GAP - 0.02])
    assert out.tolist() == sorted(out.tolist())  # order kept


def test_a_cluster_across_twelve_o_clock_wraps() -> None:
    out = spread_angles(np.array([TWO_PI - 0.01, 0.01]))
    assert np.allclose(_circular_gaps(out).min(), LABEL_GAP)
    assert np.isclose(out[0], TWO_PI - LABEL_GAP / 2) and np.isclose(out[1], LABEL_GAP / 2)


@given(st.lists(st.floats(0.0, TWO_PI, exclude_max=True), min_size=2, max_size=32))
def test_every_neighbour_ends_up_at_least_the_gap_apart(values: list[float]) -> None:
    angles = np.array(values)
    gap = min(LABEL_GAP, TWO_PI / len(values))
    out = spread_angles(angles)
    assert out.shape == angles.shape
    assert _circular_gaps(out).min() >= gap - 1e-9 or len(values) * gap > TWO_PI - 1e-9


def test_spread_runs_that_reach_round_the_circle_merge_across_the_cut() -> None:
    # Fourteen labels at one angle spread past the widest gap's far side (found by hypothesis).
    angles = np.array([0.0] * 14 + [3.0, 4.0, 5.0, 1.5])
    out = spread_angles(angles)
    assert _circular_gaps(out).min() >= LABEL_GAP - 1e-9
