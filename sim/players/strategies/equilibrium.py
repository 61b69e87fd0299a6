"""The subgame-perfect equilibrium player of the finite-horizon bargaining game."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.maths.subgame import Equilibrium as Values
from sim.maths.subgame import spe_values
from sim.players.strategies.base import Strategy, StrategyParameters
from sim.players.views import StrategyView


class EquilibriumParameters(StrategyParameters):
    """YAML keys of ``equilibrium`` (none besides the name)."""

    name: Literal["equilibrium"]


class Equilibrium(Strategy):
    """Play the subgame-perfect equilibrium computed by backward induction to the deadline.

    With complete information (both sides' value functions, disagreement values, outside
    options and discount factors, the risk of breakdown and the protocol), the frontier of deal
    values is known. In each round the proposer offers the responder what rejecting is worth to
    it: its outside option, or going on at the risk of breakdown (after the last round: no deal),
    a round later; it keeps the rest of the frontier. Its package is the one on the frontier (it
    offers with the opponent's true value functions), and its ``next``-acceptance compares offers
    with the same value of going on, so two equilibrium players agree in the first round on the
    backward-induction split. With a long horizon that is Rubinstein's (1982); with a small
    risk of breakdown it approaches the Nash solution (Binmore, Rubinstein & Wolinsky 1986); an
    outside option matters only when it beats the equilibrium share (Binmore, Shaked & Sutton
    1989). The end is the one it believes in: the deadline in force, or a later one with the
    chance it believes each extension has, and the player solves that game with its end
    uncertain; when an extension comes (or a summit or shock changes the game) it solves again.
    With random recognition it plays by its own belief about its chance to propose, and knows
    the opponent's: optimistic beliefs (summing to more than 1) delay agreement to a nearby firm
    deadline (Yildiz 2004), unless bargaining power is already durable, a proposer keeping the
    initiative from round to round (Simsek & Yildiz 2016).

    Names:
        - Alternating offers: Ståhl (1972), Bargaining Theory; Rubinstein (1982), "Perfect
          equilibrium in a bargaining model", Econometrica 50: 97-109.
        - Finite-horizon backward induction: Osborne & Rubinstein (1990), Bargaining and
          Markets, chapter 3.
        - Random recognition: Baron & Ferejohn (1989), "Bargaining in legislatures", American
          Political Science Review 83: 1181-1206.
        - Optimism about recognition: Yildiz (2003), "Bargaining without a common prior: an
          immediate agreement theorem", Econometrica 71: 793-811; Yildiz (2004), "Optimism,
          deadline effect, and stochastic deadlines", MIT working paper 04-36.
        - Durable bargaining power: Simsek & Yildiz (2016), "Durability, deadline, and election
          effects in bargaining", NBER working paper 22284.

    """

    name = "equilibrium"
    citation = "Rubinstein (1982), Econometrica 50: 97-109; Stahl (1972), Bargaining Theory"
    parameters = EquilibriumParameters
    classifier: ClassVar[dict[str, object]] = {"stochastic": False, "uses_opponent_offers": False}
    knows_opponent = True

    def __init__(self):
        self._solved: tuple[int, int] | None = None
        self._values: Values | None = None

    def forget(self, runs: int) -> None:  # noqa: D102
        self._solved = None
        self._values = None

    def target(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        return np.minimum(self._row(self.values(view).proposing, view), view.best)

    def continuation(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        return self._row(self.values(view).expected, view)

    def believed_weights(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        return view.game.opponent_weights

    @staticmethod
    def _row(values: np.ndarray, view: StrategyView) -> np.ndarray:
        """Row ``view.round_index``; past the deadline, the last row (the disagreement value)."""
        return values[min(view.round_index, values.shape[0] - 1)]

    def values(self, view: StrategyView) -> Values:
        """This player's equilibrium values by round, shape ``(rounds, N)`` each.

        Solved by backward induction from the last end it believes possible, from
        ``view.round_index`` on, and solved again whenever the game's ``version`` changes.
        """
        game = view.game
        solved = self._solved
        if solved is None or solved[0] != game.version or view.round_index < solved[1]:
            self._values = spe_values(
                game.frontier(),
                game.own,
                game.opponent,
                game.breakdown,
                game.ends,
                game.recognition,
                start_round=view.round_index,
                extension_chance=game.extension_chance,
                other_recognition=game.opponent_recognition,
                persistence=game.persistence,
            )
            self._solved = (game.version, view.round_index)
        return self._values
