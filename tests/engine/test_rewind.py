"""RunHistory: every past step rebuilt from keyframes and replay is the step that happened."""

from __future__ import annotations

import itertools
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import phoenix_gui.engine.rewind as rewind
from phoenix_gui.engine import RunHistory, Simulation, copy_run
from phoenix_gui.engine.rewind import LEVEL1
from tests.engine.sim_helpers import config

actions = st.lists(
    st.tuples(st.integers(0, 39), st.sampled_from(["join", "retire", "crash", "joins", "submit"])),
    max_size=8,
)


def _live_run(
    paradigm: str,
    seed: int,
    plan: list[tuple[int, str]],
    every: int,
    budget: int,
    deferred: bool = False,
):
    sim = Simulation(config(paradigm, seed=seed))
    history = RunHistory(sim, every=every, budget_bytes=budget, deferred=deferred)
    heads = {sim.step_index: (sim.audit.head, len(sim.audit))}
    for step in range(40):
        _request_plan(history, sim, plan, step)
        sim.step()
        history.stepped(sim)
        heads[sim.step_index] = (sim.audit.head, len(sim.audit))
    return sim, history, heads


def _request_plan(
    history: RunHistory, sim: Simulation, plan: list[tuple[int, str]], step: int
) -> None:
    """Make the plan's requests due at ``step`` through ``history``."""
    for at, kind in plan:
        if at != step:
            continue
        members = sorted(m.id for m in sim.registry.members() if m.status.value == "ACTIVE")
        if kind == "join":
            history.request(sim, "request_join")
        elif kind in ("retire", "crash") and members:
            history.request(sim, f"request_{kind}", members[step % len(members)])
        elif kind == "joins":
            history.request(sim, "set_param", "joins", float(step))
        elif kind == "submit":
            history.request(sim, "submit_task")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    paradigm=st.sampled_from(["phoenix", "kubernetes", "agentic"]),
    seed=st.integers(0, 10_000),
    plan=actions,
    every=st.integers(1, 12),
)
def test_every_past_step_is_rebuilt_exactly(
    paradigm: str, seed: int, plan: list[tuple[int, str]], every: int
) -> None:
    live, history, heads = _live_run(paradigm, seed, plan, every, 1 << 30)
    for step in (0, 1, every - 1, every, 17, 39, 40):
        past = history.at(min(step, 40))
        assert (past.audit.head, len(past.audit)) == heads[min(step, 40)]
    # Looking back leaves the live run alone: it goes on as if nobody had looked.
    assert (live.audit.head, len(live.audit)) == heads[40]


def test_a_tight_budget_thins_keyframes_and_still_rebuilds_exactly() -> None:
    _, roomy, heads = _live_run("phoenix", 3, [(5, "crash"), (20, "join")], 2, 1 << 30)
    # Keyframes store what changed since the ones before, so a history never gets far below
    # its first keyframe plus the copies the next is compared with (most of a small run's).
    budget = roomy.nbytes() * 3 // 4
    _, tight, _ = _live_run("phoenix", 3, [(5, "crash"), (20, "join")], 2, budget)
    assert tight.nbytes() <= budget
    steps = tight.keyframe_steps()
    assert len(steps) < len(roomy.keyframe_steps())
    assert max(b - a for a, b in itertools.pairwise(steps)) > 2
    for step in (0, 7, 21, 33, 39, 40):
        past = tight.at(step)
        assert (past.audit.head, len(past.audit)) == heads[step]


def test_truncate_forgets_the_abandoned_future() -> None:
    _live, history, heads = _live_run("phoenix", 5, [(30, "join")], 5, 1 << 30)
    history.truncate(20)
    assert history.latest == 20 and max(history.keyframe_steps()) <= 20
    assert all(r.step < 20 for r in history.requests)
    assert history.at(20).audit.head == heads[20][0]
    with pytest.raises(ValueError, match="step: must be in"):
        history.at(21)


def test_unknown_requests_are_refused() -> None:
    sim = Simulation(config("phoenix", seed=1))
    with pytest.raises(ValueError, match="unknown kind"):
        RunHistory(sim).request(sim, "explode")


