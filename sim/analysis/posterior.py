"""Weighted samples of a parameter, and the distribution a scenario file can hold fitted to them.

An ABC posterior (``sim.analysis.calibration``) is a weighted sample of a parameter's prior
draws. A scenario holds a parameter as one of the distributions of ``sim.params.distributions``,
so the posterior written back to a scenario is the prior's family, or the nearest one the loader
knows, fitted by moments and kept on the prior's support:

- a bounded prior (uniform, beta, triangular on ``[low, high]``) gives a beta on ``[low, high]``
  with the sample's mean and variance;
- a normal (truncated or not) gives a normal with the sample's mean and standard deviation, on
  the prior's ``[low, high]`` (the moments of the truncated normal differ a little from the
  parameters' when the truncation bites);
- a lognormal gives a lognormal with the mean and standard deviation of the logarithms;
- a choice gives a choice over the same values, weighted by the sample.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.params.distributions import Choice, DistributionBase, Lognormal, Normal

DIGITS = 6
"""Significant digits of a fitted distribution's numbers as written to a scenario file."""
LARGEST_SHAPE = 1e4
"""The largest shape parameter of a fitted beta (a sample of one value gives a narrow spike)."""


def effective_sample_size(weights: ArrayLike) -> float:
    """Kish's effective sample size ``(sum w)^2 / sum w^2`` of weighted draws.

    Examples:
        >>> effective_sample_size([1, 1, 1, 1]), effective_sample_size([1, 0, 0, 1])
        (4.0, 2.0)
    """
    w = np.asarray(weights, dtype=float)
    total = w.sum()
    return float(total**2 / np.square(w).sum()) if total > 0 else 0.0


def weighted_mean_sd(values: ArrayLike, weights: ArrayLike) -> tuple[float, float]:
    """Weighted mean and standard deviation ``sqrt(sum w (x - m)^2 / sum w)``.

    Examples:
        >>> weighted_mean_sd([0, 2, 4], [1, 2, 1])
        (2.0, 1.4142135623730951)
    """
    x, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    mean = float(np.average(x, weights=w))
    return mean, float(math.sqrt(np.average(np.square(x - mean), weights=w)))


def weighted_quantiles(values: ArrayLike, weights: ArrayLike, q: ArrayLike) -> NDArray[np.float64]:
    """Quantiles of weighted draws: the inverse of the weighted empirical CDF, interpolated.

    Each draw stands at the midpoint of its weight's step (the "Hazen" rule of equal weights).

    Examples:
        >>> weighted_quantiles([1, 2, 3, 4], [1, 1, 1, 1], [0.5]).tolist()
        [2.5]
    """
    x, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    positions = (np.cumsum(w) - w / 2) / w.sum()
    return np.interp(np.asarray(q, dtype=float), positions, x)


def weighted_rank(truth: float, values: ArrayLike, weights: ArrayLike) -> float:
    """The weighted share of draws below ``truth`` (ties count half): its posterior rank in 0-1.

    Examples:
        >>> weighted_rank(2.0, [1, 2, 3, 4], [1, 1, 1, 1])
        0.375
    """
    x, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    below = w[x < truth].sum() + w[x == truth].sum() / 2
    return float(below / w.sum())


def _round(value: float) -> float:
    return float(f"{value:.{DIGITS}g}")


