"""The page's state logic, without a browser: controls, edits, refused values and variants."""

import subprocess
import sys

import pytest
import yaml

from sim.errors import UsageError
from sim.explore.controls import control_groups
from sim.explore.state import Exploration
from sim.explore.variant import save_variant
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE, ROOT


@pytest.fixture
def page():
    return Exploration.start(load_scenario(BASELINE))


def test_groups_follow_the_file(page):
    titles = [group.title for group in page.groups()]
    assert titles[:2] == ["calendar", "protocol"]
    assert any(title.startswith("negotiator korea") for title in titles)
    assert "events" in titles and any(title.startswith("third party") for title in titles)


def test_numbers_carry_their_valid_ranges(page):
    controls = {c.path: c for g in control_groups(page.scenario) for c in g.controls}
    assert (
        controls["protocol.first_proposer_probability"].low,
        controls["protocol.first_proposer_probability"].high,
    ) == (0, 1)
    ideal = controls["negotiators.korea.preferences.tariff.ideal"]
    assert (ideal.low, ideal.high) == page.scenario.issues["tariff"].bounds
    strategy = controls["negotiators.us.strategy.name"]
    assert strategy.kind == "choice" and "equilibrium" in strategy.choices


def test_a_refused_value_keeps_the_loaders_message(page):
    edited = page.with_value("events.rapport", "3")
    assert edited.scenario == page.scenario
    assert edited.errors["events.rapport"] == "events.rapport: the value must be <= 1, got 3"
    with pytest.raises(Exception) as raised:
        load_scenario_with(BASELINE, {"events": {"rapport": 3}})
    assert edited.errors["events.rapport"] in str(raised.value)
    assert edited.with_value("events.rapport", 0.2).errors == {}


def load_scenario_with(base, changes, tmp=None):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    (folder / "bad.yaml").write_text(yaml.safe_dump({"extends": str(base.resolve()), **changes}))
    return load_scenario(folder / "bad.yaml")


def test_changes_are_minimal(page):
    edited = page.with_value("protocol.breakdown_per_day.high", 0.01).with_value(
        "negotiators.us.strategy.name", "equilibrium"
    )
    assert edited.changes() == {
        "protocol": {"breakdown_per_day": {"high": 0.01}},
        "negotiators": {"us": {"strategy": {"name": "equilibrium"}}},
    }
    assert edited.reset().changes() == {}


def test_saved_variant_validates_and_reproduces(page, tmp_path):
    import sim

    edited = page.with_value("events.rapport", 0.2)
    path = save_variant(edited, "warmer", tmp_path, runs=1_000, seed=3)
    data = yaml.safe_load(path.read_text())
    schema_line, saved_line = path.read_text().splitlines()[:2]
    schema = (tmp_path / schema_line.split("$schema=")[1]).resolve()
    assert schema == (ROOT / "scenarios" / "schema" / "variant.schema.json").resolve()
    assert saved_line.startswith("# Saved from the negsim explore page")
    assert {k: v for k, v in data.items() if k not in ("extends", "name")} == {
        "events": {"rapport": 0.2},
        "runs": 1_000,
        "seed": 3,
    }
    checked = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    variant = load_scenario(path).scenario
    table = sim.run_batch(variant, runs=variant.runs, seed=variant.seed)
    assert table.equals(sim.run_batch(edited.scenario, runs=1_000, seed=3))
    with pytest.raises(UsageError, match="exists"):
        save_variant(edited, "warmer", tmp_path)
