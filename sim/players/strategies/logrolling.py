"""Logrolling offers: at my target utility, the package best for the opponent as I believe it."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.params.numbers import Number
from sim.players.strategies.base import StrategyParameters
from sim.players.strategies.time_dependent import TimeDependent
from sim.players.views import StrategyView


class LogrollingParameters(StrategyParameters):
    """YAML keys of ``logrolling``."""

    name: Literal["logrolling"]
    beta: Number(gt=0) = 1.0
    """Curvature of the time-dependent target, as in ``time_dependent``."""
    kappa: Number(ge=0, le=1) = 0.0
    """Share of the room conceded in the opening offer."""
    learning_floor: Number(gt=0, le=1) = 0.1
    """Smallest believed priority of an issue, so that no issue is ever thought worthless."""


class Logrolling(TimeDependent):
    """Aim for a time-dependent target, but concede first where the opponent gains most.

    The opponent's priorities are learnt from its offers (a frequency model): an issue on which
    it has moved little toward me is one it cares about, so its believed priority is
    ``max(1 - mean share moved, learning_floor)``. At a given own target utility the offer is
    the package that gives the opponent most under that belief: with linear values, issues are
    conceded in order of believed opponent gain per unit of own loss (a fractional knapsack);
    with concave ones, marginal rates of substitution are equalised (``sim.maths.trades``).
    Before the opponent's first offer every issue counts the same.

    This is logrolling, trading concessions on the issues one cares less about for gains on the
    others, with a learnt opponent model. It is not the similarity-based trade-off of Faratin,
    Sierra & Jennings (2002), which searches for the offer closest to the opponent's last one.

    Names:
        - Logrolling (integrative trade-offs across issues): Raiffa (1982), The Art and Science
          of Negotiation, chapter 10; Pruitt (1981), Negotiation Behavior.
        - Frequency opponent model: Baarslag, Hendrikx, Hindriks & Jonker (2016), "Learning
          about the opponent in automated bilateral negotiation", Autonomous Agents and
          Multi-Agent Systems 30: 849-898.
    """

    name = "logrolling"
    citation = (
        "Raiffa (1982), The Art and Science of Negotiation; Baarslag et al. (2016), "
        "Autonomous Agents and Multi-Agent Systems 30: 849-898"
    )
    parameters = LogrollingParameters
    classifier: ClassVar[dict[str, object]] = {"stochastic": False, "uses_opponent_offers": True}

    def __init__(self, beta=1.0, kappa=0.0, learning_floor=0.1):
        super().__init__(beta=beta, kappa=kappa)
        self.learning_floor = learning_floor

    def believed_weights(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        moved = np.nan_to_num(view.opponent_concessions, nan=0.0)
        floor = np.asarray(self.learning_floor, dtype=float)
        floor = floor[:, None] if floor.ndim == 1 else floor
        return np.maximum(1.0 - moved, floor)
