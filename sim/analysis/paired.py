"""Paired inference: tests and bootstrap intervals for runs matched one to one.

Two result folders with the same seed, chunk size and number of runs hold, run for run, the same
random numbers for every parameter that neither scenario changes (common random numbers). Their
runs are pairs, and a difference is estimated far more precisely from the per-run differences
than from two independent samples.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from sim.analysis.inference import LEVEL, RESAMPLES, percentile_interval

BATCH_VALUES = 2_000_000
"""Values resampled at once in a paired bootstrap (bounds its memory)."""


def mcnemar_exact(reference_only: int, other_only: int) -> float:
    """Exact McNemar test: two-sided binomial test of the discordant pairs against one half.

    Args:
        reference_only: Pairs where only the reference run reached a deal.
        other_only: Pairs where only the other run reached a deal.

    Returns:
        The p-value; 1 when no pair is discordant.

    Examples:
        >>> round(mcnemar_exact(15, 0), 6)
        6.1e-05
        >>> mcnemar_exact(0, 0)
        1.0
    """
    from scipy import stats  # imported here: scipy.stats is slow to import

    discordant = reference_only + other_only
    if discordant == 0:
        return 1.0
    return float(stats.binomtest(other_only, discordant, 0.5).pvalue)


def paired_proportion_interval(
    reference: NDArray[np.bool_],
    other: NDArray[np.bool_],
    resamples: int = RESAMPLES,
    rng: np.random.Generator | None = None,
    level: float = LEVEL,
) -> tuple[float, float]:
    """Paired-bootstrap interval of ``mean(other) - mean(reference)`` for 0/1 outcomes.

    Resampling pairs amounts to drawing how many of them differ by -1, 0 and +1 from a
    multinomial distribution, so the bootstrap is computed that way, whatever the number of runs.

    Examples:
        >>> reference = np.array([True] * 100)
        >>> other = np.array([False] * 10 + [True] * 90)
        >>> interval = paired_proportion_interval(reference, other, rng=np.random.default_rng(0))
        >>> [round(x, 2) for x in interval]
        [-0.16, -0.04]
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    change = other.astype(np.int8) - reference.astype(np.int8)
    pairs = len(change)
    if pairs == 0:
        return (math.nan, math.nan)
    counts = [int((change == -1).sum()), int((change == 0).sum()), int((change == 1).sum())]
    draws = rng.multinomial(pairs, np.asarray(counts) / pairs, resamples)
    return percentile_interval((draws[:, 2] - draws[:, 0]) / pairs, level)


def paired_bootstrap_difference(
    reference: NDArray[np.float64],
    other: NDArray[np.float64],
    statistic: Callable[..., NDArray[np.float64]],
    resamples: int = RESAMPLES,
    rng: np.random.Generator | None = None,
    level: float = LEVEL,
) -> tuple[float, float]:
    """Paired-bootstrap interval of ``statistic(other) - statistic(reference)``.

    The same runs are drawn for both sides. A NaN stands for a run without a value on that side
    (e.g. an issue's value among deals when the run reached none), so ``statistic`` must ignore
    NaNs (``np.nanmedian``, ``np.nanmean``).

    Args:
        reference: One value per run of the reference (NaN: none).
        other: The value of the same run in the other scenario.
        statistic: A NaN-ignoring numpy reduction taking ``axis``.
        resamples: Bootstrap resamples.
        rng: Random generator of the resampling.
        level: Confidence level.

    Returns:
        The percentile interval; NaNs when either side has fewer than two values.

    Examples:
        >>> x = np.arange(200.0)
        >>> low, high = paired_bootstrap_difference(x, x + 1, np.nanmean)
        >>> round(low, 9), round(high, 9)
        (1.0, 1.0)
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    pairs = len(reference)
    if np.count_nonzero(~np.isnan(reference)) < 2 or np.count_nonzero(~np.isnan(other)) < 2:
        return (math.nan, math.nan)
    batch = max(1, BATCH_VALUES // pairs)
    draws = []
    with np.errstate(all="ignore"):
        for start in range(0, resamples, batch):
            index = rng.integers(0, pairs, (min(batch, resamples - start), pairs))
            draws.append(statistic(other[index], axis=1) - statistic(reference[index], axis=1))
    values = np.concatenate(draws)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return (math.nan, math.nan)
    return percentile_interval(values, level)


def signed_rank_test(reference: NDArray[np.float64], other: NDArray[np.float64]) -> float:
    """Wilcoxon signed-rank test of the per-run differences (pairs with a NaN left out).

    Returns:
        The two-sided p-value; 1 when every pair is equal, NaN with no pair.

    Examples:
        >>> x = np.linspace(0, 1, 50)
        >>> signed_rank_test(x, x)
        1.0
        >>> signed_rank_test(x, x + np.linspace(0.01, 0.02, 50)) < 1e-6
        True
    """
    from scipy import stats

    keep = ~(np.isnan(reference) | np.isnan(other))
    differences = other[keep] - reference[keep]
    if len(differences) == 0:
        return math.nan
    if not np.any(differences):
        return 1.0
    with warnings.catch_warnings():  # nearly equal differences: scipy warns, the test holds
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(stats.wilcoxon(differences).pvalue)
