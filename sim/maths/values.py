"""Single-issue value functions: linear, quadratic and exponential (pure functions over arrays).

A negotiator's value of issue ``k`` depends on the distance of the issue's value from its ideal
point, measured as a share of the farthest the issue can be from it,
``s = |x - ideal| / d`` in [0, 1]. The value is 1 at the ideal (``s = 0``) and 0 at the farthest
bound (``s = 1``); its shape says how fast it falls:

- ``linear``: ``1 - s``, every step away costs the same;
- ``quadratic``: ``1 - s**2``, small departures from the ideal cost little, large ones much;
- ``exponential`` with curvature ``c > 0``: ``(1 - exp(c (s - 1))) / (1 - exp(-c))``, the
  exponential (constant absolute risk aversion) value function, linear as ``c -> 0`` and more
  concave as ``c`` grows.

The concave shapes are single-attribute value functions in the sense of Keeney & Raiffa (1976),
Decisions with Multiple Objectives, chapter 3 (section 3.7 for the exponential form); added up
with salience weights they give an additive multi-attribute value function.
"""

from __future__ import annotations

import numpy as np

SHAPES = ("linear", "quadratic", "exponential")
"""Shapes by the names scenario files use (``value:``); the code of a shape is its index."""
LINEAR, QUADRATIC, EXPONENTIAL = range(len(SHAPES))


def shape_codes(names) -> np.ndarray:
    """Integer codes of shape names, for the ``shape`` arguments below.

    Examples:
        >>> shape_codes(["linear", "exponential"]).tolist()
        [0, 2]
    """
    return np.array([SHAPES.index(name) for name in names], dtype=np.int8)


def _by_shape(distance, shape, curvature, formulas) -> np.ndarray:
    """Apply each shape's formula to the issues (last axis) of that shape only."""
    distance = np.clip(np.asarray(distance, dtype=float), 0.0, 1.0)
    shape = np.broadcast_to(np.asarray(shape), distance.shape[-1:])
    codes = set(shape.tolist())
    if EXPONENTIAL in codes:  # the only shape with a curvature
        curvature = np.maximum(np.broadcast_to(np.asarray(curvature, float), distance.shape), 1e-9)
    if len(codes) == 1:
        return formulas[codes.pop()](distance, curvature)
    result = np.empty_like(distance)
    for code in codes:
        columns = shape == code
        bend = curvature[..., columns] if code == EXPONENTIAL else None
        result[..., columns] = formulas[code](distance[..., columns], bend)
    return result


_VALUES = {
    LINEAR: lambda s, c: 1.0 - s,
    QUADRATIC: lambda s, c: 1.0 - s**2,
    EXPONENTIAL: lambda s, c: np.expm1(c * (s - 1.0)) / np.expm1(-c),
}
_MARGINAL_LOSSES = {
    LINEAR: lambda s, c: np.ones_like(s),
    QUADRATIC: lambda s, c: 2.0 * s,
    EXPONENTIAL: lambda s, c: c * np.exp(c * (s - 1.0)) / -np.expm1(-c),
}


def shaped_value(distance, shape, curvature=1.0) -> np.ndarray:
    """Value in [0, 1] at the relative ``distance`` from the ideal, for each issue's ``shape``.

    Args:
        distance: ``s`` in [0, 1], shape ``(..., K)``.
        shape: Shape code per issue (``shape_codes``), shape ``(K,)``.
        curvature: Curvature ``c`` of exponential shapes, broadcastable to ``distance``.

    Examples:
        >>> shaped_value(np.array([0.5, 0.5, 0.5]), shape_codes(SHAPES), 2.0).round(4).tolist()
        [0.5, 0.75, 0.7311]
    """
    return _by_shape(distance, shape, curvature, _VALUES)


def marginal_loss(distance, shape, curvature=1.0) -> np.ndarray:
    """Value lost per unit of relative distance, ``-dv/ds`` (non-negative, rising if concave).

    Examples:
        >>> marginal_loss(np.array([0.5, 0.5]), shape_codes(["linear", "quadratic"])).tolist()
        [1.0, 1.0]
    """
    return _by_shape(distance, shape, curvature, _MARGINAL_LOSSES)
