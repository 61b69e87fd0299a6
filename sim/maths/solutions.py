"""Bargaining solutions per run, and how far each outcome is from them.

Each run's Pareto frontier (``sim.maths.bargaining.pareto_frontier_linear``) is a polyline through
vertices ordered from the first side's best to the second side's. On each segment the Nash
product is a concave quadratic and the smaller of two linear gains peaks where they are equal,
so the solutions are found exactly by comparing a few candidate points per segment, for all runs
at once. ``sim.maths.bargaining.nash_solution`` and ``kalai_smorodinsky_solution`` give the same
points for any frontier (``tests/test_solutions.py`` checks they agree); these are the fast
special case.
"""

from __future__ import annotations

import numpy as np

from sim.maths.subgame import best_given


def _segments(frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start points and steps of the segments, each shape ``(N, M - 1, 2)``."""
    return frontier[:, :-1, :], np.diff(frontier, axis=1)


def _best_candidate(start, step, shares, score) -> tuple[np.ndarray, np.ndarray]:
    """The highest-scoring point among ``start + share * step`` (shares: ``(N, M - 1, C)``)."""
    points = start[:, :, None, :] + np.clip(shares, 0.0, 1.0)[..., None] * step[:, :, None, :]
    values = score(points).reshape(len(points), -1)
    best = np.argmax(values, axis=1)
    rows = np.arange(len(points))
    return values[rows, best], points.reshape(len(points), -1, 2)[rows, best]


def nash_point(frontier: np.ndarray, disagreement: np.ndarray) -> np.ndarray:
    """Nash bargaining solution per run, shape ``(N, 2)``; NaN where nothing dominates ``d``.

    Examples:
        >>> nash_point(np.array([[[1.0, 0.0], [0.0, 1.0]]]), np.array([[0.2, 0.1]])).round(4)
        array([[0.55, 0.45]])
    """
    start, step = _segments(frontier)
    gain = start - disagreement[:, None, :]
    curvature = step[..., 0] * step[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        peak = -(gain[..., 0] * step[..., 1] + gain[..., 1] * step[..., 0]) / (2 * curvature)
    shares = np.stack([np.zeros_like(peak), np.ones_like(peak), np.nan_to_num(peak)], axis=-1)

    def product(points):
        gains = points - disagreement[:, None, None, :]
        rational = np.all(gains >= -1e-12, axis=-1)
        return np.where(rational, gains[..., 0] * gains[..., 1], -np.inf)

    value, point = _best_candidate(start, step, shares, product)
    return np.where(np.isfinite(value)[:, None], point, np.nan)


def _maximin(frontier: np.ndarray, origin: np.ndarray, scale: np.ndarray):
    """Largest ``min((u - origin) / scale)`` over the frontier, and the point reaching it."""
    start, step = _segments(frontier)
    gain = (start - origin[:, None, :]) / scale[:, None, :]
    slope = step / scale[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        equal = (gain[..., 1] - gain[..., 0]) / (slope[..., 0] - slope[..., 1])
    shares = np.stack([np.zeros_like(equal), np.ones_like(equal), np.nan_to_num(equal)], axis=-1)

    def smaller_gain(points):
        return np.min((points - origin[:, None, None, :]) / scale[:, None, None, :], axis=-1)

    return _best_candidate(start, step, shares, smaller_gain)


def kalai_smorodinsky_point(frontier: np.ndarray, disagreement: np.ndarray) -> np.ndarray:
    """Kalai-Smorodinsky solution per run, shape ``(N, 2)``; NaN where nothing dominates ``d``.

    The ideal point is each side's best on the part of the frontier that dominates ``d``; the
    solution is the frontier point with equal shares of the way from ``d`` to it.

    Examples:
        >>> frontier = np.array([[[1.0, 0.0], [0.0, 1.0]]])
        >>> kalai_smorodinsky_point(frontier, np.array([[0.2, 0.1]])).round(4)
        array([[0.55, 0.45]])
    """
    first, second = frontier[..., 0], frontier[..., 1]
    d1, d2 = disagreement[:, 0], disagreement[:, 1]
    ideal = np.column_stack(
        [best_given(first, second, d2), best_given(second[:, ::-1], first[:, ::-1], d1)]
    )
    scale = ideal - disagreement
    rational = np.all(scale > 0, axis=1)
    value, point = _maximin(frontier, disagreement, np.where(rational[:, None], scale, 1.0))
    return np.where((rational & (value >= -1e-12))[:, None], point, np.nan)


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
    value, _ = _maximin(frontier, point, np.ones_like(point))
    return np.maximum(value, 0.0)
