"""Quantile functions (inverse CDFs) of the scenario distributions.

A point ``u`` of the unit interval maps to the value below which a share ``u`` of the
distribution lies, so a design over the unit cube (e.g. a Sobol sequence) becomes a design in
the parameters' own units, each parameter keeping the distribution the scenario gives it.
"""

from __future__ import annotations

import math

import numpy as np

from sim.params.distributions import (
    Beta,
    Choice,
    DistributionBase,
    Lognormal,
    Normal,
    Triangular,
    Uniform,
)


def quantile(distribution: DistributionBase, u: np.ndarray) -> np.ndarray:
    """The inverse CDF of a scenario distribution at probabilities ``u``.

    Args:
        distribution: A scenario distribution.
        u: Probabilities in ``[0, 1]``.

    Returns:
        One value per probability, in the distribution's units.

    Raises:
        TypeError: The distribution has no quantile function here.

    Examples:
        >>> from sim.params.distributions import Choice, Uniform
        >>> quantile(Uniform(dist="uniform", low=2, high=4), np.array([0.0, 0.5, 1.0])).tolist()
        [2.0, 3.0, 4.0]
        >>> choice = Choice(dist="choice", values=[28, 21, 24], weights=[1, 1, 2])
        >>> quantile(choice, np.array([0.1, 0.3, 0.6, 0.9])).tolist()
        [21.0, 24.0, 24.0, 28.0]
    """
    from scipy import stats  # imported here: scipy.stats is slow to import

    u = np.asarray(u, dtype=float)
    if isinstance(distribution, Uniform):
        return distribution.low + u * (distribution.high - distribution.low)
    if isinstance(distribution, Normal):
        a = (distribution.low - distribution.mean) / distribution.sd
        b = (distribution.high - distribution.mean) / distribution.sd
        return stats.truncnorm.ppf(u, a, b, loc=distribution.mean, scale=distribution.sd)
    if isinstance(distribution, Beta):
        width = distribution.high - distribution.low
        return distribution.low + width * stats.beta.ppf(u, distribution.a, distribution.b)
    if isinstance(distribution, Triangular):
        width = distribution.high - distribution.low
        mode = (distribution.mode - distribution.low) / width
        return stats.triang.ppf(u, mode, loc=distribution.low, scale=width)
    if isinstance(distribution, Lognormal):
        return stats.lognorm.ppf(u, distribution.sigma, scale=math.exp(distribution.mu))
    if isinstance(distribution, Choice):
        return choice_quantile(distribution, u)
    raise TypeError(f"no quantile function for {type(distribution).__name__}")


def choice_quantile(distribution: Choice, u: np.ndarray) -> np.ndarray:
    """Weighted quantile: the smallest value whose cumulative weight exceeds ``u``.

    Args:
        distribution: A ``choice`` among values, with optional weights (equal by default).
        u: Probabilities in ``[0, 1]``.

    Returns:
        One of the values per probability.

    Examples:
        >>> choice = Choice(dist="choice", values=[3, 1, 2])
        >>> choice_quantile(choice, np.array([0.0, 0.4, 0.7, 1.0])).tolist()
        [1.0, 2.0, 3.0, 3.0]
    """
    values = np.asarray(distribution.values, dtype=float)
    weights = np.ones(len(values)) if distribution.weights is None else distribution.weights
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights, dtype=float)[order])
    cumulative /= cumulative[-1]
    index = np.searchsorted(cumulative, u, side="right")
    return values[order][np.minimum(index, len(values) - 1)]
