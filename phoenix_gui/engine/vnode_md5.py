"""MD5 of many vnode keys ``"{member}#{i}"`` at once, in numpy (RFC 1321, byte for byte).

Starting 5000 hosts × 1000 vnodes hashes 5·10^6 short keys. ``hashlib`` costs about 0.7 µs a
key in call overhead alone; here the 64 MD5 rounds run as numpy operations over tens of
thousands of keys at a time (one lane per key, 32-bit words, wrapping adds), about 0.12 µs a
key. A vnode key is at most 55 bytes, so it is a single MD5 block: the key, the 0x80 pad
byte, zeros and its length in bits. Keys of one length share the block's layout, so keys are
hashed in blocks of one member-name length and one suffix length. Small blocks, and keys
longer than one MD5 block holds, go through ``hashlib`` (fixed numpy overhead per block).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_U32 = np.uint32
_ROTATE = [7, 12, 17, 22] * 4 + [5, 9, 14, 20] * 4 + [4, 11, 16, 23] * 4 + [6, 10, 15, 21] * 4
_SINE = [int(abs(math.sin(i + 1)) * 2**32) & 0xFFFFFFFF for i in range(64)]
_WORD = [i for i in range(16)] + [(5 * i + 1) % 16 for i in range(16, 32)]
_WORD += [(3 * i + 5) % 16 for i in range(32, 48)] + [(7 * i) % 16 for i in range(48, 64)]
_INIT = (0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476)
_MAX_KEY = 55  # bytes: the key, 0x80 and the 8-byte length fit one 64-byte block
ROWS_PER_PASS = 32768  # keys hashed together: the working set stays in the CPU cache
MIN_ROWS = 2048  # smaller blocks go through hashlib (numpy's fixed cost per block)

DigestArray = npt.NDArray[np.uint8]
_Words = list[npt.NDArray[np.uint32] | int]


def vnode_digests(member_ids: Sequence[str], count: int) -> DigestArray:
    """MD5 digests of ``"{m}#{i}"`` (UTF-8) for each member m, i = 0 … count-1, member by
    member: an ``(len(member_ids) · count, 16)`` uint8 array, the bytes ``hashlib`` gives."""
    min_rows = MIN_ROWS  # read at each call, so tests can send small blocks through numpy
    names = [m.encode() for m in member_ids]
    out = np.empty((len(names), count, 16), dtype=np.uint8)
    by_length: dict[int, list[int]] = {}
    for row, name in enumerate(names):
        by_length.setdefault(len(name), []).append(row)
    lo = 0
    while lo < count:  # replicas with the same number of digits: 0-9, 10-99, …
        hi = min(count, 10 * lo if lo else 10)
        suffixes = [b"#%d" % i for i in range(lo, hi)]
        for length, rows in by_length.items():
            size = length + len(suffixes[0])
            if len(rows) * (hi - lo) < min_rows or size > _MAX_KEY:
                for row in rows:
                    raw = b"".join([hashlib.md5(names[row] + s).digest() for s in suffixes])
                    out[row, lo:hi] = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16)
            else:
                prefixes = np.frombuffer(b"".join([names[r] for r in rows]), dtype=np.uint8)
                _hash_block(prefixes.reshape(len(rows), length), suffixes, out, rows, lo)
        lo = hi
    return out.reshape(-1, 16)


def _hash_block(
    prefixes: DigestArray, suffixes: list[bytes], out: DigestArray, rows: list[int], lo: int
) -> None:
    """Keys ``prefix + suffix`` for every prefix row and suffix, into ``out[rows, lo:…]``.

    The prefix and the suffix (with the 0x80 byte) fill disjoint bytes of the block, so each
    message word is the OR of a word of the prefix and a word of the suffix: one broadcast OR
    per word and pass, no per-key bytes assembled."""
    length = prefixes.shape[1]
    size = length + len(suffixes[0])
    words = (size + 4) // 4  # the key and the 0x80 byte, in whole 32-bit words
    head = np.zeros((prefixes.shape[0], 4 * words), dtype=np.uint8)
    head[:, :length] = prefixes
    tail = np.zeros((len(suffixes), 4 * words), dtype=np.uint8)
    tail[:, length:size] = np.frombuffer(b"".join(suffixes), dtype=np.uint8).reshape(
        len(suffixes), -1
    )
    tail[:, size] = 0x80
    head_words = head.view("<u4").astype(_U32)
    tail_words = tail.view("<u4").astype(_U32)
    per_pass = max(1, ROWS_PER_PASS // len(suffixes))
    digests = out.view("<u4").reshape(out.shape[0], out.shape[1], 4)
    hi = lo + len(suffixes)
    for start in range(0, len(rows), per_pass):
        stop = min(len(rows), start + per_pass)
        message: _Words = [
            (head_words[start:stop, j, None] | tail_words[None, :, j]).reshape(-1)
            for j in range(words)
        ]
        message += [0] * (16 - words)
        message[14] = 8 * size
        state = _compress(message, (stop - start) * len(suffixes))
        shape = (stop - start, len(suffixes))
        if rows[stop - 1] - rows[start] == stop - start - 1:  # consecutive rows: write in place
            target = digests[rows[start] : rows[stop - 1] + 1, lo:hi]
            for k, word in enumerate(state):
                target[:, :, k] = word.reshape(shape)
        else:
            part = np.empty((*shape, 4), dtype="<u4")
            for k, word in enumerate(state):
                part[:, :, k] = word.reshape(shape)
            digests[rows[start:stop], lo:hi] = part


def _compress(message: _Words, n: int) -> tuple[npt.NDArray[np.uint32], ...]:
    """The MD5 state after one block, per lane; ``message[j]`` is word j (array or constant)."""
    a, b, c, d = (np.full(n, v, dtype=_U32) for v in _INIT)
    f, t = np.empty(n, dtype=_U32), np.empty(n, dtype=_U32)
    for i in range(64):
        if i < 16:  # F = (b & c) | (~b & d)
            np.bitwise_xor(c, d, out=f)
            np.bitwise_and(f, b, out=f)
            np.bitwise_xor(f, d, out=f)
        elif i < 32:  # G = (b & d) | (c & ~d)
            np.bitwise_xor(b, c, out=f)
            np.bitwise_and(f, d, out=f)
            np.bitwise_xor(f, c, out=f)
        elif i < 48:  # H = b ^ c ^ d
            np.bitwise_xor(b, c, out=f)
            np.bitwise_xor(f, d, out=f)
        else:  # I = c ^ (b | ~d)
            np.invert(d, out=f)
            np.bitwise_or(f, b, out=f)
            np.bitwise_xor(f, c, out=f)
        np.add(f, a, out=f)
        word = message[_WORD[i]]
        if isinstance(word, int):
            np.add(f, _U32((_SINE[i] + word) & 0xFFFFFFFF), out=f)
        else:
            np.add(f, word, out=f)
            np.add(f, _U32(_SINE[i]), out=f)
        shift = _ROTATE[i]
        np.left_shift(f, _U32(shift), out=t)
        np.right_shift(f, _U32(32 - shift), out=f)
        np.bitwise_or(f, t, out=f)
        np.add(f, b, out=f)
        a, b, c, d, f = d, f, b, c, a  # the old a's buffer takes the next round's f
    for word, v in zip((a, b, c, d), _INIT, strict=True):
        np.add(word, _U32(v), out=word)
    return a, b, c, d
