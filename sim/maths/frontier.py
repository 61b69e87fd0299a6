"""Pareto frontiers: of sampled utility pairs, and of two negotiators with linear value functions.

The frontier of two negotiators with the linear values of :mod:`sim.maths.utility` is a polyline
(a fractional knapsack), exact; a frontier of sampled points is given by its non-dominated points.
"""

from __future__ import annotations

import numpy as np

from sim.maths.offers import concession_costs


def pareto_frontier(u1, u2) -> np.ndarray:
    """Mask of the non-dominated points among utility pairs, along the last axis.

    A point is dominated when another is at least as good for both sides and better for one;
    identical points do not dominate each other. Sorting by ``u1`` and then ``u2``, both
    descending, a point is non-dominated exactly when its ``u2`` beats every point before it
    other than its copies: ``O(n log n)``.

    Args:
        u1: First side's utilities, shape ``(..., M)``.
        u2: Second side's utilities, same shape (or broadcastable).

    Returns:
        Boolean mask of shape ``(..., M)``, True for the Pareto-optimal points.

    Examples:
        >>> pareto_frontier([0.1, 0.5, 0.4, 0.9, 0.5], [0.9, 0.5, 0.4, 0.1, 0.5]).tolist()
        [True, True, False, True, True]
    """
    u1, u2 = np.broadcast_arrays(np.asarray(u1, dtype=float), np.asarray(u2, dtype=float))
    order = np.lexsort((-u2, -u1), axis=-1)
    sorted_1, sorted_2 = np.take_along_axis(u1, order, -1), np.take_along_axis(u2, order, -1)
    copy = np.zeros(u1.shape, dtype=bool)
    copy[..., 1:] = (sorted_1[..., 1:] == sorted_1[..., :-1]) & (
        sorted_2[..., 1:] == sorted_2[..., :-1]
    )
    best_before = np.full(u1.shape, -np.inf)
    best_before[..., 1:] = np.maximum.accumulate(sorted_2, axis=-1)[..., :-1]
    first_copy = np.maximum.accumulate(np.where(copy, 0, np.arange(u1.shape[-1])), axis=-1)
    kept = np.take_along_axis(sorted_2 > best_before, first_copy, -1)
    mask = np.empty_like(kept)
    np.put_along_axis(mask, order, kept, -1)
    return mask


def _linear_trades(weights_1, ideal_1, weights_2, ideal_2, low, high):
    """How moving each issue from side 1's ideal to side 2's trades their utilities.

    Returns per issue side 1's loss and side 2's gain from the move, whether it is made from the
    start (free for side 1), whether it is made in the sweep (costs side 1, gains side 2), and the
    sweep order (gain per unit of loss, descending).
    """
    weights_1, ideal_1, weights_2, ideal_2, low, high = np.broadcast_arrays(
        *(np.asarray(x, dtype=float) for x in (weights_1, ideal_1, weights_2, ideal_2, low, high))
    )
    loss = concession_costs(ideal_1, ideal_2, weights_1, low, high)
    gain = concession_costs(ideal_2, ideal_1, weights_2, low, high)
    free = loss == 0
    moved = ~free & (gain > 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(moved, gain / loss, -np.inf)
    order = np.argsort(-ratio, axis=-1, kind="stable")
    return loss, gain, free, moved, order


def pareto_frontier_linear(weights_1, ideal_1, weights_2, ideal_2, low, high) -> np.ndarray:
    """Vertices of the Pareto frontier of two negotiators with linear value functions.

    Utilities are those of :func:`sim.maths.utility.utility`,
    ``sum_k w_k (1 - |x_k - ideal_k| / d_k)``, over the box ``[low, high]`` of packages
    (weights as given: normalise them first if needed).
    Moving an issue outside the two ideal points hurts both sides, and between them it trades side
    1's utility for side 2's at a constant rate, so the frontier is a fractional knapsack: starting
    from side 1's ideal package, move the issues to side 2's ideal one at a time, the one that
    gives side 2 the most per unit side 1 loses first. Issues side 1 does not care about are at side
    2's ideal from the start; issues side 2 does not care about stay at side 1's ideal.

    Args:
        weights_1: Side 1's salience weights, shape ``(..., K)``.
        ideal_1: Side 1's ideal issue values, shape ``(..., K)``.
        weights_2: Side 2's salience weights, shape ``(..., K)``.
        ideal_2: Side 2's ideal issue values, shape ``(..., K)``.
        low: Lower bounds of the issues, shape ``(..., K)`` or ``(K,)``.
        high: Upper bounds of the issues, likewise.

    Returns:
        Vertices ``(u1, u2)``, shape ``(..., K + 1, 2)``, from side 1's best to side 2's best
        (``u1`` non-increasing, ``u2`` non-decreasing); the frontier is the polyline through them.
        Vertex ``j`` is the package of :func:`pareto_frontier_linear_packages` ``j``.

    Examples:
        >>> pareto_frontier_linear(
        ...     [0.5, 0.5], [0.0, 0.0], [0.2, 0.8], [10.0, 10.0], [0.0, 0.0], [10.0, 10.0]
        ... ).round(4).tolist()
        [[1.0, 0.0], [0.5, 0.8], [0.0, 1.0]]
    """
    loss, gain, free, moved, order = _linear_trades(
        weights_1, ideal_1, weights_2, ideal_2, low, high
    )
    weights_1, weights_2 = np.broadcast_arrays(weights_1, weights_2, loss)[:2]
    best_for_1 = np.stack(
        [np.sum(weights_1, axis=-1), np.sum(weights_2, axis=-1) - np.sum(gain * ~free, axis=-1)],
        axis=-1,
    )
    steps = np.stack([-loss * moved, gain * moved], axis=-1)
    steps = np.take_along_axis(steps, order[..., None], axis=-2)
    moves = np.concatenate([np.zeros_like(steps[..., :1, :]), np.cumsum(steps, axis=-2)], axis=-2)
    return best_for_1[..., None, :] + moves


def pareto_frontier_linear_packages(
    weights_1, ideal_1, weights_2, ideal_2, low, high
) -> np.ndarray:
    """Packages at the vertices of :func:`pareto_frontier_linear`, shape ``(..., K + 1, K)``.

    Between two consecutive vertices, the packages on the segment are the linear interpolation
    of the two vertex packages (a single issue moves).

    Examples:
        >>> pareto_frontier_linear_packages(
        ...     [0.5, 0.5], [0.0, 0.0], [0.2, 0.8], [10.0, 10.0], [0.0, 0.0], [10.0, 10.0]
        ... ).tolist()
        [[0.0, 0.0], [0.0, 10.0], [10.0, 10.0]]
    """
    _, _, free, moved, order = _linear_trades(weights_1, ideal_1, weights_2, ideal_2, low, high)
    rank = np.argsort(order, axis=-1)[..., None, :]
    vertex = np.arange(order.shape[-1] + 1)[:, None]
    at_second = free[..., None, :] | (moved[..., None, :] & (rank < vertex))
    return np.where(
        at_second,
        np.asarray(ideal_2, float)[..., None, :],
        np.asarray(ideal_1, float)[..., None, :],
    )
