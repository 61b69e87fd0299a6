"""A negotiator's value of a deal: its utility, the leaders' rapport and the audience cost.

``U(x)`` is the utility of a package (:mod:`sim.maths.utility`). A deal is worth

    V(x) = U(x) + rapport - a * max(0, U(threat) - U(x))

to the negotiator: the leaders' rapport is a bonus for reaching any deal, and ``a`` is the
audience cost of backing down. Fearon (1994), "Domestic political audiences and the escalation
of international disputes", American Political Science Review 88(3): 577-592: a leader who has
made a public threat and then settles for less pays a price at home, which grows with how far
the settlement falls short of the threatened position. Here the shortfall is measured in the
negotiator's own utility, from the package it threatened publicly. No deal carries neither
term: the threat is then carried out and nothing is backed down from.

``V`` rises with ``U``, so a target value has one utility that realises it (``utility_for``).
"""

from __future__ import annotations

import numpy as np


def deal_value(utility, threat_utility, audience_cost, rapport) -> np.ndarray:
    """``V`` of deals with utility ``utility`` (all arguments broadcast).

    Examples:
        >>> float(deal_value(0.6, 0.9, 0.5, 0.05))  # 0.6 + 0.05 - 0.5 * 0.3
        0.5
    """
    shortfall = np.maximum(np.subtract(threat_utility, utility), 0.0)
    return np.asarray(utility, dtype=float) + rapport - audience_cost * shortfall


def utility_for(value, threat_utility, audience_cost, rapport) -> np.ndarray:
    """The utility ``U`` whose deal value is ``value``: the inverse of :func:`deal_value`.

    Examples:
        >>> float(utility_for(0.5, 0.9, 0.5, 0.05))
        0.6
    """
    gross = np.subtract(value, rapport)
    below = (gross + audience_cost * np.asarray(threat_utility)) / (1.0 + audience_cost)
    return np.where(gross >= threat_utility, gross, below)
