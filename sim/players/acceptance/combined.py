"""AC_combi: AC_next, or late in the talks, the best offer seen so far."""

from __future__ import annotations

from typing import Literal

import numpy as np

from sim.params.numbers import Number
from sim.players.acceptance.base import TIE, AcceptanceParameters, AcceptanceRule
from sim.players.acceptance.next_offer import NextOffer
from sim.players.views import OfferContext


class CombinedParameters(AcceptanceParameters):
    """YAML keys of ``combi``."""

    name: Literal["combi"]
    after: Number(ge=0, le=1) = 0.9
    """Share of the time after which the best offer so far is good enough."""


class Combined(AcceptanceRule):
    """Accept if AC_next does, or if ``t / T >= after`` and the offer is the best seen so far.

    The second part is AC_combi(T, MAX^T): late in the talks, take an offer at least as good as
    any the opponent has made (and worth at least the present value of no deal).

    Names:
        - AC_combi(T, MAX^W): Baarslag, Hindriks & Jonker (2011), "Acceptance conditions in
          automated negotiation", ACAN 2011 / Complex Automated Negotiations (Springer 2013).
    """

    name = "combi"
    citation = "Baarslag, Hindriks & Jonker (2011), Acceptance conditions in automated negotiation"
    parameters = CombinedParameters

    def __init__(self, after=0.9):
        self.after = after
        self.next_offer = NextOffer()

    def accepts(self, context: OfferContext) -> np.ndarray:  # noqa: D102
        offered = context.offered_utility + TIE
        late = context.time_fraction >= self.after
        best_so_far = offered >= context.best_offered
        rational = offered >= context.no_deal_value()
        return self.next_offer.accepts(context) | (late & best_so_far & rational)
