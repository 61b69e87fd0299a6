"""Properties of every batch of every valid scenario, over randomly generated scenarios.

The scenarios come from ``tests.strategies_hypothesis``: one to four issues (some off the
table), random bounds, no-deal values, ideals, weights and value shapes, every strategy and
acceptance rule, outside options, audience costs, calendars, extensions, breakdown risks, both
protocols, summits, shocks, retaliation and legislatures, many numbers drawn from
distributions. Each is written to a YAML file and loaded as a user's would be.
"""

import copy
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings

from sim.batch.chunks import run_batch
from sim.maths.utility import utility
from sim.maths.valuation import deal_value
from sim.model.negotiation import NegotiationModel
from sim.scenario.loading import load_scenario
from tests.scenarios import toy, write
from tests.strategies_hypothesis import PARTIES, scenarios

RUNS = 60
PROPERTIES = settings(max_examples=15, deadline=None)


def load(data: dict):
    with tempfile.TemporaryDirectory() as directory:
        return load_scenario(write(Path(directory), data)).scenario


def simulate(data: dict, seed: int = 0):
    """Load ``data`` from a YAML file and run a small batch of it."""
    scenario = load(data)
    return scenario, run_batch(scenario, runs=RUNS, seed=seed)


def drawn(table: pd.DataFrame, path: str, fixed) -> np.ndarray:
    column = f"drawn.{path}"
    return table[column].to_numpy() if column in table else np.full(len(table), fixed)


def per_round_discount(scenario, table: pd.DataFrame, party: str) -> np.ndarray:
    interval = drawn(
        table, "calendar.meeting_interval_days", scenario.calendar.meeting_interval_days
    )
    own = scenario.negotiators[party].discount_per_day
    if own is None:
        return drawn(table, "protocol.discount_per_day", scenario.protocol.discount_per_day) ** (
            interval
        )
    return drawn(table, f"negotiators.{party}.discount_per_day", own) ** interval


def check_invariants(scenario, table: pd.DataFrame) -> None:
    assert len(table) == RUNS
    agreed = table["agreed"].to_numpy()
    assert (agreed == (table["ended_by"] == "agreement").to_numpy()).all()
    assert (table["deal_proposed_by"].isna().to_numpy() == ~agreed).all()
    walked = (table["ended_by"] == "outside_option").to_numpy()
    assert (table["walked_away"].notna().to_numpy() == walked).all()
    for name, issue in scenario.issues.items():
        values = table[f"issue.{name}"]
        low, high = issue.bounds
        assert values.between(low, high).all(), (name, low, high, values)
        no_deal = drawn(table, f"issues.{name}.no_deal", issue.no_deal)
        assert (values == no_deal)[~agreed].all(), name
        if not issue.negotiable:
            assert (values == no_deal).all(), name
    for party in scenario.negotiators:
        value = table[f"utility.{party}"].to_numpy().copy()
        assert np.isfinite(value).all()
        for name, third in scenario.third_parties.items():
            if getattr(third, "target", None) == party:
                cost = drawn(table, f"third_parties.{name}.cost", third.cost)
                value += table[f"retaliated.{name}"].to_numpy() * cost
        # A deal is worth at least the present value of the reservation it was bargained
        # against: no deal, or the outside option, would come a round later at the soonest.
        reservation = table[f"reservation.{party}"].to_numpy()
        floor = np.minimum(reservation, per_round_discount(scenario, table, party) * reservation)
        assert (value >= floor - 1e-9)[agreed].all(), party
        # A side that walked away got its outside option, which beats no deal.
        leaves = walked & (table["walked_away"] == party).to_numpy()
        assert (value >= reservation - 1e-9)[leaves].all(), party
    extended = table["extended"].to_numpy()
    assert extended[table["rounds_before_deadline"].to_numpy() < 0].all()
    assert extended[table["days_before_deadline"].to_numpy() < 0].all()


@PROPERTIES
@given(data=scenarios())
def test_outcomes_stay_in_bounds_rational_and_before_the_deadline(data):
    check_invariants(*simulate(data))


