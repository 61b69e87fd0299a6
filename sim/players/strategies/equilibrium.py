"""The subgame-perfect equilibrium player of the finite-horizon alternating-offers game."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.maths.frontier import pareto_frontier_linear
from sim.maths.subgame import spe_values
from sim.players.strategies.base import Strategy, StrategyParameters
from sim.players.views import StrategyView


class EquilibriumParameters(StrategyParameters):
    """YAML keys of ``equilibrium`` (none besides the name)."""

    name: Literal["equilibrium"]


class Equilibrium(Strategy):
    """Play the subgame-perfect equilibrium computed by backward induction to the deadline.

    With complete information (both sides' weights, ideals, reservations and discount factors),
    the utility possibility frontier of the issues is known. In the last round the proposer
    offers the responder the present value of disagreement, ``delta * reservation``; in each
    earlier round it offers the responder the present value of what the responder would get by
    proposing next. The proposer's target is the rest of the frontier, and its package is the
    one on the frontier (it offers with the opponent's true weights). Together with ``next``
    acceptance, two equilibrium players agree in the first round on the backward-induction split;
    with a long horizon that is Rubinstein's (1982). The horizon is the current deadline: an
    extension is a surprise, after which play restarts from the new deadline (and likewise after
    a summit or shock changes the game). Since no deal takes
    effect a round after the last one, the equilibrium may give a side less than its reservation
    utility, though never less than its present value (``discount * reservation``).

    Names:
        - Alternating offers: Ståhl (1972), Bargaining Theory; Rubinstein (1982), "Perfect
          equilibrium in a bargaining model", Econometrica 50: 97-109.
        - Finite-horizon backward induction: Osborne & Rubinstein (1990), Bargaining and
          Markets, chapter 3.
    """

    name = "equilibrium"
    citation = "Rubinstein (1982), Econometrica 50: 97-109; Stahl (1972), Bargaining Theory"
    parameters = EquilibriumParameters
    classifier: ClassVar[dict[str, object]] = {"stochastic": False, "uses_opponent_offers": False}

    def __init__(self):
        self._solved_version: int | None = None
        self._values: np.ndarray | None = None

    def target(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        values = self.values(view)
        row = np.minimum(view.round_index, values.shape[0] - 1)
        return np.minimum(values[row], view.best)

    def believed_weights(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        return view.game.opponent_weights

    def values(self, view: StrategyView) -> np.ndarray:
        """This player's equilibrium utility in each round, shape ``(rounds, N)``.

        Solved by backward induction from the deadline in force, from ``view.round_index`` on,
        and solved again whenever the game's ``version`` changes.
        """
        game = view.game
        if self._solved_version != game.version:
            frontier = pareto_frontier_linear(
                game.own_weights,
                game.own_ideal,
                game.opponent_weights,
                game.opponent_ideal,
                game.low,
                game.high,
            )
            self._values = spe_values(
                frontier,
                game.own_reservation,
                game.opponent_reservation,
                game.own_discount,
                game.opponent_discount,
                game.last_round,
                own_first=game.proposes_first,
                start_round=view.round_index,
            )
            self._solved_version = game.version
        return self._values
