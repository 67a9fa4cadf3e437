"""Sweeps on Dask: a real LocalCluster of 2 worker processes, and a real `dask scheduler` +
`dask worker` pair started as subprocesses on localhost; both write the bytes one in-process
worker writes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phoenix_gui.cli import main

GRID = ["--vary", "vnodes=1,10", "--vary", "trust=0.5,0.9", "--replicates", "2", "--steps", "8"]


def _sweep(tmp_path: Path, name: str, *extra: str) -> bytes:
    out = tmp_path / name
    assert main(["sweep", *GRID, "--out", str(out), *extra]) == 0
    return out.read_bytes()


def test_local_cluster_writes_the_same_bytes(tmp_path: Path) -> None:
    reference = _sweep(tmp_path, "one.csv", "--workers", "1")
    assert _sweep(tmp_path, "dask.csv", "--scheduler", "local", "--workers", "2") == reference


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "dask", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def dask_cluster() -> Iterator[str]:
    """`dask scheduler` and one `dask worker` (2 processes), as a user would start them."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    scheduler = _dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    worker = _dask("worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield address
    finally:
        for proc in (worker, scheduler):
            proc.terminate()
        for proc in (worker, scheduler):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # pragma: no cover - a stuck Dask process
                proc.kill()
                proc.wait()


def test_remote_scheduler_writes_the_same_bytes(tmp_path: Path, dask_cluster: str) -> None:
    reference = _sweep(tmp_path, "one.csv", "--workers", "1")
    assert _sweep(tmp_path, "remote.csv", "--scheduler", dask_cluster) == reference


def test_unreachable_scheduler_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.csv"
    address = f"tcp://127.0.0.1:{_free_port()}"
    code = main(["sweep", *GRID, "--out", str(out), "--scheduler", address])
    assert code == 2
    err = capsys.readouterr().err
    assert f"--scheduler: cannot reach {address}" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("address", ["foo", "tcp://", "tcp://127.0.0.1:notaport"])
def test_a_malformed_address_is_one_line(
    address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["sweep", *GRID, "--out", str(tmp_path / "x.csv"), "--scheduler", address])
    assert code == 2
    err = capsys.readouterr().err
    assert f"--scheduler: {address!r} is not `local` or an address" in err
    assert "Traceback" not in err


def test_without_dask_the_build_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The packaged app leaves Dask out: asking for a scheduler says so."""
    from phoenix_gui.experiments import executors

    monkeypatch.setattr(executors, "dask_available", lambda: False)
    code = main(["sweep", *GRID, "--out", str(tmp_path / "x.csv"), "--scheduler", "local"])
    assert code == 2
    assert "--scheduler: Dask is not part of this build" in capsys.readouterr().err
