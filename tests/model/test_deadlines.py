"""Deadlines that may be extended: beliefs about them, chains of them, concessions across them."""

import copy

import numpy as np
import pytest

import sim
from sim.model.negotiation import NegotiationModel
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE
from tests.scenarios import write

TACTICS = {
    "name": "tactics",
    "runs": 4,
    "seed": 1,
    # Meetings on days 0, 7, 14, 21 before a deadline on day 22 (round 3 is the last).
    "calendar": {
        "start": "2025-06-16",
        "deadline": "2025-07-08",
        "meeting_interval_days": 7,
        "extension": {"probability": 1.0, "days": 24, "times": 2},
    },
    "protocol": {"first_proposer": "a"},
    "issues": {"share": {"label": "S", "unit": "share", "bounds": [0, 1], "no_deal": 0.5}},
    "negotiators": {
        "a": {
            "label": "A",
            "strategy": {"name": "time_dependent", "beta": 1.0},
            "acceptance": {"name": "const", "threshold": 1.0},
            "beliefs": {"extension": {"probability": 0.0}},
            "no_deal_adjustment": -0.5,
            "preferences": {"share": {"ideal": 1, "weight": 1}},
        },
        "b": {
            "label": "B",
            "strategy": {"name": "time_dependent", "beta": 1.0},
            "acceptance": {"name": "const", "threshold": 1.0},
            "beliefs": {"extension": {"probability": 1.0}},
            "no_deal_adjustment": -0.5,
            "preferences": {"share": {"ideal": 0, "weight": 1}},
        },
    },
}


def model_of(tmp_path, data, runs=4):
    return NegotiationModel(load_scenario(write(tmp_path, data)).scenario, runs=runs, seed=1)


def test_each_side_plans_to_the_deadline_it_believes_in(tmp_path):
    model = model_of(tmp_path, TACTICS)
    doubter, believer = model.negotiators
    assert (doubter.planned_last_round() == 3).all()
    # Two extensions of 24 days that surely come: (22 + 48) / 7 -> the meeting on day 70.
    assert (believer.planned_last_round() == 10).all()
    assert believer.elapsed(3) == pytest.approx(0.3)
    assert doubter.elapsed(3) == pytest.approx(1.0)


def test_the_last_chance_to_agree_is_the_last_round_a_side_believes_in(tmp_path):
    model = model_of(tmp_path, TACTICS)
    doubter, believer = model.negotiators
    for _ in range(3):
        model.step()
    offers = np.full((4, 1), 0.5)  # worth exactly no deal to both, a round before it comes
    assert doubter.respond(offers, 3)[0].all()
    assert not believer.respond(offers, 3)[0].any()
    assert doubter.next_chance(3) == pytest.approx(0.0)
    assert believer.next_chance(3) == pytest.approx(1.0)
    assert believer.next_chance(2) == pytest.approx(1.0)


def test_after_an_extension_concessions_restart_from_the_last_offer(tmp_path):
    data = copy.deepcopy(TACTICS)
    data["negotiators"]["a"]["beliefs"]["extension"]["probability"] = 1.0
    model = model_of(tmp_path, data)
    believer = model.negotiators[1]
    for _ in range(4):
        model.step()
    assert model.extended.all()
    assert (model.last_round == 6).all()
    last_offer = believer.value(believer.own_offer)
    assert believer.ceiling() == pytest.approx(last_offer)
    first = believer.target(believer.view(4))
    assert (first < last_offer - 1e-6).all()
    assert (first > believer.reservation + 1e-6).all()
    assert believer.view(4).time_fraction == pytest.approx(1 / 7)  # (4 - 3) / (10 - 3)


def test_a_chain_of_extensions_ends_after_its_last_link(tmp_path):
    data = copy.deepcopy(TACTICS)
    for side in ("a", "b"):  # no deal beats every deal: the talks run to the end of the chain
        data["negotiators"][side]["acceptance"] = {"name": "const", "threshold": 1.0}
        data["negotiators"][side]["no_deal_adjustment"] = 0.5
    model = model_of(tmp_path, data)
    model.run_model()
    table = model.results()
    assert (table["extensions"] == 2).all()
    assert (table["ended_by"] == "deadline").all()
    assert (table["end_round"] == 10).all()
    assert (table["deadline_in_force"] == np.datetime64("2025-08-25")).all()  # 22 + 48 days
    assert (table["days_before_deadline_in_force"] == 0).all()
    assert (table["time_to_deadline_elapsed"] == 1.0).all()


def test_believing_in_an_extension_moves_deals_past_the_original_deadline():
    scenario = sim.load_scenario(BASELINE).scenario
    before = []
    for belief in (0.0, 1.0):
        changed = scenario.with_changes(
            {
                f"negotiators.{party}.beliefs.extension.probability": belief
                for party in ("us", "korea")
            }
        )
        table = sim.run_batch(changed, runs=2_000, seed=3)
        before.append((table["agreed"] & ~table["extended"]).mean())
    assert before[0] - before[1] > 0.1
