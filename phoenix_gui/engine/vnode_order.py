"""The fair order of many vnodes at once: tokens from MD5 digests, one sort, the sorted arrays.

A vnode's place on the ring is its 18-byte sort key: the token (2 bytes, big-endian) and the
16 MD5 digest bytes, compared as bytes (engine/ring.py). Sorting 5·10^6 such keys with an
argsort of byte strings is slow; :func:`fair_sort` gets the same order from a plain sort of one
uint64 per vnode (token, leading MD5 bits, index) and settles the rare ties on the full keys.
The loops over millions of vnodes run in passes of :data:`PASS` rows, so their temporaries stay
in the CPU cache and no extra copy of the whole array is made.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from phoenix_gui.engine.token_index import TOKEN_SPACE, Int32Array, IntArray

KEY_DTYPE = np.dtype("S18")
PASS = 1 << 16  # rows per pass of the loops over millions of vnodes
DigestArray = npt.NDArray[np.uint8]
# 2^96, 2^64, 2^32 mod 10000: to reduce a 128-bit digest given as four 32-bit words.
_WORD_MOD = tuple(pow(2, 32 * k, TOKEN_SPACE) for k in (3, 2, 1))
_TOKEN_SHIFT = 50  # the packed sort key: token (14 bits) above 50 bits of MD5 and index
_U64 = np.uint64


def _hugepage_switch() -> Callable[[bool], bool] | None:
    """numpy's switch for advising huge pages on new large arrays (Linux), if it has one."""
    try:
        module = importlib.import_module("numpy._core.multiarray")
    except ImportError:  # pragma: no cover - another numpy layout: no switch, no change
        return None
    switch = getattr(module, "_set_madvise_hugepage", None)
    return switch if callable(switch) else None


_SET_HUGEPAGE = _hugepage_switch()


@contextlib.contextmanager
def small_pages() -> Iterator[None]:
    """New arrays made inside are not advised onto huge pages (numpy does that for arrays of
    4 MB and more), and numpy's setting is restored on leaving.

    Building a ring of 5·10^6 vnodes touches some 300 MB of fresh memory once. Where the
    kernel compacts memory to hand out each huge page on first touch (transparent huge pages
    with defrag on madvise, the common default; in this project's VM it cost 0.5-0.8 s of
    system time on a 2 s start), ordinary pages are cheaper for memory written once.
    """
    if _SET_HUGEPAGE is None:  # pragma: no cover
        yield
        return
    previous = bool(_SET_HUGEPAGE(False))
    try:
        yield
    finally:
        _SET_HUGEPAGE(previous)


def tokens_from_digests(digests: DigestArray) -> IntArray:
    """int(digest, 16) mod 10000 of each row of 16 MD5 digest bytes, as int64."""
    # The digest as four big-endian 32-bit words w0…w3: Σ w_k · (2^(32·(3-k)) mod M), then one
    # mod M. Every term is below 2^32 · 10^4 < 2^46, so the sum fits int64 with room to spare,
    # and int64 arithmetic is several times faster than uint64's in numpy (one mod, not three).
    # In passes of PASS rows, so the temporaries stay in the CPU cache.
    words = np.ascontiguousarray(digests).view(">u4").reshape(-1, 4)
    tokens: IntArray = np.empty(words.shape[0], dtype=np.int64)
    term = np.empty(min(PASS, tokens.size), dtype=np.int64)
    for start in range(0, tokens.size, PASS):
        part, w = tokens[start : start + PASS], words[start : start + PASS]
        scratch = term[: part.size]
        np.multiply(w[:, 0], np.int64(_WORD_MOD[0]), out=part)
        for k in (1, 2):
            np.multiply(w[:, k], np.int64(_WORD_MOD[k]), out=scratch)
            part += scratch
        part += w[:, 3]
        part %= TOKEN_SPACE
    return tokens


def sort_keys(tokens: IntArray, digests: DigestArray) -> npt.NDArray[np.bytes_]:
    """The ``S18`` sort keys: token (2 bytes, big-endian), then the 16 digest bytes."""
    buf = np.empty((tokens.size, 18), dtype=np.uint8)
    buf[:, 0] = tokens >> 8
    buf[:, 1] = tokens & 0xFF
    buf[:, 2:] = digests
    return buf.view(KEY_DTYPE).reshape(-1)


def fair_order(keys: npt.NDArray[np.bytes_]) -> IntArray:
    """argsort of the ``S18`` sort keys (stable): :func:`fair_sort` of their parts."""
    raw = keys.view(np.uint8).reshape(-1, 18)
    tokens = (raw[:, 0].astype(np.int64) << 8) | raw[:, 1]
    return fair_sort(tokens, raw[:, 2:])[0]


