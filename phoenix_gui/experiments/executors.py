"""Who runs the jobs: this process, local worker processes, or Dask (local or remote).

Each runner yields result rows as runs finish, in whatever order they finish; the caller sorts.
``cancel()`` may be called from another thread (the window's Cancel button) or after Ctrl-C;
runs already finished have been yielded and are kept, the rest are dropped. Dask is imported
only when asked for, so the packaged app can leave it out and say so.

Local workers start the cheapest safe way (:func:`start_method`). A sweep's runs are often
short, so what a worker costs to start and to hand a run counts: ``fork`` on Linux when this
process runs no other thread (the command line, before its progress bar) — the workers begin
with everything already imported; ``forkserver`` beside threads (the window: never fork a
process that has Qt threads) — one clean server process imports the engine once and every
worker is forked from it, for this sweep and the next; ``spawn`` in the packaged app (what its
``multiprocessing.freeze_support()`` serves) and where neither exists. Runs go to the workers
in small chunks (:func:`chunk_size`), so a run costs one round trip only now and then.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from typing import Any, Protocol

from phoenix_gui import sweep_worker
from phoenix_gui.experiments.design import ExperimentError
from phoenix_gui.experiments.runs import Job, run_job, run_jobs

Row = dict[str, Any]
_POLL_S = 0.1  # how often a waiting runner looks at its cancel flag
MAX_WORKERS = 256  # processes on one machine; more is a typo, not a bigger machine
CHUNKS_PER_WORKER = 16  # runs are handed out in about this many chunks per worker…
MAX_CHUNK = 8  # …of at most this many runs: the last chunks still spread over the workers
# What a forkserver imports once, before it forks any worker (a worker would import it anyway).
WORKER_PRELOAD = ["phoenix_gui.sweep_worker", "phoenix_gui.experiments.runs"]


class Runner(Protocol):
    def results(self) -> Iterator[Row]: ...
    def cancel(self) -> None: ...
    def close(self) -> None: ...


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def start_method() -> str:
    """How local workers start from this process (module docstring): ``fork`` on Linux with no
    other thread running and no Qt application; else ``forkserver`` from source; else
    ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and _single_threaded():
        return "fork"
    if "forkserver" in methods and not getattr(sys, "frozen", False):
        return "forkserver"
    return "spawn"


def _single_threaded() -> bool:
    if threading.active_count() > 1:
        return False
    qt = sys.modules.get("PySide6.QtCore")
    return qt is None or qt.QCoreApplication.instance() is None


