"""StallProbe names the phase of its longest gap (driven by a fake clock: nothing is timed)."""

from __future__ import annotations

import pytest

from phoenix_gui.qt.shell.stall_probe import StallProbe


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms / 1000.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cpu() -> FakeClock:
    return FakeClock()


@pytest.fixture
def probe(qapp, clock: FakeClock, cpu: FakeClock) -> StallProbe:
    probe = StallProbe(clock=clock, cpu_clock=cpu)
    probe.start()
    probe.stop()  # its ticks are driven by hand
    return probe


def test_the_longest_gap_is_named_after_the_phase_it_ran_in(probe, clock) -> None:
    for label, ms in (("step", 30.0), ("grab", 200.0), ("moment", 50.0)):
        probe.mark(label)
        clock.advance(ms)
        probe._tick()
    assert probe.max_gap_cause == "grab"
    assert probe.max_gap_ms == pytest.approx(190.0)
    assert probe.ticks == 3


def test_a_gap_through_several_phases_is_named_after_the_longest(probe, clock) -> None:
    probe.mark("step")
    clock.advance(20.0)
    probe._tick()
    clock.advance(5.0)  # the gap begins late in the step
    probe.mark("frames")
    clock.advance(30.0)
    probe.mark("frames")  # the same label again is not a new phase
    clock.advance(30.0)
    probe.mark("moment")
    clock.advance(40.0)
    probe._tick()
    clock.advance(15.0)
    probe._tick()  # a shorter gap, all in "moment", does not win
    assert probe.max_gap_cause == "frames"
    assert probe.max_gap_phases == "step 5>frames 60>moment 40"


def test_a_restarted_probe_measures_from_the_restart(probe, clock) -> None:
    probe.mark("jump")
    probe.start()
    clock.advance(25.0)
    probe._tick()
    probe.stop()
    clock.advance(5000.0)  # excluded: the probe was stopped
    probe.mark("after")
    probe.start()
    clock.advance(15.0)
    probe._tick()
    assert probe.max_gap_cause == "jump" and probe.max_gap_ms == pytest.approx(15.0)


def test_the_most_cpu_time_in_one_gap_is_kept_apart_from_the_longest_gap(probe, clock, cpu) -> None:
    # A gap stretched by other work on the machine (little CPU of ours) and a shorter one
    # spent computing: the CPU figure is the second's.
    probe.mark("grab")
    clock.advance(150.0)
    cpu.advance(20.0)
    probe._tick()
    probe.mark("step")
    clock.advance(90.0)
    cpu.advance(70.0)
    probe._tick()
    assert probe.max_gap_ms == pytest.approx(140.0) and probe.max_gap_cause == "grab"
    assert probe.max_gap_cpu_ms == pytest.approx(70.0) and probe.max_gap_cpu_cause == "step"


def test_the_gap_open_when_the_probe_stops_is_measured(qapp, clock) -> None:
    # The last pass before stop() (e.g. the one that ended a step) is a gap like any other.
    probe = StallProbe(clock=clock)
    probe.start()
    probe.mark("stress")
    clock.advance(130.0)
    probe.stop()
    assert probe.max_gap_ms == pytest.approx(120.0) and probe.max_gap_cause == "stress"
    clock.advance(500.0)
    probe.stop()  # stopped already: nothing more
    assert probe.max_gap_ms == pytest.approx(120.0)
