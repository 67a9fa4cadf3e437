"""What a step did, in words, for the line under the view ("host-3 drains: 119 tasks →
host-5 (62), host-7 (57)").

A pure function of a :class:`StepStory` (no Qt), so a test can check the sentence against the
engine's own events. Each paradigm says it in its own words: hosts and tasks on the ring, nodes
and pods in Kubernetes, agents and tasks for the LLM agents.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from phoenix_gui.qt.snapshots import MembershipChange, Moves, StepStory

WORDS = {
    "phoenix": ("host", "tasks", "task"),
    "kubernetes": ("node", "pods", "pod"),
    "agentic": ("agent", "tasks", "task"),
}
LISTED = 3  # destinations named; the rest are summed up as "n more"
NARRATED = 12  # membership changes told in words; the rest are counted


def _spread(indices: np.ndarray, name_of: Callable[[int], str]) -> str:
    # Each distinct member is named once (a drain at 10^5 tasks moves thousands of them).
    values, numbers = _tally(np.asarray(indices, dtype=np.int64))
    counts: Counter[str] = Counter()
    for i, n in zip(values.tolist(), numbers.tolist(), strict=True):
        counts[name_of(i) if i >= 0 else "pending"] += n
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{name} ({n})" for name, n in ranked[:LISTED]]
    rest = sum(n for _name, n in ranked[LISTED:])
    if rest:
        parts.append(f"{len(ranked) - LISTED} more ({rest})")
    return ", ".join(parts)


def _tally(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values (sorted) and how often each occurs: ``np.unique(…, return_counts=True)``
    without its cost on the GUI thread (numpy 2.4 imports ``numpy.ma`` on its first call, ~50
    ms, in the middle of a run)."""
    ordered = np.sort(values.ravel())
    if not ordered.size:
        return ordered, np.zeros(0, dtype=np.int64)
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(np.append(starts, ordered.size))


def _count(n: int, plural: str, singular: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def describe(change: MembershipChange, name_of: Callable[[int], str]) -> str:
    """One membership change in a sentence."""
    _member, plural, singular = WORDS.get(change.paradigm, WORDS["phoenix"])
    who = change.member.id
    moves: Moves = change.moves
    n = len(moves)
    if change.kind == "join":
        if n:
            return f"{who} joins: {_count(n, plural, singular)} ← {_spread(moves.source, name_of)}"
        return f"{who} joins"
    if change.kind == "drain":
        verb = "is cordoned and drained" if change.paradigm == "kubernetes" else "drains"
        if n:
            spread = _spread(moves.target, name_of)
            return f"{who} {verb}: {_count(n, plural, singular)} → {spread}"
        return f"{who} {verb}: nothing to move"
    if change.kind == "crash":
        return (
            f"{who} crashed: {_count(change.stranded, plural, singular)} stranded until its"
            " missed heartbeats are noticed"
        )
    if change.kind == "removed":
        head = f"{who} declared dead (missed heartbeats)"
        if n:
            spread = _spread(moves.target, name_of)
            return f"{head}: {_count(n, plural, singular)} → {spread}, from their last checkpoint"
        return head
    if change.kind == "retired":
        return f"{who} retired: its last {singular} has left"
    if change.kind == "rejected":
        return f"{who} refused at registration: {change.reason}"
    return f"{who}: {change.kind}"


def narrate(story: StepStory, name_of: Callable[[int], str]) -> str:
    """The whole step: its membership changes, else its hand-offs; '' when nothing to say."""
    told = [c for c in story.changes if c.kind != "retired"] or list(story.changes)
    # A step of thousands of changes (J, L at their maximum) is told by its first few: the
    # line shows a sentence or two, and wording them all cost the window ~70 ms.
    parts = [describe(c, name_of) for c in told[:NARRATED]]
    if len(told) > NARRATED:
        parts.append(f"{len(told) - NARRATED:,} more changes")
    if not parts and story.handoffs:
        h = story.handoffs[-1]
        why = h.reason.replace("_", " ")
        target = h.target or "the same agent (nobody else qualifies)"
        more = f" (+{len(story.handoffs) - 1} more)" if len(story.handoffs) > 1 else ""
        parts.append(
            f"task-{h.task} hands off {h.source} → {target} ({why}), carrying a"
            f" {h.checkpoint:.1f} h summary{more}"
        )
    if not parts:
        return ""
    text = " · ".join(parts)
    return f"Replay ({story.time_scale:g}×): {text}" if story.replay else text
