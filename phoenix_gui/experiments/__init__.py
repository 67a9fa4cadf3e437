"""Experiments: parameter sweeps run headless, on local processes or a Dask cluster. No Qt.

A sweep is a grid of *cells* (one value per varied parameter) × *replicates*; each cell ×
replicate is one independent run whose seed is spawned from the scenario seed
(``SeedSequence(seed).spawn`` by cell, then by replicate), so any row re-runs alone with
``phoenix-flight run --seed``. Rows come back in any order and are sorted by (cell,
replicate), so the output is byte-identical whatever executed it.

Modules: ``design`` (what varies and how: parsing ``NAME=V1,V2`` / ``NAME=START:STOP:STEP``,
the grid, the seeds, applying a value to a configuration), ``runs`` (one run → one summary
row, a pure function of plain data), ``executors`` (in-process, local processes, Dask),
``table`` (CSV columns, atomic writing, resume), ``stats`` (mean and 95 % confidence interval
per cell). The command line (`phoenix-flight sweep`) and the window's Experiment dialog both
use this package.
"""

from phoenix_gui.experiments.design import (
    VARIABLE_PARAMS,
    Design,
    ExperimentError,
    Vary,
    apply_values,
    parse_vary,
    run_seed,
)
from phoenix_gui.experiments.runs import METRIC_COLUMNS, Job, make_jobs, run_job

__all__ = [
    "METRIC_COLUMNS",
    "VARIABLE_PARAMS",
    "Design",
    "ExperimentError",
    "Job",
    "Vary",
    "apply_values",
    "make_jobs",
    "parse_vary",
    "run_job",
    "run_seed",
]
