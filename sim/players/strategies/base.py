"""What every strategy is: a named class, with a citation, that sets the utility to aim for."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

from sim.players.views import Posture, StrategyView

REGISTRY: dict[str, type[Strategy]] = {}
"""Strategies by the ``name`` that scenario files use; filled as subclasses are defined."""


class StrategyParameters(BaseModel):
    """Base of the YAML block that configures a strategy (``strategy: {name: ..., ...}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Strategy:
    """A negotiation strategy, vectorised over the runs of a batch.

    Subclasses set ``name`` (the YAML name), ``citation``, ``parameters`` (a ``StrategyParameters``
    subclass with a ``name`` literal) and ``classifier``, and implement ``target``. Their
    constructor takes the drawn parameters (floats, or arrays of one value per run) and does no
    work; a strategy that needs the whole game reads it from ``view.game``. A strategy that
    chooses which package realises its target (rather than the negotiator's ``offer_rule``) also
    implements ``believed_weights``.

    A stochastic strategy (``classifier["stochastic"]`` true) takes a keyword ``rng``: its own
    generator, derived from the seed of the runs (never the global random state), from which it
    draws whatever it draws once per run.
    """

    name: ClassVar[str]
    citation: ClassVar[str]
    parameters: ClassVar[type[StrategyParameters]]
    classifier: ClassVar[dict[str, object]] = {}
    """Properties as in the Axelrod library: ``stochastic``, ``uses_opponent_offers``."""
    knows_opponent: ClassVar[bool] = False
    """True if it plays with complete information: it knows the opponent's value functions."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        REGISTRY[cls.name] = cls

    def target(self, view: StrategyView) -> np.ndarray:
        """The utility to aim for in ``view.round_index``, in [reservation, best]."""
        raise NotImplementedError

    def continuation(self, view: StrategyView) -> np.ndarray:
        """What the round ``view.round_index`` is worth to this negotiator before it starts.

        Acceptance rules compare an offer with this value of the next round; for a tactic it is
        the target it would offer itself.
        """
        return self.target(view)

    def floor(self, view: StrategyView) -> np.ndarray | float:
        """The least value it accepts in ``view.round_index``, whatever its acceptance rule says.

        ``-inf`` (no floor) by default; an obstinate type's demand, for instance.
        """
        return -np.inf

    def posture(self) -> Posture | None:
        """The demand and prior of obstinacy it shows the opponent (``None``: no posture)."""
        return None

    def forget(self, runs: int) -> None:
        """Drop what it cached about the ``runs`` runs of the batch it holds now.

        The model calls this before it keeps only the runs still negotiating (see
        ``sim.model.compaction``); arrays of one value per run that it keeps as attributes are
        shrunk by the model. Nothing to drop by default.
        """

    def believed_weights(self, view: StrategyView) -> np.ndarray | None:
        """The opponent's salience weights as this strategy believes them, shape ``(N, K)``.

        The negotiator then offers, at its target, the package the opponent values most under
        that belief; ``None`` leaves the choice of package to the negotiator's offer rule.
        """
        return None
