"""Bargaining solutions of any frontier (pure functions over numpy arrays).

- Bargaining solutions of a Pareto frontier and a disagreement point ``d``: Nash (1950), "The
  bargaining problem", Econometrica 18(2): 155-162, and Kalai & Smorodinsky (1975), "Other
  solutions to Nash's bargaining problem", Econometrica 43(3): 513-518.

A frontier given as points is, by default, the piecewise-linear curve through its Pareto-optimal
points in order of ``u1``: exact for linear value functions, whose frontier is such a curve
(:func:`sim.maths.frontier.pareto_frontier_linear`), and a close approximation of a smooth
frontier sampled densely; a frontier may also be a callable curve.

Per run of a batch, the frontier is a polyline through vertices ordered from the first side's
best to the second side's. On each segment the Nash product is a concave quadratic and the
smaller of two linear gains peaks where they are equal, so ``nash_point``,
``kalai_smorodinsky_point`` and ``pareto_gap`` find the solutions exactly by comparing the
vertices and one point per segment, for all runs at once: the fast special case of
``nash_solution`` and ``kalai_smorodinsky_solution`` (``tests/maths/test_solutions.py`` checks
they agree).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.maths.frontier import pareto_frontier
from sim.maths.subgame import best_given

SLACK = 1e-12
"""Utility by which a frontier point may fall short of the disagreement point and still count as
dominating it, so that a disagreement point on the frontier is not lost to rounding."""


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


Coordinates = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""A polyline per run: ``u1`` and ``u2`` of its vertices, ``(N, M)`` each, and their steps along
it, ``(N, M - 1)`` each; all contiguous."""


def _coordinates(u1: np.ndarray, u2: np.ndarray) -> Coordinates:
    """The polyline through vertices ``(u1, u2)``, each ``(N, M)``."""
    u1, u2 = np.ascontiguousarray(u1), np.ascontiguousarray(u2)
    return u1, u2, np.diff(u1, axis=1), np.diff(u2, axis=1)


def _best_point(
    coordinates: Coordinates, shares: np.ndarray, score
) -> tuple[np.ndarray, np.ndarray]:
    """The highest-scoring point of each run's polyline: a vertex or one point per segment.

    Args:
        coordinates: The polyline (``Coordinates``).
        shares: Where along each segment its candidate lies, shape ``(N, M - 1)``: 0 at its start
            and 1 at its end, clipped to the segment (NaN counts as its end).
        score: Maps the coordinates ``(u1, u2)`` of points, each shape ``(N, C)``, to their
            scores.

    Returns:
        The best score and the point reaching it, shapes ``(N,)`` and ``(N, 2)``; a vertex wins
        a tie.
    """
    u1, u2, step_1, step_2 = coordinates
    rows = np.arange(len(u1))
    share = np.fmax(np.fmin(shares, 1.0), 0.0)
    inner_1, inner_2 = u1[:, :-1] + share * step_1, u2[:, :-1] + share * step_2
    at_vertex, at_inner = score(u1, u2), score(inner_1, inner_2)
    vertex, segment = np.argmax(at_vertex, axis=1), np.argmax(at_inner, axis=1)
    vertex_value, inner_value = at_vertex[rows, vertex], at_inner[rows, segment]
    on_segment = inner_value > vertex_value
    value = np.where(on_segment, inner_value, vertex_value)
    point = np.where(
        on_segment[:, None],
        np.column_stack([inner_1[rows, segment], inner_2[rows, segment]]),
        np.column_stack([u1[rows, vertex], u2[rows, vertex]]),
    )
    return value, point


def _nash(coordinates: Coordinates, disagreement: np.ndarray) -> np.ndarray:
    """``nash_point`` of a polyline."""
    u1, u2, step_1, step_2 = coordinates
    d1, d2 = disagreement[:, 0, None], disagreement[:, 1, None]
    gain_1, gain_2 = u1[:, :-1] - d1, u2[:, :-1] - d2
    with np.errstate(divide="ignore", invalid="ignore"):
        peak = -(gain_1 * step_2 + gain_2 * step_1) / (2 * step_1 * step_2)

    def product(u1, u2):
        first, second = u1 - d1, u2 - d2
        rational = (first >= -SLACK) & (second >= -SLACK)
        return np.where(rational, first * second, -np.inf)

    value, point = _best_point(coordinates, peak, product)
    return np.where(np.isfinite(value)[:, None], point, np.nan)


