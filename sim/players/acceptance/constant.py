"""AC_const: accept anything worth at least a fixed utility."""

from __future__ import annotations

from typing import Literal

import numpy as np

from sim.params.numbers import Number
from sim.players.acceptance.base import TIE, AcceptanceParameters, AcceptanceRule
from sim.players.views import OfferContext


class ConstantParameters(AcceptanceParameters):
    """YAML keys of ``const``."""

    name: Literal["const"]
    threshold: Number(ge=0, le=1) = 0.7
    """Utility an offer must reach to be accepted."""


class Constant(AcceptanceRule):
    """Accept an offer worth at least ``threshold``; at the last round, at least no deal.

    Never below what rejecting for no deal (or the outside option) is worth.

    Names:
        - AC_const(alpha): Baarslag, Hindriks & Jonker (2011), "Acceptance conditions in
          automated negotiation", ACAN 2011 / Complex Automated Negotiations (Springer 2013).
    """

    name = "const"
    citation = "Baarslag, Hindriks & Jonker (2011), Acceptance conditions in automated negotiation"
    parameters = ConstantParameters

    def __init__(self, threshold=0.7):
        self.threshold = threshold

    def accepts(self, context: OfferContext) -> np.ndarray:  # noqa: D102
        offered = context.offered_utility + TIE
        rational = offered >= context.no_deal_value()
        return rational & ((offered >= self.threshold) | context.last_round)
