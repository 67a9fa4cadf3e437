"""Scenario files: schema, safe bounded YAML loading, versions, atomic saving. No Qt here.

Public API (used by the command line and the GUI)::

    load_scenario(path) -> Scenario             # validated model of a file
    loads_scenario(text, source="<string>") -> Scenario
    load_config(path) -> SimulationConfig       # what the engine runs
    scenario_to_config(scenario) -> SimulationConfig
    scenario_from_config(config, name=None, description="") -> Scenario
    scenario_from_data(data, source="<config>") -> Scenario   # plain dicts, e.g. an edited dump
    save_scenario(path, scenario_or_config, *, name=None)   # atomic, newest version
    dump_scenario(scenario) -> str              # the YAML text save_scenario writes
    variant_scenario(scenario, name) -> Scenario  # a named what-if of the file (variants:)
    branch_hour(scenario, name) -> float        # the hour that variant branches from the base
    ScenarioError (.problems: Problem(file, line, column, path, message)), SCHEMA_VERSION

Every loading problem is a ScenarioError; str(error) is one ``FILE:LINE:COL: path: message``
line per problem. Comments in a file are not kept when it is saved (see ``saving``).
"""

from __future__ import annotations

from phoenix_gui.scenario.convert import scenario_to_config
from phoenix_gui.scenario.errors import Problem, ScenarioError
from phoenix_gui.scenario.loading import (
    load_config,
    load_scenario,
    loads_scenario,
    scenario_from_config,
    scenario_from_data,
)
from phoenix_gui.scenario.migrations import SCHEMA_VERSION
from phoenix_gui.scenario.saving import dump_scenario, save_scenario
from phoenix_gui.scenario.schema import Scenario
from phoenix_gui.scenario.variants import branch_hour, variant_scenario

__all__ = [
    "SCHEMA_VERSION",
    "Problem",
    "Scenario",
    "ScenarioError",
    "branch_hour",
    "dump_scenario",
    "load_config",
    "load_scenario",
    "loads_scenario",
    "save_scenario",
    "scenario_from_config",
    "scenario_from_data",
    "scenario_to_config",
    "variant_scenario",
]
