"""The share of an output's variance that comes from the model's own randomness.

A run's outcome depends on its parameters and on the model's own random numbers (whether talks
break down in a round, whether the deadline is extended, whether a summit takes place). Sobol
indices of the parameters cannot explain the second part: a parameter that acts only through it
(the breakdown probability) shows small indices even when it moves the mean. Running the design's
matrix A a second time with other random numbers estimates that share directly (the total index
of the noise, Jansen's estimator): ``mean((y - y')^2) / 2 / var(y)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def noise_share(first: NDArray[np.float64], second: NDArray[np.float64]) -> float:
    """Share of the variance due to the model's randomness, from runs repeated at fixed values.

    Args:
        first: The output of runs at given parameter values.
        second: The output of the same parameter values with other random numbers.

    Returns:
        Jansen's estimate, clipped to [0, 1]; NaN when the output does not vary.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> x = rng.normal(size=20_000)  # the parameters' part, variance 1
        >>> y1, y2 = x + rng.normal(size=20_000), x + rng.normal(size=20_000)  # noise, variance 1
        >>> round(noise_share(y1, y2), 1)
        0.5
    """
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    variance = np.var(np.concatenate([first, second]))
    if not variance > 0:
        return float("nan")
    return float(np.clip(np.mean((first - second) ** 2) / 2 / variance, 0.0, 1.0))
