"""Subgame-perfect play of finite alternating offers over a utility frontier (pure functions).

The frontier is the Pareto frontier of the two sides' utilities, a polyline through vertices
``(u_own, u_other)`` with ``u_own`` non-increasing and ``u_other`` non-decreasing (see
``sim.maths.frontier.pareto_frontier_linear``). The conventions are those of
``sim.maths.closed_forms.finite_horizon_shares``, the special case of the unit pie.
"""

from __future__ import annotations

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


def spe_values(
    frontier: np.ndarray,
    own_reservation,
    other_reservation,
    own_discount,
    other_discount,
    last_round: np.ndarray,
    own_first: bool,
    start_round: int = 0,
) -> np.ndarray:
    """One side's subgame-perfect utility in each round, by backward induction from the deadline.

    In round ``t`` the proposer offers the responder the present value of what the responder
    gets from round ``t + 1`` on (after the last round: its reservation utility, one round
    later) and keeps the most the frontier then allows, unless waiting is worth more to it.

    Args:
        frontier: Vertices ``(u_own, u_other)``, shape ``(N, M, 2)``.
        own_reservation: This side's utility of no agreement, shape ``(N,)`` or scalar.
        other_reservation: The other side's, likewise.
        own_discount: This side's discount factor per round.
        other_discount: The other side's.
        last_round: Index of the last round of each run, shape ``(N,)``.
        own_first: True if this side proposes in even rounds.
        start_round: First round to compute (earlier rows are left at zero).

    Returns:
        Shape ``(max(last_round) + 1, N)``: row ``t`` is this side's utility in the subgame that
        starts in round ``t`` (as proposer its demand; as responder what it is offered).
    """
    runs = frontier.shape[0]
    own_u, other_u = frontier[..., 0], frontier[..., 1]
    own_reservation = np.broadcast_to(np.asarray(own_reservation, float), (runs,))
    other_reservation = np.broadcast_to(np.asarray(other_reservation, float), (runs,))
    own_value, other_value = own_reservation.copy(), other_reservation.copy()
    values = np.zeros((int(last_round.max()) + 1, runs))
    for t in range(int(last_round.max()), start_round - 1, -1):
        live, terminal = t <= last_round, t == last_round
        own_value = np.where(terminal, own_reservation, own_value)
        other_value = np.where(terminal, other_reservation, other_value)
        own_wait, other_wait = own_discount * own_value, other_discount * other_value
        if (t % 2 == 0) == own_first:
            demand = best_given(own_u, other_u, other_wait)
            new_own, new_other = np.maximum(demand, own_wait), other_wait
        else:
            demand = best_given(other_u[:, ::-1], own_u[:, ::-1], own_wait)
            new_own, new_other = own_wait, np.maximum(demand, other_wait)
        own_value = np.where(live, new_own, own_value)
        other_value = np.where(live, new_other, other_value)
        values[t] = own_value
    return values
