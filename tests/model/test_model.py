"""The negotiation model: a hand-worked game, invariants over the baseline, reproducibility."""

import numpy as np
import pandas as pd
import pytest

from sim.batch.chunks import plan_chunks, run_batch, run_chunk
from sim.model.negotiation import NegotiationModel
from sim.scenario.loading import load_scenario
from tests.scenarios import toy, write


def test_hand_worked_alternating_offers(tmp_path):
    # One issue in [0, 100]; A wants 100, B wants 0; no deal = 50, so both reserve 0.5.
    # Meetings on days 0, 7, 14, 21 (deadline day 21): rounds 0-3, linear tactics (beta = 1).
    # t=0 A offers 100; B's next target 1 - 1/3 * 0.5 = 0.833 > 0: reject.
    # t=1 B offers 16.7; A's next target 0.667 > 0.167: reject.
    # t=2 A offers 66.7; B's next target is its reservation 0.5 > 0.333: reject.
    # t=3 (deadline) B offers 50; A takes anything >= 0.5: deal at 50, proposed by B.
    scenario = load_scenario(write(tmp_path, toy())).scenario
    table = run_batch(scenario, runs=3, seed=0)
    assert table["agreed"].all()
    assert table["issue.price"].to_numpy() == pytest.approx(50.0)
    assert (table["end_round"] == 3).all()
    assert (table["deal_proposed_by"] == "b").all()
    assert (table["end_date"] == pd.Timestamp("2025-01-22")).all()
    assert (table["days_before_deadline"] == 0).all()


def test_single_run_steps_like_a_mesa_model(tmp_path):
    scenario = load_scenario(write(tmp_path, toy())).scenario
    model = NegotiationModel(scenario, runs=1, seed=3)
    steps = 0
    while model.running:
        model.step()
        steps += 1
    assert steps == 4
    assert len(model.agents) == 2
    assert model.results()["agreed"].tolist() == [True]


def test_without_overlap_there_is_no_deal_and_no_deal_values_hold(tmp_path):
    # Both reserve more than any split can give: A needs >= 90, B needs <= 10.
    data = toy(
        negotiators__a__no_deal_adjustment=0.4,
        negotiators__b__no_deal_adjustment=0.4,
    )
    scenario = load_scenario(write(tmp_path, data)).scenario
    table = run_batch(scenario, runs=5, seed=0)
    assert not table["agreed"].any()
    assert (table["ended_by"] == "deadline").all()
    assert table["issue.price"].to_numpy() == pytest.approx(50.0)


def test_extension_adds_meetings_after_the_deadline(tmp_path):
    data = toy(
        calendar__extension={"probability": 1.0, "days": 14},
        negotiators__a__no_deal_adjustment=0.4,
        negotiators__b__no_deal_adjustment=0.4,
    )
    table = run_batch(load_scenario(write(tmp_path, data)).scenario, runs=4, seed=0)
    assert table["extended"].all()
    assert (table["end_round"] == 5).all()
    assert (table["rounds_before_deadline"] == -2).all()


@pytest.fixture(scope="module")
def baseline_table():
    scenario = load_scenario("scenarios/korea_us_2025.yaml").scenario
    return scenario, run_batch(scenario, runs=20_000, seed=11, chunk_runs=5_000)


def test_issue_values_stay_within_bounds(baseline_table):
    scenario, table = baseline_table
    for name, issue in scenario.issues.items():
        values = table[f"issue.{name}"]
        assert values.between(*issue.bounds).all()


def test_every_deal_is_individually_rational(baseline_table):
    scenario, table = baseline_table
    deals = table[table["agreed"]]
    for party in scenario.negotiators:
        # in present value: no deal would come a round later (a week), worth discount *
        # reservation; retaliation by a third party comes after the deal and is added back
        week = scenario.protocol.discount_per_day**scenario.calendar.meeting_interval_days
        floor = week * deals[f"reservation.{party}"]
        value = deals[f"utility.{party}"].copy()
        for name, third in scenario.third_parties.items():
            if getattr(third, "target", None) == party:
                cost = deals[f"drawn.third_parties.{name}.cost"]
                value += deals[f"retaliated.{name}"] * cost
        assert (value >= floor - 1e-9).all()
        # utilities are 0-1, plus the summits' rapport (at most 0.06), less audience costs
        assert table[f"utility.{party}"].between(-0.2, 1.06).all()


def test_no_agreement_after_the_deadline_unless_extended(baseline_table):
    _, table = baseline_table
    late = table["agreed"] & (table["rounds_before_deadline"] < 0)
    assert (table.loc[late, "extended"]).all()
    assert (table["agreed"] == (table["ended_by"] == "agreement")).all()


def test_bargaining_solutions_dominate_the_disagreement_point(baseline_table):
    scenario, table = baseline_table
    us, korea = scenario.negotiators
    exists = table["nash.us"].notna()  # NaN where no package beats both reservations
    assert exists.mean() > 0.99
    for solution in ("nash", "kalai_smorodinsky"):
        for party in (us, korea):
            value = table.loc[exists, f"{solution}.{party}"]
            assert (value >= table.loc[exists, f"reservation.{party}"] - 1e-9).all()
    assert (table["pareto_gap"] >= 0).all()
    assert (table.loc[exists, "distance_to_nash"] >= 0).all()


def test_failed_talks_leave_the_no_deal_values(baseline_table):
    scenario, table = baseline_table
    failed = table[~table["agreed"]]
    assert len(failed) > 0
    for name, issue in scenario.issues.items():
        assert (failed[f"issue.{name}"] == issue.no_deal).all()


def test_same_seed_same_table(baseline):
    first = run_batch(baseline, runs=3_000, seed=5)
    second = run_batch(baseline, runs=3_000, seed=5)
    pd.testing.assert_frame_equal(first, second)
    assert not run_batch(baseline, runs=3_000, seed=6).equals(first)


def test_a_chunk_gives_the_same_rows_alone_as_inside_its_batch(baseline):
    whole = run_batch(baseline, runs=1_000, seed=9, chunk_runs=300)
    chunk = plan_chunks(1_000, 300)[2]
    alone = run_chunk(baseline, 9, chunk).runs
    expected = whole.iloc[chunk.start : chunk.start + chunk.runs].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, expected)


def test_drawn_parameters_are_recorded_and_within_their_distributions(baseline_table):
    _, table = baseline_table
    beta = table["drawn.negotiators.us.strategy.beta"]
    assert beta.between(0.3, 0.9).all()
    assert beta.std() > 0.1
    assert np.isin(table["drawn.calendar.extension.days"], [21, 30, 60, 90]).all()
