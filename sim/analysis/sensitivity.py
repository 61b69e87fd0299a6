"""Global sensitivity analysis: which uncertain parameters drive the outcomes (Sobol indices).

The uncertain parameters are those a scenario draws from distributions. SALib's Saltelli design
(Sobol sequence, first-order and total indices; Saltelli et al. 2010) gives ``N * (D + 2)`` points
in the unit cube for ``D`` parameters and ``N`` base samples; each coordinate is mapped through its
parameter's inverse CDF (``sim.params.quantiles``), so every parameter keeps the distribution the
scenario gives it. Each design point is one run of the model with exactly those values. The
model's own randomness (breakdown, extension) stays seeded; it enters the design as one more
input, held fixed between the points that Sobol estimators compare (``run_design``), and its share
of the variance is explained by no parameter.

Outputs: whether a deal was reached (its Sobol indices are those of the deal probability), the
final value of each issue (the agreed value, or the no-deal value), and each side's utility.

- First-order index ``S1``: the share of the output's variance explained by the parameter alone.
- Total index ``ST``: the share it explains including all its interactions; ``ST`` near zero
  means the parameter can be fixed at any value of its range without changing the output.

The default ``N = 1024`` base samples give 16,384 runs for the baseline's 14 uncertain parameters
(a few seconds); more base samples give narrower confidence intervals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UsageError
from sim.params.distributions import DistributionBase
from sim.params.quantiles import quantile
from sim.scenario.schema import Scenario
from sim.seeds import child

DEFAULT_SAMPLES = 1024
"""Base samples N of the Saltelli design (a power of two)."""
CONFIDENCE_RESAMPLES = 100
"""Bootstrap resamples of SALib's confidence intervals of the indices."""
LEVEL = 0.95
"""Confidence level of the intervals of the indices."""
EDGE = 1e-9
"""Unit-cube coordinates are kept in ``[EDGE, 1 - EDGE]``, so unbounded quantiles stay finite."""
INDICES = ("S1", "S1_conf", "ST", "ST_conf")
"""The indices SALib estimates for each parameter, with the half-widths of their intervals."""
METHOD = (
    "Sobol indices (first-order and total) from a Saltelli design; SALib "
    "sobol.sample(calc_second_order=False) and sobol.analyze"
)
"""The method in words, as recorded in the manifest."""


# Parameters and design ----------------------------------------------------------------------


def round_samples(samples: int) -> int:
    """The smallest power of two at least ``samples`` (the Sobol sequence needs one).

    Args:
        samples: Requested base samples.

    Returns:
        The base samples of the design.

    Raises:
        UsageError: ``samples`` is below 1.

    Examples:
        >>> round_samples(1000), round_samples(1024)
        (1024, 1024)
    """
    if samples < 1:
        raise UsageError(f"samples must be at least 1, got {samples}")
    return 1 << (samples - 1).bit_length()


