"""Copies of arrays mostly made of zeros at either end, without the memory of those zeros.

A forgetful task table (engine/tasks.py) gives its finished rows' pages back, and its spare
capacity is untouched memory: every column of a long run is a run of zeros (the forgotten
tasks), the live rows, then zeros again. The rewind history (rewind.py) keeps copies of the
run's arrays as they were at the last keyframes, to compare the next one with; a plain copy
would write every zero, and hold ~270 bytes for every task the run ever made. Here the copy is
made in fresh anonymous memory, whose pages read as zeros and take no memory until written, and
only its *span* — from the first non-zero element to the last — is written.
"""

from __future__ import annotations

import mmap

import numpy as np

from phoenix_gui.engine.tasks import _release as release

# Arrays below this many bytes are copied plainly (the zeros would take a few pages at most).
SPARSE_FROM = 1 << 20
_BLOCK = 1 << 16  # elements scanned at a time for the first (last) non-zero one

Span = tuple[int, int]  # [first non-zero element, last + 1); (n, n) when all are zero


def span(array: np.ndarray) -> Span:
    """Where ``array`` (1-D) is not zero: from its first non-zero element to its last."""
    n = int(array.size)
    lead = n
    for start in range(0, n, _BLOCK):
        block = array[start : start + _BLOCK]
        if block.any():
            lead = start + int(np.argmax(block != 0))
            break
    if lead == n:
        return n, n
    for stop in range(n, lead, -_BLOCK):
        block = array[max(lead, stop - _BLOCK) : stop][::-1]
        if block.any():
            return lead, stop - int(np.argmax(block != 0))
    raise AssertionError("unreachable: array[lead] is not zero")


def _fresh(like: np.ndarray) -> np.ndarray:
    """A zero-filled array of ``like``'s size and type whose pages are not yet in memory
    (private anonymous memory, not advised onto huge pages: one written row would make 2 MB
    resident)."""
    nbytes = max(1, like.nbytes)
    if hasattr(mmap, "MAP_PRIVATE"):  # private: pages given back (madvise) then read zeros
        memory = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE)
    else:
        memory = mmap.mmap(-1, nbytes)
    if hasattr(mmap, "MADV_NOHUGEPAGE"):
        memory.madvise(mmap.MADV_NOHUGEPAGE)
    return np.frombuffer(memory, dtype=like.dtype, count=like.size)


def sparse_copy(array: np.ndarray) -> tuple[np.ndarray, Span]:
    """A copy of ``array`` (1-D) and its span; the copy holds no memory outside the span (when
    it is large: :data:`SPARSE_FROM`; else it is a plain copy, its span the whole)."""
    if array.nbytes < SPARSE_FROM:
        return array.copy(), (0, int(array.size))
    lead, end = span(array)
    out = _fresh(array)
    out[lead:end] = array[lead:end]
    return out, (lead, end)


def refill(copy: np.ndarray, was: Span, array: np.ndarray) -> Span:
    """Make ``copy`` (from :func:`sparse_copy`, of span ``was``, ``array``'s size) equal
    ``array``, writing only ``array``'s span; what the copy held outside it is zeroed (whole
    pages given back). Returns the copy's new span."""
    if was == (0, int(copy.size)) and copy.nbytes < SPARSE_FROM:
        np.copyto(copy, array)
        return was
    lead, end = span(array)
    old_lead, old_end = was
    if min(lead, old_end) > old_lead:  # rows that became zero in front: the pages go back
        release(copy, old_lead, min(lead, old_end), zero_below=True)
    if old_end > max(end, old_lead):  # and behind
        release(copy, max(end, old_lead), old_end)
    copy[lead:end] = array[lead:end]
    return lead, end


def held(span_: Span, itemsize: int) -> int:
    """Bytes a sparse copy of span ``span_`` holds."""
    return (span_[1] - span_[0]) * itemsize
