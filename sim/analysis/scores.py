"""Proper scores of a probabilistic forecast against what happened, and skill against a reference.

Every score here is negatively oriented (0 is a perfect forecast, larger is worse), so the skill
of a forecast against a reference forecast is ``1 - score / reference_score``: 1 for a perfect
forecast, 0 for one no better than the reference, negative for a worse one. The scores come from
``scoringrules`` (Zanetti et al., https://github.com/frazane/scoringrules); the forecasts are
Monte Carlo ensembles of a batch.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

SMOOTHING = 0.5
"""Pseudo-count added to every category before a categorical log score (Krichevsky-Trofimov),
so that an outcome no run produced scores a large finite penalty instead of infinity."""


def brier(probability: float, happened: bool) -> float:
    """Brier score ``(p - y)^2`` of a forecast probability ``p``; ``y`` is 1 if the event happened.

    Args:
        probability: The forecast probability of the event, 0 to 1.
        happened: Whether the event happened.

    Examples:
        >>> brier(0.8, True), brier(0.8, False), brier(0.5, True)
        (0.04, 0.64, 0.25)
    """
    import scoringrules as sr

    return round(float(sr.brier_score(float(happened), float(probability))), 12)


def categorical_log_score(counts: ArrayLike, observed: int, smoothing: float = SMOOTHING) -> float:
    """Log score ``-ln p_k`` of the observed category ``k`` under smoothed Monte Carlo frequencies.

    ``p_k = (n_k + a) / (N + a K)`` for ``K`` categories with counts ``n`` summing to ``N`` and the
    pseudo-count ``a`` (``smoothing``).

    Args:
        counts: Number of runs in each category.
        observed: Index of the category that happened.
        smoothing: The pseudo-count ``a`` (0 for the raw frequencies).

    Examples:
        A fair coin's outcome scores ln 2; with smoothing, a category no run produced is finite:

        >>> round(categorical_log_score([50, 50], 0, smoothing=0), 4)
        0.6931
        >>> round(categorical_log_score([10, 0], 1), 4)  # -ln(0.5 / 11)
        3.091
    """
    import scoringrules as sr

    counts = np.asarray(counts, dtype=float)
    probability = (counts[observed] + smoothing) / (counts.sum() + smoothing * len(counts))
    if probability == 0:
        return math.inf
    return float(sr.log_score(1.0, probability))


def uniform_log_score(categories: int) -> float:
    """Log score ``ln K`` of the uniform forecast over ``K`` categories, whatever happened.

    Examples:
        >>> round(uniform_log_score(4), 4)
        1.3863
    """
    return math.log(categories)


def crps_ensemble(observed: float, ensemble: ArrayLike) -> float:
    """Continuous ranked probability score ``E|X - y| - E|X - X'| / 2`` of an ensemble.

    Args:
        observed: The value that happened, ``y``.
        ensemble: The forecast draws ``X`` (here: an issue's value in the runs that reached a deal).

    Returns:
        The CRPS, in the unit of the values; NaN for an empty ensemble.

    Examples:
        >>> round(crps_ensemble(15, [10, 15, 20]), 4)  # (10/3) - (40/9) / 2 = 10/9
        1.1111
        >>> crps_ensemble(3, [3, 3])
        0.0
    """
    import scoringrules as sr

    ensemble = np.asarray(ensemble, dtype=float)
    if ensemble.size == 0:
        return math.nan
    # "qd" (quantile decomposition) sorts the draws: the same value as the energy form "nrg",
    # in O(n log n) time and O(n) memory where "nrg" builds an n-by-n matrix (6 GB at 20,000).
    return float(sr.crps_ensemble(float(observed), ensemble, estimator="qd"))


def crps_uniform(observed: float, low: float, high: float) -> float:
    """CRPS of the uniform forecast over ``[low, high]`` (the reference for an issue's value).

    Examples:
        >>> round(crps_uniform(15, 10, 25), 4)  # E|X - 15| = 62.5 / 15, E|X - X'| = 15 / 3
        1.6667
    """
    import scoringrules as sr

    return float(sr.crps_uniform(float(observed), float(low), float(high)))


def mid_pit(observed: float, ensemble: ArrayLike) -> float:
    """Probability integral transform ``P(X < y) + P(X = y) / 2`` of ``y`` under an ensemble.

    The middle of the jump of the forecast distribution at ``y`` (its point masses: a bound, a
    value every run agrees on), so a calibrated forecast gives values spread evenly over 0 to 1.

    Examples:
        >>> mid_pit(2, [1, 2, 3, 4])
        0.375
        >>> mid_pit(0, [1, 2])
        0.0
    """
    values = np.asarray(ensemble, dtype=float)
    if values.size == 0:
        return math.nan
    return float(np.mean(values < observed) + 0.5 * np.mean(values == observed))


def skill(score: float, reference: float) -> float:
    """Skill ``1 - score / reference`` of a negatively oriented score; NaN without a reference.

    Examples:
        >>> skill(0.05, 0.25), skill(0.25, 0.25), skill(0.5, 0.25)
        (0.8, 0.0, -1.0)
    """
    if not reference or math.isnan(reference) or math.isnan(score):
        return math.nan
    return 1.0 - score / reference


def reliability_table(
    probabilities: ArrayLike, happened: ArrayLike, bins: int = 5
) -> list[dict[str, float]]:
    """Forecast probabilities binned, with the share of events that happened in each bin.

    Args:
        probabilities: Forecast probability of each event.
        happened: 1 (or True) where the event happened.
        bins: Equal-width bins over 0 to 1.

    Returns:
        One entry per non-empty bin: ``low``, ``high``, ``forecast`` (mean forecast probability),
        ``observed`` (share that happened) and ``events``.

    Examples:
        >>> reliability_table([0.1, 0.15, 0.9], [0, 1, 1], bins=2)
        [{'low': 0.0, 'high': 0.5, 'forecast': 0.125, 'observed': 0.5, 'events': 2}, \
{'low': 0.5, 'high': 1.0, 'forecast': 0.9, 'observed': 1.0, 'events': 1}]
    """
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(happened, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    rows = []
    for b in range(bins):
        inside: NDArray[np.bool_] = index == b
        if inside.any():
            rows.append(
                {
                    "low": float(edges[b]),
                    "high": float(edges[b + 1]),
                    "forecast": round(float(p[inside].mean()), 12),
                    "observed": round(float(y[inside].mean()), 12),
                    "events": int(inside.sum()),
                }
            )
    return rows
