"""What every strategy is: a named class, with a citation, that decides how far to concede."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

REGISTRY: dict[str, type[Strategy]] = {}
"""Strategies by the ``name`` that scenario files use; filled as subclasses are defined."""


class StrategyParameters(BaseModel):
    """Base of the YAML block that configures a strategy (``strategy: {name: ..., ...}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Strategy:
    """A concession strategy, vectorised over the runs of a batch.

    Subclasses set ``name`` (the YAML name), ``citation``, ``parameters`` (a ``StrategyParameters``
    subclass with a ``name`` literal) and ``classifier``, and implement ``concession``. Their
    constructor takes the drawn parameters (floats, or arrays of one value per run) and does no
    work.
    """

    name: ClassVar[str]
    citation: ClassVar[str]
    parameters: ClassVar[type[StrategyParameters]]
    classifier: ClassVar[dict[str, object]] = {}
    """Properties as in the Axelrod library: ``stochastic``, ``uses_opponent_offers``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.name] = cls

    def concession(self, time_fraction: np.ndarray) -> np.ndarray:
        """Share of the room between best and reservation utility conceded at ``t / T``."""
        raise NotImplementedError