def design(
    parameters: dict[str, DistributionBase], samples: int, seed: int
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The Saltelli design for first-order and total indices, in the parameters' own units.

    Args:
        parameters: Uncertain parameters by dotted path.
        samples: Base samples N (a power of two).
        seed: Seed of the scrambled Sobol sequence.

    Returns:
        SALib's problem (over the unit cube) and, per path, ``N * (D + 2)`` parameter values.
    """
    from SALib.sample import sobol

    problem = {
        "num_vars": len(parameters),
        "names": list(parameters),
        "bounds": [[0.0, 1.0]] * len(parameters),
    }
    unit = sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    unit = np.clip(unit, EDGE, 1 - EDGE)
    values = {
        path: quantile(distribution, unit[:, index])
        for index, (path, distribution) in enumerate(parameters.items())
    }
    return problem, values


# Running the model at given parameter values ------------------------------------------------


def run_design(
    scenario: Scenario, values: dict[str, np.ndarray], seed: int, engine: Any = None
) -> pd.DataFrame:
    """Run the model once per point of a Saltelli design (without second-order terms).

    The model's own randomness (breakdown, extension) is treated as one more input, held in the
    design's matrix A: the points of matrix A and of every matrix AB_i run with the same random
    numbers, those of matrix B with others. The design's ``D + 2`` blocks of ``N`` points are
    therefore run as separate batches (``sim.batch.chunks.run_batches``) seeded with child 0 of
    ``seed`` (child 1 for matrix B); the ``j``-th run of each batch draws the same random
    numbers when the batches share a seed. Otherwise that noise would count as an interaction
    of every parameter and inflate every total index.

    Args:
        scenario: A validated scenario.
        values: Per uncertain parameter, one value per design point, in SALib's order (per base
            sample: the point of A, the points of AB_1 to AB_D, the point of B).
        seed: Master seed of the model's own randomness.
        engine: Where the blocks run (``sim.batch.engines``, entered); here when ``None``.

    Returns:
        The runs table in design order (``sim.columns``, without the ``run`` column); its
        ``drawn.<path>`` columns hold the given values.
    """
    return run_design_and_repeat(scenario, values, seed, engine, repeat=False)[0]


def run_noise_repeat(
    scenario: Scenario, values: dict[str, np.ndarray], seed: int, engine: Any = None
) -> pd.DataFrame:
    """The points of the design's matrix A run again with other random numbers (child 2).

    Set against the runs of matrix A, they give the share of each output's variance that comes
    from the model's own randomness (``sim.analysis.noise``).
    """
    from sim.batch.chunks import Batch, run_batches  # imported here: it loads the model

    step = len(values) + 2
    part = {path: v[0::step] for path, v in values.items()}
    batch = Batch(scenario, len(next(iter(part.values()))), child(seed, 2), part)
    return next(run_batches([batch], engine)).drop(columns="run")


def run_design_and_repeat(
    scenario: Scenario,
    values: dict[str, np.ndarray],
    seed: int,
    engine: Any = None,
    repeat: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``run_design`` and (if ``repeat``) ``run_noise_repeat``, their batches run together.

    Every block is a batch of its own seed, so the tables are the same on every engine.
    """
    from sim.batch.chunks import Batch, run_batches

    step = len(values) + 2
    points = len(next(iter(values.values())))
    batches = []
    for block in range(step):
        noise = 1 if block == step - 1 else 0  # matrix B draws other random numbers
        part = {path: v[block::step] for path, v in values.items()}
        batches.append(Batch(scenario, points // step, child(seed, noise), part))
    if repeat:
        part = {path: v[0::step] for path, v in values.items()}
        batches.append(Batch(scenario, points // step, child(seed, 2), part))
    tables = [table.drop(columns="run") for table in run_batches(batches, engine)]
    blocks = [
        table.set_index(np.arange(block, points, step)) for block, table in enumerate(tables[:step])
    ]
    return pd.concat(blocks).sort_index(), tables[step] if repeat else None


def noise_shares(
    table: pd.DataFrame, repeat: pd.DataFrame, labels: dict[str, str], parameters: int
) -> dict[str, float]:
    """Per output, the share of its variance from the model's own randomness."""
    from sim.analysis.noise import noise_share

    first = table.iloc[0 :: parameters + 2]
    return {
        column: noise_share(first[column].to_numpy(dtype=float), repeat[column].to_numpy(float))
        for column in labels
    }


def wide_intervals(indices: pd.DataFrame) -> pd.DataFrame:
    """The indices whose 95% interval is wider than the index it bounds, or that are negative.

    Examples:
        >>> frame = pd.DataFrame({"S1": [0.5, 0.01, -0.1], "S1_conf": [0.1, 0.2, 0.05],
        ...     "ST": [0.6, 0.3, 0.2], "ST_conf": [0.1, 0.1, 0.1]})
        >>> wide_intervals(frame).index.tolist()
        [1, 2]
    """
    wide = (indices["S1_conf"] > indices["S1"].abs()) | (indices["ST_conf"] > indices["ST"].abs())
    return indices[wide | (indices["S1"] < 0) | (indices["ST"] < 0)]


# Indices ------------------------------------------------------------------------------------


def outputs(scenario: Scenario) -> dict[str, str]:
    """The outputs analysed, as ``{runs table column: label}``.

    Args:
        scenario: A validated scenario.

    Returns:
        The deal, each issue's final value and each side's utility, with their labels.
    """
    labels = {"agreed": "deal probability"}
    labels.update({f"issue.{name}": issue.label for name, issue in scenario.issues.items()})
    labels.update(
        {
            f"utility.{party}": f"utility of {spec.label}"
            for party, spec in scenario.negotiators.items()
        }
    )
    return labels


def short_label(path: str) -> str:
    """A parameter's dotted path without the ``negotiators.`` and ``preferences.`` parts.

    Args:
        path: A parameter's dotted path in the scenario.

    Returns:
        The short label shown in tables and charts.

    Examples:
        >>> short_label("negotiators.us.preferences.tariff.ideal")
        'us.tariff.ideal'
    """
    return path.removeprefix("negotiators.").replace(".preferences.", ".")


def _indices(problem: dict[str, Any], y: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """SALib's indices of one output, or missing values for an output that does not vary."""
    from SALib.analyze import sobol

    if not np.nanvar(y) > 0:
        return {key: np.full(problem["num_vars"], np.nan) for key in INDICES}
    return sobol.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=CONFIDENCE_RESAMPLES,
        conf_level=LEVEL,
        seed=seed,
    )


def sobol_table(
    problem: dict[str, Any], table: pd.DataFrame, labels: dict[str, str], seed: int
) -> pd.DataFrame:
    """First-order and total Sobol indices of each output, with 95% confidence intervals.

    Args:
        problem: SALib's problem of the design.
        table: The runs of the design, in design order.
        labels: Outputs as ``{column: label}``.
        seed: Seed of SALib's bootstrap of the confidence intervals.

    Returns:
        One row per output and parameter: ``output``, ``output_label``, ``parameter`` (dotted
        path), ``label`` (short), ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (half-widths of the
        95% intervals) and ``rank`` (1 = largest ``ST`` for that output). The indices are
        missing for an output that does not vary.
    """
    rows = []
    for column, label in labels.items():
        found = _indices(problem, table[column].to_numpy(dtype=float), seed)
        frame = pd.DataFrame(
            {
                "output": column,
                "output_label": label,
                "parameter": problem["names"],
                "label": [short_label(name) for name in problem["names"]],
                **{key: np.asarray(found[key], dtype=float) for key in INDICES},
            }
        )
        frame["rank"] = frame["ST"].rank(ascending=False, method="first").astype("Int64")
        rows.append(frame.sort_values("rank"))
    return pd.concat(rows, ignore_index=True)
