"""Rejection ABC: the scenario's uncertain parameters conditioned on what happened.

Approximate Bayesian computation by rejection (Pritchard et al. 1999; Beaumont, Zhang & Balding
2002) over one batch: each run drew every uncertain parameter from its prior (the ``drawn.*``
columns of the runs table) and produced an outcome; the runs whose outcome lies nearest what
happened are kept, weighted by how near, and their draws are the posterior.

**The distance** between a run and the observation (``Target``) is the root mean square of
components, each scaled to ``[0, 1]`` so that none dominates by its unit:

- ``ending``: 0 if the run ended as the talks did, else 1;
- ``date`` (when the talks ended in a deal): the days between the run's deal and the observed
  deal over the days the calendar can reach (start to the original deadline plus the longest
  chain of extensions), at most 1; 1 for a run without a deal;
- ``extensions``: the difference in the number of extensions over the most the calendar allows,
  at most 1;
- ``deadline``: the days between the deadline in force when the run ended and the observed one,
  over the same span as the date's, at most 1;
- one per issue: the distance of the run's value from the observed value or interval (or, for
  an issue the deal did not settle, from its no-deal value) over the issue's range, at most 1.

Each component has a weight (``DEFAULT_WEIGHTS``, 1 each): ``d = sqrt(sum w_k c_k^2 / sum w_k)``.

**The tolerance** is the ``accept`` quantile of the distances (``DEFAULT_ACCEPT``): the runs at
or below it are accepted. Each accepted run is weighted by the Epanechnikov kernel
``1 - (d / tolerance)^2`` (Beaumont et al. 2002), so nearer runs count more; the effective sample
size of those weights says how many independent draws the posterior is worth.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.backtest import days_from, no_deal_values
from sim.analysis.posterior import (
    effective_sample_size,
    fit_distribution,
    weighted_mean_sd,
    weighted_quantiles,
)
from sim.params.distributions import DistributionBase
from sim.scenario.observed import Observed
from sim.scenario.schema import Scenario, longest_extension, uncertain_parameters

DEFAULT_ACCEPT = 0.05
"""Share of the runs accepted, nearest first: the tolerance is this quantile of the distances."""
DEFAULT_WEIGHTS = {"ending": 1.0, "date": 1.0, "extensions": 1.0, "deadline": 1.0, "issues": 1.0}
"""Weight of each kind of component of the distance (``issues``: each issue's)."""
CREDIBLE_LEVEL = 0.9
"""Probability of the central credible interval reported for each parameter."""
DRAWN = "drawn."
"""Prefix of the runs table's columns holding each run's draw of an uncertain parameter."""


@dataclass(frozen=True)
class Target:
    """What happened, as the distance compares a run with it.

    Attributes:
        ending: How the talks ended (one of ``sim.columns.ENDINGS``).
        agreement_date: The deal's date, or ``None`` without a deal.
        extensions: How many times the deadline moved.
        deadline_in_force: The deadline in force when the talks ended.
        issues: The observed ``(low, high)`` of each issue (equal ends when exact), or ``None``
            for an issue the deal did not settle.
    """

    ending: str
    agreement_date: dt.date | None
    extensions: int
    deadline_in_force: dt.date
    issues: dict[str, tuple[float, float] | None]


def target_of(observed: Observed) -> Target:
    """The target of an observed-outcome file."""
    return Target(
        ending=observed.ended_by.value,
        agreement_date=observed.agreement_date.value if observed.agreement_date else None,
        extensions=observed.extensions.value,
        deadline_in_force=observed.deadline_in_force.value,
        issues={
            name: fact.interval if fact.settled else None for name, fact in observed.issues.items()
        },
    )


def target_of_run(row: pd.Series, scenario: Scenario) -> Target:
    """The target a run of the runs table would be, as if it had happened (for checks of ABC)."""
    date = row["agreement_date"]
    return Target(
        ending=str(row["ended_by"]),
        agreement_date=None if pd.isna(date) else pd.Timestamp(date).date(),
        extensions=int(row["extensions"]),
        deadline_in_force=pd.Timestamp(row["deadline_in_force"]).date(),
        issues={name: (row[f"issue.{name}"],) * 2 for name in scenario.issues},
    )


def distance_components(
    table: pd.DataFrame, scenario: Scenario, target: Target
) -> dict[str, np.ndarray]:
    """Each component of the distance of every run from the target, in ``[0, 1]``.

    Args:
        table: The runs table (``ended_by``, ``agreement_date``, ``extensions``,
            ``deadline_in_force``, ``issue.<issue>`` of the target's issues).
        scenario: The scenario of the batch.
        target: What happened.

    Returns:
        Arrays of one value per run, by component (``ending``, ``date``, ``extensions``,
        ``deadline``, ``issue.<issue>``).
    """
    calendar = scenario.calendar
    span = max((calendar.deadline - calendar.start).days + longest_extension(calendar), 1)
    components = {"ending": (table["ended_by"].to_numpy() != target.ending).astype(float)}
    if target.agreement_date is not None:
        gap = np.abs(days_from(table["agreement_date"], target.agreement_date)) / span
        components["date"] = np.minimum(np.nan_to_num(gap, nan=1.0), 1.0)
    most = max(calendar.extension.times, target.extensions, 1)
    moves = np.abs(table["extensions"].to_numpy(float) - target.extensions) / most
    components["extensions"] = np.minimum(moves, 1.0)
    gap = np.abs(days_from(table["deadline_in_force"], target.deadline_in_force)) / span
    components["deadline"] = np.minimum(np.nan_to_num(gap, nan=1.0), 1.0)
    for name, interval in target.issues.items():
        low, high = scenario.issues[name].bounds
        values = table[f"issue.{name}"].to_numpy(float)
        if interval is None:
            no_deal = no_deal_values(table, scenario, name)
            interval = (no_deal, no_deal)
        outside = np.maximum(interval[0] - values, 0) + np.maximum(values - interval[1], 0)
        components[f"issue.{name}"] = np.minimum(outside / (high - low), 1.0)
    return components


def distances(
    components: dict[str, np.ndarray], weights: dict[str, float] | None = None
) -> np.ndarray:
    """``sqrt(sum w_k c_k^2 / sum w_k)`` over the components (``DEFAULT_WEIGHTS`` by kind).

    Examples:
        >>> distances({"ending": np.array([0.0, 1.0]), "issue.x": np.array([0.5, 0.0])}).tolist()
        [0.3535533905932738, 0.7071067811865476]
    """
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    total, squares = 0.0, 0.0
    for name, values in components.items():
        weight = weights["issues" if name.startswith("issue.") else name]
        total += weight
        squares = squares + weight * np.square(values)
    return np.sqrt(squares / total) if total > 0 else np.zeros_like(squares)


def acceptance(distance: np.ndarray, accept: float) -> tuple[float, np.ndarray]:
    """The tolerance (the ``accept`` quantile of the distances) and each run's kernel weight.

    A run at or below the tolerance weighs ``1 - (d / tolerance)^2`` (Epanechnikov), every other
    run 0; when that leaves no weight (a tolerance of 0, or every accepted run at it), the
    accepted runs weigh 1 each.

    Examples:
        >>> tolerance, weights = acceptance(np.array([0.0, 0.1, 0.2, 0.4]), 0.5)
        >>> round(tolerance, 3), weights.round(3).tolist()
        (0.15, [1.0, 0.556, 0.0, 0.0])
    """
    if not 0 < accept <= 1:
        raise ValueError(f"the accepted share must be above 0 and at most 1, got {accept}")
    tolerance = float(np.quantile(distance, accept))
    if tolerance == 0:
        return tolerance, (distance == 0).astype(float)
    weights = np.where(distance <= tolerance, 1 - np.square(distance / tolerance), 0.0)
    if not weights.any():  # every accepted run stands at the tolerance: weigh them alike
        weights = (distance <= tolerance).astype(float)
    return tolerance, weights


@dataclass
class ParameterPosterior:
    """One uncertain parameter: its prior, the weighted accepted draws, the fitted posterior.

    Attributes:
        path: The parameter's dotted path in the scenario.
        prior: Its distribution in the scenario.
        prior_mean: Mean of its draws over all runs; ``prior_sd`` their standard deviation.
        mean: Posterior mean; ``sd`` the posterior standard deviation.
        interval: The central ``CREDIBLE_LEVEL`` credible interval.
        fitted: The fitted distribution, as scenario YAML data.
    """

    path: str
    prior: DistributionBase
    prior_mean: float
    prior_sd: float
    mean: float
    sd: float
    interval: tuple[float, float]
    fitted: dict[str, Any]

    @property
    def shrinkage(self) -> float:
        """``1 - posterior sd / prior sd``: how much the observation narrowed the parameter."""
        return 1 - self.sd / self.prior_sd if self.prior_sd > 0 else math.nan

    def record(self) -> dict[str, Any]:
        """The parameter as stored in ``calibration.json``."""
        return {
            "path": self.path,
            "prior": self.prior.model_dump(),
            "prior_mean": self.prior_mean,
            "prior_sd": self.prior_sd,
            "posterior_mean": self.mean,
            "posterior_sd": self.sd,
            "credible_interval": list(self.interval),
            "credible_level": CREDIBLE_LEVEL,
            "shrinkage": self.shrinkage,
            "fitted": self.fitted,
        }


@dataclass
class Calibration:
    """The rejection-ABC posterior of a scenario's uncertain parameters.

    Attributes:
        runs: Runs in the batch.
        accept: The share asked to be accepted.
        tolerance: The distance at or below which a run is accepted.
        weights: Each run's weight (0 for a rejected run).
        distance: Each run's distance from what happened.
        parameters: Each uncertain parameter's posterior.
        components: The names of the distance's components.
    """

    runs: int
    accept: float
    tolerance: float
    weights: np.ndarray
    distance: np.ndarray
    parameters: list[ParameterPosterior] = field(default_factory=list)
    components: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        """Runs in the posterior: those with a weight (a run exactly at the tolerance weighs 0)."""
        return int((self.weights > 0).sum())

    @property
    def acceptance_rate(self) -> float:
        """Share of the runs accepted."""
        return self.accepted / self.runs

    @property
    def effective_sample_size(self) -> float:
        """Kish's effective sample size of the weights."""
        return effective_sample_size(self.weights)

    def record(self) -> dict[str, Any]:
        """The calibration as stored in ``calibration.json``."""
        return {
            "runs": self.runs,
            "accept": self.accept,
            "tolerance": self.tolerance,
            "accepted": self.accepted,
            "acceptance_rate": self.acceptance_rate,
            "effective_sample_size": self.effective_sample_size,
            "distance_components": self.components,
            "distance_weights": DEFAULT_WEIGHTS,
            "parameters": [parameter.record() for parameter in self.parameters],
        }

    def fitted(self) -> dict[str, dict[str, Any]]:
        """The fitted distribution of each parameter, by dotted path."""
        return {parameter.path: parameter.fitted for parameter in self.parameters}


def calibrate_table(
    table: pd.DataFrame,
    scenario: Scenario,
    target: Target,
    accept: float = DEFAULT_ACCEPT,
) -> Calibration:
    """Rejection ABC of the scenario's uncertain parameters on a batch's runs table.

    Args:
        table: The runs table of a batch of the scenario (with its ``drawn.*`` columns).
        scenario: The scenario; its uncertain parameters are the ones calibrated.
        target: What happened (``target_of``).
        accept: Share of the runs to accept (0 to 1).

    Returns:
        The tolerance, each run's weight and each parameter's posterior.
    """
    components = distance_components(table, scenario, target)
    distance = distances(components)
    tolerance, kernel = acceptance(distance, accept)
    kept = kernel > 0
    parameters = []
    for path, prior in uncertain_parameters(scenario).items():
        draws = table[DRAWN + path].to_numpy(float)
        values, weight = draws[kept], kernel[kept]
        prior_mean, prior_sd = weighted_mean_sd(draws, np.ones_like(draws))
        mean, sd = weighted_mean_sd(values, weight)
        tail = (1 - CREDIBLE_LEVEL) / 2
        low, high = weighted_quantiles(values, weight, [tail, 1 - tail])
        parameters.append(
            ParameterPosterior(
                path,
                prior,
                prior_mean,
                prior_sd,
                mean,
                sd,
                (float(low), float(high)),
                fit_distribution(prior, values, weight),
            )
        )
    return Calibration(
        runs=len(table),
        accept=accept,
        tolerance=tolerance,
        weights=kernel,
        distance=distance,
        parameters=parameters,
        components=list(components),
    )
