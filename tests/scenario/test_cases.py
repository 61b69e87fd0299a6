"""The library of 2025 cases: each scenario validates, and each observed outcome matches one.

An observed file (``scenarios/observed/<case>.yaml``) names the scenario it checks; the scenario
must exist, have exactly the issues the file lists, and stand at the file's ``as_of`` date,
before the agreement it records. The files are read with ``yaml.safe_load`` here; loading them
properly is the observed-outcome loader's job.
"""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from sim.cli.commands import main
from sim.scenario.loading import load_scenario
from tests.conftest import SCENARIOS

CASES = sorted((SCENARIOS / "cases").glob("*.yaml"))
OBSERVED = sorted((SCENARIOS / "observed").glob("*.yaml"))


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def scenario_of(observed: Path) -> Path:
    return (observed.parent / read(observed)["scenario"]).resolve()


def test_the_library_has_at_least_three_cases_besides_korea():
    assert len(CASES) >= 3


def test_the_library_holds_the_four_deals_before_korea():
    names = {path.stem for path in CASES}
    assert {"uk_us_2025", "vietnam_us_2025", "japan_us_2025", "eu_us_2025"} <= names


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_validates(path, capsys):
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_has_an_observed_outcome(path):
    assert any(scenario_of(observed) == path.resolve() for observed in OBSERVED), path.name


@pytest.mark.parametrize("observed", OBSERVED, ids=lambda p: p.stem)
def test_an_observed_file_names_an_existing_scenario_with_exactly_its_issues(observed):
    data = read(observed)
    scenario = scenario_of(observed)
    assert scenario.is_file(), f"{observed.name}: no scenario {data['scenario']}"
    assert data["case"] == observed.stem
    issues = load_scenario(scenario).scenario.issues
    assert sorted(data["issues"]) == sorted(issues)


@pytest.mark.parametrize("observed", OBSERVED, ids=lambda p: p.stem)
def test_the_scenario_stands_at_as_of_before_the_agreement(observed):
    data = read(observed)
    start = load_scenario(scenario_of(observed)).scenario.calendar.start
    assert isinstance(data["as_of"], dt.date)
    assert start == data["as_of"]
    if data["ended_by"]["value"] == "agreement":
        assert start < data["agreement_date"]["value"]


@pytest.mark.parametrize("observed", OBSERVED, ids=lambda p: p.stem)
def test_every_fact_has_a_source_with_name_date_and_url(observed):
    data = read(observed)
    facts = [data[key] for key in ("ended_by", "agreement_date", "extensions") if key in data]
    facts += [data["deadline_in_force"]] if "deadline_in_force" in data else []
    facts += list(data["issues"].values())
    for fact in facts:
        source = fact["source"]
        assert isinstance(source["name"], str) and source["name"], fact
        assert isinstance(source["date"], dt.date), fact
        assert str(source["url"]).startswith(("http://", "https://")), fact


@pytest.mark.parametrize("observed", OBSERVED, ids=lambda p: p.stem)
def test_observed_issue_values_lie_inside_the_scenario_bounds(observed):
    issues = load_scenario(scenario_of(observed)).scenario.issues
    for name, fact in read(observed)["issues"].items():
        low, high = issues[name].bounds
        values = [fact[key] for key in ("value", "low", "high") if key in fact]
        assert all(low <= value <= high for value in values), (name, values, (low, high))
