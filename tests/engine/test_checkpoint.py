"""Checkpoint and restore: n steps, a checkpoint, a restore and n more steps write exactly what
2n straight steps write — audit bytes and summary — in every paradigm, with user requests in
between, in memory, through a state file and in a fresh process."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phoenix_gui.engine import Simulation, SimulationConfig, StateError, read_state, write_state
from tests.engine.sim_helpers import config

PARADIGMS = ("phoenix", "kubernetes", "agentic")

# A request: (step at which it is made, kind, argument)
request = st.tuples(
    st.integers(0, 11),
    st.sampled_from(["join", "retire", "crash", "joins", "leaves", "trust", "submit"]),
    st.integers(0, 50),
)


def _apply(sim: Simulation, step: int, requests: list[tuple[int, str, int]]) -> None:
    members = sorted(m.id for m in sim.registry.members() if m.status.value == "ACTIVE")
    for at, kind, arg in requests:
        if at != step:
            continue
        if kind == "join":
            sim.request_join()
        elif kind in ("retire", "crash") and members:
            target = members[arg % len(members)]
            (sim.request_retire if kind == "retire" else sim.request_crash)(target)
        elif kind == "joins":
            sim.set_param("joins", float(arg))
        elif kind == "leaves":
            sim.set_param("leaves", float(arg))
        elif kind == "trust":
            sim.set_param("trust", 0.5 + arg / 100)
        elif kind == "submit":
            sim.submit_task()


def _straight(cfg: SimulationConfig, n: int, requests: list[tuple[int, str, int]]) -> tuple:
    out = io.StringIO()
    sim = Simulation(cfg, out)
    for step in range(2 * n):
        _apply(sim, step, requests)
        sim.step()
    return out.getvalue(), sim.summary()


def _split(
    cfg: SimulationConfig, n: int, requests: list[tuple[int, str, int]], via_file: Path | None
) -> tuple:
    first = io.StringIO()
    sim = Simulation(cfg, first)
    for step in range(n):
        _apply(sim, step, requests)
        sim.step()
    # Requests made before the checkpoint but not yet applied are part of the state.
    _apply(sim, n, requests)
    checkpoint = sim.checkpoint()
    if via_file is not None:
        write_state(checkpoint, via_file, "test")
        checkpoint = read_state(via_file)
    second = io.StringIO()
    resumed = Simulation.restore(checkpoint, second)
    for step in range(n, 2 * n):
        if step > n:
            _apply(resumed, step, requests)
        resumed.step()
    return first.getvalue() + second.getvalue(), resumed.summary()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    paradigm=st.sampled_from(PARADIGMS),
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 6),
    requests=st.lists(request, max_size=6),
    via_file=st.booleans(),
    crash_share=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_restore_continues_byte_for_byte(
    tmp_path: Path,
    paradigm: str,
    seed: int,
    n: int,
    requests: list[tuple[int, str, int]],
    via_file: bool,
    crash_share: float,
) -> None:
    cfg = config(paradigm, seed=seed)
    cfg = dataclasses.replace(cfg, churn=dataclasses.replace(cfg.churn, crash_share=crash_share))
    straight_log, straight_summary = _straight(cfg, n, requests)
    split_log, split_summary = _split(
        cfg, n, requests, tmp_path / "s.pfstate" if via_file else None
    )
    assert split_log == straight_log
    assert split_summary == straight_summary
    assert split_summary["invariant_violations"] == []


def test_a_checkpoint_is_immutable_and_the_run_goes_on() -> None:
    sim = Simulation(config("phoenix", seed=3))
    sim.run(steps=5)
    checkpoint = sim.checkpoint()
    assert checkpoint.step == 5 and checkpoint.audit_count == len(sim.audit)
    digest = checkpoint.digest()
    sim.run(steps=5)  # the original keeps running; the checkpoint does not move with it
    assert checkpoint.digest() == digest
    some = next(iter(checkpoint.arrays.values()))
    with pytest.raises(ValueError):
        some[...] = 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        checkpoint.step = 7  # type: ignore[misc]
    # Two restores of one checkpoint are independent runs.
    a, b = Simulation.restore(checkpoint), Simulation.restore(checkpoint)
    a.run(steps=3)
    assert b.step_index == 5 and a.step_index == 8


def test_restore_in_a_fresh_process_gives_the_same_head(tmp_path: Path) -> None:
    cfg = config("agentic", seed=11)
    sim = Simulation(cfg)
    sim.run(steps=6)
    write_state(sim.checkpoint(), tmp_path / "mid.pfstate", "test")
    sim.run(steps=6)
    code = (
        "import sys; from phoenix_gui.engine import Simulation, read_state\n"
        "sim = Simulation.restore(read_state(sys.argv[1])); sim.run(steps=6)\n"
        "print(sim.audit.head, len(sim.audit))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "mid.pfstate")],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [sim.audit.head, str(len(sim.audit))]


# -- hostile and damaged files ------------------------------------------------------------------


def _saved(tmp_path: Path) -> Path:
    sim = Simulation(config("phoenix", seed=1))
    sim.run(steps=3)
    path = tmp_path / "ok.pfstate"
    write_state(sim.checkpoint(), path, "test")
    return path


def _rewrite(src: Path, dst: Path, edit) -> Path:
    with zipfile.ZipFile(src) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = json.loads(members["state.json"])
    edit(header, members)
    members["state.json"] = json.dumps(header).encode()
    with zipfile.ZipFile(dst, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return dst


def test_a_newer_state_file_is_refused_by_version(tmp_path: Path) -> None:
    path = _rewrite(_saved(tmp_path), tmp_path / "new.pfstate", lambda h, m: h.update(version=99))
    with pytest.raises(StateError, match="version 99 was written by a newer PhoenixFlight"):
        read_state(path)


def test_a_damaged_state_file_is_refused(tmp_path: Path) -> None:
    good = _saved(tmp_path)

    def flip(header: dict, members: dict) -> None:
        header["graph"] = header["graph"].replace('"time":', '"time" :', 1)

    with pytest.raises(StateError, match="damaged"):
        read_state(_rewrite(good, tmp_path / "edited.pfstate", flip))
    raw = bytearray(good.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    (tmp_path / "flipped.pfstate").write_bytes(bytes(raw))
    with pytest.raises(StateError):
        read_state(tmp_path / "flipped.pfstate")
    (tmp_path / "text.pfstate").write_text("hello")
    with pytest.raises(StateError, match="not a PhoenixFlight state file"):
        read_state(tmp_path / "text.pfstate")
    with pytest.raises(StateError, match="not a regular file"):
        read_state(tmp_path)


def test_a_state_file_cannot_name_a_class_outside_the_engine(tmp_path: Path) -> None:
    # A stranger's file that asks for os.system (pickle's classic attack) is refused, and its
    # SHA-256 is made to match so that only the class check can stop it.
    from phoenix_gui.engine.state import Checkpoint

    for evil in ('"$obj":"os:system"', '"$obj":"phoenix_gui.engine.state:os"',
                 '"$enum":"subprocess:Popen"'):  # fmt: skip
        graph = "{" + evil + ',"state":{"$dict":[],"id":1},"id":0}'
        forged = Checkpoint(1, 0, 0.0, "0" * 64, 0, graph, {})
        with pytest.raises(StateError, match=r"not an engine class|unknown tag"):
            Simulation.restore(forged)


def test_object_arrays_are_never_loaded(tmp_path: Path) -> None:
    good = _saved(tmp_path)

    def add_object_array(header: dict, members: dict) -> None:
        buf = io.BytesIO()
        np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
        members["a0.npy"] = buf.getvalue()

    with pytest.raises(StateError, match="damaged"):
        read_state(_rewrite(good, tmp_path / "obj.pfstate", add_object_array))


def test_write_state_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _saved(tmp_path)
    before = path.read_bytes()
    sim = Simulation(config("phoenix", seed=2))

    def boom(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("phoenix_gui.engine.state.os.fsync", boom)
    with pytest.raises(OSError):
        write_state(sim.checkpoint(), path, "test")
    assert path.read_bytes() == before
    assert not (tmp_path / "ok.pfstate.partial").exists()
