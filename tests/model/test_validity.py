"""Regression tests for the model's accounting: each failed before the fix it names."""

import numpy as np
import pytest

from sim.batch.chunks import run_batch
from sim.model.negotiation import NegotiationModel
from sim.model.outcomes import solution_columns
from sim.scenario.loading import load_scenario
from tests.scenarios import toy, write

PIE = {
    "name": "pie",
    "runs": 3,
    "seed": 1,
    "calendar": {"start": "2025-01-01", "deadline": "2025-01-04", "meeting_interval_days": 1},
    "protocol": {"first_proposer": "a", "discount_per_day": 0.9},
    "issues": {"share": {"label": "S", "unit": "share", "bounds": [0, 1], "no_deal": 0.5}},
    "negotiators": {
        "a": {
            "label": "A",
            "strategy": {"name": "equilibrium"},
            "no_deal_adjustment": -0.3,
            "preferences": {"share": {"ideal": 1, "weight": 1}},
        },
        "b": {
            "label": "B",
            "strategy": {"name": "time_dependent", "beta": 0.05},
            "acceptance": {"name": "const", "threshold": 1.0},
            "no_deal_adjustment": -0.5,
            "preferences": {"share": {"ideal": 0, "weight": 1}},
        },
    },
}


def model_of(tmp_path, data, runs=3, seed=1):
    scenario = load_scenario(write(tmp_path, data)).scenario
    return NegotiationModel(scenario, runs=runs, seed=seed)


def test_an_extension_holds_the_last_offer_not_the_value_of_the_deadline_row(tmp_path):
    # A (equilibrium, no deal worth 0.2, delta 0.9) proposes in rounds 0 and 2 of 4 and responds
    # in round 3, where its equilibrium row is 0.9 * 0.2 = 0.18, a demand it never made.
    model = model_of(tmp_path, PIE)
    a = model.negotiators[0]
    for _ in range(3):
        model.step()
    assert model.active.all()
    last_offer = a.value(a.own_offer)
    a.hold_concession(np.arange(3))
    assert a.ceiling() == pytest.approx(last_offer)
    assert (a.ceiling() > a.reservation).all()
    assert (a.ceiling() > 0.18 + 1e-6).all()


def test_a_summit_concedes_a_share_of_the_room_left_by_the_last_offer(tmp_path):
    model = model_of(tmp_path, PIE)
    a = model.negotiators[0]
    model.step()
    conceded = a.conceded()
    a.concede_share(np.arange(3), np.full(3, 0.5))
    room = a.best - a.reservation
    expected = a.best - (conceded + 0.5 * (1 - conceded)) * room
    assert a.ceiling() == pytest.approx(expected)
    assert (a.ceiling() >= a.reservation).all()


def test_at_the_horizon_an_equilibrium_responder_takes_no_less_than_no_deal_is_worth(tmp_path):
    # One round: B is an equilibrium responder whose no deal is worth 0.2, 0.18 a round later.
    data = {**PIE, "calendar": {**PIE["calendar"], "deadline": "2025-01-01"}}
    data["negotiators"] = {
        **PIE["negotiators"],
        "b": {
            **PIE["negotiators"]["b"],
            "strategy": {"name": "equilibrium"},
            "acceptance": {"name": "next"},
        },
    }
    data["negotiators"]["b"]["no_deal_adjustment"] = -0.3
    model = model_of(tmp_path, data)
    b = model.negotiators[1]
    b_gets = np.array([0.17, 0.18, 0.19])
    offers = (1 - b_gets)[:, None]
    accepts, _ = b.respond(offers, 0)
    assert accepts.tolist() == [False, True, True]


def test_an_equilibrium_player_never_accepts_less_than_its_outside_option(tmp_path):
    data = {**PIE, "negotiators": dict(PIE["negotiators"])}
    data["negotiators"]["b"] = {
        **PIE["negotiators"]["b"],
        "strategy": {"name": "equilibrium"},
        "acceptance": {"name": "next"},
        "outside_option": 0.8,
    }
    table = run_batch(load_scenario(write(tmp_path, data)).scenario, runs=5, seed=0)
    # B's no deal is worth 0, its option 0.8: it gets exactly that (Binmore, Shaked & Sutton)
    assert table["agreed"].all()
    assert (1 - table["issue.share"]).to_numpy() == pytest.approx(0.8, abs=1e-6)
    assert (table["utility.b"] >= 0.8 - 1e-9).all()


def test_the_nash_product_of_an_outcome_worse_than_disagreement_for_both_is_zero(tmp_path):
    model = model_of(tmp_path, PIE)
    model.run_model()
    below = np.column_stack([model.negotiators[0].reservation, model.negotiators[1].reservation])
    columns = solution_columns(model, below - 0.1)
    assert (columns["nash_product"] == 0).all()


