"""What the GUI thread ran in the self-test's longest stalls: a sampling profile per gap.

Runs ``phoenix-flight gui …`` with the arguments given (``gui classroom-basics --self-test
--size 1920x1080``, say) while a background thread reads the GUI thread's Python stack every
2 ms (``sys._current_frames``). The self-test's :class:`StallProbe` is patched so that each
gap between its ticks in which the GUI thread spent more than ``--over`` ms of CPU (default 45)
is printed to stderr: its wall and CPU milliseconds, the phases it ran through, how many
samples each function of the package (and pyqtgraph, numpy) was on the stack in, and the
commonest innermost frames. Samples that show only the self-test's ``processEvents`` line are
Qt's own C++ work (painting widgets, laying out), which Python cannot see into.

The self-test's JSON line stays the last line of stdout. Example::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/stall_profile.py --over 50 \
        gui classroom-basics --self-test --steps 60 --size 1920x1080 2> stalls.txt
"""

from __future__ import annotations

import collections
import sys
import threading
import time
from types import FrameType

SAMPLE_S = 0.002
TOP_FUNCTIONS = 40
TOP_STACKS = 5
SHOWN = ("phoenix_gui", "pyqtgraph", "numpy")


def _where(frame: FrameType) -> str:
    name = frame.f_code.co_filename
    for root in ("phoenix_gui", "pyqtgraph", "numpy"):
        if f"/{root}/" in name:
            name = name[name.index(f"/{root}/") + 1 :]
            break
    return f"{name}:{frame.f_code.co_name}:{frame.f_lineno}"


def _stack(frame: FrameType | None) -> tuple[str, ...]:
    out = []
    while frame is not None:
        out.append(_where(frame))
        frame = frame.f_back
    return tuple(reversed(out))


def _report(gap_ms: float, cpu_ms: float, phases: list[str], picked: list[tuple[str, ...]]) -> None:
    err = sys.stderr
    print(f"\n### gap {gap_ms:.0f} ms, CPU {cpu_ms:.0f} ms, phases {phases}", file=err)
    print(f"    {len(picked)} samples, one per {SAMPLE_S * 1000:.0f} ms", file=err)
    functions: collections.Counter[str] = collections.Counter()
    for stack in picked:
        for key in {where.rsplit(":", 1)[0] for where in stack}:
            functions[key] += 1
    for key, count in functions.most_common():
        if key.startswith(SHOWN):
            print(f"  {count:4d} {key}", file=err)
    tails = collections.Counter(stack[-6:] for stack in picked)
    for tail, count in tails.most_common(TOP_STACKS):
        print(f"  -- {count} x", file=err)
        for where in tail:
            print(f"       {where}", file=err)


def main(argv: list[str]) -> int:
    over = 45.0
    if argv[:1] == ["--over"]:
        over, argv = float(argv[1]), argv[2:]
    from phoenix_gui.cli import main as cli_main
    from phoenix_gui.qt.shell import stall_probe

    gui_thread = threading.get_ident()
    samples: collections.deque[tuple[float, tuple[str, ...]]] = collections.deque(maxlen=1 << 18)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            frame = sys._current_frames().get(gui_thread)
            samples.append((time.perf_counter(), _stack(frame)))
            time.sleep(SAMPLE_S)

    tick = stall_probe.StallProbe._tick

    def reporting_tick(probe: stall_probe.StallProbe, counted: bool = True) -> None:
        now, began = probe._clock(), probe._last  # the probe's clock is perf_counter
        gap_ms = (now - began) * 1000.0 - stall_probe.PROBE_MS
        cpu_ms = (probe._cpu_clock() - probe._last_cpu) * 1000.0
        phases = [label for label, _since in probe._phases]
        tick(probe, counted)
        if cpu_ms > over:
            picked = [stack for at, stack in list(samples) if began <= at <= now]
            _report(gap_ms, cpu_ms, phases, picked)

    setattr(stall_probe.StallProbe, "_tick", reporting_tick)  # noqa: B010  (patching a method)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        return int(cli_main(argv))
    finally:
        stop.set()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