def chunk_size(runs: int, workers: int) -> int:
    """Runs per hand-off: about :data:`CHUNKS_PER_WORKER` chunks per worker, at most
    :data:`MAX_CHUNK` runs each (1 for small sweeps, whose rows then arrive one by one)."""
    return max(1, min(MAX_CHUNK, runs // (workers * CHUNKS_PER_WORKER)))


def dask_available() -> bool:
    return importlib.util.find_spec("distributed") is not None


def make_runner(
    jobs: list[Job], workers: int | None = None, scheduler: str | None = None
) -> Runner:
    """The runner for ``--workers N`` (None: all cores) or ``--scheduler local|ADDRESS``."""
    if scheduler is not None:
        if not dask_available():
            raise ExperimentError(
                "--scheduler",
                "Dask is not part of this build; run on local workers (--workers N), or install "
                "PhoenixFlight from source (it brings dask[distributed]) to use a Dask cluster",
            )
        return DaskRunner(jobs, scheduler, workers)
    n = default_workers() if workers is None else workers
    if not 1 <= n <= MAX_WORKERS:
        raise ExperimentError("--workers", f"must be in [1, {MAX_WORKERS}], got {n}")
    if n == 1 or len(jobs) <= 1:
        return InProcessRunner(jobs)
    return PoolRunner(jobs, min(n, len(jobs)))


class InProcessRunner:
    """One worker: the runs go one after another in this process (no start-up cost)."""

    def __init__(self, jobs: list[Job]) -> None:
        self._jobs = jobs
        self._cancelled = threading.Event()

    def results(self) -> Iterator[Row]:
        for job in self._jobs:
            if self._cancelled.is_set():
                return
            yield run_job(job)

    def cancel(self) -> None:
        self._cancelled.set()

    def close(self) -> None:
        self._cancelled.set()


class PoolRunner:
    """Local worker processes (``multiprocessing``, started by :func:`start_method`)."""

    def __init__(
        self, jobs: list[Job], workers: int, background: bool = False, method: str | None = None
    ) -> None:
        """``background``: the workers run at a lower priority (the window's sweeps);
        ``method``: a start method instead of :func:`start_method`'s choice."""
        self.method = method or start_method()
        ctx = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            ctx.set_forkserver_preload(WORKER_PRELOAD)
        self.workers = workers
        niceness = sweep_worker.BACKGROUND_NICENESS if background else 0
        with warnings.catch_warnings():
            # Python ≥ 3.12 warns about fork() in a process with several OS threads; the only
            # others here are the BLAS library's idle pool (numpy), which handles fork itself —
            # ours and Qt's were ruled out by start_method().
            warnings.filterwarnings("ignore", "This process .* multi-threaded", DeprecationWarning)
            self._pool = ctx.Pool(workers, initializer=sweep_worker.init, initargs=(niceness,))
        self.chunk = chunk_size(len(jobs), workers)
        chunks = [jobs[i : i + self.chunk] for i in range(0, len(jobs), self.chunk)]
        self._it = self._pool.imap_unordered(run_jobs, chunks, chunksize=1)
        self._total = len(jobs)
        self._cancelled = threading.Event()
        self._closed = False

    def results(self) -> Iterator[Row]:
        got = 0
        while got < self._total:
            if self._cancelled.is_set():
                return
            try:
                rows = self._it.next(timeout=_POLL_S)
            except multiprocessing.TimeoutError:
                continue
            for row in rows:
                got += 1
                yield row

    def cancel(self) -> None:
        self._cancelled.set()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._cancelled.is_set():
            self._pool.terminate()  # drop the runs still going
        else:
            self._pool.close()
        self._pool.join()


class DaskRunner:
    """Dask: ``local`` starts a LocalCluster of worker processes; an address (``tcp://…``)
    joins a cluster started with Dask's own ``dask scheduler`` / ``dask worker``. Dask's
    scheduler owns placement and retries; we submit pure functions and gather rows."""

    def __init__(self, jobs: list[Job], scheduler: str, workers: int | None) -> None:
        import dask.distributed

        dd: Any = dask.distributed  # untyped library: keep its calls out of strict mypy
        self._cluster: Any = None
        try:
            if scheduler == "local":
                n = default_workers() if workers is None else workers
                self._cluster = dd.LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
                )
                self._client: Any = dd.Client(self._cluster)
            else:
                self._client = dd.Client(scheduler, timeout="10s")
        except OSError as exc:
            self._close_cluster()
            raise ExperimentError("--scheduler", f"cannot reach {scheduler}: {exc}") from None
        except (ValueError, TypeError) as exc:
            self._close_cluster()
            raise ExperimentError(
                "--scheduler",
                f"{scheduler!r} is not `local` or an address like tcp://HOST:PORT ({exc})",
            ) from None
        self._futures: list[Any] = self._client.map(run_job, jobs, pure=False)
        self._cancelled = threading.Event()

    def results(self) -> Iterator[Row]:
        import dask.distributed

        dd: Any = dask.distributed
        pending: Any = dd.as_completed(self._futures)
        remaining = len(self._futures)
        while remaining and not self._cancelled.is_set():
            if not pending.has_ready():
                time.sleep(_POLL_S / 5)  # short naps: Cancel is seen within a tenth of a second
                continue
            for future in pending.next_batch(block=False):
                remaining -= 1
                yield future.result()

    def cancel(self) -> None:
        self._cancelled.set()

    def close(self) -> None:
        if self._cancelled.is_set():
            self._client.cancel(self._futures)
        self._client.close()
        self._close_cluster()

    def _close_cluster(self) -> None:
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
