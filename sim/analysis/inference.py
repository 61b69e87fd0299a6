"""Statistical inference for comparisons: tests, intervals and multiple-testing adjustment."""

from __future__ import annotations

import math

import numpy as np

LEVEL = 0.95
"""Confidence level of every interval."""
RESAMPLES = 1_000
"""Bootstrap resamples per interval."""


def proportion_interval(successes: int, trials: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion: ``(2np + z^2 -+ z sqrt(z^2 + 4npq)) / (2(n + z^2))``.

    Newcombe (1998), method 3, without continuity correction; the ends are 0 with no successes
    and 1 with no failures.

    It is what ``scipy.stats.binomtest(...).proportion_ci(method="wilson")`` computes, written
    out so that a summary does not import ``scipy.stats`` (about 0.4 s of every ``negsim run``).

    Examples:
        >>> [round(x, 4) for x in proportion_interval(50, 100)]
        [0.4038, 0.5962]
    """
    from scipy.special import ndtri  # a fifth of the import time of scipy.stats

    if trials == 0:
        return (0.0, 1.0)
    share, z = successes / trials, ndtri(0.5 + 0.5 * level)
    denominator = 2 * (trials + z**2)
    centre = (2 * trials * share + z**2) / denominator
    half = z / denominator * math.sqrt(4 * trials * share * (1 - share) + z**2)
    low = 0.0 if successes == 0 else centre - half
    high = 1.0 if successes == trials else centre + half
    return (float(low), float(high))


def holm(p_values: list[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of p-values (missing values stay missing).

    Examples:
        >>> holm([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
        [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid], kind="stable")]
    count = len(order)
    scaled = p[order] * (count - np.arange(count))
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return adjusted


def proportion_test(
    deals_reference: int, runs_reference: int, deals: int, runs: int
) -> tuple[str, float]:
    """Two-sided test of equal deal probabilities: chi-square, or Fisher's exact test if sparse.

    Examples:
        >>> name, p = proportion_test(50, 100, 50, 100)
        >>> name, round(p, 3)
        ('chi-square', 1.0)
    """
    from scipy import stats

    table = np.array([[deals_reference, runs_reference - deals_reference], [deals, runs - deals]])
    if stats.contingency.expected_freq(table).min() < 5:
        return "Fisher exact", float(stats.fisher_exact(table).pvalue)
    return "chi-square", float(stats.chi2_contingency(table).pvalue)


def percentile_interval(draws: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    """The central ``level`` interval of bootstrap draws.

    Examples:
        >>> [round(x, 6) for x in percentile_interval(np.arange(101.0), 0.9)]
        [5.0, 95.0]
    """
    low, high = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def bootstrap_difference(
    reference: np.ndarray,
    other: np.ndarray,
    statistic,
    resamples: int = RESAMPLES,
    rng: np.random.Generator | None = None,
) -> tuple[float, float]:
    """Percentile-bootstrap interval of ``statistic(other) - statistic(reference)``.

    Args:
        reference: Values of the reference scenario.
        other: Values of the other scenario.
        statistic: A numpy reduction taking ``axis`` (``np.median``, ``np.mean``).
        resamples: Bootstrap resamples.
        rng: Random generator of the resampling.

    Returns:
        The interval at ``LEVEL``; NaNs when either side has fewer than two values.
    """
    from scipy import stats

    if len(reference) < 2 or len(other) < 2:
        return (math.nan, math.nan)

    def difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return statistic(y, axis=axis) - statistic(x, axis=axis)

    result = stats.bootstrap(
        (reference, other),
        difference,
        n_resamples=resamples,
        batch=max(1, 2_000_000 // max(len(reference), len(other))),
        vectorized=True,
        method="percentile",
        confidence_level=LEVEL,
        rng=rng,
    )
    interval = result.confidence_interval
    return (float(interval.low), float(interval.high))


def p_value(p: float, equal: bool) -> float:
    """A test's p-value; 1 when the test is undefined because both samples are one same value.

    Examples:
        >>> p_value(float("nan"), equal=True), p_value(0.2, equal=False)
        (1.0, 0.2)
    """
    return 1.0 if math.isnan(p) and equal else p
