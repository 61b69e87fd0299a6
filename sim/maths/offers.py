"""Turning a target utility into a package of issue values (pure functions over numpy arrays).

A negotiator concedes on issue ``k`` by moving from its own ideal point toward the opponent's stated
position (its ideal point): ``x_k = own_k + s_k (opponent_k - own_k)``, a share ``s_k`` in [0, 1].
With linear value functions, full concession on issue ``k`` costs it
``c_k = w_k |opponent_k - own_k| / d_k`` utility, and partial concession costs ``s_k c_k``.
To give up ``need`` utility it either

- concedes on the cheapest issues first (``cheapest_first``): the issue that costs it least goes all
  the way before the next one moves, so it yields first where it cares least; an issue it does not
  care about at all is given away at once. This is the solution of the fractional knapsack "give up
  ``need`` utility while moving as many issues as far as possible", i.e. trade-off offers with a
  uniform belief about the opponent's priorities; or
- concedes the same share on every issue (``uniform``).

Where ``need`` exceeds the total cost, the package is the opponent's position.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.maths.utility import value_range


class Concessions(NamedTuple):
    """The order of cheapest-first concessions, shape ``(N, K)`` each (``cheapest_first_order``).

    Attributes:
        places: Each issue's place in the order, 0 for the cheapest.
        sorted_costs: The issues' costs of full concession, in that order.
        spent_before: What conceding all the issues before each costs.
    """

    places: np.ndarray
    sorted_costs: np.ndarray
    spent_before: np.ndarray

    def of_runs(self, rows: np.ndarray) -> Concessions:
        """The same order in the runs ``rows`` only."""
        return Concessions(*(part[rows] for part in self))


def concession_costs(own_ideal, opponent_ideal, weights, low, high) -> np.ndarray:
    """Utility lost by conceding each issue all the way to the opponent's position, ``c_k``."""
    return weights * np.abs(opponent_ideal - own_ideal) / value_range(own_ideal, low, high)


def cheapest_first_shares(
    costs: np.ndarray, need: np.ndarray, gains: np.ndarray | None = None
) -> np.ndarray:
    """Concession shares that give up ``need`` utility, cheapest issues first.

    With ``gains`` (what the opponent gains from full concession on each issue), the issues are
    taken in order of cost per unit of the opponent's gain instead: the package that gives the
    opponent most for the utility given up (a trade-off offer).

    Args:
        costs: Cost of full concession per issue, shape ``(N, K)``.
        need: Utility to give up per run, shape ``(N,)``.
        gains: Opponent's gain from full concession per issue, shape ``(N, K)``, or ``None``.

    Returns:
        Shares in [0, 1], shape ``(N, K)``.

    Examples:
        >>> cheapest_first_shares(np.array([[0.2, 0.1, 0.4]]), np.array([0.2])).round(6).tolist()
        [[0.5, 1.0, 0.0]]
    """
    return shares_in_order(cheapest_first_order(costs, gains), need)


def cheapest_first_order(costs: np.ndarray, gains: np.ndarray | None = None) -> Concessions:
    """The order in which :func:`cheapest_first_shares` moves the issues, whatever the need.

    Args:
        costs: Cost of full concession per issue, shape ``(N, K)``.
        gains: Opponent's gain from full concession per issue, or ``None``.

    Returns:
        The issues in order, their costs in that order, and what the issues before each cost.
    """
    if gains is None:
        order = np.argsort(costs, axis=1, kind="stable")
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            price = np.where(costs > 0, costs / np.maximum(gains, 0.0), -np.inf)
        order = np.argsort(np.nan_to_num(price, nan=np.inf, posinf=np.inf), axis=1, kind="stable")
    sorted_costs = np.take_along_axis(costs, order, axis=1)
    places = np.argsort(order, axis=1)
    return Concessions(places, sorted_costs, np.cumsum(sorted_costs, axis=1) - sorted_costs)


def shares_in_order(concessions: Concessions, need: np.ndarray) -> np.ndarray:
    """Concession shares that give up ``need`` utility, the issues moving in their order."""
    places, sorted_costs, spent_before = concessions
    remaining = need[:, None] - spent_before
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sorted_shares = np.where(sorted_costs > 0, remaining / sorted_costs, 1.0)
    runs, issues = sorted_shares.shape
    # Each issue's share, read from its place among all runs' sorted shares laid end to end.
    return (
        np.clip(sorted_shares, 0.0, 1.0)
        .reshape(-1)
        .take(places + issues * np.arange(runs)[:, None])
    )


def uniform_shares(costs: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Concession shares that give up ``need`` utility by conceding the same share on every issue.

    Examples:
        >>> uniform_shares(np.array([[0.2, 0.1, 0.4]]), np.array([0.35])).round(6).tolist()
        [[0.5, 0.5, 0.5]]
    """
    total = costs.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, need / total, 1.0)
    return np.broadcast_to(np.clip(share, 0.0, 1.0)[:, None], costs.shape).copy()


OFFER_RULES = {"cheapest_first": cheapest_first_shares, "uniform": uniform_shares}
"""Offer rules by the name scenario files use (``offer_rule:``)."""


def package(own_ideal, opponent_ideal, shares) -> np.ndarray:
    """Issue values after conceding ``shares`` of the way toward the opponent's position.

    The result is clipped to the segment between the two positions, so rounding can never take
    it past them (and so past the issue's bounds).

    Examples:
        >>> package(np.array([1.0]), np.array([0.1]), np.array([1.0])).tolist()
        [0.1]
    """
    moved = own_ideal + shares * (opponent_ideal - own_ideal)
    return np.clip(
        moved, np.minimum(own_ideal, opponent_ideal), np.maximum(own_ideal, opponent_ideal)
    )
