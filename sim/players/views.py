"""What a negotiator knows when it decides: the views strategies and acceptance rules are given.

Each view holds one entry per run of the batch. A rule decides from its view alone, never by
reaching into an agent or the model, so it can be tested without either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.maths.subgame import Terms, rejection_value


@dataclass(frozen=True)
class Posture:
    """A side's public posture in reputational bargaining, one entry per run (or scalars).

    Attributes:
        demand: The share of its room, from its reservation to its best value, that it demands.
        obstinate_probability: The common prior that it is an obstinate type, which never
            accepts less than its demand.
    """

    demand: np.ndarray | float
    obstinate_probability: np.ndarray | float


@dataclass(frozen=True)
class GameView:
    """The game as a player with complete information sees it, one row per run.

    Values are those the sides bargain over: a deal's value (utility, rapport, audience cost),
    the value of no deal and of each side's outside option.

    Attributes:
        version: A number that changes whenever the game changes during the talks (an
            extension, a summit, a shock); a strategy that solves the game caches on it.
        frontier: Computes the Pareto frontier of the two sides' deal values, vertices
            ``(own, opponent)`` of shape ``(N, M, 2)`` (called only when needed).
        own: This side's disagreement value, outside option and discount factor per round.
        opponent: The opponent's.
        opponent_weights: The opponent's normalised salience weights, shape ``(N, K)``.
        breakdown: Probability per round that the talks break down after a rejection.
        ends: The rounds after which the talks may end, as this side believes, shape
            ``(E, N)``: the last meeting before the deadline in force, then before each further
            extension that may come.
        extension_chance: The chance this side believes a deadline is extended, shape ``(N,)``.
        recognition: The chance this side believes it has to propose in round ``t``.
        opponent_recognition: The chance the opponent believes it has to propose in round ``t``.
        persistence: The chance that a round's proposer also proposes in the next.
        opponent_posture: The opponent's public demand and prior of obstinacy, if it bargains
            by reputation (``None`` otherwise).
    """

    version: int
    frontier: Callable[[], np.ndarray]
    own: Terms
    opponent: Terms
    opponent_weights: np.ndarray
    breakdown: np.ndarray | float
    ends: np.ndarray
    extension_chance: np.ndarray | float
    recognition: Callable[[int], np.ndarray | float]
    opponent_recognition: Callable[[int], np.ndarray | float]
    persistence: float = 0.0
    opponent_posture: Posture | None = None


@dataclass(frozen=True)
class StrategyView:
    """What a negotiator knows when it sets its target for a round, one entry per run.

    Attributes:
        round_index: The round the target is for.
        time_fraction: Elapsed share of the horizon it plans to: from the start of the talks (or
            of the extension in force) to the deadline it believes in, the deadline in force
            plus the extensions it expects.
        best: The most it may aim for: the value of its ideal package, less the concessions it
            holds (at an extension or a summit).
        reservation: Its reservation utility.
        previous_target: Its target in its previous own offer (``best`` before the first).
        opponent_last: Its utility of the opponent's latest offer (NaN before the first).
        opponent_before: Its utility of the opponent's offer before that (NaN if none).
        opponent_concessions: Mean share of the way the opponent has moved toward this
            negotiator's ideal on each issue over its offers so far, shape ``(N, K)`` (NaN before
            the first offer).
        game: The whole game, for strategies that solve it (``None`` where none is needed).
    """

    round_index: int
    time_fraction: np.ndarray
    best: np.ndarray
    reservation: np.ndarray
    previous_target: np.ndarray
    opponent_last: np.ndarray
    opponent_before: np.ndarray
    opponent_concessions: np.ndarray
    game: GameView | None = None


@dataclass(frozen=True)
class OfferContext:
    """What a responder knows when an offer arrives, one entry per run.

    Attributes:
        offered_utility: The responder's value of the offer on the table.
        next_target: What its next round is worth to it (its own next offer, for a tactic).
        reservation: The value below which it does not agree: no deal, or its outside option.
        disagreement: Its value of no deal.
        exit_value: Its value of taking its outside option now (``-inf`` if it has none).
        last_round: True where the responder believes no round follows this one: the last
            round it believes in (its last chance to agree).
        time_fraction: Elapsed share of the responder's horizon (see ``StrategyView``).
        discount: The responder's discount factor per round.
        breakdown: The probability that the talks break down after a rejection.
        best_offered: The best value the opponent has offered it so far, this offer included.
    """

    offered_utility: np.ndarray
    next_target: np.ndarray
    reservation: np.ndarray
    last_round: np.ndarray
    time_fraction: np.ndarray
    disagreement: np.ndarray | float = 0.0
    exit_value: np.ndarray | float = -np.inf
    discount: np.ndarray | float = 1.0
    breakdown: np.ndarray | float = 0.0
    best_offered: np.ndarray | float = -np.inf
    next_chance: np.ndarray | float = 1.0
    """The chance the responder believes another round follows this one (before a deadline 1;
    at a deadline, the chance of an extension; after the last, 0)."""

    def next_value(self, next_target) -> np.ndarray:
        """What the next round is worth if it is worth ``next_target`` when it comes."""
        chance = np.where(self.last_round, 0.0, self.next_chance)
        return chance * next_target + (1.0 - chance) * self.disagreement

    def rejection_value(self, next_value) -> np.ndarray:
        """What rejecting is worth if the next round is worth ``next_value``.

        That is going on a round later at the risk of breakdown, or the outside option at once.
        """
        return rejection_value(
            next_value, self.discount, self.breakdown, self.disagreement, self.exit_value
        )

    def no_deal_value(self) -> np.ndarray:
        """What rejecting is worth if nothing better than no deal would follow."""
        return self.rejection_value(self.disagreement)
