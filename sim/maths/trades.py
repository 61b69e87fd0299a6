"""Efficient concessions when value functions are concave (pure functions over numpy arrays).

A negotiator concedes on issue ``k`` by moving a share ``y_k`` in [0, 1] of the way from its
position toward the opponent's (:mod:`sim.maths.offers`). With the value shapes of
:mod:`sim.maths.values` that costs it ``loss_k(y) = w_k (1 - f_k(y r_k))`` and gives the
opponent ``gain_k(y) = w'_k (f'_k((1 - y) r'_k) - f'_k(r'_k))``, where ``r_k`` and ``r'_k`` are
the distance between the two positions relative to each side's value range. ``loss_k`` is convex
and ``gain_k`` concave, so the packages on the efficient frontier are those that maximise
``cos(theta) * gain - sin(theta) * loss`` for some ``theta`` in [0, pi/2]: issue by issue, the
concession where the opponent's marginal gain, weighed by ``cos(theta)``, equals the own marginal
loss, weighed by ``sin(theta)`` (equal marginal rates of substitution on every interior issue).
Both conditions are solved by bisection, for all runs at once.

With linear values on both sides this is the fractional knapsack of
:func:`sim.maths.offers.cheapest_first_shares`, which is used then, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import cached_property

import numpy as np

from sim.maths.offers import Concessions, cheapest_first_order, shares_in_order
from sim.maths.roots import bracketed_root
from sim.maths.utility import issue_sum
from sim.maths.values import EXPONENTIAL, LINEAR, QUADRATIC, marginal_loss, shaped_value

ITERATIONS = 40
"""Bisection steps: each halves the interval, so 40 give shares within 1e-12."""


@dataclass(frozen=True)
class Trade:
    """How conceding each issue trades one side's value for the other's, shape ``(N, K)``.

    Attributes:
        own_weight: The conceding side's weights.
        own_reach: Distance between the two positions relative to its value range, in [0, 1].
        own_shape: Its shape code per issue (``sim.maths.values``).
        own_curvature: Its curvatures.
        other_weight: The other side's weights (as the conceding side believes them).
        other_reach: The distance relative to the other side's value range.
        other_shape: The other side's shape codes.
        other_curvature: Its curvatures.
    """

    own_weight: np.ndarray
    own_reach: np.ndarray
    own_shape: np.ndarray
    own_curvature: np.ndarray | float
    other_weight: np.ndarray
    other_reach: np.ndarray
    other_shape: np.ndarray
    other_curvature: np.ndarray | float

    def of_runs(self, rows: np.ndarray) -> Trade:
        """The same trade-offs in the runs ``rows`` only (per-issue codes and scalars kept)."""
        runs = self.own_reach.shape[0]

        def take(value):
            is_per_run = isinstance(value, np.ndarray) and value.ndim == 2 and len(value) == runs
            return value[rows] if is_per_run else value

        return Trade(*(take(getattr(self, field.name)) for field in fields(self)))

    @property
    def linear(self) -> bool:
        """True if both sides' values are linear on every issue."""
        return not (np.any(self.own_shape) or np.any(self.other_shape))

    def loss(self, shares: np.ndarray) -> np.ndarray:
        """Value the conceding side loses on each issue at concession ``shares``."""
        kept = shaped_value(shares * self.own_reach, self.own_shape, self.own_curvature)
        return self.own_weight * (1.0 - kept)

    def gain(self, shares: np.ndarray) -> np.ndarray:
        """Value the other side gains on each issue at concession ``shares``."""
        value = shaped_value(
            (1.0 - shares) * self.other_reach, self.other_shape, self.other_curvature
        )
        return self.other_weight * (value - self.other_floor)

    @cached_property
    def other_floor(self) -> np.ndarray:
        """The other side's value of each issue at the conceding side's position."""
        return shaped_value(self.other_reach, self.other_shape, self.other_curvature)

    def slope(self, shares: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
        """Derivative of ``cos * gain - sin * loss`` in each issue's share (falling in it)."""
        own = marginal_loss(shares * self.own_reach, self.own_shape, self.own_curvature)
        other = marginal_loss(
            (1.0 - shares) * self.other_reach, self.other_shape, self.other_curvature
        )
        return cos * self.other_weight * self.other_reach * other - (
            sin * self.own_weight * self.own_reach * own
        )


def shape_groups(trade: Trade) -> list[tuple[tuple[int, int], np.ndarray, list[np.ndarray]]]:
    """The issues of each pair of shapes (own, other), with their reaches and curvatures.

    What :func:`best_shares` needs of a trade besides the angle, worked out once for the many
    angles a search tries: ``(pair, columns, [r, r', c, c'])``, the last over ``columns`` only.
    """
    own_shape, other_shape = np.broadcast_arrays(trade.own_shape, trade.other_shape)
    shape = trade.own_reach.shape
    groups = []
    for pair in set(zip(own_shape.tolist(), other_shape.tolist(), strict=True)):
        columns = (own_shape == pair[0]) & (other_shape == pair[1])
        inputs = (trade.own_reach, trade.other_reach, trade.own_curvature, trade.other_curvature)
        parts = [np.broadcast_to(np.asarray(x, dtype=float), shape)[:, columns] for x in inputs]
        groups.append((pair, columns, parts))
    return groups


def best_shares(trade: Trade, theta: np.ndarray, groups: list | None = None) -> np.ndarray:
    """Concessions maximising ``cos(theta) * gain - sin(theta) * loss``, issue by issue.

    The first-order condition ``cos * w' r' f''((1 - y) r') = sin * w r f'(y r)`` has a closed
    form when neither side's value on an issue is quadratic while the other's is exponential;
    those issues are solved by bisection (the objective is concave in ``y``).

    Args:
        trade: The trade-offs, shape ``(N, K)``.
        theta: Angle per run in [0, pi/2], shape ``(N,)``, or one for every run: 0 gives the
            other side all it values, pi/2 keeps everything.
        groups: ``shape_groups(trade)``, when already worked out.

    Returns:
        Shares in [0, 1], shape ``(N, K)``.
    """
    cos, sin = np.cos(theta)[..., None], np.sin(theta)[..., None]
    own = sin * trade.own_weight * trade.own_reach
    other = cos * trade.other_weight * trade.other_reach
    shares = _closed_form(own, other, shape_groups(trade) if groups is None else groups)
    mixed = (trade.own_shape + trade.other_shape == QUADRATIC + EXPONENTIAL) & (
        trade.own_shape != trade.other_shape
    )
    if np.any(mixed):
        shares = np.where(mixed, _bisect(trade, cos, sin), shares)
    # Nothing to gain: no concession; nothing to lose (and something to gain): all of it.
    return np.where(other > 0, np.where(own <= 0, 1.0, shares), 0.0)


def _closed_form(own: np.ndarray, other: np.ndarray, groups: list) -> np.ndarray:
    """The interior solution of the first-order condition, clipped to [0, 1].

    ``own`` is ``sin * w r`` and ``other`` is ``cos * w' r'``; ``f'`` is 1 (linear), ``2 s``
    (quadratic) or ``c exp(c (s - 1)) / (1 - exp(-c))`` (exponential). Issues are solved in
    groups of the same pair of shapes (``shape_groups``).
    """
    shares = np.zeros_like(own)
    for pair, columns, parts in groups:
        solve = _SOLUTIONS.get(pair, _no_closed_form)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            shares[:, columns] = solve(own[:, columns], other[:, columns], *parts)
    return np.fmin(np.fmax(shares, 0.0), 1.0)  # NaN to 0 (fmax drops it), infinities clipped


def _log_marginal(scale, curvature):
    """``log(scale * c / (1 - exp(-c)))``: the log of an exponential marginal at ``s = 1``."""
    curvature = np.maximum(curvature, 1e-9)
    return np.log(scale * curvature / -np.expm1(-curvature)), curvature


def _own_exponential(own, other, r, r_other, c, c_other):
    log_own, c = _log_marginal(own, c)
    return (1.0 + (np.log(other) - log_own) / c) / r


def _other_exponential(own, other, r, r_other, c, c_other):
    log_other, c_other = _log_marginal(other, c_other)
    return 1.0 - (1.0 + (np.log(own) - log_other) / c_other) / r_other


def _both_exponential(own, other, r, r_other, c, c_other):
    (log_own, c), (log_other, c_other) = _log_marginal(own, c), _log_marginal(other, c_other)
    return (log_other - log_own + c_other * (r_other - 1.0) + c) / (c * r + c_other * r_other)


def _no_closed_form(own, *_):
    return np.zeros_like(own)


_SOLUTIONS = {
    (LINEAR, LINEAR): lambda own, other, *_: np.where(other > own, 1.0, 0.0),
    (QUADRATIC, LINEAR): lambda own, other, r, *_: other / (2.0 * own * r),
    (LINEAR, QUADRATIC): lambda own, other, r, r_other, *_: 1.0 - own / (2.0 * other * r_other),
    (QUADRATIC, QUADRATIC): lambda own, other, r, r_other, *_: (
        other * r_other / (other * r_other + own * r)
    ),
    (EXPONENTIAL, LINEAR): _own_exponential,
    (LINEAR, EXPONENTIAL): _other_exponential,
    (EXPONENTIAL, EXPONENTIAL): _both_exponential,
}
"""Solutions of the first-order condition by pair of shapes (own, other)."""


def _bisect(trade: Trade, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """The maximiser found by bisection on the falling derivative."""
    low = np.zeros_like(trade.own_reach)
    high = np.ones_like(low)
    for _ in range(ITERATIONS):
        middle = 0.5 * (low + high)
        rising = trade.slope(middle, cos, sin) > 0
        low, high = np.where(rising, middle, low), np.where(rising, high, middle)
    return 0.5 * (low + high)


def efficient_shares(trade: Trade, need: np.ndarray) -> np.ndarray:
    """Concessions that give up ``need`` value and give the other side as much as possible.

    Issues the other side does not value are conceded only once the others are all the way,
    and then by the same share each; where ``need`` exceeds the value of conceding everything,
    everything is conceded.

    Args:
        trade: The trade-offs, shape ``(N, K)``.
        need: Value to give up per run, shape ``(N,)``.

    Returns:
        Shares in [0, 1], shape ``(N, K)``.

    Examples:
        >>> linear = Trade(*(np.array([[0.5, 0.5]]), np.array([[1.0, 1.0]]), np.zeros((1, 2)), 1.0)
        ...                * 2)
        >>> efficient_shares(linear, np.array([0.25])).round(3).tolist()
        [[0.5, 0.0]]
    """
    if trade.linear:
        return shares_in_order(linear_order(trade), need)
    groups = shape_groups(trade)
    shares = best_shares(trade, efficient_angle(trade, need, groups), groups)
    valued = trade.other_weight * trade.other_reach > 0
    rest = need - trade.loss(np.where(valued, 1.0, 0.0)).sum(axis=1)
    beyond = rest > 0
    if beyond.any():
        extra = uniform_shares_shaped(replace(trade, own_weight=trade.own_weight * ~valued), rest)
        shares = np.where(beyond[:, None], np.where(valued, 1.0, extra), shares)
    return shares


def efficient_angle(trade: Trade, need: np.ndarray, groups: list | None = None) -> np.ndarray:
    """The angle whose efficient package gives up ``need`` value (or as close as it can).

    The value given up by :func:`best_shares` falls as the angle rises, from everything the
    other side values at 0 to nothing at pi/2, so the angle is the root of ``loss - need``
    (:func:`sim.maths.roots.bracketed_root`, to within 1e-12). Of the final bracket, the end
    that gives up no more than ``need`` is returned; where ``need`` exceeds what conceding
    everything valued gives up, the angle is 0.

    Args:
        trade: The trade-offs, shape ``(N, K)``.
        need: Value to give up per run, shape ``(N,)``.
        groups: ``shape_groups(trade)``, when already worked out.

    Returns:
        Angles in [0, pi/2], shape ``(N,)``.
    """
    groups = shape_groups(trade) if groups is None else groups
    picked: tuple[np.ndarray | None, Trade, list] = (None, trade, groups)

    def excess(theta: np.ndarray, rows: np.ndarray) -> np.ndarray:
        nonlocal picked
        if len(rows) == len(need):
            part, chosen = trade, groups
        else:
            if rows is not picked[0]:  # the root finder has picked its rows again
                subsets = [(pair, columns, [x[rows] for x in xs]) for pair, columns, xs in groups]
                picked = (rows, trade.of_runs(rows), subsets)
            part, chosen = picked[1:]
        return issue_sum(part.loss(best_shares(part, theta, chosen))) - need[rows]

    everything = np.arange(len(need))
    low, high = np.zeros_like(need), np.full_like(need, np.pi / 2)
    ends, values = bracketed_root(excess, low, high, excess(low, everything), -need)
    return np.where(values[:, 0] <= 0, ends[:, 0], ends[:, 1])


def linear_order(trade: Trade) -> Concessions:
    """The order in which a linear trade's efficient concessions move the issues.

    Cheapest first per unit of what the other side gains (:func:`efficient_shares` with linear
    values on both sides); it does not depend on how much is given up.
    """
    costs = trade.own_weight * trade.own_reach
    return cheapest_first_order(costs, trade.other_weight * trade.other_reach)


def uniform_shares_shaped(trade: Trade, need: np.ndarray) -> np.ndarray:
    """The same concession share on every issue, giving up ``need`` value (or everything)."""
    low, high = np.zeros_like(need), np.ones_like(need)
    for _ in range(ITERATIONS):
        middle = 0.5 * (low + high)
        too_much = trade.loss(np.broadcast_to(middle[:, None], trade.own_reach.shape)).sum(1) > need
        low, high = np.where(too_much, low, middle), np.where(too_much, middle, high)
    return np.broadcast_to(high[:, None], trade.own_reach.shape).copy()


def frontier_curve(trade: Trade, points: int = 65) -> tuple[np.ndarray, np.ndarray]:
    """The efficient frontier sampled at ``points`` angles, as losses and gains from the start.

    Returns:
        ``(loss, gain)``, each shape ``(N, points)``: what the conceding side gives up and the
        other side gains at each sampled efficient package, from no concession to all it values.
        The frontier between samples is taken as the straight segment, which for concave values
        lies inside it by at most the curvature times the squared spacing.
    """
    runs = trade.own_reach.shape[0]
    angles = np.linspace(np.pi / 2, 0.0, points)
    losses, gains = np.empty((runs, points)), np.empty((runs, points))
    groups = shape_groups(trade)
    for index, angle in enumerate(angles):
        shares = best_shares(trade, angle, groups)
        losses[:, index] = issue_sum(trade.loss(shares))
        gains[:, index] = issue_sum(trade.gain(shares))
    return losses, gains
