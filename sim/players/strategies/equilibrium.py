"""The subgame-perfect equilibrium player of the finite-horizon alternating-offers game."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.maths.bargaining import pareto_frontier_linear
from sim.maths.subgame import spe_values
from sim.players.strategies.base import Strategy, StrategyParameters, StrategyView


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
        self._computed_for: int | None = None

    def target(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        values = self._values()
        row = np.minimum(view.round_index, values.shape[0] - 1)
        return np.minimum(values[row], view.best)

    def believed_weights(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        return self.negotiator.opponent.weights

    def _values(self) -> np.ndarray:
        """This player's equilibrium utility as proposer in each round, shape ``(rounds, N)``."""
        me = self.negotiator
        model = me.model
        if self._computed_for != model.changes:
            opponent = me.opponent
            frontier = pareto_frontier_linear(
                me.weights, me.ideal, opponent.weights, opponent.ideal, model.low, model.high
            )
            self._cache = spe_values(
                frontier,
                me.reservation,
                opponent.reservation,
                me.discount,
                opponent.discount,
                model.last_round,
                own_first=me.proposes_first,
                start_round=model.round,
            )
            self._computed_for = model.changes
        return self._cache
