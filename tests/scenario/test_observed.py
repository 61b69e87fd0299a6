"""Observed-outcome files: the shipped ones load; every file in bad_observed/ is refused.

The first line of each bad file says what the message must contain (``# expect: ...``).
"""

import re
from pathlib import Path

import pytest

from sim.errors import ScenarioError
from sim.scenario.loading import load_scenario
from sim.scenario.observed import issue_problems, load_observed
from tests.conftest import SCENARIOS

CORPUS = Path(__file__).parent / "bad_observed"
FILES = sorted(CORPUS.glob("*.yaml"))
NO_LINE = {"a_scenario_file.yaml"}
SHIPPED = sorted((SCENARIOS / "observed").glob("*.yaml"))


def expectation(path: Path) -> str:
    return path.read_text().split("\n", 1)[0].removeprefix("# expect: ")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_observed_files_load_and_fit_their_scenario(path):
    loaded = load_observed(path)
    assert loaded.observed.case == path.stem
    scenario = load_scenario(loaded.scenario_path).scenario
    assert issue_problems(loaded, scenario) == []
    assert loaded.observed.as_of == scenario.calendar.start


def test_korea_facts():
    observed = load_observed(SCENARIOS / "observed" / "korea_us_2025.yaml").observed
    assert observed.ended_by.value == "agreement"
    assert str(observed.agreement_date.value) == "2025-07-30"
    assert observed.extensions.value == 1
    assert str(observed.deadline_in_force.value) == "2025-08-01"
    assert observed.issues["tariff"].interval == (15, 15)
    assert not observed.issues["troop_payment"].settled
    assert not observed.issues["china_alignment"].settled


def test_corpus_is_large_enough():
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bad_observed_file_gives_a_clean_message(path):
    with pytest.raises(ScenarioError) as error:
        load_observed(path)
    message = str(error.value)
    assert expectation(path) in message
    assert len(message.splitlines()) <= 20
    if path.name not in NO_LINE:
        assert re.search(rf"{re.escape(path.name)}:\d+: ", message), message


def _variant(tmp_path, old, new):
    text = (SCENARIOS / "observed" / "korea_us_2025.yaml").read_text()
    assert old in text
    path = tmp_path / "korea.yaml"
    path.write_text(text.replace(old, new).replace("../korea_us_2025", str(SCENARIOS / "korea")))
    return load_observed(path)


def test_a_scenario_issue_missing_from_the_observed_file_is_named(tmp_path, baseline):
    loaded = _variant(tmp_path, "  china_alignment:\n", "  china_alignmnt:\n")
    messages = [str(problem) for problem in issue_problems(loaded, baseline)]
    assert any("no entry for the scenario's issue 'china_alignment'" in m for m in messages)
    assert any(
        re.search(
            r"korea\.yaml:\d+: issues\.china_alignmnt: the scenario 'korea_us_2025' has no", m
        )
        for m in messages
    )


def test_a_deadline_in_force_the_calendar_would_date_otherwise_is_named(tmp_path):
    text = (SCENARIOS / "observed" / "vietnam_us_2025.yaml").read_text()
    path = tmp_path / "vietnam.yaml"
    scenario_file = str(SCENARIOS / "cases" / "vietnam_us_2025")
    path.write_text(
        text.replace("  value: 2025-07-08\n", "  value: 2025-07-09\n").replace(
            "../cases/vietnam_us_2025", scenario_file
        )
    )
    loaded = load_observed(path)
    scenario = load_scenario(loaded.scenario_path).scenario
    [problem] = issue_problems(loaded, scenario)
    pattern = r"vietnam\.yaml:\d+: deadline_in_force\.value: 2025-07-09 is not"
    assert re.search(pattern, str(problem))
