"""SweepJob: a sweep running in local worker processes, reported to the GUI thread as signals.

The runs go to a pool of worker processes (never threads of this process: a run holds the GIL
for its whole length and the window would stall), started by a forkserver from source and by
spawn in the packaged app — this process, with Qt's threads, is never forked. One plain thread
waits on the pool and puts rows in a queue; a QTimer on the GUI thread drains it every tenth of
a second, adds the rows to the :class:`SweepSession` and emits :attr:`rowsArrived` once with all
the rows that came in since (the chart then draws once per tick, not once per row) — so no Qt
object is touched off the GUI thread and the window stays responsive. Cancel terminates the
pool; the rows already in are kept.
"""

from __future__ import annotations

import queue
import threading
import time

from PySide6 import QtCore

from phoenix_gui.experiments.executors import PoolRunner, Runner
from phoenix_gui.experiments.session import SweepSession

DRAIN_MS = 100
_DONE = object()


class SweepJob(QtCore.QObject):
    rowsArrived = QtCore.Signal(list)  # noqa: N815  (Qt signal naming) new rows, as text
    progress = QtCore.Signal(int, int, int, float)  # done, total, failures, eta seconds (-1: ?)
    finished = QtCore.Signal(bool)  # True when cancelled
    failed = QtCore.Signal(str)  # the pool itself broke (not a run: a run's error is a row)

    def __init__(
        self, session: SweepSession, workers: int, parent: QtCore.QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.workers = max(1, min(workers, len(session.todo) or 1))
        self._queue: queue.Queue[object] = queue.Queue()
        self._lock = threading.Lock()
        self._runner: Runner | None = None
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(DRAIN_MS)
        self._timer.timeout.connect(self._drain)
        self._started = 0.0
        self._done_here = 0
        self.running = False
        self.cancelled = False

    def start(self) -> None:
        self.running = True
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._work, name="phoenix-sweep", daemon=True)
        self._thread.start()
        self._timer.start()

    def cancel(self) -> None:
        """Stop: queued runs are dropped, running ones terminated, finished rows kept."""
        self._cancel.set()
        with self._lock:
            if self._runner is not None:
                self._runner.cancel()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until the worker thread has ended (tests, closing the window)."""
        if self._thread is not None:
            self._thread.join(timeout)
        self._drain()

    # ---- worker thread: no Qt here ---------------------------------------------------------
    def _work(self) -> None:
        try:
            if self.session.todo and not self._cancel.is_set():
                runner = PoolRunner(self.session.todo, self.workers, background=True)
                with self._lock:
                    self._runner = runner
                    if self._cancel.is_set():
                        runner.cancel()
                try:
                    for row in runner.results():
                        self._queue.put(row)
                finally:
                    runner.close()
        except Exception as exc:  # the pool could not start (no processes left, …)
            self._queue.put(exc)
        finally:
            self._queue.put(_DONE)

    # ---- GUI thread --------------------------------------------------------------------------
    def _drain(self) -> None:
        rows = []
        ended = False
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _DONE:
                ended = True
            elif isinstance(item, Exception):
                self.failed.emit(f"{type(item).__name__}: {item}")
            else:
                rows.append(self.session.add(item))  # type: ignore[arg-type]
        if rows:
            self._done_here += len(rows)
            self.rowsArrived.emit(rows)
            self._emit_progress()
        if ended and self.running:
            self.running = False
            self._timer.stop()
            self.cancelled = self._cancel.is_set()
            self.session.cancelled = self.cancelled
            self._emit_progress()
            self.finished.emit(self.cancelled)

    def _emit_progress(self) -> None:
        s = self.session
        done = len(s.rows)
        left = s.total - done
        elapsed = time.monotonic() - self._started
        eta = elapsed / self._done_here * left if self._done_here and left else -1.0
        if not left:
            eta = 0.0
        self.progress.emit(done, s.total, s.failures, eta)