def fair_sort(tokens: IntArray, digests: DigestArray) -> tuple[IntArray, IntArray]:
    """The fair order of vnodes given by tokens and MD5 digests — the stable argsort of their
    ``S18`` sort keys — and the tokens in that order.

    Fast: one uint64 per vnode holds its token (14 bits), the leading MD5 bits and its index
    (the low bits), so a plain sort of those integers (much faster than an argsort) yields the
    order. Vnodes equal in token and leading bits (a handful among 5·10^6, odds ~1e-9 among
    10^5) come out in index order and are then put in their full-key order."""
    n = tokens.size
    index_bits = max(1, (n - 1).bit_length())
    md5_bits = _TOKEN_SHIFT - index_bits
    if md5_bits < 16:  # beyond ~10^10 vnodes: too few MD5 bits left to be worth it
        full: IntArray = np.argsort(sort_keys(tokens, digests), kind="stable").astype(np.int64)
        return full, tokens[full]
    # The packed keys and, after the sort, their parts: in passes of PASS rows (cache-sized).
    toks = np.ascontiguousarray(tokens, dtype=np.int64).view(np.uint64)
    heads = np.ascontiguousarray(digests).view(">u8")[:, 0]  # the first 8 digest bytes
    packed = np.empty(n, dtype=np.uint64)
    for start in range(0, n, PASS):
        stop = min(n, start + PASS)
        part = packed[start:stop]
        np.left_shift(toks[start:stop], _U64(_TOKEN_SHIFT), out=part)
        bits = np.right_shift(heads[start:stop], _U64(64 - md5_bits), dtype=np.uint64)
        bits <<= _U64(index_bits)
        part |= bits
        part |= np.arange(start, stop, dtype=np.uint64)
    packed.sort()
    ranked: IntArray = np.empty(n, dtype=np.int64)
    ties = []
    for start in range(0, n, PASS):
        stop = min(n, start + PASS)
        part = packed[start:stop]
        np.right_shift(part, _U64(_TOKEN_SHIFT), out=ranked[start:stop].view(np.uint64))
        high = packed[start : stop + 1] >> _U64(index_bits)  # one past: ties across passes
        tied = np.flatnonzero(high[1:] == high[:-1])
        if tied.size:
            ties.append(tied + start)
        part &= _U64((1 << index_bits) - 1)  # the index: the order, in place
    order: IntArray = packed.view(np.int64)
    if ties:
        order = _break_ties(order, np.concatenate(ties), tokens, digests)
    return order, ranked


def _break_ties(
    order: IntArray, tied: IntArray, tokens: IntArray, digests: DigestArray
) -> IntArray:
    """Put runs of vnodes the packed sort could not tell apart (``order[i]`` and
    ``order[i + 1]`` tie for each i in ``tied``; each run in index order) in full-key order."""
    new_run = np.ones(tied.size, dtype=bool)
    new_run[1:] = tied[1:] != tied[:-1] + 1
    starts = tied[new_run]
    ends = np.empty_like(starts)
    ends[:-1] = tied[np.flatnonzero(new_run)[1:] - 1] + 2
    ends[-1] = tied[-1] + 2
    if starts.size > 1000:  # a flood of ties (pathological): sort the full keys instead
        full: IntArray = np.argsort(sort_keys(tokens, digests), kind="stable").astype(np.int64)
        return full
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        run = order[start:end]
        order[start:end] = run[np.argsort(sort_keys(tokens[run], digests[run]), kind="stable")]
    return order


def _as_void(digests: DigestArray) -> npt.NDArray[np.void]:
    """Each row of a 2-D uint8 array as one opaque item (a fast unit to gather and copy)."""
    rows = np.ascontiguousarray(digests)
    return rows.view(np.dtype((np.void, rows.shape[1]))).reshape(-1)


def keys_in_order(ranked: IntArray, digests: DigestArray, order: IntArray) -> npt.NDArray[Any]:
    """The ``S18`` sort keys of the vnodes in ``order`` (``ranked``: their tokens, in order)."""
    keys = np.empty(ranked.size, dtype=[("token", ">u2"), ("md5", "V16")])
    keys["token"] = ranked
    rows, md5 = _as_void(digests), keys["md5"]
    for start in range(0, ranked.size, PASS):  # no 16-byte-per-vnode temporary
        md5[start : start + PASS] = rows[order[start : start + PASS]]
    return keys.view(KEY_DTYPE)


def members_in_order(
    order: IntArray, blocks: Sequence[tuple[Int32Array, int]]
) -> tuple[Int32Array, Int32Array]:
    """Member index and replica number of the vnodes in ``order``, where the vnodes are
    ``blocks`` of (member indices, vnodes each) one after the other, member by member."""
    if len(blocks) != 1:
        members = [np.repeat(indices, count) for indices, count in blocks]
        replicas = [np.tile(np.arange(count, dtype=np.int32), len(ids)) for ids, count in blocks]
        return joined(members)[order], joined(replicas)[order]
    indices, count = blocks[0]
    member = np.empty(order.size, dtype=np.int32)
    replica = np.empty(order.size, dtype=np.int32)
    for start in range(0, order.size, PASS):  # row = member row · count + replica
        row, rep = np.divmod(order[start : start + PASS], count)
        member[start : start + PASS] = indices[row]
        replica[start : start + PASS] = rep
    return member, replica


def joined(parts: Sequence[npt.NDArray[Any]]) -> npt.NDArray[Any]:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)
