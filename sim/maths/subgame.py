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
    ends: np.ndarray,
    recognition: Callable[[int], np.ndarray | float],
    start_round: int = 0,
    extension_chance=0.0,
    other_recognition: Callable[[int], np.ndarray | float] | None = None,
    persistence=0.0,
) -> Equilibrium:
    """One side's subgame-perfect values in each round, by backward induction from the end.

    In round ``t`` one side is recognised to propose: in turn (``recognition(t)`` is 1 or 0, as in
    Ståhl 1972 and Rubinstein 1982) or at random (a probability, as in Baron & Ferejohn 1989).
    The proposer offers the responder what rejecting is worth to it (:func:`rejection_value`) and
    keeps the most the frontier then allows, unless its offer being refused is worth more to it.

    The end may be uncertain: the talks end after the round ``ends[0]`` (the deadline in force)
    unless the deadline is extended, with ``extension_chance``, to ``ends[1]``, and so on; after
    the last row of ``ends`` they surely end. Each side's value after the end is its disagreement
    value.

    Beliefs may differ (Yildiz 2003, 2004): ``recognition(t)`` is the chance this side believes it
    has to propose in round ``t`` and ``other_recognition(t)`` the chance the other side believes
    it has (by default ``1 - recognition(t)``, a common prior); each side knows the other's
    belief, and a proposer offers the responder what the responder thinks rejecting is worth.
    When the two beliefs sum to more than 1 and the deadline is near, agreement is delayed to the
    deadline. With ``persistence``, the proposer of a round keeps the initiative in the next with
    that chance (else it is drawn afresh), so that both sides can foresee who proposes next.

    Args:
        frontier: Vertices ``(u_own, u_other)``, shape ``(N, M, 2)`` (see
            ``sim.maths.frontier``), in the values the sides bargain over.
        own: This side's terms.
        other: The other side's terms.
        breakdown: Probability per round that the talks break down after a rejection.
        ends: The rounds after which the talks may end, shape ``(E, N)`` (or ``(N,)`` for a
            firm deadline), non-decreasing down the rows.
        recognition: Chance this side believes it proposes in round ``t``, per run or scalar.
        start_round: First round to compute (earlier rows hold the disagreement values).
        extension_chance: Chance that the talks go on past each end but the last.
        other_recognition: Chance the other side believes it proposes in round ``t``.
        persistence: Chance that a round's proposer also proposes in the next.

    Returns:
        The values by round, with ``max(ends) + 2`` rows: rows after a run's last possible round
        hold its disagreement values. ``expected[t]`` is this side's value of round ``t`` when
        the other side proposed in round ``t - 1`` (as a responder sees the next round).
    """
    runs = frontier.shape[0]
    own_u, other_u = frontier[..., 0], frontier[..., 1]
    ends = np.atleast_2d(ends)
    final = ends[-1]
    own_d = np.broadcast_to(np.asarray(own.disagreement, float), (runs,))
    other_d = np.broadcast_to(np.asarray(other.disagreement, float), (runs,))
    chance_on = np.broadcast_to(np.asarray(extension_chance, float), (runs,))
    if other_recognition is None:
        other_recognition = _complement(recognition)
    rows = int(final.max()) + 2
    proposing, responding, expected = (np.tile(own_d, (rows, 1)) for _ in range(3))
    # Values at round t + 1: own's when it proposes (a) or responds (b); the other's likewise.
    own_a, own_b, other_a, other_b = own_d.copy(), own_d.copy(), other_d.copy(), other_d.copy()
    for t in range(rows - 2, start_round - 1, -1):
        live = t <= final
        mine = _chances(recognition(t + 1), persistence, runs)
        theirs = _chances(other_recognition(t + 1), persistence, runs)
        # Continuation values after round t, by who proposed in t: (own proposed, other did).
        own_after = [mine[k] * own_a + (1.0 - mine[k]) * own_b for k in (0, 1)]
        other_after = [theirs[1 - k] * other_a + (1.0 - theirs[1 - k]) * other_b for k in (0, 1)]
        at_end = (t == ends[:-1]).any(axis=0) & (t < final)
        own_after = [
            np.where(at_end, chance_on * v + (1 - chance_on) * own_d, v) for v in own_after
        ]
        other_after = [
            np.where(at_end, chance_on * v + (1 - chance_on) * other_d, v) for v in other_after
        ]
        own_propose, other_respond = _round(
            (own_u, other_u), own_after[0], other_after[0], own, other, breakdown
        )
        other_propose, own_respond = _round(
            (other_u[:, ::-1], own_u[:, ::-1]), other_after[1], own_after[1], other, own, breakdown
        )
        now = _chances(recognition(t), persistence, runs)[1]
        proposing[t] = np.where(live, own_propose, own_d)
        responding[t] = np.where(live, own_respond, own_d)
        expected[t] = np.where(live, now * own_propose + (1.0 - now) * own_respond, own_d)
        own_a, own_b = proposing[t], responding[t]
        other_a = np.where(live, other_propose, other_d)
        other_b = np.where(live, other_respond, other_d)
    return Equilibrium(proposing, responding, expected)


def _complement(recognition: Callable[[int], np.ndarray | float]):
    """The other side's chance to propose under a common prior."""
    return lambda t: 1.0 - np.asarray(recognition(t), dtype=float)


def _chances(belief, persistence, runs: int) -> tuple[np.ndarray, np.ndarray]:
    """A side's chance to propose in a round after it proposed, and after the other did."""
    belief = np.broadcast_to(np.asarray(belief, dtype=float), (runs,))
    drawn = (1.0 - persistence) * belief
    return persistence + drawn, drawn


def _round(frontier, proposer_after, responder_after, proposer: Terms, responder: Terms, breakdown):
    """The proposer's and the responder's values of a round in which the proposer offers.

    The responder gets what rejecting is worth to it, and at least the present value of no deal
    a round later; the proposer keeps the most the frontier (``(proposer_u, responder_u)``, the
    proposer's values non-increasing) then allows, or, if it would rather see its offer refused,
    what follows a refusal (no deal if the responder then takes its outside option).
    """
    proposer_d, responder_d = proposer.disagreement, responder.disagreement
    # The responder never takes less than rejecting for no deal a round later is worth (as the
    # acceptance rules have it), even where the end is further off.
    responder_rejects = rejection_value(
        np.maximum(responder_after, responder_d),
        responder.discount,
        breakdown,
        responder_d,
        responder.exit_value,
    )
    responder_on = rejection_value(
        responder_after, responder.discount, breakdown, responder_d, -np.inf
    )
    proposer_on = rejection_value(proposer_after, proposer.discount, breakdown, proposer_d, -np.inf)
    demand = best_given(*frontier, responder_rejects)
    refused = np.where(responder.exit_value > responder_on, proposer_d, proposer_on)  # it exits
    return np.maximum(demand, refused), responder_rejects
