"""Trade-off offers: at my target utility, the package best for the opponent as I believe it."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.params.numbers import Number
from sim.players.strategies.base import StrategyParameters
from sim.players.strategies.time_dependent import TimeDependent
from sim.players.views import StrategyView


class TradeOffParameters(StrategyParameters):
    """YAML keys of ``trade_off``."""

    name: Literal["trade_off"]
    beta: Number(gt=0) = 1.0
    """Curvature of the time-dependent target, as in ``time_dependent``."""
    kappa: Number(ge=0, le=1) = 0.0
    """Share of the room conceded in the opening offer."""
    learning_floor: Number(gt=0, le=1) = 0.1
    """Smallest believed priority of an issue, so that no issue is ever thought worthless."""


class TradeOff(TimeDependent):
    """Aim for a time-dependent target, but logroll: concede first where the opponent gains most.

    The opponent's priorities are learnt from its offers (a frequency model): an issue on which
    it has moved little toward me is one it cares about, so its believed priority is
    ``max(1 - mean share moved, learning_floor)``. At a given own target utility the offer is
    the package that gives the opponent most under that belief: issues are conceded in order of
    believed opponent gain per unit of own loss (a fractional knapsack). Before the opponent's
    first offer every issue counts the same.

    Names:
        - Trade-off mechanism: Faratin, Sierra & Jennings (2002), "Using similarity criteria to
          make issue trade-offs in automated negotiations", Artificial Intelligence 142: 205-237.
        - Frequency opponent model: Baarslag, Hendrikx, Hindriks & Jonker (2016), "Learning
          about the opponent in automated bilateral negotiation", Autonomous Agents and
          Multi-Agent Systems 30: 849-898.
    """

    name = "trade_off"
    citation = "Faratin, Sierra & Jennings (2002), Artificial Intelligence 142: 205-237"
    parameters = TradeOffParameters
    classifier: ClassVar[dict[str, object]] = {"stochastic": False, "uses_opponent_offers": True}

    def __init__(self, beta=1.0, kappa=0.0, learning_floor=0.1):
        super().__init__(beta=beta, kappa=kappa)
        self.learning_floor = learning_floor

    def believed_weights(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        moved = np.nan_to_num(view.opponent_concessions, nan=0.0)
        floor = np.asarray(self.learning_floor, dtype=float)
        floor = floor[:, None] if floor.ndim == 1 else floor
        return np.maximum(1.0 - moved, floor)