@PROPERTIES
@given(data=scenarios())
def test_the_same_seed_gives_the_same_table(data):
    _, first = simulate(data, seed=3)
    _, second = simulate(data, seed=3)
    pd.testing.assert_frame_equal(first, second)


@PROPERTIES
@given(data=scenarios())
def test_reported_values_are_the_values_bargained_over(data):
    model = NegotiationModel(load(data), RUNS, seed=0)
    model.run_model()
    results = model.results()
    agreed = results["agreed"]
    for index, side in enumerate(model.negotiators):
        low, high = model.low, model.high
        package = utility(
            model.outcome, side.ideal, side.weights, low, high, None, side.shape, side.curvature
        )
        threat = utility(
            side.threat, side.ideal, side.weights, low, high, None, side.shape, side.curvature
        )
        deal = deal_value(package, threat, side.audience_cost, model.rapport)
        walked = results["walked_away"] == side.party
        no_deal = (
            utility(
                model.no_deal, side.ideal, side.weights, low, high, None, side.shape, side.curvature
            )
            + side.no_deal_adjustment
        )
        expected = np.where(agreed, deal, np.where(walked, no_deal + side.outside_option, no_deal))
        for retaliator in model.retaliators:
            if retaliator.target == side.party:
                expected = expected - results[f"retaliated.{retaliator.name}"] * retaliator.cost
        np.testing.assert_allclose(results[f"utility.{side.party}"], expected, atol=1e-9)
        assert (results[f"reservation.{side.party}"] >= no_deal - 1e-12).all(), index


def fixed(data):
    """The scenario with every distribution replaced by a number it can draw."""
    if isinstance(data, dict):
        if "dist" in data:
            if data["dist"] == "choice":
                return data["values"][0]
            if data["dist"] == "lognormal":
                return float(np.exp(data["mu"]))
            if data["dist"] == "normal":
                return float(np.clip(data["mean"], data["low"], data["high"]))
            middle = (data["low"] + data["high"]) / 2 if "high" in data else data["low"]
            return data.get("mode", middle)  # inside the support, not at a bound of 0
        return {key: fixed(value) for key, value in data.items()}
    return data


def relabel(data: dict) -> dict:
    """The same scenario with the two negotiators' names swapped everywhere."""
    other = dict(zip(PARTIES, PARTIES[::-1], strict=True))
    swapped = copy.deepcopy(data)
    swapped["negotiators"] = {other[key]: value for key, value in data["negotiators"].items()}
    swapped["protocol"]["first_proposer"] = other[data["protocol"]["first_proposer"]]
    for shock in swapped["events"]["shocks"].values():
        shock["negotiator"] = other[shock["negotiator"]]
    for party in swapped["third_parties"].values():
        for key in ("target", "ratifies_for"):
            if key in party:
                party[key] = other[party[key]]
    return swapped


@PROPERTIES
@given(data=scenarios())
def test_relabelling_the_negotiators_relabels_the_outcome(data):
    data = fixed(data)
    _, table = simulate(data)
    _, swapped = simulate(relabel(data))
    issues = [column for column in table if column.startswith("issue.")]
    pd.testing.assert_frame_equal(table[issues], swapped[issues])
    for first, second in (PARTIES, PARTIES[::-1]):
        np.testing.assert_array_equal(table[f"utility.{first}"], swapped[f"utility.{second}"])
    assert (table["ended_by"] == swapped["ended_by"]).all()


def test_a_deal_at_the_lower_bound_stays_within_the_bounds(tmp_path):
    # One meeting: A, for whom no deal is very poor, concedes all the way to B's ideal at once.
    data = toy(
        calendar__deadline="2025-01-01",
        issues__price__bounds=[0.1, 1.0],
        issues__price__no_deal=0.5,
        negotiators__a__preferences__price__ideal=1.0,
        negotiators__b__preferences__price__ideal=0.1,
        negotiators__a__no_deal_adjustment=-1.0,
    )
    table = run_batch(load_scenario(write(tmp_path, data)).scenario, runs=1, seed=0)
    assert table["agreed"].all()
    assert table["issue.price"].between(0.1, 1.0).all(), table["issue.price"].tolist()
