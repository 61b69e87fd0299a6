"""Tit-for-tat, trade-off and equilibrium players: contract tests and their defining behaviour."""

from typing import ClassVar

import numpy as np
import pytest

from sim.maths.offers import cheapest_first_shares
from sim.players.strategies import Equilibrium, Logrolling, StrategyView, TitForTat
from tests.conftest import SCENARIOS
from tests.contracts import StrategyContract, play, scenario_with


def view(**changes):
    base = dict(
        round_index=3,
        time_fraction=np.array([0.5]),
        best=np.array([1.0]),
        reservation=np.array([0.3]),
        previous_target=np.array([0.8]),
        opponent_last=np.array([0.5]),
        opponent_before=np.array([0.4]),
        opponent_concessions=np.array([[0.5, 0.0]]),
    )
    return StrategyView(**{**base, **changes})


class TestTitForTat(StrategyContract):
    strategy_class = TitForTat
    parameter_sets: ClassVar[list[dict]] = [
        {"reciprocation": "absolute", "kappa": 0.1},
        {"reciprocation": "relative"},
    ]

    def test_absolute_reciprocation_gives_back_what_it_received(self):
        # The opponent's last offer gave me 0.1 more: my target drops by 0.1.
        assert TitForTat("absolute").target(view()) == pytest.approx([0.7])

    def test_relative_reciprocation_concedes_in_proportion(self):
        assert TitForTat("relative").target(view()) == pytest.approx([0.8 * 0.4 / 0.5])

    def test_no_concession_when_the_opponent_retracts(self):
        retracting = view(opponent_last=np.array([0.3]), opponent_before=np.array([0.5]))
        assert TitForTat("absolute").target(retracting) == pytest.approx([0.8])


class TestLogrolling(StrategyContract):
    strategy_class = Logrolling
    parameter_sets: ClassVar[list[dict]] = [{"beta": 1.0, "kappa": 0.05}, {"beta": 0.5}]

    def test_believes_the_opponent_cares_about_what_it_does_not_concede(self):
        weights = Logrolling(learning_floor=0.1).believed_weights(view())
        assert weights == pytest.approx(np.array([[0.5, 1.0]]))

    def test_logrolls_onto_the_issue_the_opponent_values_most(self):
        # Both issues cost me 0.2; the opponent gains 0.1 from the first, 0.4 from the second.
        shares = cheapest_first_shares(
            np.array([[0.2, 0.2]]), np.array([0.2]), np.array([[0.1, 0.4]])
        )
        assert shares == pytest.approx(np.array([[0.0, 1.0]]))

    def test_logrolling_players_reach_better_joint_outcomes(self, tmp_path):
        # With all three issues on the table there is something to trade.
        base = SCENARIOS / "troops_on_the_table.yaml"
        plain = play(scenario_with(tmp_path, base=base), runs=2_000)[0]
        spec = {"name": "logrolling", "beta": 1.0}
        logrolling = play(
            scenario_with(tmp_path, us_strategy=spec, korea_strategy=spec, base=base), runs=2_000
        )[0]
        joint = lambda table: (table["utility.us"] + table["utility.korea"])[table["agreed"]].mean()  # noqa: E731
        assert joint(logrolling) > joint(plain)


class TestEquilibrium(StrategyContract):
    strategy_class = Equilibrium
    parameter_sets: ClassVar[list[dict]] = [{}]
    offers_below_reservation = True

    def test_two_equilibrium_players_agree_at_once_on_the_frontier(self, tmp_path):
        # Complete information includes the deadline: both know there is no extension (each
        # solves the game it believes in, so beliefs that differ can delay agreement).
        spec = {"name": "equilibrium"}
        base = SCENARIOS / "firm_deadline.yaml"
        runs = play(scenario_with(tmp_path, us_strategy=spec, korea_strategy=spec, base=base))[0]
        assert runs["agreed"].mean() > 0.95
        assert (runs.loc[runs["agreed"], "end_round"] == 0).all()