def _frozen(sim: Simulation) -> tuple[bytes, list[bytes]]:
    buffers: list[pickle.PickleBuffer] = []
    graph = pickle.dumps(sim, protocol=5, buffer_callback=buffers.append)
    return graph, [bytes(b.raw()) for b in buffers]


def test_a_jump_after_another_rebuilds_the_same_state_as_a_first_jump() -> None:
    # The arrays the last jump built are reused by the next (a drag over the timeline): the
    # state must be the one rebuilt from nothing, arrays included, not just the audit head.
    live, history, _ = _live_run(
        "phoenix", 5, [(3, "crash"), (12, "join"), (30, "joins")], 3, 1 << 30
    )
    del live
    for step in (40, 39, 1, 7, 6, 22, 40, 21, 0):
        warm = _frozen(history.at(step))
        history._cool(0)  # forget every cache: rebuilt from the stored keyframe alone
        assert _frozen(history.at(step)) == warm
        history.at(max(0, step - 3))  # the next step's warm jump follows another jump


def test_a_moment_given_up_is_stepped_on_when_past_the_nearest_keyframe() -> None:
    live, history, heads = _live_run(
        "phoenix", 9, [(4, "join"), (6, "crash"), (13, "joins"), (14, "submit")], 5, 1 << 30
    )
    del live

    def base_of(step: int) -> int:
        return max(s for s in history.keyframe_steps() if s <= step)

    # Up to ``every`` steps before the nearest keyframe too: a few more steps, no thaw.
    for start, step in ((11, 14), (10, 14), (12, 12), (6, 9), (9, 11), (5, 14), (7, 10)):
        near = history.at(start)
        moved = history.at(step, near=near)
        assert moved is near and moved.step_index == step  # stepped on, not thawed
        rebuilt = history.at(step)
        # The same state as rebuilt: every array alike, byte for byte (past a keyframe the
        # pickled graphs may share small objects, such as dtypes, differently) …
        assert _frozen(moved)[1] == _frozen(rebuilt)[1]
        if base_of(start) == base_of(step):
            assert _frozen(moved) == _frozen(rebuilt)
        assert (moved.audit.head, len(moved.audit)) == heads[step]
        for _ in range(4):  # … and it goes on alike
            moved.step()
            rebuilt.step()
        assert (moved.audit.head, len(moved.audit)) == (rebuilt.audit.head, len(rebuilt.audit))
    # Further before the nearest keyframe (or past the step) it is left alone: a thaw is
    # cheaper.
    for start, step in ((4, 11), (3, 14), (14, 12)):
        near = history.at(start)
        head = near.audit.head
        rebuilt = history.at(step, near=near)
        assert rebuilt is not near and near.audit.head == head
        assert (rebuilt.audit.head, len(rebuilt.audit)) == heads[step]


def _stored(history: RunHistory) -> dict[int, tuple[tuple[bytes, ...], list[bytes]]]:
    """Every keyframe as stored: its graph's piece keys and its arrays' bytes."""
    return {
        step: (frame.pieces, [bytes(rewind._build(v)) for v in frame.arrays])
        for step, frame in sorted(history._keyframes.items())
    }


@pytest.mark.parametrize("budget_share", [None, 0.6])
def test_keyframes_stored_later_in_pieces_are_the_ones_stored_at_once(
    budget_share: float | None,
) -> None:
    # The window stores keyframes a piece at a time between passes of its event loop (the run
    # goes on meanwhile, writing to the arrays taken): the history must hold exactly what it
    # holds stored at once, thinned by a tight budget included, and rebuild every step the same.
    plan = [(3, "crash"), (9, "join"), (15, "joins"), (22, "retire"), (31, "submit")]
    _, roomy, heads = _live_run("phoenix", 11, plan, 2, 1 << 30)
    budget = 1 << 30 if budget_share is None else int(roomy.nbytes() * budget_share)
    _, now, _ = _live_run("phoenix", 11, plan, 2, budget)
    sim = Simulation(config("phoenix", seed=11))
    later = RunHistory(sim, every=2, budget_bytes=budget, deferred=True)
    pieces = 0
    for step in range(40):
        _request_plan(later, sim, plan, step)
        sim.step()
        later.stepped(sim)
        if step % 3 == 0:  # some stores finish on their own, some are still going …
            while later.storing:
                later.store_next()
                pieces += 1
        elif later.storing:
            later.store_next()  # … one piece only
            pieces += 1
    assert pieces > 40  # stored in many pieces, not at once
    assert later.keyframe_steps() == now.keyframe_steps()  # reading it stores the rest
    assert not later.storing
    assert later.every == now.every and later.nbytes() == now.nbytes()
    assert _stored(later) == _stored(now)
    for step in (0, 5, 17, 30, 40):
        past = later.at(step)
        assert (past.audit.head, len(past.audit)) == heads[step]