def test_after_a_shock_memories_are_valued_with_the_new_priorities(tmp_path):
    # B never concedes on the issue it cares about and gives A the other at once. A shock then
    # raises A's weight on the issue B gave away: B's repeated offer is worth more to A, but B
    # conceded nothing, so a tit-for-tat A must not reciprocate.
    two = {
        "price": {"label": "P", "unit": "u", "bounds": [0, 1], "no_deal": 0.5},
        "other": {"label": "O", "unit": "u", "bounds": [0, 1], "no_deal": 0.5},
    }
    shock = {"probability_per_round": 0.3, "negotiator": "a", "issue": "other"}
    data = toy(
        issues=two,
        calendar__deadline="2025-03-01",
        negotiators__a__strategy={"name": "tit_for_tat"},
        negotiators__b__strategy={"name": "time_dependent", "beta": 0.01},
        events={"shocks": {"tension": {**shock, "weight_change": 0.4}}},
    )
    data["negotiators"]["a"]["preferences"] = {
        "price": {"ideal": 1, "weight": 1},
        "other": {"ideal": 1, "weight": 1},
    }
    data["negotiators"]["b"]["preferences"] = {
        "price": {"ideal": 0, "weight": 1},
        "other": {"ideal": 0, "weight": 0},
    }
    scenario = load_scenario(write(tmp_path, data)).scenario
    model = NegotiationModel(scenario, runs=50, seed=0, trace_runs=50)
    model.run_model()
    rounds = model.trace()
    struck = model.results()["event.tension"]
    assert (struck >= 1).sum() > 10  # many runs see the shock after some offers
    by_a = rounds["proposer"] == "a"
    # B all but never concedes, so A, imitating it, keeps to its ideal package
    assert rounds["offer.price"][by_a] == pytest.approx(1.0, abs=1e-3)
    assert rounds["offer.other"][by_a] == pytest.approx(1.0, abs=1e-3)


def test_rates_are_per_day_whatever_the_meeting_interval(tmp_path):
    weekly = model_of(
        tmp_path,
        toy(protocol={"first_proposer": "a", "discount_per_day": 0.99, "breakdown_per_day": 0.01}),
    )
    data = toy(
        calendar__meeting_interval_days=14,
        protocol={"first_proposer": "a", "discount_per_day": 0.99, "breakdown_per_day": 0.01},
    )
    fortnightly = model_of(tmp_path, data)
    for model, days in ((weekly, 7), (fortnightly, 14)):
        assert model.negotiators[0].discount == pytest.approx(0.99**days)
        assert model.breakdown_per_round == pytest.approx(1 - 0.99**days)


def test_an_issue_off_the_table_stays_at_its_no_deal_value(tmp_path):
    loaded = load_scenario("scenarios/korea_us_2025.yaml")  # troops are off its table
    table = run_batch(loaded.scenario, runs=2_000, seed=3)
    assert table["agreed"].mean() > 0.5
    assert (table["issue.troop_payment"] == 1.1).all()
    assert table.loc[table["agreed"], "issue.tariff"].lt(25).all()


def tied_hands(tmp_path, threshold: float, anticipated: bool = True):
    assembly = {
        "kind": "ratification",
        "label": "L",
        "ratifies_for": "b",
        "anticipated": anticipated,
        "threshold": threshold,
        "preferences": {"price": {"ideal": 0, "weight": 1}},
    }
    data = toy(
        third_parties={"assembly": assembly},
        events={"rapport": 0.2},
        negotiators__a__strategy={
            "name": "time_dependent",
            "beta": {"dist": "uniform", "low": 0.3, "high": 3},
        },
        negotiators__b__strategy={
            "name": "time_dependent",
            "beta": {"dist": "uniform", "low": 0.3, "high": 3},
        },
    )
    return run_batch(load_scenario(write(tmp_path, data)).scenario, runs=500, seed=4)


def test_a_tighter_known_win_set_moves_deals_toward_the_constrained_side(tmp_path):
    # Putnam (1988): B's legislature ratifies only prices it values at the threshold or more,
    # i.e. at most 100 * (1 - threshold). Known to both, it ties B's hands.
    loose, tight = tied_hands(tmp_path, 0.3), tied_hands(tmp_path, 0.55)
    for table, most in ((loose, 70), (tight, 45)):
        deals = table[table["agreed"]]
        assert len(deals) > 100
        assert deals["issue.price"].le(most + 1e-6).all()
        assert (table["ended_by"] != "not_ratified").all()
    assert tight.loc[tight["agreed"], "issue.price"].mean() < (
        loose.loc[loose["agreed"], "issue.price"].mean() - 1
    )
    unknown = tied_hands(tmp_path, 0.55, anticipated=False)
    assert (unknown["ended_by"] == "not_ratified").any()


def test_concave_values_spread_concessions_over_the_issues(tmp_path):
    # With linear values and cheapest-first offers, deals move one issue at a time; with
    # quadratic values both issues move.
    two = {
        "price": {"label": "P", "unit": "u", "bounds": [0, 100], "no_deal": 50},
        "other": {"label": "O", "unit": "u", "bounds": [0, 1], "no_deal": 0.5},
    }

    def deals(value: str):
        data = toy(issues=two)
        for party, ideals in (("a", (100, 1)), ("b", (0, 0))):
            data["negotiators"][party]["preferences"] = {
                "price": {"ideal": ideals[0], "weight": 0.6, "value": value},
                "other": {"ideal": ideals[1], "weight": 0.4, "value": value},
            }
        table = run_batch(load_scenario(write(tmp_path, data)).scenario, runs=20, seed=0)
        return table[table["agreed"]]

    linear, quadratic = deals("linear"), deals("quadratic")
    interior = lambda table: (  # noqa: E731
        table["issue.price"].between(1e-6, 100 - 1e-6)
        & table["issue.other"].between(1e-6, 1 - 1e-6)
    )
    assert not interior(linear).any()
    assert interior(quadratic).all()
    # and the reported utility uses the same values
    a = quadratic["issue.price"] / 100, quadratic["issue.other"]
    expected = 0.6 * (1 - (1 - a[0]) ** 2) + 0.4 * (1 - (1 - a[1]) ** 2)
    assert quadratic["utility.a"].to_numpy() == pytest.approx(expected.to_numpy())
