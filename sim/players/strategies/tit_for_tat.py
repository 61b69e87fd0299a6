"""Behaviour-dependent tactic: reciprocate the opponent's concessions."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.params.numbers import Number
from sim.players.strategies.base import Strategy, StrategyParameters
from sim.players.views import StrategyView


class TitForTatParameters(StrategyParameters):
    """YAML keys of ``tit_for_tat``."""

    name: Literal["tit_for_tat"]
    reciprocation: Literal["absolute", "relative"] = "absolute"
    """``absolute``: give up as much utility as the opponent's last offer gained me; ``relative``:
    lower my target by the same proportion."""
    kappa: Number(ge=0, le=1) = 0.0
    """Share of the room conceded in the opening offer (before there is anything to imitate)."""


class TitForTat(Strategy):
    """Imitate the opponent: concede, in my utility, what its last offer conceded to me.

    Measured in the negotiator's own utility, the opponent's concession between its last two
    offers is ``u_last - u_before``. Absolute reciprocation lowers the target by that amount;
    relative reciprocation multiplies it by ``u_before / u_last``. Targets never rise again
    when the opponent retracts and stay within [reservation, best].

    Names:
        - Absolute and relative tit-for-tat (behaviour-dependent tactics): Faratin, Sierra &
          Jennings (1998), "Negotiation decision functions for autonomous agents", Robotics and
          Autonomous Systems 24: 159-182, section 4.2.3.
        - Tit-for-tat: Axelrod (1984), The Evolution of Cooperation.
    """

    name = "tit_for_tat"
    citation = "Faratin, Sierra & Jennings (1998), Robotics and Autonomous Systems 24: 159-182"
    parameters = TitForTatParameters
    classifier: ClassVar[dict[str, object]] = {"stochastic": False, "uses_opponent_offers": True}

    def __init__(self, reciprocation="absolute", kappa=0.0):
        self.reciprocation = reciprocation
        self.kappa = kappa

    def target(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        opening = view.best - self.kappa * (view.best - view.reservation)
        previous = np.minimum(view.previous_target, opening)
        conceded = np.nan_to_num(view.opponent_last - view.opponent_before, nan=0.0)
        if self.reciprocation == "absolute":
            target = previous - np.maximum(conceded, 0.0)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(conceded > 0, view.opponent_before / view.opponent_last, 1.0)
            target = previous * np.clip(np.nan_to_num(ratio, nan=1.0), 0.0, 1.0)
        return np.maximum(np.minimum(target, view.best), view.reservation)
