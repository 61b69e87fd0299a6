"""The shape of an outcome's distribution: quantiles, and the shares at its bounds and its mode.

Agreed values often pile up at an issue's bound (a 0% tariff, a full alignment) or at one interior
value, so a distribution can have two peaks. A median then jumps between scenarios while little
changes; the shares at the bounds and at the mode say what the quantiles hide.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

QUANTILES = {"q05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "q95": 0.95}
MODE_BINS = 200
"""The mode is the most frequent value after rounding to 1/MODE_BINS of the range."""


def distribution_shape(
    values: NDArray[np.float64], bounds: tuple[float, float] | list[float] | None
) -> dict[str, Any]:
    """Quantiles of ``values``, the shares exactly at each bound and the mode with its share.

    Args:
        values: The agreed values (NaNs ignored).
        bounds: The issue's lower and upper bound (the data's range if not given).

    Returns:
        ``count``, ``q05``, ``q25``, ``median``, ``q75``, ``q95``, ``low`` and ``high`` (the
        bounds), ``share_low`` and ``share_high`` (shares of the values at each bound, within a
        millionth of the range), ``mode`` and ``share_mode`` (the most frequent value on a grid of
        ``MODE_BINS`` steps and the share within half a step of it).

    Examples:
        >>> shape = distribution_shape(np.array([0.0, 0.0, 0.0, 0.4, 0.6, 1.0]), (0, 1))
        >>> shape["share_low"], shape["share_high"], shape["mode"], shape["share_mode"]
        (0.5, 0.16666666666666666, 0.0, 0.5)
    """
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    empty = dict.fromkeys(QUANTILES, math.nan)
    if len(values) == 0:
        low, high = bounds if bounds is not None else (math.nan, math.nan)
        nothing = {"share_low": math.nan, "share_high": math.nan, "mode": math.nan}
        return {"count": 0, **empty, "low": low, "high": high, **nothing, "share_mode": math.nan}
    low, high = (float(b) for b in bounds) if bounds is not None else (values.min(), values.max())
    quantiles = np.quantile(values, list(QUANTILES.values()))
    shape = dict(zip(QUANTILES, quantiles.tolist(), strict=True))
    span = (high - low) or 1.0
    step = span / MODE_BINS
    grid = np.round((values - low) / step).astype(np.int64)
    counts = np.bincount(grid - grid.min())
    mode = low + (int(np.argmax(counts)) + grid.min()) * step
    return {
        "count": len(values),
        **shape,
        "low": low,
        "high": high,
        "share_low": float(np.mean(np.abs(values - low) <= 1e-6 * span)),
        "share_high": float(np.mean(np.abs(values - high) <= 1e-6 * span)),
        "mode": float(mode),
        "share_mode": float(np.max(counts) / len(values)),
    }
