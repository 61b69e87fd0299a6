"""Utilities of packages (pure functions over numpy arrays).

A package gives each of the K issues a value in its unit. A negotiator values issue ``k`` at

    v_k(x) = 1 - |x - ideal_k| / d_k,   d_k = max(ideal_k - low_k, high_k - ideal_k),

so 1 at its ideal point and 0 at the farthest bound: a linear value function, normalised per issue.
With a ``shape`` (:mod:`sim.maths.values`) the value is a concave function of the same relative
distance, ``v_k = f_k(|x - ideal_k| / d_k)``, still 1 at the ideal and 0 at the farthest bound.
Its utility is the salience-weighted sum ``U(x) = sum_k w_k v_k(x)`` with weights summing to one, so
``U`` lies in [0, 1]: 1 is every issue at the negotiator's ideal, 0 every issue at its worst bound.
"""

from __future__ import annotations

import numpy as np

from sim.maths.values import shaped_value


def normalise_weights(weights: np.ndarray) -> np.ndarray:
    """Scale each row of salience weights to sum to one (equal weights where a row is all zero).

    Examples:
        >>> normalise_weights(np.array([[2.0, 1.0, 1.0], [0.0, 0.0, 0.0]])).tolist()
        [[0.5, 0.25, 0.25], [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]]
    """
    weights = np.asarray(weights, dtype=float)
    totals = weights.sum(axis=-1, keepdims=True)
    equal = np.full_like(weights, 1.0 / weights.shape[-1])
    return np.where(totals > 0, weights / np.where(totals > 0, totals, 1.0), equal)


def issue_sum(values: np.ndarray) -> np.ndarray:
    """``sum_k values_k`` over the last axis (issues), added in order of the issues.

    For fewer than 8 issues numpy's ``sum`` adds in that order too, so the two agree to the last
    bit; adding the columns one by one is faster for a few issues, and numpy's ``sum`` is used
    for more.

    Examples:
        >>> issue_sum(np.array([[0.1, 0.2, 0.3]])).tolist() == [np.sum([0.1, 0.2, 0.3])]
        True
    """
    issues = values.shape[-1]
    if issues >= 8 or issues == 0:
        return np.sum(values, axis=-1)
    total = values[..., 0].copy()
    for issue in range(1, issues):
        total += values[..., issue]
    return total[()]  # a scalar, not a 0-d array, for a single package


def value_range(ideal, low, high) -> np.ndarray:
    """Distance from the ideal point to the farthest bound, ``d_k`` (the value-0 distance)."""
    return np.maximum(np.maximum(ideal - low, high - ideal), np.finfo(float).tiny)


def issue_values(packages, ideal, low, high, scale=None, shape=None, curvature=1.0) -> np.ndarray:
    """Per-issue values ``v_k`` in [0, 1] of packages (shape ``(..., K)``).

    ``scale`` is ``value_range(ideal, low, high)``, passed when already known; ``shape`` holds
    the shape code of each issue (``None``: all linear) and ``curvature`` the curvature of the
    exponential ones.
    """
    scale = value_range(ideal, low, high) if scale is None else scale
    distance = np.abs(packages - ideal) / scale
    if shape is None or not np.any(shape):
        return 1.0 - distance
    return shaped_value(distance, shape, curvature)


def utility(
    packages, ideal, weights, low, high, scale=None, shape=None, curvature=1.0
) -> np.ndarray:
    """Weighted utility in [0, 1] of each package; the last axis runs over issues.

    Examples:
        >>> float(utility(np.array([10.0, 5.0]), np.array([0.0, 5.0]), np.array([0.5, 0.5]),
        ...               np.array([0.0, 0.0]), np.array([20.0, 10.0])))
        0.75
    """
    values = issue_values(packages, ideal, low, high, scale, shape, curvature)
    return issue_sum(weights * values)
