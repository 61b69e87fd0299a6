"""Roots of many falling functions at once, by Chandrupatla's bracketing method (pure numpy).

Chandrupatla, T. R. (1997). A new hybrid quadratic/bisection algorithm for finding the zero of a
nonlinear function without using derivatives. *Advances in Engineering Software* 28(3), 145-149.

Each step takes the inverse quadratic through the last three points when it is safe (the
points lie where a quadratic can pass through them monotonically) and bisects otherwise, and it
never steps closer than the tolerance to a bracket's end. On a smooth function it converges
superlinearly; on a function with jumps it falls back to bisection and still keeps a bracket.
``scipy.optimize.elementwise.find_root`` uses the same method, but its bookkeeping costs more
than the few short arrays of a negotiation round are worth.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Excess = Callable[[NDArray[np.float64], NDArray[np.intp]], NDArray[np.float64]]
"""``f(x, rows)``: the function of the elements ``rows`` at the points ``x`` (one per row)."""


def bracketed_root(
    excess: Excess,
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    at_low: NDArray[np.float64],
    at_high: NDArray[np.float64],
    tolerance: float = 1e-12,
    most_steps: int = 100,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The two ends of a bracket narrower than ``tolerance`` around a sign change of ``excess``.

    Args:
        excess: The functions, one per element, evaluated at the elements still open and,
            until no more than half of those last evaluated are, at the others too. It
            gets the same array of elements until they are picked again, so it may keep
            what it works out for them.
        low: The lower ends of the brackets, shape ``(N,)``.
        high: The upper ends, above ``low``.
        at_low: ``excess`` at ``low``.
        at_high: ``excess`` at ``high``. Elements where it has the sign of ``at_low``, or
            either is zero, bracket no sign change and are returned as given.
        tolerance: Width below which a bracket is closed.
        most_steps: Steps after which every bracket is closed, whatever its width.

    Returns:
        ``(x, value)``, each shape ``(N, 2)``: the two ends of each final bracket and
        ``excess`` there. Where the given ends bracketed a sign change, the two values have
        opposite signs, or one of them is zero.

    Examples:
        >>> x, value = bracketed_root(
        ...     lambda x, rows: x**3 - np.array([2.0, 27.0])[rows],
        ...     np.zeros(2), np.full(2, 4.0), np.array([-2.0, -27.0]), np.array([62.0, 37.0]))
        >>> np.round(x[:, 0], 9).tolist()
        [1.25992105, 3.0]
    """
    newest, other = low.astype(float), high.astype(float)
    at_newest, at_other = at_low.astype(float), at_high.astype(float)
    dropped, at_dropped = other.copy(), at_other.copy()
    step = np.full_like(newest, 0.5)
    open_rows = np.flatnonzero(np.sign(at_newest) * np.sign(at_other) < 0)
    evaluated = np.arange(len(newest))  # every element, until no more than half are open
    for _ in range(most_steps):
        if not len(open_rows):
            break
        if len(open_rows) <= len(evaluated) // 2:
            evaluated = open_rows
        a, b, c = newest[open_rows], other[open_rows], dropped[open_rows]
        fa, fb, fc = at_newest[open_rows], at_other[open_rows], at_dropped[open_rows]
        point = a + step[open_rows] * (b - a)
        at_point = _at_open_rows(excess, point, open_rows, evaluated, newest)
        same = np.sign(at_point) == np.sign(fa)
        # The newest point becomes a; the end it replaces is dropped, and b keeps the sign change.
        c, fc = np.where(same, a, b), np.where(same, fa, fb)
        b, fb = np.where(same, b, a), np.where(same, fb, fa)
        a, fa = point, at_point
        newest[open_rows], other[open_rows], dropped[open_rows] = a, b, c
        at_newest[open_rows], at_other[open_rows], at_dropped[open_rows] = fa, fb, fc
        width = np.abs(b - a)
        closest = np.where(np.abs(fa) < np.abs(fb), a, b)
        least = 0.5 * (tolerance + 4 * np.finfo(float).eps * np.abs(closest)) / width
        done = (least >= 0.5) | (fa == 0)
        step[open_rows] = np.clip(_inverse_quadratic_step(a, b, c, fa, fb, fc), least, 1 - least)
        open_rows = open_rows[~done]
    ends = np.stack([newest, other], axis=1)
    return ends, np.stack([at_newest, at_other], axis=1)


def _at_open_rows(excess: Excess, point, open_rows, evaluated, newest) -> NDArray[np.float64]:
    """``excess`` at ``point`` in the open elements, evaluated over the elements ``evaluated``.

    The elements evaluated are every element at first, then those open when they were last
    chosen: they are chosen again only once no more than half of them are open, so ``excess``
    seldom has to pick its elements out again. The closed ones (and those that bracket no root)
    are evaluated at their newest point, and their values dropped.
    """
    if len(evaluated) == len(open_rows):  # the same elements: pass the array picked last
        return excess(point, evaluated)
    places = np.searchsorted(evaluated, open_rows)
    points = newest[evaluated]
    points[places] = point
    return excess(points, evaluated)[places]


def _inverse_quadratic_step(a, b, c, fa, fb, fc):
    """Chandrupatla's step from ``a`` toward ``b`` as a share of ``b - a``; 0.5 where unsafe."""
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = (a - b) / (c - b)
        phi = (fa - fb) / (fc - fb)
        safe = (phi**2 < xi) & ((1 - phi) ** 2 < 1 - xi)
        quadratic = fa / (fb - fa) * fc / (fb - fc) + (c - a) / (b - a) * fa / (fc - fa) * fb / (
            fc - fb
        )
    return np.where(safe & np.isfinite(quadratic), quadratic, 0.5)
