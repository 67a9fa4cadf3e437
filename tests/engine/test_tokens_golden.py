"""Golden token values, computed outside the implementation.

Each hex digest below was obtained once with coreutils, e.g. ``echo -n 'host-0#0' | md5sum``
(cross-checked with ``python3 -c "import hashlib; print(hashlib.md5(b'host-0#0').hexdigest())"``),
and each token is ``int(hex, 16) % 10000`` computed by hand from that digest at the same time.
Nothing here calls the ring's hashing to produce an expected value.
"""

from __future__ import annotations

import numpy as np
import pytest

from phoenix_gui.engine.ring import TOKEN_SPACE, HashRing, token, tokens_of

# key, md5 hex digest (md5sum), token = int(hex, 16) % 10000
GOLDEN = [
    ("host-0#0", "c5f769031e45bbd238c466508490286d", 6077),
    ("host-0#1", "30d798b4f3c37952374b87b544cd32bd", 429),
    ("host-1#0", "8bbb369746ae1e8f8b5f529ff64a7439", 7801),
    ("host-1#1", "d1dbe845c02290fb0011d189b0210a26", 8070),
    ("task-0", "d5b584bdf992e309842ba1e0d2dffe94", 4916),
    ("task-1", "c146b6ad38277b931d94d82f20703136", 8390),
    ("task-2", "befa05fad0cdd5fb319d437f20d71bd9", 3833),
    ("task-3", "4b4f85b0ab1abe45fe2ecfeff76ff559", 3897),
    ("a", "0cc175b9c0f1b6a831c399e269772661", 6497),
    ("ünï", "3241a66fd412a38b61bb6f5a732e1a29", 6537),  # UTF-8 bytes, not Latin-1
]


def test_token_space() -> None:
    assert TOKEN_SPACE == 10000


@pytest.mark.parametrize(("key", "hexdigest", "expected"), GOLDEN)
def test_golden_token(key: str, hexdigest: str, expected: int) -> None:
    assert int(hexdigest, 16) % 10000 == expected  # the pinned data is self-consistent
    assert token(key) == expected


def test_golden_tokens_vectorised() -> None:
    keys = [key for key, _, _ in GOLDEN]
    got = tokens_of(keys)
    assert got.dtype == np.int64
    assert got.tolist() == [expected for _, _, expected in GOLDEN]


def test_golden_two_host_ring() -> None:
    # host-0 vnodes at 429 and 6077, host-1 at 7801 and 8070 (tokens above).
    ring = HashRing.from_members(["host-0", "host-1"], vnodes=2)
    assert ring.vnode_tokens("host-0").tolist() == [6077, 429]
    assert ring.route("task-0") == "host-0"  # 4916 -> vnode 6077
    assert ring.route("task-1") == "host-0"  # 8390 -> past 8070, wraps to 429
    assert ring.route_token(7000) == "host-1"
    assert ring.route_token(8070) == "host-1"  # a vnode owns its own position
    assert ring.route_token(8071) == "host-0"
    assert ring.owned_positions("host-1") == 8070 - 6077  # the arc (6077, 8070]
    assert ring.owned_positions("host-0") == TOKEN_SPACE - (8070 - 6077)
    assert ring.arcs("host-1") == [(6078, 8070)]
    assert ring.arcs("host-0") == [(8071, 6077)]  # one arc across 12 o'clock


def test_golden_tie_break_by_md5_not_by_key() -> None:
    # 'm113#0' -> 8260bf926a6deb584aa7e16ff8a86f9b, 'm221#0' -> 78daecac09e90c59b7f6d7520b76073b:
    # both token 2555. By the 128-bit MD5, m221 comes first; ordering by key would pick m113.
    assert token("m113#0") == token("m221#0") == 2555
    for order in (["m113", "m221"], ["m221", "m113"]):
        ring = HashRing(vnodes=1)
        for member in order:
            ring.add(member)
        assert ring.route_token(2555) == "m221"
        assert ring.distinct_positions("m221") == 1
        assert ring.distinct_positions("m113") == 0
        assert ring.owned_positions("m113") == 0
        walk = ring.walk(2555)
        assert walk["vnode_key"] == "m221#0"
        assert walk["vnodes_at_token"] == 2
        assert walk["passed"] == 1
