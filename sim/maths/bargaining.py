"""Closed forms of bargaining theory (pure functions over numpy arrays).

- Alternating offers over a unit pie: Rubinstein (1982), "Perfect equilibrium in a bargaining
  model", Econometrica 50(1): 97-109 (infinite horizon), and Ståhl (1972), "Bargaining theory"
  (finite horizon, solved by backward induction).
- Bargaining solutions of a Pareto frontier and a disagreement point ``d``: Nash (1950), "The
  bargaining problem", Econometrica 18(2): 155-162, and Kalai & Smorodinsky (1975), "Other
  solutions to Nash's bargaining problem", Econometrica 43(3): 513-518.
- Pareto frontiers: of sampled utility pairs, and of two negotiators with the linear value
  functions of :mod:`sim.maths.utility`.

A frontier given as points is, by default, the piecewise-linear curve through its Pareto-optimal
points in order of ``u1``: exact for linear value functions, whose frontier is such a curve
(:func:`pareto_frontier_linear`), and a close approximation of a smooth frontier sampled densely.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.maths.offers import concession_costs

SLACK = 1e-12
"""Utility by which a frontier point may fall short of the disagreement point and still count as
dominating it, so that a disagreement point on the frontier is not lost to rounding."""


def rubinstein_share(delta_proposer, delta_responder) -> np.ndarray:
    """First proposer's share of a unit pie in Rubinstein's infinite-horizon game.

    The unique subgame-perfect split is ``(1 - delta_2) / (1 - delta_1 delta_2)`` for the first
    proposer (discount factor ``delta_1``) and the rest for the responder (``delta_2``).

    Args:
        delta_proposer: Per-round discount factor of the first proposer, in [0, 1].
        delta_responder: Per-round discount factor of the first responder, in [0, 1]; the
            product of the two must be below 1.

    Returns:
        The share in [0, 1], broadcast over the inputs.

    Examples:
        >>> round(float(rubinstein_share(0.9, 0.8)), 4)  # 5 / 7
        0.7143
        >>> round(float(rubinstein_share(0.9, 0.9)), 4)  # 1 / 1.9
        0.5263
    """
    delta_proposer = np.asarray(delta_proposer, dtype=float)
    return (1.0 - delta_responder) / (1.0 - delta_proposer * delta_responder)


def finite_horizon_shares(
    rounds: int, delta_first, delta_second, disagreement_first=0.0, disagreement_second=0.0
) -> np.ndarray:
    """Proposer's subgame-perfect share in each round of a finite alternating-offers game.

    The two sides split a unit pie. The first side proposes in rounds 0, 2, 4, ..., the second in
    rounds 1, 3, ...; an agreement on a share ``x`` in round ``t`` is worth ``delta ** t * x`` to a
    side. If the offer of the last round (``rounds - 1``) is rejected, each side gets its
    disagreement value one round later, in round ``rounds``, discounted like an agreement then:
    ``delta ** rounds * disagreement``. Breaking off is thus one more round of waiting, so a
    responder of the last round accepts any offer worth ``delta * disagreement`` to it, and with
    zero disagreement values the last proposer takes the whole pie.

    Backward induction: the responder of round ``t`` accepts at least what rejecting gives it, its
    discounted value of round ``t + 1``, and the proposer demands the rest. When that rest is less
    than the proposer's own value of rejection (no surplus, which needs disagreement values that
    sum to more than the pie), it waits instead, and its share is that value of waiting.

    Args:
        rounds: Number of rounds, at least 1.
        delta_first: Per-round discount factor of the first proposer, in [0, 1].
        delta_second: Per-round discount factor of the second side, in [0, 1].
        disagreement_first: The first proposer's value of no agreement, in [0, 1].
        disagreement_second: The second side's value of no agreement, in [0, 1].

    Returns:
        Shares in [0, 1] of shape ``broadcast(inputs) + (rounds,)``: entry ``t`` is what the
        proposer of round ``t`` demands, as a share of the pie of round ``t``, in the subgame that
        starts there; its responder gets the rest. Entry 0 is the first proposer's share of the
        equilibrium split, agreed at once when the disagreement values sum to at most 1; for long
        horizons it tends to :func:`rubinstein_share`.

    Raises:
        ValueError: If ``rounds`` is below 1.

    Examples:
        >>> finite_horizon_shares(4, 0.9, 0.9).round(4).tolist()
        [0.181, 0.91, 0.1, 1.0]
        >>> round(float(finite_horizon_shares(1, 0.95, 0.95, 0.0, 0.3)[0]), 4)  # 1 - 0.95 * 0.3
        0.715
    """
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    delta = [np.asarray(delta_first, dtype=float), np.asarray(delta_second, dtype=float)]
    value = [
        np.asarray(disagreement_first, dtype=float),
        np.asarray(disagreement_second, dtype=float),
    ]
    shares = np.empty((*np.broadcast_shapes(*(x.shape for x in delta + value)), rounds))
    for t in reversed(range(rounds)):
        proposer, responder = t % 2, 1 - t % 2
        value[responder] = delta[responder] * value[responder]
        value[proposer] = np.maximum(1.0 - value[responder], delta[proposer] * value[proposer])
        shares[..., t] = value[proposer]
    return shares


def nash_product(u1, u2, d1, d2) -> np.ndarray:
    """Nash product ``(u1 - d1)(u2 - d2)`` of the gains over the disagreement point.

    A gain below zero counts as zero, so an outcome that leaves either side worse off than
    disagreement has product 0.

    Examples:
        >>> float(nash_product(0.55, 0.45, 0.2, 0.1))
        0.1225
        >>> float(nash_product(0.1, 0.9, 0.2, 0.1))
        0.0
    """
    return np.maximum(np.subtract(u1, d1), 0.0) * np.maximum(np.subtract(u2, d2), 0.0)


def distance_to_point(u1, u2, point) -> np.ndarray:
    """Euclidean distance in utility space from ``(u1, u2)`` to ``point`` (last axis of size 2).

    Examples:
        >>> float(distance_to_point(0.2, 0.5, np.array([0.5, 0.9])))
        0.5
    """
    point = np.asarray(point, dtype=float)
    return np.hypot(np.subtract(u1, point[..., 0]), np.subtract(u2, point[..., 1]))


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


def _frontier_segments(u1, u2, disagreement, interpolate):
    """Segments of the frontier through the Pareto-optimal points, and their rational parts.

    Returns ``start`` and ``step`` (shape ``(..., M, 2)``): segment ``j`` runs from the ``j``-th
    Pareto point in order of ``u1`` to the next, ``start + s * step`` for ``s`` in [0, 1]
    (dominated points are replaced by the next Pareto point, giving empty segments; without
    interpolation every segment is empty); the disagreement point ``d`` (shape ``(..., 1, 2)``);
    and ``low``, ``high``, ``feasible`` (shape ``(..., M)``): the range of ``s`` where both sides
    gain at least their disagreement value, and whether it is non-empty.
    """
    points = np.stack(np.broadcast_arrays(np.asarray(u1, float), np.asarray(u2, float)), axis=-1)
    disagreement = np.asarray(disagreement, dtype=float)[..., None, :]
    order = np.lexsort((points[..., 1], points[..., 0]), axis=-1)[..., None]
    points = np.take_along_axis(points, order, axis=-2)
    kept = pareto_frontier(points[..., 0], points[..., 1])
    index = np.where(kept, np.arange(kept.shape[-1]), kept.shape[-1])
    next_kept = np.minimum.accumulate(index[..., ::-1], axis=-1)[..., ::-1]
    start = np.take_along_axis(points, next_kept[..., None], axis=-2)
    step = np.zeros_like(start)
    if interpolate:
        step[..., :-1, :] = start[..., 1:, :] - start[..., :-1, :]
    gain = start - disagreement + SLACK
    with np.errstate(divide="ignore", invalid="ignore"):
        root = -gain / step
    lower = np.where(step > 0, root, np.where((step == 0) & (gain < 0), np.inf, -np.inf))
    upper = np.where(step < 0, root, np.inf)
    low = np.maximum(lower.max(axis=-1), 0.0)
    high = np.minimum(upper.min(axis=-1), 1.0)
    feasible = low <= high
    return (
        start,
        step,
        disagreement,
        np.where(feasible, low, 0.0),
        np.where(feasible, high, 0.0),
        feasible,
    )


def _best_on_segments(start, step, candidates, score, feasible) -> np.ndarray:
    """The candidate point ``start + s * step`` with the highest score; NaN where none is feasible.

    ``candidates`` has shape ``(..., M, C)``, ``score`` maps points ``(..., M, C, 2)`` to scores.
    """
    points = start[..., None, :] + candidates[..., None] * step[..., None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(feasible[..., None], score(points), -np.inf)
    flat_points = points.reshape((*points.shape[:-3], -1, 2))
    best = np.argmax(scores.reshape((*scores.shape[:-2], -1)), axis=-1)[..., None, None]
    solution = np.take_along_axis(flat_points, best, axis=-2)[..., 0, :]
    return np.where(feasible.any(axis=-1)[..., None], solution, np.nan)


def _rational_interval(interval, frontier, disagreement) -> tuple[float, float] | None:
    """Range of ``u1`` where both sides gain on a non-increasing frontier ``u2 = frontier(u1)``."""
    from scipy.optimize import brentq  # imported on first use: the array forms do not need it

    (low, high), (d1, d2) = interval, disagreement
    start = min(max(low, d1), high)
    if d1 > high + SLACK or frontier(start) < d2 - SLACK:
        return None
    if frontier(high) >= d2:
        return start, high
    if frontier(start) <= d2:
        return start, start
    return start, brentq(lambda u: frontier(u) - d2, start, high, xtol=1e-12)


def nash_solution(frontier_u1, frontier_u2, disagreement, *, interpolate=True) -> np.ndarray:
    """Nash bargaining solution: the frontier point that maximises the Nash product.

    Maximises ``(u1 - d1)(u2 - d2)`` over the points of the frontier that dominate ``d``. On each
    segment of a piecewise-linear frontier the product is a concave quadratic, maximised in
    closed form; on a callable frontier the maximum is found by ``scipy.optimize``.

    Args:
        frontier_u1: First side's utilities of the frontier points, shape ``(..., M)``; or, when
            ``frontier_u2`` is a callable, the interval ``(low, high)`` of ``u1`` it is defined on.
        frontier_u2: Second side's utilities of the points, same shape; or a non-increasing
            callable ``u2 = f(u1)``.
        disagreement: The disagreement point ``(d1, d2)``, shape ``(..., 2)`` for points.
        interpolate: For points, search the piecewise-linear curve through the Pareto-optimal
            points (True) or only the points themselves (False).

    Returns:
        The solution ``(u1, u2)``, shape ``(..., 2)``; NaN where no point dominates ``d``.

    Examples:
        >>> u1 = np.linspace(0.0, 1.0, 5)
        >>> nash_solution(u1, 1.0 - u1, (0.2, 0.1)).round(4).tolist()
        [0.55, 0.45]
        >>> nash_solution((0.0, 1.0), lambda u: 1.0 - u**2, (0.0, 0.0)).round(4).tolist()
        [0.5774, 0.6667]
    """
    if callable(frontier_u2):
        return _nash_on_curve(frontier_u1, frontier_u2, disagreement)
    start, step, d, low, high, feasible = _frontier_segments(
        frontier_u1, frontier_u2, disagreement, interpolate
    )
    gain = start - d
    curvature = step[..., 0] * step[..., 1]
    slope = gain[..., 0] * step[..., 1] + gain[..., 1] * step[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        peak = np.where(curvature < 0, -slope / (2.0 * curvature), low)
    candidates = np.stack([low, high, np.clip(peak, low, high)], axis=-1)
    d = d[..., None, :]
    return _best_on_segments(start, step, candidates, lambda p: np.prod(p - d, axis=-1), feasible)


def _nash_on_curve(interval, frontier: Callable[[float], float], disagreement) -> np.ndarray:
    """Nash solution on a non-increasing frontier ``u2 = frontier(u1)`` over ``interval``."""
    from scipy.optimize import minimize_scalar

    d1, d2 = disagreement
    rational = _rational_interval(interval, frontier, disagreement)
    if rational is None:
        return np.full(2, np.nan)
    result = minimize_scalar(
        lambda u: -(u - d1) * (frontier(u) - d2),
        bounds=rational,
        method="bounded",
        options={"xatol": 1e-10},
    )
    return np.array([result.x, frontier(result.x)])


def kalai_smorodinsky_solution(
    frontier_u1, frontier_u2, disagreement, *, interpolate=True
) -> np.ndarray:
    """Kalai-Smorodinsky solution: where the line from ``d`` to the ideal point meets the frontier.

    The ideal point holds each side's best utility over the frontier points that dominate ``d``.
    On the frontier the solution is the point of equal relative gains
    ``(u1 - d1) / (ideal1 - d1) = (u2 - d2) / (ideal2 - d2)``, which also maximises the smaller
    relative gain. Without interpolation, sampled points rarely lie on that line: the solution is
    then the point with the highest smaller relative gain.

    Args:
        frontier_u1: As for :func:`nash_solution`.
        frontier_u2: As for :func:`nash_solution`.
        disagreement: As for :func:`nash_solution`.
        interpolate: As for :func:`nash_solution`.

    Returns:
        The solution ``(u1, u2)``, shape ``(..., 2)``; NaN where no point dominates ``d``.

    Examples:
        >>> u1 = np.linspace(0.0, 1.0, 5)
        >>> kalai_smorodinsky_solution(u1, 1.0 - u1, (0.2, 0.1)).round(4).tolist()
        [0.55, 0.45]
        >>> solution = kalai_smorodinsky_solution((0.0, 1.0), lambda u: 1.0 - u**2, (0.0, 0.0))
        >>> solution.round(4).tolist()  # both (sqrt(5) - 1) / 2
        [0.618, 0.618]
    """
    if callable(frontier_u2):
        return _kalai_smorodinsky_on_curve(frontier_u1, frontier_u2, disagreement)
    start, step, d, low, high, feasible = _frontier_segments(
        frontier_u1, frontier_u2, disagreement, interpolate
    )
    gain = start - d
    reach = np.maximum(gain + low[..., None] * step, gain + high[..., None] * step)
    ideal_gain = np.where(feasible[..., None], reach, -np.inf).max(axis=-2, keepdims=True)
    full = ideal_gain <= 0  # no rational point gains there: each has the full relative gain
    scale = np.where(full, np.inf, ideal_gain)
    relative, relative_step = gain / scale + full, step / scale
    gap = relative[..., 0] - relative[..., 1]
    gap_step = relative_step[..., 0] - relative_step[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = -gap / gap_step
    crosses = (gap_step != 0) & (crossing >= low) & (crossing <= high)
    # On a segment the smaller relative gain is highest where the gains cross, or at the end
    # nearest to that. A segment the line from d to the ideal point crosses holds the solution:
    # ranking those first keeps a near-tie with the vertex next to a steep segment from winning.
    candidates = np.clip(np.where(gap_step != 0, crossing, low), low, high)[..., None]
    rank = np.where(crosses, 0.0, -2.0)[..., None]
    d, scale, full = d[..., None, :], scale[..., None, :], full[..., None, :]
    return _best_on_segments(
        start, step, candidates, lambda p: ((p - d) / scale + full).min(axis=-1) + rank, feasible
    )


def _kalai_smorodinsky_on_curve(
    interval, frontier: Callable[[float], float], disagreement
) -> np.ndarray:
    """Kalai-Smorodinsky solution on a non-increasing frontier ``u2 = frontier(u1)``."""
    from scipy.optimize import brentq

    d1, d2 = disagreement
    rational = _rational_interval(interval, frontier, disagreement)
    if rational is None:
        return np.full(2, np.nan)
    start, stop = rational
    ideal_1, ideal_2 = stop, frontier(start)
    if ideal_1 <= d1 or ideal_2 <= d2:
        return np.array([start, frontier(start)])
    u1 = brentq(
        lambda u: (u - d1) / (ideal_1 - d1) - (frontier(u) - d2) / (ideal_2 - d2),
        start,
        stop,
        xtol=1e-12,
    )
    return np.array([u1, frontier(u1)])


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
