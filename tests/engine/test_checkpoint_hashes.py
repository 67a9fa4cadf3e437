"""checkpoint_hashes (a batch of transfers packed and hashed together) gives each
checkpoint_hash one at a time would."""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.engine.tasks import checkpoint_hash, checkpoint_hashes


@pytest.mark.parametrize("n", [0, 1, 7, 300])
def test_batch_equals_one_at_a_time(n: int) -> None:
    rng = np.random.default_rng(n)
    tasks = rng.integers(0, 2**40, n).tolist()
    progress = (rng.random(n) * 100).tolist()
    times = (rng.random(n) * 1e4 - 1.0).tolist()
    expected = [checkpoint_hash(*row) for row in zip(tasks, progress, times, strict=True)]
    assert checkpoint_hashes(tasks, progress, times) == expected
    assert checkpoint_hashes(np.array(tasks, dtype=np.int64), progress, times) == expected


def test_a_single_checkpoint_given_as_scalars() -> None:
    assert checkpoint_hashes(5, 1.5, 2.0) == [checkpoint_hash(5, 1.5, 2.0)]
