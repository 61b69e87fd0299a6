"""Subgame-perfect play of finite alternating offers over a utility frontier (pure functions).

The frontier is the Pareto frontier of the two sides' utilities, a polyline through vertices
``(u_own, u_other)`` with ``u_own`` non-increasing and ``u_other`` non-decreasing (see
``sim.maths.frontier.pareto_frontier_linear``). The conventions are those of
``sim.maths.closed_forms.finite_horizon_shares``, the special case of the unit pie.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def best_given(mine: np.ndarray, other: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Most a side can get on a frontier while the other side gets at least ``required``.

    Args:
        mine: This side's utility at the vertices, shape ``(N, M)``, non-increasing along them.
        other: The other side's utility at the vertices, non-decreasing along them.
        required: What the other side must get, shape ``(N,)``.

    Returns:
        This side's utility, shape ``(N,)``; ``-inf`` where ``required`` is beyond the frontier.

    Examples:
        >>> best_given(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]), np.array([0.3]))
        array([0.7])
    """
    reached = other >= required[:, None] - 1e-12
    feasible = reached.any(axis=1)
    first = np.argmax(reached, axis=1)
    before = np.maximum(first - 1, 0)
    rows = np.arange(len(required))
    span = other[rows, first] - other[rows, before]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(span > 0, (required - other[rows, before]) / span, 1.0)
    fraction = np.clip(fraction, 0.0, 1.0)
    value = mine[rows, before] + fraction * (mine[rows, first] - mine[rows, before])
    return np.where(feasible, value, -np.inf)


def rejection_value(next_value, discount, breakdown, disagreement, exit_value) -> np.ndarray:
    """What rejecting an offer is worth to the responder, in the round of the offer.

    Either it takes its outside option at once (``exit_value``; ``-inf`` where it has none), or
    it goes on: a round later the talks have broken down with probability ``breakdown`` (it then
    gets ``disagreement``) or go on, worth ``next_value`` (Binmore, Rubinstein & Wolinsky 1986;
    Binmore, Shaked & Sutton 1989).

    Examples:
        >>> round(float(rejection_value(0.5, 0.9, 0.1, 0.2, -np.inf)), 4)  # 0.9 (0.02 + 0.45)
        0.423
        >>> float(rejection_value(0.5, 0.9, 0.1, 0.2, 0.6))
        0.6
    """
    going_on = discount * (breakdown * disagreement + (1.0 - breakdown) * next_value)
    return np.maximum(exit_value, going_on)


@dataclass(frozen=True)
class Terms:
    """One side's terms in the game, one entry per run (or scalars).

    Attributes:
        disagreement: Its value of no deal (at the deadline, or after a breakdown).
        exit_value: Its value of taking its outside option after rejecting an offer
            (``-inf`` if it has none).
        discount: Its discount factor per round.
    """

    disagreement: np.ndarray | float
    exit_value: np.ndarray | float
    discount: np.ndarray | float


@dataclass(frozen=True)
class Equilibrium:
    """One side's subgame-perfect values by round, each shape ``(rounds, N)``.

    Attributes:
        proposing: Its value of the subgame starting in round ``t`` if it proposes then.
        responding: Its value if the other side proposes in round ``t``.
        expected: Its value before it is known who proposes in round ``t``.
    """

    proposing: np.ndarray
    responding: np.ndarray
    expected: np.ndarray


def spe_values(
    frontier: np.ndarray,
    own: Terms,
    other: Terms,
    breakdown,
    last_round: np.ndarray,
    recognition: Callable[[int], np.ndarray | float],
    start_round: int = 0,
) -> Equilibrium:
    """One side's subgame-perfect values in each round, by backward induction from the deadline.

    In round ``t`` one side is recognised to propose (``recognition(t)`` is the probability that
    it is this side: 1 or 0 in alternating offers, as in Ståhl 1972 and Rubinstein 1982; a
    probability in random-proposer protocols, as in Baron & Ferejohn 1989). The proposer offers
    the responder what rejecting is worth to it (:func:`rejection_value`) and keeps the most the
    frontier then allows, unless its offer being rejected is worth more to it. After the last
    round the talks end without a deal: each side's value there is its disagreement value.

    Args:
        frontier: Vertices ``(u_own, u_other)``, shape ``(N, M, 2)`` (see
            ``sim.maths.frontier``), in the values the sides bargain over.
        own: This side's terms.
        other: The other side's terms.
        breakdown: Probability per round that the talks break down after a rejection.
        last_round: Index of the last round of each run, shape ``(N,)``.
        recognition: Probability that this side proposes in round ``t``, per run or scalar.
        start_round: First round to compute (earlier rows hold the disagreement values).

    Returns:
        The values by round, with ``max(last_round) + 2`` rows: the row after a run's last
        round holds its disagreement values.
    """
    runs = frontier.shape[0]
    own_u, other_u = frontier[..., 0], frontier[..., 1]
    own_d = np.broadcast_to(np.asarray(own.disagreement, float), (runs,))
    other_d = np.broadcast_to(np.asarray(other.disagreement, float), (runs,))
    rows = int(last_round.max()) + 2
    proposing, responding, expected = (np.tile(own_d, (rows, 1)) for _ in range(3))
    own_next, other_next = own_d.copy(), other_d.copy()
    for t in range(rows - 2, start_round - 1, -1):
        live = t <= last_round
        own_next = np.where(t == last_round, own_d, own_next)
        other_next = np.where(t == last_round, other_d, other_next)
        own_reject = rejection_value(own_next, own.discount, breakdown, own_d, own.exit_value)
        other_reject = rejection_value(
            other_next, other.discount, breakdown, other_d, other.exit_value
        )
        own_on = rejection_value(own_next, own.discount, breakdown, own_d, -np.inf)
        other_on = rejection_value(other_next, other.discount, breakdown, other_d, -np.inf)
        # As proposer: the responder takes what rejecting is worth; if the proposer would
        # rather see its offer refused, it gets what follows a refusal (no deal if the
        # responder then exits).
        demand = best_given(own_u, other_u, other_reject)
        own_refused = np.where(other_reject > other_on, own_d, own_on)
        own_proposing = np.maximum(demand, own_refused)
        other_demand = best_given(other_u[:, ::-1], own_u[:, ::-1], own_reject)
        other_refused = np.where(own_reject > own_on, other_d, other_on)
        own_responding = own_reject
        other_responding = other_reject
        other_proposing = np.maximum(other_demand, other_refused)
        chance = np.broadcast_to(np.asarray(recognition(t), float), (runs,))
        own_value = chance * own_proposing + (1.0 - chance) * own_responding
        other_value = chance * other_responding + (1.0 - chance) * other_proposing
        proposing[t] = np.where(live, own_proposing, own_d)
        responding[t] = np.where(live, own_responding, own_d)
        expected[t] = np.where(live, own_value, own_d)
        own_next = np.where(live, own_value, own_next)
        other_next = np.where(live, other_value, other_next)
    return Equilibrium(proposing, responding, expected)
