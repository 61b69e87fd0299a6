"""What every acceptance rule is: a named class, with a citation, that answers an offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

TIE = 1e-9
"""Utilities this close count as equal: an indifferent responder accepts (as in equilibrium)."""

REGISTRY: dict[str, type[AcceptanceRule]] = {}
"""Acceptance rules by the ``name`` that scenario files use; filled as subclasses are defined."""


class AcceptanceParameters(BaseModel):
    """Base of the YAML block that configures an acceptance rule (``acceptance: {name: ...}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class OfferContext:
    """What a responder knows when an offer arrives, one entry per run.

    Attributes:
        offered_utility: The responder's utility of the offer on the table.
        next_target: The utility the responder's own next offer would give it.
        reservation: The responder's reservation utility.
        last_round: True where no round follows this one (the deadline, if not extended).
        time_fraction: Elapsed share of the responder's horizon, ``t / T``.
        discount: The responder's discount factor per round: its own next offer, or no deal
            after the last round, would come one round later.
        best_offered: The best utility the opponent has offered it so far, this offer included.
    """

    offered_utility: np.ndarray
    next_target: np.ndarray
    reservation: np.ndarray
    last_round: np.ndarray
    time_fraction: np.ndarray
    discount: np.ndarray | float = 1.0
    best_offered: np.ndarray | float = -np.inf


class AcceptanceRule:
    """An acceptance rule, vectorised over the runs of a batch.

    Subclasses set ``name``, ``citation`` and ``parameters`` and implement ``accepts``.
    """

    name: ClassVar[str]
    citation: ClassVar[str]
    parameters: ClassVar[type[AcceptanceParameters]]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.name] = cls

    def accepts(self, context: OfferContext) -> np.ndarray:
        """True where the offer is accepted."""
        raise NotImplementedError
