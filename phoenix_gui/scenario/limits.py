"""The bounds that keep every run finite, in one place (schema, cross-field checks, CLI).

A value can be legal on its own and still make a run unbounded: a time constant of 1e-300 h
(one step then holds 10^300 heartbeat rounds), a bandwidth of 1e308 MB/h next to a denormal
state size, a thousand scripted submits of two million tasks each, an arrival rate that over
the run's length adds more tasks than memory holds. Each such quantity gets a bound here; the
schema puts the per-field ones into the JSON Schema, :mod:`~phoenix_gui.scenario.checks` the
ones that combine fields, and ``phoenix-flight run`` the ones that involve its length options.
"""

from __future__ import annotations

from phoenix_gui.engine import MAX_EVENTS_PER_STEP as ENGINE_MAX_EVENTS_PER_STEP
from phoenix_gui.params import PARAMS

# Time constants (hours): step, heartbeat, timeout, checkpoint, work per task, context limit.
MIN_HOURS = 0.001  # 3.6 s
MAX_TIME_HOURS = 1_000_000.0
# Capacities and sizes (cores, GiB, MB): positive, and small enough that sums stay finite.
MIN_AMOUNT = 0.001
MAX_AMOUNT = 1_000_000.0
MAX_BANDWIDTH = 1e12  # MB per hour
MAX_VALIDATION_FAILURE = 0.99
# Timed rounds (heartbeats, checkpoints, agent hand-offs) one step may hold.
MAX_ROUNDS_PER_STEP = 1000
# Expected churn joins + leaves + task arrivals in one step: the engine's own cap.
MAX_EVENTS_PER_STEP = int(ENGINE_MAX_EVENTS_PER_STEP)
# Tasks a scenario may create by itself (initial, scripted submits, expected arrivals up to its
# own end), and tasks a run may create over the length given on the command line: the default
# lesson's 10^6-step soak submits about 5·10^6 (each keeps a row of about 100 bytes).
MAX_TOTAL_TASKS = int(PARAMS["tasks"].maximum)
MAX_RUN_TASKS = 10_000_000
# Members a scenario may register by itself (listed, generated, scripted joins and bursts).
MAX_SCRIPTED_MEMBERS = int(PARAMS["hosts"].maximum)
