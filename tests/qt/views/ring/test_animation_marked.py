"""Animator.marked: the members a frame must work out effects for; every other looks plain."""

from __future__ import annotations

import numpy as np

from phoenix_gui.qt.views.ring.animation import PULSE_SECONDS, Animator, MemberEffect


def test_members_not_marked_look_plain_at_every_instant() -> None:
    animator = Animator()
    animator.member_joined(10.0, 1)
    animator.member_joined(10.5, 2)
    animator.member_crashed(3)
    animator.member_leaving(11.0, 4)  # no flights from it: fades from 11.0 on
    tasks = np.array([7])
    animator.book.add(
        11.0, (np.zeros(1), np.zeros(1)), (np.ones(1), np.ones(1)), (5, 6), tasks, 5, 2.0
    )
    animator.member_leaving(11.0, 5)  # fades once its flight has landed
    seen = set()
    for now in np.arange(9.0, 16.0, 0.05):
        marked = animator.marked(float(now))
        seen.update(marked)
        for index in range(8):
            if index not in marked:
                assert animator.effect(float(now), index) == MemberEffect(), (now, index)
    assert seen == {1, 2, 3, 4, 5}
    assert animator.marked(10.0 + PULSE_SECONDS + 1.0) == {3, 4, 5}  # the pulses are over
