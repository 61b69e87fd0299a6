"""Deadline pressure, events and third parties, each switched on alone in the toy scenario."""

import numpy as np
import pandas as pd
import pytest

from sim.batch.chunks import run_batch
from sim.cli.commands import main
from sim.model.negotiation import NegotiationModel
from sim.scenario.loading import load_scenario
from tests.scenarios import toy, write

SUMMIT = {"date": "2025-01-01", "probability": 1.0, "concession": 1.0, "rapport": 0.0}
SHOCK = {"probability_per_round": 1.0, "negotiator": "a", "issue": "price", "weight_change": 0.5}


def batch(tmp_path, runs=50, **changes):
    scenario = load_scenario(write(tmp_path, toy(**changes))).scenario
    return scenario, run_batch(scenario, runs=runs, seed=2)


def test_a_summit_that_concedes_everything_brings_the_deal_forward(tmp_path):
    _, plain = batch(tmp_path)
    _, summit = batch(tmp_path, events={"summits": {"g7": SUMMIT}})
    assert summit["event.g7"].all()
    assert (summit["end_round"] < plain["end_round"]).all()


def test_a_summit_that_does_not_take_place_changes_nothing(tmp_path):
    _, plain = batch(tmp_path)
    _, skipped = batch(tmp_path, events={"summits": {"g7": {**SUMMIT, "probability": 0.0}}})
    assert not skipped["event.g7"].any()
    pd.testing.assert_series_equal(plain["issue.price"], skipped["issue.price"])


def test_a_shock_strikes_once_and_is_recorded(tmp_path):
    two = {
        "price": {"label": "P", "unit": "u", "bounds": [0, 100], "no_deal": 50},
        "other": {"label": "O", "unit": "u", "bounds": [0, 1], "no_deal": 0.5},
    }
    data = toy(issues=two, events={"shocks": {"tension": SHOCK}})
    for party, ideal in (("a", 1), ("b", 0)):
        data["negotiators"][party]["preferences"]["other"] = {"ideal": ideal, "weight": 1}
    scenario = load_scenario(write(tmp_path, data)).scenario
    model = NegotiationModel(scenario, 20, seed=1)
    model.run_model()
    assert (model.results()["event.tension"] == 0).all()
    # weights (0.5, 0.5) + 0.5 on price, renormalised: (2/3, 1/3)
    assert model.negotiators[0].weights[:, 0] == pytest.approx(2 / 3)


def test_rapport_is_credited_to_deals_and_backing_down_costs_the_audience_cost(tmp_path):
    # A wants 100; a deal at price x is worth x / 100 to it, plus the rapport of 0.2, less the
    # audience cost of falling short of its threat (its ideal): 0.5 * (1 - x / 100).
    _, plain = batch(tmp_path)
    _, rapport = batch(tmp_path, events={"rapport": 0.2})
    _, audience = batch(tmp_path, events={"rapport": 0.2}, negotiators__a__audience_cost=0.5)
    for table in (rapport, audience):
        assert table["agreed"].all()
    assert rapport["reservation.a"].to_numpy() == pytest.approx(plain["reservation.a"])
    share = rapport["issue.price"].to_numpy() / 100
    assert rapport["utility.a"].to_numpy() == pytest.approx(share + 0.2)
    share = audience["issue.price"].to_numpy() / 100
    assert audience["utility.a"].to_numpy() == pytest.approx(share + 0.2 - 0.5 * (1 - share))
    # backing down is costly, so A holds out for more
    assert (audience["issue.price"] > rapport["issue.price"]).all()


def test_certain_retaliation_costs_its_target(tmp_path):
    china = {
        "kind": "retaliation",
        "label": "C",
        "target": "b",
        "issue": "price",
        "base_probability": 1.0,
        "cost": 0.2,
    }
    _, plain = batch(tmp_path)
    _, punished = batch(tmp_path, third_parties={"china": china})
    assert punished["retaliated.china"].all()
    assert punished["utility.b"].to_numpy() == pytest.approx(plain["utility.b"].to_numpy() - 0.2)


@pytest.mark.parametrize(("threshold", "ratified"), [(0.0, True), (1.0, False)])
def test_a_legislature_ratifies_only_inside_its_win_set(tmp_path, threshold, ratified):
    assembly = {
        "kind": "ratification",
        "label": "L",
        "ratifies_for": "b",
        "anticipated": False,
        "threshold": threshold,
        "preferences": {"price": {"ideal": 0, "weight": 1}},
    }
    _, table = batch(tmp_path, third_parties={"assembly": assembly})
    assert (table["agreed"] == ratified).all()
    expected = "agreement" if ratified else "not_ratified"
    assert (table["ended_by"] == expected).all()
    if not ratified:
        assert (table["issue.price"] == 50).all()


def test_the_deadline_effect_is_reported(tmp_path):
    scenario, table = batch(tmp_path)
    from sim.analysis.summary import summarise

    summary = summarise(table, scenario)
    # the hand-worked toy game agrees at the deadline meeting in every run
    assert summary["deadline_effect"]["share_of_deals_in_last_10_percent_of_rounds"] == 1.0


def test_trace_replays_a_run_of_the_batch(tmp_path, capsys):
    out = tmp_path / "trace"
    status = main(
        [
            "trace",
            "scenarios/korea_us_2025.yaml",
            "--seed",
            "5",
            "--run",
            "7",
            "--runs",
            "2000",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    assert (out / "trace.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    rounds = pd.read_csv(out / "rounds.csv")
    scenario = load_scenario("scenarios/korea_us_2025.yaml").scenario
    row = run_batch(scenario, runs=2000, seed=5).iloc[7]
    assert len(rounds) == row["end_round"] + 1
    if row["agreed"]:
        assert rounds["accepted"].iloc[-1]
        assert rounds["offer.tariff"].iloc[-1] == pytest.approx(row["issue.tariff"])
    assert np.isfinite(rounds["utility.us"]).all()