def fit_distribution(
    prior: DistributionBase, values: ArrayLike, weights: ArrayLike
) -> dict[str, Any]:
    """The distribution of the prior's family (or a beta) fitted by moments to weighted draws.

    Args:
        prior: The parameter's distribution in the scenario.
        values: The draws (each within the prior's support).
        weights: Their weights (not all zero).

    Returns:
        The fitted distribution as scenario YAML data (``{"dist": "beta", ...}``); its support is
        the prior's.

    Examples:
        >>> from sim.params.distributions import Uniform
        >>> fit_distribution(Uniform(dist="uniform", low=0, high=2), [0.5, 1, 1.5], [1, 1, 1])
        {'dist': 'beta', 'a': 2.5, 'b': 2.5, 'low': 0.0, 'high': 2.0}
        >>> fit_distribution(Uniform(dist="uniform", low=0.5, high=0.5), [0.5, 0.5], [1, 1])
        {'dist': 'uniform', 'low': 0.5, 'high': 0.5}
    """
    x, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    if isinstance(prior, Choice):
        mass = [float(w[x == value].sum()) for value in prior.values]
        total = sum(mass)
        return {
            "dist": "choice",
            "values": list(prior.values),
            "weights": [_round(m / total) for m in mass],
        }
    if isinstance(prior, Lognormal):
        mu, sigma = weighted_mean_sd(np.log(x), w)
        return {"dist": "lognormal", "mu": _round(mu), "sigma": _round(max(sigma, 1e-9))}
    low, high = prior.support()
    if high <= low:  # a constant written as a distribution: nothing to fit
        return prior.model_dump()
    mean, sd = weighted_mean_sd(x, w)
    if isinstance(prior, Normal):
        fitted: dict[str, Any] = {"dist": "normal", "mean": _round(mean)}
        fitted["sd"] = _round(max(sd, 1e-9 * max(abs(mean), 1.0)))
        if math.isfinite(low):
            fitted["low"] = low
        if math.isfinite(high):
            fitted["high"] = high
        return fitted
    a, b = beta_by_moments((mean - low) / (high - low), (sd / (high - low)) ** 2)
    return {"dist": "beta", "a": _round(a), "b": _round(b), "low": low, "high": high}


def beta_by_moments(mean: float, variance: float) -> tuple[float, float]:
    """The beta ``(a, b)`` on ``[0, 1]`` with the given mean and variance (method of moments).

    ``a = m c``, ``b = (1 - m) c`` with ``c = m (1 - m) / v - 1``; a variance at or beyond
    ``m (1 - m) / 2`` (``c`` at most 1) gives ``c = 1``, the widest of these betas (U-shaped, with
    most of its mass near both ends), and ``a`` and ``b`` are kept to at most ``LARGEST_SHAPE``.

    Examples:
        >>> beta_by_moments(0.5, 1 / 12)  # the uniform's moments
        (1.0, 1.0)
    """
    mean = min(max(mean, 1e-6), 1 - 1e-6)
    spread = mean * (1 - mean)
    common = spread / variance - 1 if variance > 0 else math.inf
    common = min(max(common, 1.0), LARGEST_SHAPE / max(mean, 1 - mean))
    return float(mean * common), float((1 - mean) * common)


def fitted_density(fitted: dict[str, Any], points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Points ``x`` across a fitted continuous distribution and its density there (none: a choice).

    Examples:
        >>> x, density = fitted_density({"dist": "beta", "a": 1, "b": 1, "low": 0, "high": 2})
        >>> float(density[100])
        0.5
    """
    from scipy import stats  # imported here: scipy.stats is slow to import

    kind = fitted["dist"]
    if kind == "beta":
        low, high = fitted["low"], fitted["high"]
        frozen = stats.beta(fitted["a"], fitted["b"], loc=low, scale=high - low)
    elif kind == "normal":
        mean, sd = fitted["mean"], fitted["sd"]
        low, high = fitted.get("low", mean - 4 * sd), fitted.get("high", mean + 4 * sd)
        a, b = (low - mean) / sd, (high - mean) / sd
        frozen = stats.truncnorm(a, b, loc=mean, scale=sd)
    elif kind == "lognormal":
        frozen = stats.lognorm(fitted["sigma"], scale=math.exp(fitted["mu"]))
        low, high = frozen.ppf(0.001), frozen.ppf(0.999)
    else:
        return np.array([]), np.array([])
    x = low + (high - low) * (np.arange(points) + 0.5) / points  # midpoints: no pole at an end
    return x, frozen.pdf(x)
