"""Local worker processes: how they start (fork only where safe), chunked hand-offs, and the
same rows whichever way they start."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.experiments import Design, make_jobs, parse_vary, run_job
from phoenix_gui.experiments.executors import (
    MAX_CHUNK,
    InProcessRunner,
    PoolRunner,
    chunk_size,
    start_method,
)

# A fresh interpreter: which start method a plain process, one running a thread, and one with
# a Qt application get.
_PROBE = """
import json, threading
from phoenix_gui.experiments.executors import start_method
seen = {"plain": start_method()}
stop = threading.Event()
worker = threading.Thread(target=stop.wait)
worker.start()
seen["thread"] = start_method()
stop.set()
worker.join()
from PySide6 import QtCore
app = QtCore.QCoreApplication([])
seen["qt_app"] = start_method()
print(json.dumps(seen))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_fork_only_in_a_single_threaded_process_without_qt() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen == {"plain": "fork", "thread": "forkserver", "qt_app": "forkserver"}


def test_this_test_process_runs_threads_so_it_never_forks() -> None:
    # pytest-qt's application lives in this process: a pool started here must not fork it.
    from PySide6 import QtWidgets

    if QtWidgets.QApplication.instance() is not None:
        assert start_method() in ("forkserver", "spawn")


def test_chunks_are_small_and_spread_over_the_workers() -> None:
    assert chunk_size(4, 2) == 1  # the self-test's sweep: rows arrive one by one
    assert chunk_size(200, 2) == 6  # bench_sweep --quick: ~16 chunks per worker
    assert chunk_size(10_000, 2) == MAX_CHUNK  # big sweeps: the tail stays short
    assert chunk_size(10_000, 256) == 2


def _design() -> Design:
    return Design((parse_vary("vnodes=1,8,32"),), 5, 2)  # 15 runs on 2 workers: chunks of 1


# Forking is tried in a fresh single-threaded interpreter, as the command line does it: this
# test process may hold a Qt application, whose threads a fork must not copy.
_FORKED = """
import json
from phoenix_gui.engine import SimulationConfig
from phoenix_gui.experiments import Design, make_jobs, parse_vary
from phoenix_gui.experiments.executors import PoolRunner
jobs = make_jobs(SimulationConfig(), Design((parse_vary("vnodes=1,8,32"),), 5, 2))
runner = PoolRunner(jobs, 2)
rows = sorted(runner.results(), key=lambda r: (r["cell"], r["replicate"]))
runner.close()
print(json.dumps({"method": runner.method, "rows": rows}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")
def test_forked_workers_give_the_rows_of_plain_calls() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _FORKED], capture_output=True, text=True, timeout=120, check=True
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["method"] == "fork"
    assert out["rows"] == [run_job(job) for job in make_jobs(SimulationConfig(), _design())]


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_every_start_method_gives_the_rows_of_plain_calls(method: str) -> None:
    jobs = make_jobs(SimulationConfig(), _design())
    runner = PoolRunner(jobs, 2, method=method)
    try:
        assert runner.method == method
        rows = sorted(runner.results(), key=lambda r: (r["cell"], r["replicate"]))
    finally:
        runner.close()
    assert rows == [run_job(job) for job in jobs]
    assert rows == list(InProcessRunner(jobs).results())


def test_chunked_hand_offs_keep_every_row() -> None:
    design = Design((parse_vary("vnodes=1,4"),), 40, 1)  # 80 runs on 2 workers: chunks of 2
    jobs = make_jobs(SimulationConfig(), design)
    runner = PoolRunner(jobs, 2, method="forkserver")
    try:
        assert runner.chunk == 2
        keys = sorted((r["cell"], r["replicate"]) for r in runner.results())
    finally:
        runner.close()
    assert keys == [(j.cell, j.replicate) for j in jobs]
