"""Properties of every batch of every valid scenario, over randomly generated scenarios.

The scenarios come from ``tests.strategies_hypothesis``: one to four issues, random bounds,
no-deal values, ideals, weights, tactics, calendars, extensions and breakdown risks, some of them
distributions. Each is written to a YAML file and loaded as a user's would be.
"""

import copy
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings

from sim.batch.chunks import run_batch
from sim.scenario.loading import load_scenario
from tests.scenarios import toy, write
from tests.strategies_hypothesis import PARTIES, scenarios

RUNS = 60
PROPERTIES = settings(max_examples=25, deadline=None)


def simulate(data: dict, seed: int = 0):
    """Load ``data`` from a YAML file and run a small batch of it."""
    with tempfile.TemporaryDirectory() as directory:
        scenario = load_scenario(write(Path(directory), data)).scenario
    return scenario, run_batch(scenario, runs=RUNS, seed=seed)


def swap_first_proposer(data: dict) -> dict:
    swapped = copy.deepcopy(data)
    first = swapped["protocol"]["first_proposer"]
    swapped["protocol"]["first_proposer"] = next(p for p in PARTIES if p != first)
    return swapped


def check_invariants(scenario, table: pd.DataFrame) -> None:
    assert len(table) == RUNS
    agreed = table["agreed"].to_numpy()
    assert (agreed == (table["ended_by"] == "agreement").to_numpy()).all()
    assert (table["deal_proposed_by"].isna().to_numpy() == ~agreed).all()
    for name, issue in scenario.issues.items():
        values = table[f"issue.{name}"]
        low, high = issue.bounds
        assert values.between(low, high).all(), (name, low, high, values)
        drawn = f"drawn.issues.{name}.no_deal"
        no_deal = table.get(drawn, issue.no_deal)
        assert (values == no_deal)[~agreed].all(), name
    discount = scenario.protocol.discount_per_round
    for party, negotiator in scenario.negotiators.items():
        utility = table[f"utility.{party}"]
        # A package is worth 0 to 1; a run without a deal may add the outside option to that.
        package_only = agreed | (negotiator.outside_option == 0.0)
        assert utility[package_only].between(-1e-9, 1 + 1e-9).all(), (party, utility)
        # When delay is discounted, no deal after a rejection counts at its present value.
        reservation = table[f"reservation.{party}"] * discount
        assert (utility >= reservation - 1e-9)[agreed].all(), party
    extended = table["extended"].to_numpy()
    assert extended[table["rounds_before_deadline"].to_numpy() < 0].all()
    assert extended[table["days_before_deadline"].to_numpy() < 0].all()


@PROPERTIES
@given(data=scenarios())
def test_outcomes_stay_in_bounds_rational_and_before_the_deadline(data):
    check_invariants(*simulate(data))


@PROPERTIES
@given(data=scenarios())
def test_relabelling_the_first_proposer_keeps_the_properties(data):
    check_invariants(*simulate(swap_first_proposer(data)))


@PROPERTIES
@given(data=scenarios())
def test_the_same_seed_gives_the_same_table(data):
    _, first = simulate(data, seed=3)
    _, second = simulate(data, seed=3)
    pd.testing.assert_frame_equal(first, second)


def test_a_deal_at_the_lower_bound_stays_within_the_bounds(tmp_path):
    # One meeting: A, whose outside option is poor, concedes all the way to B's ideal at once.
    data = toy(
        calendar__deadline="2025-01-01",
        issues__price__bounds=[0.1, 1.0],
        issues__price__no_deal=0.5,
        negotiators__a__preferences__price__ideal=1.0,
        negotiators__b__preferences__price__ideal=0.1,
        negotiators__a__outside_option=-1.0,
    )
    table = run_batch(load_scenario(write(tmp_path, data)).scenario, runs=1, seed=0)
    assert table["agreed"].all()
    assert table["issue.price"].between(0.1, 1.0).all(), table["issue.price"].tolist()
