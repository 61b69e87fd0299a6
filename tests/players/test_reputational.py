"""The reputational player: contract tests and its defining behaviour (Abreu & Gul 2000)."""

from typing import ClassVar

import numpy as np
import pytest

from sim.maths.subgame import Terms
from sim.players.strategies import Reputational, StrategyView
from sim.players.views import GameView, Posture
from tests.contracts import StrategyContract, play, scenario_with

PIE = np.array([[[1.0, 0.0], [0.0, 1.0]]])
"""The unit pie's frontier, own value first."""


def game(runs=1, last_round=10, posture=None, discounts=(0.95, 0.9)):
    frontier = np.repeat(PIE, runs, axis=0)
    return GameView(
        version=0,
        frontier=lambda: frontier,
        own=Terms(np.zeros(runs), np.full(runs, -np.inf), discounts[0]),
        opponent=Terms(np.zeros(runs), np.full(runs, -np.inf), discounts[1]),
        opponent_weights=np.ones((runs, 1)),
        breakdown=0.0,
        ends=np.full((1, runs), last_round),
        extension_chance=0.0,
        recognition=lambda t: float(t % 2 == 0),
        opponent_recognition=lambda t: float(t % 2 == 1),
        opponent_posture=posture or Posture(0.7, 0.2),
    )


def view(round_index, runs=1, **game_changes):
    nothing = np.full(runs, np.nan)
    return StrategyView(
        round_index=round_index,
        time_fraction=np.full(runs, 0.0),
        best=np.ones(runs),
        reservation=np.zeros(runs),
        previous_target=np.ones(runs),
        opponent_last=nothing,
        opponent_before=nothing,
        opponent_concessions=np.full((runs, 1), np.nan),
        game=game(runs, **game_changes),
    )


def player(prior=0.1, demand=0.6, seed=0):
    return Reputational(prior, demand, rng=np.random.default_rng(seed))


class TestReputational(StrategyContract):
    strategy_class = Reputational
    parameter_sets: ClassVar[list[dict]] = [
        {"obstinate_probability": 0.1, "demand": 0.6},
        {"obstinate_probability": 0.5, "demand": 0.8},
        {"obstinate_probability": 0.0, "demand": 0.3},
    ]

    def test_constructor_stores_its_arguments_and_draws_nothing(self):
        rng = np.random.default_rng(1)
        state = rng.bit_generator.state
        strategy = Reputational(0.2, 0.7, rng=rng)
        assert (strategy.obstinate_probability, strategy.demand, strategy.rng) == (0.2, 0.7, rng)
        assert rng.bit_generator.state == state

    def test_needs_its_generator(self):
        with pytest.raises(ValueError, match="rng"):
            Reputational(0.2, 0.7).target(view(0))

    def test_offers_its_demand_until_it_concedes_then_the_opponents(self):
        strategy = player(prior=0.1)
        runs = 4000
        targets = np.array([strategy.target(view(t, runs)) for t in range(11)])
        assert set(np.round(targets.ravel(), 9)) == {0.6, 0.3}  # 1 - 0.7: B's demand
        conceded = np.isclose(targets, 0.3)
        assert (np.diff(conceded.astype(int), axis=0) >= 0).all()  # concessions are for good

    def test_the_obstinate_type_never_accepts_less_even_at_the_deadline(self):
        strategy = player(prior=1.0)
        for t in (0, 5, 10, 11):
            assert strategy.floor(view(t, 50)) == pytest.approx(0.6)
            assert strategy.target(view(t, 50)) == pytest.approx(0.6)

    def test_its_demand_stands_when_an_extension_lowers_its_ceiling(self):
        held = StrategyView(**{**view(12, 50).__dict__, "best": np.full(50, 0.6)})
        assert player(prior=1.0).floor(held) == pytest.approx(0.6)

    def test_the_rational_type_gives_in_at_the_last_round(self):
        strategy = player(prior=0.0)
        assert (strategy.floor(view(10, 50)) == -np.inf).all()
        assert strategy.target(view(10, 50)) == pytest.approx(0.3)

    def test_the_weaker_side_concedes_at_once_with_the_abreu_gul_probability(self):
        # As side B (demand 0.7, discount 0.9, prior 0.2) against A (0.6, 0.95, 0.1):
        # c_B = 1 - 0.2 exp(lambda_B T_0) = 0.5364 (sim.maths.reputation).
        strategy = Reputational(0.2, 0.7, rng=np.random.default_rng(2))
        runs = 20_000
        seen_by_b = view(0, runs, posture=Posture(0.6, 0.1), discounts=(0.9, 0.95))
        at_once = strategy.floor(seen_by_b) == -np.inf
        standard_error = np.sqrt(0.5364 * 0.4636 / runs)
        assert at_once.mean() == pytest.approx(0.5364, abs=4 * standard_error)

    def test_same_generator_same_draws(self):
        first, second = player(seed=4), player(seed=4)
        rounds = [first.concession_round(view(0, 100)), second.concession_round(view(0, 100))]
        np.testing.assert_array_equal(*rounds)

    def test_shows_its_posture(self):
        assert player(prior=0.1, demand=0.6).posture() == Posture(0.6, 0.1)

    def test_against_a_tactic_it_ends_by_the_deadline(self, tmp_path):
        spec = {"name": "reputational", "obstinate_probability": 0.0, "demand": 0.9}
        runs, _ = play(scenario_with(tmp_path, us_strategy=spec), runs=200)
        assert runs["ended_by"].isin(["agreement", "deadline", "breakdown"]).all()
