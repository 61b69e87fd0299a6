"""AC_time: accept any offer once a share of the time has passed."""

from __future__ import annotations

from typing import Literal

import numpy as np

from sim.params.numbers import Number
from sim.players.acceptance.base import TIE, AcceptanceParameters, AcceptanceRule
from sim.players.views import OfferContext


class TimeParameters(AcceptanceParameters):
    """YAML keys of ``time``."""

    name: Literal["time"]
    after: Number(ge=0, le=1) = 0.9
    """Share of the time to the deadline after which offers are accepted."""


class Time(AcceptanceRule):
    """Accept any offer worth at least no deal once ``t / T >= after``.

    Baarslag et al.'s AC_time accepts anything after time ``T``; here the offer must still be
    worth what rejecting it for no deal would be (or the outside option), so that no agreement
    is irrational.

    Names:
        - AC_time(T): Baarslag, Hindriks & Jonker (2011), "Acceptance conditions in automated
          negotiation", ACAN 2011 / Complex Automated Negotiations (Springer 2013).
    """

    name = "time"
    citation = "Baarslag, Hindriks & Jonker (2011), Acceptance conditions in automated negotiation"
    parameters = TimeParameters

    def __init__(self, after=0.9):
        self.after = after

    def accepts(self, context: OfferContext) -> np.ndarray:  # noqa: D102
        late = (context.time_fraction >= self.after) | context.last_round
        return late & (context.offered_utility + TIE >= context.no_deal_value())
