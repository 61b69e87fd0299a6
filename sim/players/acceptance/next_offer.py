"""AC_next: accept what is at least as good as what I would offer next."""

from __future__ import annotations

from typing import Literal

import numpy as np

from sim.params.numbers import Number
from sim.players.acceptance.base import TIE, AcceptanceParameters, AcceptanceRule
from sim.players.views import OfferContext


class NextOfferParameters(AcceptanceParameters):
    """YAML keys of ``next``: accept when ``scale * offered + margin >= next own offer``."""

    name: Literal["next"]
    scale: Number(gt=0) = 1.0
    """Factor on the offered utility before comparing."""
    margin: Number(ge=-1, le=1) = 0.0
    """Utility added to the offer before comparing."""


class NextOffer(AcceptanceRule):
    """Accept an offer worth at least my next offer; at the last round, at least no deal.

    Both comparisons are with what rejecting is worth: the next offer (at a deadline, only if it
    is extended, as the responder believes), or no deal after the last round, comes a round
    later (discounted) if the talks have not broken down by then, and the outside option, where
    there is one, can be taken at once. Whatever ``scale`` and ``margin``,
    it never accepts less than what rejecting for no deal is worth.

    Names:
        - AC_next(alpha, beta): Baarslag, Hindriks & Jonker (2011), "Acceptance conditions in
          automated negotiation", ACAN 2011 / Complex Automated Negotiations (Springer 2013).
    """

    name = "next"
    citation = "Baarslag, Hindriks & Jonker (2011), Acceptance conditions in automated negotiation"
    parameters = NextOfferParameters

    def __init__(self, scale=1.0, margin=0.0):
        self.scale = scale
        self.margin = margin

    def accepts(self, context: OfferContext) -> np.ndarray:  # noqa: D102
        offered = context.offered_utility + TIE
        next_value = context.next_value(context.next_target)
        good_enough = self.scale * offered + self.margin >= context.rejection_value(next_value)
        rational = offered >= context.no_deal_value()
        return rational & (good_enough | context.last_round)
