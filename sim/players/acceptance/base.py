"""What every acceptance rule is: a named class, with a citation, that answers an offer."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from sim.players.views import OfferContext

TIE = 1e-9
"""Utilities this close count as equal: an indifferent responder accepts (as in equilibrium)."""


REGISTRY: dict[str, type[AcceptanceRule]] = {}
"""Acceptance rules by the ``name`` that scenario files use; filled as subclasses are defined."""


class AcceptanceParameters(BaseModel):
    """Base of the YAML block that configures an acceptance rule (``acceptance: {name: ...}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
