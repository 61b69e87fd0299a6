"""What a negotiator knows when it decides: the views strategies and acceptance rules are given.

Each view holds one entry per run of the batch. A rule decides from its view alone, never by
reaching into an agent or the model, so it can be tested without either.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GameView:
    """The game as a player with complete information sees it, one row per run.

    Attributes:
        version: A number that changes whenever the game changes during the talks (an
            extension, a summit, a shock); a strategy that solves the game caches on it.
        own_weights: This side's normalised salience weights, shape ``(N, K)``.
        own_ideal: Its ideal issue values, shape ``(N, K)``.
        own_reservation: Its reservation utility, shape ``(N,)``.
        own_discount: Its discount factor per round.
        opponent_weights: The opponent's weights, shape ``(N, K)``.
        opponent_ideal: The opponent's ideal issue values, shape ``(N, K)``.
        opponent_reservation: The opponent's reservation utility.
        opponent_discount: The opponent's discount factor per round.
        low: Lower bounds of the issues, shape ``(K,)``.
        high: Upper bounds of the issues, shape ``(K,)``.
        last_round: Index of the last round before the deadline in force, shape ``(N,)``.
        proposes_first: True if this side proposes in even rounds.
    """

    version: int
    own_weights: np.ndarray
    own_ideal: np.ndarray
    own_reservation: np.ndarray
    own_discount: np.ndarray | float
    opponent_weights: np.ndarray
    opponent_ideal: np.ndarray
    opponent_reservation: np.ndarray
    opponent_discount: np.ndarray | float
    low: np.ndarray
    high: np.ndarray
    last_round: np.ndarray
    proposes_first: bool


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