def _run_with_joins(
    seed: int, steps: int, joins_at: tuple[int, ...], budget: int
) -> tuple[RunHistory, dict[int, str]]:
    """A run recorded with a keyframe every step, a join requested at ``joins_at``; its
    history and the audit head after every step."""
    sim = Simulation(config("phoenix", seed=seed))
    history = RunHistory(sim, every=1, budget_bytes=budget)
    heads = {0: sim.audit.head}
    for step in range(steps):
        if step in joins_at:
            history.request(sim, "request_join")
        sim.step()
        history.stepped(sim)
        heads[sim.step_index] = sim.audit.head
    return history, heads


def test_a_long_run_over_its_budget_keeps_the_recent_past_dense_and_thins_the_far_past() -> None:
    roomy, heads = _run_with_joins(3, 120, (30,), 1 << 30)
    budget = roomy.nbytes() * 7 // 10
    tight, _ = _run_with_joins(3, 120, (30,), budget)
    steps = tight.keyframe_steps()
    assert tight.nbytes() <= budget
    assert steps[-2 * LEVEL1 :] == list(range(121 - 2 * LEVEL1, 121))  # the recent past: dense
    # The far past keeps one keyframe in LEVEL1 (dropping the others freed their memory).
    assert steps[:3] == [0, LEVEL1, 2 * LEVEL1] and len(steps) < len(roomy.keyframe_steps())
    for step in (0, 5, 17, 40, 63, 100, 119, 120):
        assert tight.at(step).audit.head == heads[step]


def test_a_history_far_over_its_budget_forgets_the_far_past_and_keeps_the_rest_exact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small groups and blocks (4 and 16 keyframes), so that a short run has several.
    monkeypatch.setattr(rewind, "LEVEL1", 4)
    monkeypatch.setattr(rewind, "FULL", 16)

    roomy, heads = _run_with_joins(4, 100, (10, 85), 1 << 30)
    budget = roomy.nbytes() * 3 // 10
    tight, _ = _run_with_joins(4, 100, (10, 85), budget)
    assert tight.nbytes() <= budget
    assert tight.start > 0 and tight.start == tight.keyframe_steps()[0]
    assert tight.keyframe_steps()[-5:] == [96, 97, 98, 99, 100]
    assert all(r.step >= tight.start for r in tight.requests)
    for step in (tight.start, tight.start + 3, 86, 99, 100):
        assert tight.at(step).audit.head == heads[step]
    with pytest.raises(ValueError, match="step: must be in"):
        tight.at(tight.start - 1)


def test_keyframes_keep_their_spacing_when_the_forgotten_past_leaves_a_pinned_start() -> None:
    sim = Simulation(config("phoenix", seed=4))
    history = RunHistory(sim, every=2, budget_bytes=1 << 30)
    for step in range(1, 11):
        sim.step()
        history.stepped(sim, pin=step == 7)  # a cut step, at an odd place
    history._drop([0, 2, 4, 6])  # what the budget does to the far past
    assert history.start == 7  # the pinned keyframe is now the oldest
    for _ in range(10):
        sim.step()
        history.stepped(sim)
    assert history.keyframe_steps() == [7, 8, 10, 12, 14, 16, 18, 20]


