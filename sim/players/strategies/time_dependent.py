"""Time-dependent concession tactics (Boulware, linear, Conceder): polynomial and exponential."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.maths.tactics import exponential_concession, polynomial_concession, target_utility
from sim.params.numbers import Number
from sim.players.strategies.base import Strategy, StrategyParameters
from sim.players.views import StrategyView


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

    def concession(self, time_fraction: np.ndarray) -> np.ndarray:
        """Share ``alpha(t)`` of the room between best and reservation utility conceded."""
        return polynomial_concession(time_fraction, self.kappa, self.beta)

    def target(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        return target_utility(self.concession(view.time_fraction), view.best, view.reservation)


class ExponentialParameters(TimeDependentParameters):
    """YAML keys of ``time_dependent_exponential``: the same as ``time_dependent``'s."""

    name: Literal["time_dependent_exponential"]


class TimeDependentExponential(TimeDependent):
    """Concede along ``alpha(t) = exp((1 - t/T)^beta ln kappa)``.

    Names:
        - Exponential time-dependent tactic: Faratin, Sierra & Jennings (1998), "Negotiation
          decision functions for autonomous agents", Robotics and Autonomous Systems 24: 159-182.
    """

    name = "time_dependent_exponential"
    parameters = ExponentialParameters

    def concession(self, time_fraction: np.ndarray) -> np.ndarray:  # noqa: D102
        return exponential_concession(time_fraction, self.kappa, self.beta)
