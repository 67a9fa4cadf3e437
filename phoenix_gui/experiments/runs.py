"""One run of a sweep → one summary row: a pure function of plain, picklable data.

:func:`run_job` is what every executor calls (in this process, in a worker process or on a
Dask worker). It never raises: a run that fails comes back as a row with its error, so one bad
cell cannot sink a sweep of ten thousand runs.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from phoenix_gui.engine import Simulation, SimulationConfig
from phoenix_gui.experiments.design import Design, Value, apply_values, run_seed

# The run summary each row carries, after the varied parameters, replicate, seed and error.
# cfg_* are the metrics of the configured inputs, obs_* the observed whole-run metrics;
# moved_fraction is the mean share of active tasks moved per membership change and
# moved_ideal the mean of its ideal (1/(N+1) for a ring join, 1/N for a leave).
METRIC_COLUMNS = (
    "cfg_mcr", "cfg_wmcr", "cfg_si", "cfg_dhs", "cfg_status",
    "obs_mcr", "obs_wmcr", "obs_si", "obs_dhs", "obs_status",
    "tasks_lost", "work_lost", "migrations", "moved_fraction", "moved_ideal",
    "load_std_over_mean", "audit_head",
)  # fmt: skip

# Columns a chart can show (numbers); the others are text.
NUMERIC_METRICS = tuple(
    c for c in METRIC_COLUMNS if c not in ("cfg_status", "obs_status", "audit_head")
)


@dataclass(frozen=True)
class Job:
    """One cell × replicate: everything a worker needs, nothing it must look up."""

    cell: int
    replicate: int
    names: tuple[str, ...]
    values: tuple[Value, ...]
    seed: int
    steps: int
    base: SimulationConfig


def make_jobs(base: SimulationConfig, design: Design) -> list[Job]:
    """Every run of ``design``, in (cell, replicate) order."""
    return [
        Job(cell, rep, design.names, values, run_seed(base.seed, cell, rep), design.steps, base)
        for cell, values in enumerate(design.cells())
        for rep in range(design.replicates)
    ]


def job_config(job: Job) -> SimulationConfig:
    """The configuration of ``job``'s run: ``run SCENARIO --NAME VALUE … --seed SEED``."""
    cfg = apply_values(job.base, dict(zip(job.names, job.values, strict=True)))
    return dataclasses.replace(cfg, seed=job.seed)


def run_job(job: Job) -> dict[str, Any]:
    """Run ``job`` and return its row (``error`` is empty unless the run failed)."""
    row: dict[str, Any] = {"cell": job.cell, "replicate": job.replicate}
    row.update(zip(job.names, job.values, strict=True))
    row["seed"] = job.seed
    try:
        # Like `run`: the log is not kept in memory, and a finished run's log ends with its
        # closing record, so a row's audit_head is what `run --json` prints for the same run.
        sim = Simulation(job_config(job), keep_audit=False)
        sim.run(steps=job.steps)
        sim.audit.seal(sim.time)
        metrics = summary_metrics(sim)
    except Exception as exc:  # a failed run is a row, not a crashed sweep
        row["error"] = f"{type(exc).__name__}: {exc}"
        row.update(dict.fromkeys(METRIC_COLUMNS))
        return row
    row["error"] = None
    row.update(metrics)
    return row


def run_jobs(jobs: list[Job]) -> list[dict[str, Any]]:
    """The rows of several runs: one hand-off to a worker process for a chunk of short runs."""
    return [run_job(job) for job in jobs]


def summary_metrics(sim: Simulation) -> dict[str, Any]:
    """The :data:`METRIC_COLUMNS` of a finished run (None where a value is undefined)."""
    s = sim.summary()
    out: dict[str, Any] = {}
    for prefix, key in (("cfg", "configured"), ("obs", "observed")):
        for name in ("mcr", "wmcr", "si", "dhs", "status"):
            out[f"{prefix}_{name}"] = s[key][name]
    out["tasks_lost"] = s["tasks_lost"]
    out["work_lost"] = s["work_lost"]
    out["migrations"] = s["migrations"]
    changes = [ch for ch in sim.changes if ch.active > 0]
    out["moved_fraction"] = _mean([ch.ratio for ch in changes])
    # The ideal exists only where theory gives one (ring joins and leaves; issue 18).
    out["moved_ideal"] = _mean([ch.ideal for ch in changes if ch.ideal is not None])
    b = sim.snapshot().balance
    out["load_std_over_mean"] = round(b.std / b.mean, 6) if b.mean > 0 else None
    out["audit_head"] = s["audit_head"]
    return out


def _mean(values: list[float]) -> float | None:
    finite = [v for v in values if math.isfinite(v)]
    return round(sum(finite) / len(finite), 6) if finite else None
