"""Probability distributions that a scenario parameter may take instead of a fixed number.

A distribution is written in YAML as a mapping with a ``dist`` key, for example::

    weight: {dist: uniform, low: 0.2, high: 0.4}
    ideal:  {dist: normal, mean: 1.5, sd: 0.5, low: 0, high: 10}

Each is drawn once per run. ``support()`` gives the interval the draws fall in, which the scenario
validation compares with the bounds of the parameter (a weight cannot be negative, a probability
cannot exceed 1).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator


class DistributionBase(BaseModel):
    """Common behaviour: strict keys, finite numbers, a sampler and a support interval."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` independent values."""
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        raise NotImplementedError


class Uniform(DistributionBase):
    """Uniform on ``[low, high]``."""

    dist: Literal["uniform"]
    low: float
    """Lowest value."""
    high: float
    """Highest value."""

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must not exceed high ({self.high})")
        if not math.isfinite(self.high - self.low):
            raise ValueError(f"low ({self.low}) and high ({self.high}) are too far apart")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # noqa: D102
        return rng.uniform(self.low, self.high, size)

    def support(self) -> tuple[float, float]:  # noqa: D102
        return self.low, self.high


class Normal(DistributionBase):
    """Normal with mean and standard deviation, truncated to ``[low, high]`` when given."""

    dist: Literal["normal"]
    mean: float
    """Mean before truncation."""
    sd: float = Field(gt=0)
    """Standard deviation before truncation."""
    low: float = Field(-math.inf, allow_inf_nan=True)
    """Truncates the distribution from below (default: unbounded)."""
    high: float = Field(math.inf, allow_inf_nan=True)
    """Truncates the distribution from above (default: unbounded)."""

    @model_validator(mode="after")
    def _ordered(self) -> Normal:
        if not self.low < self.high:  # also refuses a NaN
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # noqa: D102
        from scipy import stats  # imported here: scipy.stats is slow to import

        a, b = (self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd
        return stats.truncnorm.rvs(a, b, loc=self.mean, scale=self.sd, size=size, random_state=rng)

    def support(self) -> tuple[float, float]:  # noqa: D102
        return self.low, self.high


class Beta(DistributionBase):
    """Beta(a, b) rescaled from ``[0, 1]`` to ``[low, high]``."""

    dist: Literal["beta"]
    a: float = Field(gt=0)
    """First shape parameter."""
    b: float = Field(gt=0)
    """Second shape parameter."""
    low: float = 0.0
    """The value a draw of 0 maps to."""
    high: float = 1.0
    """The value a draw of 1 maps to."""

    @model_validator(mode="after")
    def _ordered(self) -> Beta:
        if self.low >= self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # noqa: D102
        return self.low + (self.high - self.low) * rng.beta(self.a, self.b, size)

    def support(self) -> tuple[float, float]:  # noqa: D102
        return self.low, self.high


class Triangular(DistributionBase):
    """Triangular with lower limit ``low``, peak ``mode`` and upper limit ``high``."""

    dist: Literal["triangular"]
    low: float
    """Lowest value."""
    mode: float
    """Most likely value."""
    high: float
    """Highest value."""

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                f"need low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}"
            )
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # noqa: D102
        return rng.triangular(self.low, self.mode, self.high, size)

    def support(self) -> tuple[float, float]:  # noqa: D102
        return self.low, self.high


class Lognormal(DistributionBase):
    """Lognormal: ``exp(X)`` with ``X ~ normal(mu, sigma)`` (``exp(mu)`` is the median)."""

    dist: Literal["lognormal"]
    mu: float
    """Mean of the logarithm (`exp(mu)` is the median)."""
    sigma: float = Field(gt=0)
    """Standard deviation of the logarithm."""

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # noqa: D102
        return rng.lognormal(self.mu, self.sigma, size)

    def support(self) -> tuple[float, float]:  # noqa: D102
        return 0.0, math.inf


class Choice(DistributionBase):
    """One of ``values``, with optional ``weights`` (normalised to sum to one)."""

    dist: Literal["choice"]
    values: list[float] = Field(min_length=1)
    """The values to choose from."""
    weights: list[Annotated[float, Field(ge=0)]] | None = None
    """Relative weight of each value (default: equal)."""

    @model_validator(mode="after")
    def _weights_match(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
            if not math.isfinite(sum(self.weights)):
                raise ValueError("weights are too large to add up")
        return self

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:  # noqa: D102
        p = None if self.weights is None else np.asarray(self.weights) / sum(self.weights)
        return rng.choice(np.asarray(self.values, dtype=float), size=size, p=p)

    def support(self) -> tuple[float, float]:  # noqa: D102
        return min(self.values), max(self.values)


Distribution = Annotated[
    Uniform | Normal | Beta | Triangular | Lognormal | Choice, Field(discriminator="dist")
]
"""Any of the distributions above, told apart by the ``dist`` key."""

DISTRIBUTION_NAMES = ("uniform", "normal", "beta", "triangular", "lognormal", "choice")