def _maximin(coordinates: Coordinates, origin: np.ndarray, scale: np.ndarray):
    """Largest ``min((u - origin) / scale)`` over a polyline, and the point reaching it."""
    u1, u2, step_1, step_2 = coordinates
    o1, o2 = origin[:, 0, None], origin[:, 1, None]
    s1, s2 = scale[:, 0, None], scale[:, 1, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = (u2[:, :-1] - o2) / s2 - (u1[:, :-1] - o1) / s1
        equal = gap / (step_1 / s1 - step_2 / s2)

    def smaller_gain(u1, u2):
        return np.minimum((u1 - o1) / s1, (u2 - o2) / s2)

    return _best_point(coordinates, equal, smaller_gain)


def _kalai_smorodinsky(coordinates: Coordinates, disagreement: np.ndarray) -> np.ndarray:
    """``kalai_smorodinsky_point`` of a polyline."""
    first, second = coordinates[:2]
    d1, d2 = disagreement[:, 0], disagreement[:, 1]
    ideal = np.column_stack(
        [best_given(first, second, d2), best_given(second[:, ::-1], first[:, ::-1], d1)]
    )
    scale = ideal - disagreement
    rational = np.all(scale > 0, axis=1)
    value, point = _maximin(coordinates, disagreement, np.where(rational[:, None], scale, 1.0))
    return np.where((rational & (value >= -1e-12))[:, None], point, np.nan)


def _pareto_gap(coordinates: Coordinates, point: np.ndarray) -> np.ndarray:
    """``pareto_gap`` on a polyline."""
    value, _ = _maximin(coordinates, point, np.ones_like(point))
    return np.maximum(value, 0.0)


def nash_point(frontier: np.ndarray, disagreement: np.ndarray) -> np.ndarray:
    """Nash bargaining solution per run, shape ``(N, 2)``; NaN where nothing dominates ``d``.

    Examples:
        >>> nash_point(np.array([[[1.0, 0.0], [0.0, 1.0]]]), np.array([[0.2, 0.1]])).round(4)
        array([[0.55, 0.45]])
    """
    return _nash(_coordinates(frontier[..., 0], frontier[..., 1]), disagreement)


def kalai_smorodinsky_point(frontier: np.ndarray, disagreement: np.ndarray) -> np.ndarray:
    """Kalai-Smorodinsky solution per run, shape ``(N, 2)``; NaN where nothing dominates ``d``.

    The ideal point is each side's best on the part of the frontier that dominates ``d``; the
    solution is the frontier point with equal shares of the way from ``d`` to it.

    Examples:
        >>> frontier = np.array([[[1.0, 0.0], [0.0, 1.0]]])
        >>> kalai_smorodinsky_point(frontier, np.array([[0.2, 0.1]])).round(4)
        array([[0.55, 0.45]])
    """
    return _kalai_smorodinsky(_coordinates(frontier[..., 0], frontier[..., 1]), disagreement)


def pareto_gap(frontier: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Largest ``g >= 0`` such that both sides could gain ``g`` at once on the frontier.

    Args:
        frontier: Vertices ``(u1, u2)`` of a piecewise-linear frontier, shape ``(N, M, 2)``.
        point: Utilities ``(u1, u2)`` of the outcome, shape ``(N, 2)``.

    Returns:
        Shape ``(N,)``; 0 for a Pareto-efficient outcome.

    Examples:
        >>> frontier = np.array([[[1.0, 0.0], [0.0, 1.0]]])
        >>> pareto_gap(frontier, np.array([[0.2, 0.4]])).round(6).tolist()
        [0.2]
    """
    return _pareto_gap(_coordinates(frontier[..., 0], frontier[..., 1]), point)


def solutions(
    u1: np.ndarray, u2: np.ndarray, disagreement: np.ndarray, outcome: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``nash_point``, ``kalai_smorodinsky_point`` and ``pareto_gap`` of ``outcome`` at once.

    The frontier is given by its vertices' coordinates, ``u1`` and ``u2`` of shape ``(N, M)``
    each, instead of ``(N, M, 2)``, and its segments are worked out once for the three.

    Examples:
        >>> nash, fair, gap = solutions(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]),
        ...                             np.array([[0.2, 0.1]]), np.array([[0.2, 0.4]]))
        >>> nash.round(4).tolist(), fair.round(4).tolist(), gap.round(6).tolist()
        ([[0.55, 0.45]], [[0.55, 0.45]], [0.2])
    """
    coordinates = _coordinates(u1, u2)
    return (
        _nash(coordinates, disagreement),
        _kalai_smorodinsky(coordinates, disagreement),
        _pareto_gap(coordinates, outcome),
    )
