"""What every strategy is: a named class, with a citation, that sets the utility to aim for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from sim.model.agents import Negotiator

REGISTRY: dict[str, type[Strategy]] = {}
"""Strategies by the ``name`` that scenario files use; filled as subclasses are defined."""


class StrategyParameters(BaseModel):
    """Base of the YAML block that configures a strategy (``strategy: {name: ..., ...}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class StrategyView:
    """What a negotiator knows when it sets its target for a round, one entry per run.

    Attributes:
        round_index: The round the target is for.
        time_fraction: Elapsed share ``t / T`` of the horizon to the current deadline.
        best: Utility of the negotiator's ideal package.
        reservation: Its reservation utility.
        previous_target: Its target in its previous own offer (``best`` before the first).
        opponent_last: Its utility of the opponent's latest offer (NaN before the first).
        opponent_before: Its utility of the opponent's offer before that (NaN if none).
        opponent_concessions: Mean share of the way the opponent has moved toward this
            negotiator's ideal on each issue over its offers so far, shape ``(N, K)`` (NaN before
            the first offer).
    """

    round_index: int
    time_fraction: np.ndarray
    best: np.ndarray
    reservation: np.ndarray
    previous_target: np.ndarray
    opponent_last: np.ndarray
    opponent_before: np.ndarray
    opponent_concessions: np.ndarray


class Strategy:
    """A negotiation strategy, vectorised over the runs of a batch.

    Subclasses set ``name`` (the YAML name), ``citation``, ``parameters`` (a ``StrategyParameters``
    subclass with a ``name`` literal) and ``classifier``, and implement ``target``. Their
    constructor takes the drawn parameters (floats, or arrays of one value per run) and does no
    work. A strategy that chooses which package realises its target (rather than the negotiator's
    ``offer_rule``) also implements ``believed_weights``.
    """

    name: ClassVar[str]
    citation: ClassVar[str]
    parameters: ClassVar[type[StrategyParameters]]
    classifier: ClassVar[dict[str, object]] = {}
    """Properties as in the Axelrod library: ``stochastic``, ``uses_opponent_offers``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.name] = cls

    def bind(self, negotiator: Negotiator) -> None:
        """Remember the negotiator using this strategy (some need the game's structure)."""
        self.negotiator = negotiator

    def target(self, view: StrategyView) -> np.ndarray:
        """The utility to aim for in ``view.round_index``, in [reservation, best]."""
        raise NotImplementedError

    def believed_weights(self, view: StrategyView) -> np.ndarray | None:
        """The opponent's salience weights as this strategy believes them, shape ``(N, K)``.

        The negotiator then offers, at its target, the package the opponent values most under
        that belief; ``None`` leaves the choice of package to the negotiator's offer rule.
        """
        return None
