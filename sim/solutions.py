"""Bargaining solutions per run, and how far each outcome is from them.

The Pareto frontier of each run's drawn utilities, its Nash and Kalai-Smorodinsky solutions, the
Nash product of the outcome, its distance to the Nash solution and its Pareto gap.
"""

from __future__ import annotations

import numpy as np

from sim.bargaining import kalai_smorodinsky_solution, nash_solution, pareto_frontier_linear


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
    start, end = frontier[:, :-1, :] - point[:, None, :], frontier[:, 1:, :] - point[:, None, :]
    step = end - start
    # On a segment, min(gain1, gain2) peaks where the two gains are equal, or at an end.
    with np.errstate(divide="ignore", invalid="ignore"):
        equal = (start[..., 1] - start[..., 0]) / (step[..., 0] - step[..., 1])
    candidates = np.stack(
        [np.zeros_like(equal), np.ones_like(equal), np.clip(np.nan_to_num(equal), 0, 1)], -1
    )
    gains = start[..., None, :] + candidates[..., None] * step[..., None, :]
    best = np.min(gains, axis=-1).max(axis=(1, 2))
    return np.maximum(best, 0.0)


def solution_columns(first, second, model) -> dict[str, np.ndarray]:
    """Per-run columns comparing each outcome with the bargaining solutions.

    Utilities are those of the packages (before audience costs and retaliation); the
    disagreement point is the pair of reservation utilities.
    """
    frontier = pareto_frontier_linear(
        first.weights, first.ideal, second.weights, second.ideal, model.low, model.high
    )
    disagreement = np.column_stack([first.reservation, second.reservation])
    outcome = np.column_stack([first.utility(model.outcome), second.utility(model.outcome)])
    nash = nash_solution(frontier[..., 0], frontier[..., 1], disagreement)
    fair = kalai_smorodinsky_solution(frontier[..., 0], frontier[..., 1], disagreement)
    gains = outcome - disagreement
    return {
        f"nash.{first.party}": nash[:, 0],
        f"nash.{second.party}": nash[:, 1],
        f"kalai_smorodinsky.{first.party}": fair[:, 0],
        f"kalai_smorodinsky.{second.party}": fair[:, 1],
        "nash_product": gains[:, 0] * gains[:, 1],
        "distance_to_nash": np.hypot(*(outcome - nash).T),
        "pareto_gap": pareto_gap(frontier, outcome),
    }
