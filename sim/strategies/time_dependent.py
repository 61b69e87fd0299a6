"""Time-dependent concession tactic (Boulware, linear, Conceder)."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.params import Number
from sim.strategies.base import Strategy, StrategyParameters
from sim.tactics import polynomial_concession


class TimeDependentParameters(StrategyParameters):
    """YAML keys of ``time_dependent``."""

    name: Literal["time_dependent"]
    beta: Number(gt=0) = 1.0
    """Curvature: below 1 Boulware (concedes late), 1 linear, above 1 Conceder (concedes early)."""
    kappa: Number(ge=0, le=1) = 0.0
    """Share of the room conceded in the opening offer."""


class TimeDependent(Strategy):
    """Concede along ``alpha(t) = kappa + (1 - kappa) (t/T)^(1/beta)`` whatever the opponent does.

    Names:
        - Polynomial time-dependent tactic: Faratin, Sierra & Jennings (1998), "Negotiation
          decision functions for autonomous agents", Robotics and Autonomous Systems 24: 159-182.
        - Boulware (beta < 1) and Conceder (beta > 1): Raiffa (1982), The Art and Science of
          Negotiation, via the same paper.
    """

    name = "time_dependent"
    citation = "Faratin, Sierra & Jennings (1998), Robotics and Autonomous Systems 24: 159-182"
    parameters = TimeDependentParameters
    classifier: ClassVar[dict[str, object]] = {"stochastic": False, "uses_opponent_offers": False}

    def __init__(self, beta=1.0, kappa=0.0):
        self.beta = beta
        self.kappa = kappa

    def concession(self, time_fraction: np.ndarray) -> np.ndarray:  # noqa: D102
        return polynomial_concession(time_fraction, self.kappa, self.beta)
