"""Schema versions: every fixture under tests/data loads; old versions migrate; newer refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from phoenix_gui.scenario import (
    ScenarioError,
    dump_scenario,
    load_scenario,
    loads_scenario,
    migrations,
)

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
FIXTURE_V1 = DATA / "scenario-v1.yaml"


def test_one_fixture_per_version_up_to_the_current_one() -> None:
    versions = sorted(int(p.stem.split("-v")[1]) for p in DATA.glob("scenario-v*.yaml"))
    assert versions == list(range(1, migrations.SCHEMA_VERSION + 1))
    for version in versions:
        assert load_scenario(DATA / f"scenario-v{version}.yaml").name.startswith("Fixture")


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """A pretend format change: version 2 marks migrated descriptions."""
    data["description"] = data.get("description", "") + "[migrated from v1]"
    return data


def test_v1_fixture_still_loads_after_the_version_is_bumped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = load_scenario(FIXTURE_V1)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(migrations.MIGRATIONS, 1, _v1_to_v2)
    after = load_scenario(FIXTURE_V1)
    assert after.schema_version == 2
    assert after.description == before.description + "[migrated from v1]"
    assert after.model_dump(exclude={"schema_version", "description"}) == before.model_dump(
        exclude={"schema_version", "description"}
    )
    # Saved in the newest form, and the saved file loads without migrating again.
    saved = dump_scenario(after)
    assert "schema_version: 2\n" in saved
    assert loads_scenario(saved) == after


def test_migrations_run_in_order_through_every_version(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def step(version: int) -> migrations.Migration:
        def run(data: dict[str, Any]) -> dict[str, Any]:
            assert data["schema_version"] == version
            seen.append(version)
            return data

        return run

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 4)
    for version in (1, 2, 3):
        monkeypatch.setitem(migrations.MIGRATIONS, version, step(version))
    assert load_scenario(FIXTURE_V1).schema_version == 4
    assert seen == [1, 2, 3]


def test_a_newer_file_is_refused_naming_both_versions() -> None:
    text = f"schema_version: {migrations.SCHEMA_VERSION + 1}\nname: Future\n"
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, "future.yaml")
    message = str(info.value)
    newer = migrations.SCHEMA_VERSION + 1
    assert message.startswith(
        f"future.yaml:1:17: schema_version: this file is schema version {newer}"
    )
    assert f"reads versions up to {migrations.SCHEMA_VERSION}" in message


def test_an_unknown_old_version_is_refused() -> None:
    with pytest.raises(ScenarioError, match="schema version 0 is unknown; this program reads"):
        loads_scenario("schema_version: 0\nname: Old\n")


def test_a_missing_migration_step_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", 3)
    monkeypatch.setitem(migrations.MIGRATIONS, 1, lambda data: data)
    with pytest.raises(ScenarioError, match="no migration from schema version 2 to 3"):
        load_scenario(FIXTURE_V1)