def test_a_jump_made_in_slices_is_the_jump_made_at_once() -> None:
    # A window makes a far jump a slice at a time (graph, arrays, thaw, each replayed step),
    # its event loop running between them: the moment is the same, byte for byte.
    live, history, heads = _live_run(
        "phoenix", 7, [(3, "crash"), (12, "join"), (25, "joins")], 10, 1 << 30, deferred=True
    )
    for step in (39, 9, 26, 0, 40):
        whole = _frozen(history.at(step))
        history._cool(0)
        rebuild = history.rebuild(step)
        assert rebuild.step == step and not rebuild.done
        slices = 1
        while not rebuild.advance():
            slices += 1
        assert rebuild.done and rebuild.result is not None
        assert rebuild.advance() and rebuild.finish() is rebuild.result  # nothing left to do
        # The keyframe's arrays and graph, the thaw, then one slice per step replayed.
        assert slices >= 2 + step % 10
        assert _frozen(rebuild.result) == whole
        assert (rebuild.result.audit.head, len(rebuild.result.audit)) == heads[step]
    # The live run goes on (a keyframe taken and stored between slices of a jump under way).
    rebuild = history.rebuild(19, near=history.at(11))
    rebuild.advance()
    for _ in range(10):
        live.step()
        history.stepped(live)
    sim = rebuild.finish()
    assert (sim.audit.head, len(sim.audit)) == heads[19]
    assert history.at(45).step_index == 45
    # A keyframe taken and not stored yet is stored by the jump's first slices, a piece each.
    for _ in range(10):
        live.step()
        history.stepped(live)  # a keyframe due after step 60
    assert history.storing
    rebuild = history.rebuild(60)
    rebuild.advance()
    assert history.storing  # one piece stored, not the whole keyframe
    assert rebuild.finish().audit.head == live.audit.head and not history.storing


def _whole_payloads(history: RunHistory) -> set[int]:
    """ids of the compressed payloads of every version stored whole that a keyframe uses."""
    out = set()
    for frame in history._keyframes.values():
        for version in frame.arrays:
            while (base := rewind._base(version)) is not None:
                version = base
            if version[rewind.PAYLOAD][:1] == b"\x01":
                out.add(id(version[rewind.PAYLOAD]))
    return out


def test_arrays_stored_whole_stay_decompressed_for_the_next_jump(monkeypatch) -> None:
    _live, history, heads = _live_run("phoenix", 4, [(6, "join"), (20, "crash")], 2, 1 << 30)
    wholes = _whole_payloads(history)
    unpacked: list[int] = []
    unpack = rewind._unpack
    monkeypatch.setattr(rewind, "_unpack", lambda p: unpacked.append(id(p)) or unpack(p))
    history._cool(0)
    cold = _frozen(history.at(37))
    assert set(unpacked) & wholes  # decompressed once …
    assert history._wholes_bytes > 0 and history.nbytes() > history._wholes_bytes
    unpacked.clear()
    history._built, history._built_bytes = {}, 0  # not the last jump's arrays: their bases
    warm = history.at(36)  # the same keyframe's arrays, built again
    assert not set(unpacked) & wholes  # … and not again
    history._cool(0)
    assert history._wholes_bytes == 0 and _frozen(history.at(36)) == _frozen(warm)
    assert _frozen(history.at(37)) == cold
    assert (warm.audit.head, len(warm.audit)) == heads[36]
    # With no room left in the budget beyond the other caches, none are kept.
    history.budget_bytes = history.nbytes() - history._wholes_bytes + rewind.HOT_BYTES // 2
    history.at(23)
    assert history._wholes_bytes == 0


def test_copy_run_is_the_run_a_checkpoint_restores() -> None:
    # "Branch here" copies the moment on screen: the copy must be the state restore() gives
    # (arrays and chain alike, going on alike) and share nothing with the original.
    live, _history, _heads = _live_run("phoenix", 4, [(3, "crash"), (6, "join")], 5, 1 << 30)
    copied, restored = copy_run(live), Simulation.restore(live.checkpoint())
    assert copied is not live and copied.step_index == live.step_index
    assert (copied.audit.head, len(copied.audit)) == (live.audit.head, len(live.audit))
    original = _frozen(live)
    assert _frozen(copied)[1] == original[1]  # every array alike, byte for byte
    for _ in range(5):
        copied.step()
        restored.step()
    assert _frozen(live) == original  # the original untouched by its copy's steps
    assert (copied.audit.head, len(copied.audit)) == (restored.audit.head, len(restored.audit))
