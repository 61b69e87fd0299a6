"""Global sensitivity analysis: which uncertain parameters drive the outcomes (Sobol indices).

The uncertain parameters are those a scenario draws from distributions. SALib's Saltelli design
(Sobol sequence, first-order and total indices; Saltelli et al. 2010) gives ``N * (D + 2)`` points
in the unit cube for ``D`` parameters and ``N`` base samples; each coordinate is mapped through its
parameter's inverse CDF (the weighted quantile for ``choice``), so every parameter keeps the
distribution the scenario gives it. Each design point is one run of the model with exactly those
values. The model's own randomness (breakdown, extension) stays seeded; it enters the design as
one more input, held fixed between the points that Sobol estimators compare (``run_design``), and
its share of the variance is explained by no parameter.

Outputs: whether a deal was reached (its Sobol indices are those of the deal probability), the
final value of each issue (the agreed value, or the no-deal value), and each side's utility.

- First-order index ``S1``: the share of the output's variance explained by the parameter alone.
- Total index ``ST``: the share it explains including all its interactions; ``ST`` near zero
  means the parameter can be fixed at any value of its range without changing the output.

The default ``N = 1024`` base samples give 16,384 runs for the baseline's 14 uncertain parameters
(a few seconds); ``--samples`` raises it for narrower confidence intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.batch.storage import provenance, staged_folder, write_json, write_text
from sim.charts.figures import save_figures
from sim.errors import UsageError
from sim.model.parameters import Parameters
from sim.params.distributions import (
    Beta,
    Choice,
    DistributionBase,
    Lognormal,
    Normal,
    Triangular,
    Uniform,
)
from sim.report.tables import display_table, markdown_table
from sim.scenario.schema import Scenario, iter_params

DEFAULT_RESULTS = Path("results")
DEFAULT_SAMPLES = 1024
"""Base samples N of the Saltelli design (a power of two)."""
CONFIDENCE_RESAMPLES = 100
"""Bootstrap resamples of SALib's confidence intervals of the indices."""
LEVEL = 0.95
TOP_PARAMETERS = 15
"""Parameters shown in a tornado chart (the largest total indices)."""
EDGE = 1e-9
"""Unit-cube coordinates are kept in ``[EDGE, 1 - EDGE]``, so unbounded quantiles stay finite."""


@dataclass
class SensitivityResult:
    """What ``sensitivity`` produced.

    Attributes:
        directory: The folder written.
        indices: One row per output and parameter (see ``sobol_table``).
        text: A short account for the terminal.
    """

    directory: Path
    indices: pd.DataFrame
    text: str


# Parameters and design ----------------------------------------------------------------------


def uncertain_parameters(scenario: Scenario) -> dict[str, DistributionBase]:
    """The parameters drawn from distributions, by dotted path, in the scenario's order."""
    return {
        path: param for path, param in iter_params(scenario) if isinstance(param, DistributionBase)
    }


def quantile(distribution: DistributionBase, u: np.ndarray) -> np.ndarray:
    """The inverse CDF of a scenario distribution at probabilities ``u``.

    Examples:
        >>> from sim.params.distributions import Choice, Uniform
        >>> quantile(Uniform(dist="uniform", low=2, high=4), np.array([0.0, 0.5, 1.0])).tolist()
        [2.0, 3.0, 4.0]
        >>> choice = Choice(dist="choice", values=[28, 21, 24], weights=[1, 1, 2])
        >>> quantile(choice, np.array([0.1, 0.3, 0.6, 0.9])).tolist()
        [21.0, 24.0, 24.0, 28.0]
    """
    from scipy import stats

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
        return _choice_quantile(distribution, u)
    raise TypeError(f"no quantile function for {type(distribution).__name__}")


def _choice_quantile(distribution: Choice, u: np.ndarray) -> np.ndarray:
    """Weighted quantile: the smallest value whose cumulative weight exceeds ``u``."""
    values = np.asarray(distribution.values, dtype=float)
    weights = np.ones(len(values)) if distribution.weights is None else distribution.weights
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(np.asarray(weights, dtype=float)[order])
    cumulative /= cumulative[-1]
    index = np.searchsorted(cumulative, u, side="right")
    return values[order][np.minimum(index, len(values) - 1)]


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


def run_design(scenario: Scenario, values: dict[str, np.ndarray], seed: int) -> pd.DataFrame:
    """Run the model once per point of a Saltelli design (without second-order terms).

    The model's own randomness (breakdown, extension) is treated as one more input, held in the
    design's matrix A: the points of matrix A and of every matrix AB_i run with the same random
    numbers, those of matrix B with others. The design's ``D + 2`` blocks of ``N`` points are
    therefore run as separate batches; the ``j``-th run of each batch draws the same random
    numbers when the batches share a seed. Otherwise that noise would count as an interaction
    of every parameter and inflate every total index.

    Args:
        scenario: A validated scenario.
        values: Per uncertain parameter, one value per design point, in SALib's order (per base
            sample: the point of A, the points of AB_1 to AB_D, the point of B).
        seed: Master seed of the model's own randomness.

    Returns:
        The runs table in design order (``sim.columns``); its ``drawn.<path>`` columns hold the
        given values.
    """
    step = len(values) + 2
    points = len(next(iter(values.values())))
    blocks = []
    for block in range(step):
        noise = 1 if block == step - 1 else 0  # matrix B draws other random numbers
        part = {path: v[block::step] for path, v in values.items()}
        table = run_given(scenario, part, np.random.SeedSequence(seed, spawn_key=(noise,)))
        blocks.append(table.set_index(np.arange(block, points, step)))
    return pd.concat(blocks).sort_index()


def run_given(
    scenario: Scenario, values: dict[str, np.ndarray], seed: np.random.SeedSequence
) -> pd.DataFrame:
    """Run the model once per set of given parameter values, in chunks seeded as in a batch.

    Chunk ``i`` of the runs is seeded with the ``i``-th child of ``seed``.
    """
    from sim.batch.chunks import DEFAULT_CHUNK_RUNS, plan_chunks
    from sim.model.negotiation import NegotiationModel

    runs = len(next(iter(values.values())))
    tables = []
    for chunk in plan_chunks(runs, DEFAULT_CHUNK_RUNS):
        part = {path: v[chunk.start : chunk.start + chunk.runs] for path, v in values.items()}
        model = NegotiationModel(
            scenario,
            chunk.runs,
            np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, chunk.index)),
            parameters=Parameters(scenario, chunk.runs, values=part),
        )
        model.run_model()
        tables.append(pd.DataFrame(model.results()))
        model.release()
    return pd.concat(tables, ignore_index=True)


# Indices ------------------------------------------------------------------------------------


def outputs(scenario: Scenario) -> dict[str, str]:
    """The outputs analysed, as ``{runs table column: label}``."""
    labels = {"agreed": "deal probability"}
    labels.update({f"issue.{name}": issue.label for name, issue in scenario.issues.items()})
    labels.update(
        {
            f"utility.{party}": f"utility of {spec.label}"
            for party, spec in scenario.negotiators.items()
        }
    )
    return labels


def distribution_text(distribution: DistributionBase) -> str:
    """A distribution on one line, as in a report.

    Examples:
        >>> distribution_text(Uniform(dist="uniform", low=0.3, high=0.9))
        'uniform(low=0.3, high=0.9)'
    """
    fields = distribution.model_dump(exclude_defaults=True)
    name = fields.pop("dist")
    return f"{name}({', '.join(f'{key}={value}' for key, value in fields.items())})"


def short_label(path: str) -> str:
    """A parameter's dotted path without the ``negotiators.`` and ``preferences.`` parts.

    Examples:
        >>> short_label("negotiators.us.preferences.tariff.ideal")
        'us.tariff.ideal'
    """
    return path.removeprefix("negotiators.").replace(".preferences.", ".")


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
    from SALib.analyze import sobol

    rows = []
    for column, label in labels.items():
        y = table[column].to_numpy(dtype=float)
        if np.nanvar(y) > 0:
            found = sobol.analyze(
                problem,
                y,
                calc_second_order=False,
                num_resamples=CONFIDENCE_RESAMPLES,
                conf_level=LEVEL,
                seed=seed,
            )
        else:
            found = {
                key: np.full(problem["num_vars"], np.nan)
                for key in ("S1", "S1_conf", "ST", "ST_conf")
            }
        frame = pd.DataFrame(
            {
                "output": column,
                "output_label": label,
                "parameter": problem["names"],
                "label": [short_label(name) for name in problem["names"]],
                **{
                    key: np.asarray(found[key], dtype=float)
                    for key in ("S1", "S1_conf", "ST", "ST_conf")
                },
            }
        )
        frame["rank"] = frame["ST"].rank(ascending=False, method="first").astype("Int64")
        rows.append(frame.sort_values("rank"))
    return pd.concat(rows, ignore_index=True)


# Charts -------------------------------------------------------------------------------------


def plot_tornado(
    indices: pd.DataFrame, output: str, ax: Axes | None = None, top: int = TOP_PARAMETERS
) -> Figure:
    """Tornado chart of one output: first-order and total indices with 95% intervals.

    Parameters are sorted by total index, largest on top; at most ``top`` are shown.
    """
    data = indices[indices["output"] == output].sort_values("ST", ascending=False).head(top)
    if ax is None:
        figure = Figure(figsize=(7.5, 1.2 + 0.38 * len(data)), layout="constrained")
        ax = figure.subplots()
    else:
        figure = ax.figure
    positions = np.arange(len(data))[::-1]
    height = 0.38
    ax.barh(
        positions + height / 2,
        data["ST"].clip(lower=0),
        height,
        xerr=data["ST_conf"],
        color="#264653",
        label="total (ST)",
        capsize=3,
    )
    ax.barh(
        positions - height / 2,
        data["S1"].clip(lower=0),
        height,
        xerr=data["S1_conf"],
        color="#e9c46a",
        label="first-order (S1)",
        capsize=3,
    )
    ax.set_yticks(positions, data["label"])
    label = data["output_label"].iloc[0] if len(data) else output
    ax.set(
        xlim=(0, max(1.0, float((data["ST"] + data["ST_conf"]).max()) if len(data) else 1.0)),
        xlabel="Sobol index (share of the output's variance; 95% interval)",
        title=f"What drives the {label}",
    )
    ax.legend(loc="lower right", fontsize="small")
    return figure


def chart_name(output: str) -> str:
    """File name of an output's tornado chart.

    Examples:
        >>> chart_name("issue.tariff"), chart_name("utility.us"), chart_name("agreed")
        ('sobol_tariff.png', 'sobol_utility_us.png', 'sobol_deal.png')
    """
    name = "deal" if output == "agreed" else output.removeprefix("issue.").replace(".", "_")
    return f"sobol_{name}.png"


# The command --------------------------------------------------------------------------------


def display_indices(indices: pd.DataFrame) -> pd.DataFrame:
    """Total (first-order) index of every parameter for every output, as display strings.

    Parameters are ordered by their largest total index over the outputs.
    """

    def cell(row: pd.Series) -> str:
        if pd.isna(row["ST"]):
            return "-"
        return f"{row['ST']:.2f} ({row['S1']:.2f})"

    wide = indices.assign(cell=indices.apply(cell, axis=1)).pivot(
        index="label", columns="output_label", values="cell"
    )
    order = indices.groupby("label")["ST"].max().sort_values(ascending=False).index
    outputs_order = list(dict.fromkeys(indices["output_label"]))
    wide = wide.reindex(index=order, columns=outputs_order).reset_index()
    return wide.rename(columns={"label": "parameter"})


def describe_indices(indices: pd.DataFrame, runs: int, samples: int) -> str:
    """A short account: the strongest driver of each output."""
    lines = [f"Sobol indices from {runs:,} runs (N = {samples:,} base samples)."]
    for _, rows in indices.groupby("output", sort=False):
        label = rows["output_label"].iloc[0]
        if rows["ST"].isna().all():
            lines.append(f"  {label}: does not vary")
            continue
        best = rows.sort_values("ST", ascending=False).iloc[0]
        lines.append(
            f"  {label}: {best['label']} (total {best['ST']:.2f} +/- {best['ST_conf']:.2f}, "
            f"first-order {best['S1']:.2f})"
        )
    return "\n".join(lines)


def round_samples(samples: int) -> int:
    """The smallest power of two at least ``samples`` (the Sobol sequence needs one).

    Examples:
        >>> round_samples(1000), round_samples(1024)
        (1024, 1024)
    """
    if samples < 1:
        raise UsageError(f"--samples must be at least 1, got {samples}")
    return 1 << (samples - 1).bit_length()


def default_folder(scenario: Scenario) -> Path:
    """``results/sensitivity-<scenario name>``."""
    return DEFAULT_RESULTS / f"sensitivity-{scenario.name}"


def sensitivity(
    scenario_path: str | Path,
    samples: int = DEFAULT_SAMPLES,
    seed: int | None = None,
    out: str | Path | None = None,
    *,
    force: bool = False,
) -> SensitivityResult:
    """Sobol indices of the scenario's uncertain parameters, with tables and tornado charts.

    The folder (by default ``results/sensitivity-<scenario name>/``) receives
    ``sensitivity.csv`` and ``sensitivity.parquet`` (the indices), ``sensitivity.md``,
    ``samples.parquet`` (the runs of the design, its parameter values in ``drawn.<path>``),
    a tornado chart ``sobol_<output>.png`` per output, ``sensitivity.json`` and
    ``manifest.json``.

    Args:
        scenario_path: A scenario file with uncertain parameters.
        samples: Base samples N, rounded up to a power of two; the model runs ``N * (D + 2)``
            times for ``D`` uncertain parameters.
        seed: Seed of the design, the model and the confidence intervals; the scenario's
            ``seed`` when ``None``.
        out: Output folder.
        force: Replace ``out`` if it exists (otherwise refuse).

    Returns:
        The folder, the indices and a short text.

    Raises:
        ScenarioError: The scenario file is not valid.
        UsageError: The scenario has no uncertain parameter, or the output folder exists
            (without ``force``) or cannot be written.
    """
    import json

    from sim.scenario.loading import load_scenario

    loaded = load_scenario(scenario_path)
    scenario = loaded.scenario
    parameters = uncertain_parameters(scenario)
    if not parameters:
        raise UsageError(
            f"{scenario_path} has no uncertain parameters: give some a distribution "
            "(e.g. beta: {dist: uniform, low: 0.3, high: 0.9}) to analyse their effect"
        )
    requested, samples = samples, round_samples(samples)
    seed = scenario.seed if seed is None else seed
    out = Path(out) if out is not None else default_folder(scenario)
    problem, values = design(parameters, samples, seed)
    table = run_design(scenario, values, seed)
    indices = sobol_table(problem, table, outputs(scenario), seed)
    text = describe_indices(indices, len(table), samples)
    if requested != samples:
        text += f"\n(--samples {requested} rounded up to {samples}, a power of two.)"
    figures = {chart_name(output): plot_tornado(indices, output) for output in outputs(scenario)}
    shown = display_indices(indices)
    manifest = {
        "kind": "sensitivity",
        **provenance(),
        "scenario_files": [str(path) for path in loaded.files],
        "scenario_sha256": loaded.sha256,
        "scenario": json.loads(json.dumps(loaded.resolved, default=str)),
        "method": "Sobol indices (first-order and total) from a Saltelli design; SALib "
        "sobol.sample(calc_second_order=False) and sobol.analyze",
        "samples": samples,
        "runs": len(table),
        "seed": seed,
        "parameters": {path: distribution_text(d) for path, d in parameters.items()},
        "outputs": outputs(scenario),
        "confidence_resamples": CONFIDENCE_RESAMPLES,
    }
    with staged_folder(out, manifest, force) as folder:
        save_figures(figures, folder)
        indices.to_csv(folder / "sensitivity.csv", index=False)
        indices.to_parquet(folder / "sensitivity.parquet", index=False)
        table.to_parquet(folder / "samples.parquet", index=False)
        notes = [
            "Cells: total index ST (first-order index S1). ST is the share of the output's "
            "variance the parameter explains with its interactions; S1 alone.",
            "Outputs are per run: deal (0/1), the final value of each issue (agreed or no-deal) "
            "and each side's utility.",
            f"95% intervals from {CONFIDENCE_RESAMPLES} bootstrap resamples are in "
            "sensitivity.csv (S1_conf, ST_conf: half-widths).",
        ]
        write_text(
            folder / "sensitivity.md",
            f"# Sensitivity of {scenario.name}\n\n{text}\n\n{markdown_table(shown)}\n\n"
            + "\n".join(f"- {note}" for note in notes)
            + "\n\n"
            + "\n\n".join(f"![{name}]({name})" for name in figures)
            + "\n",
        )
        write_json(
            folder / "sensitivity.json",
            {
                "kind": "sensitivity",
                "title": f"Sensitivity of {scenario.name}",
                "subtitle": f"{len(parameters)} uncertain parameters, {len(table):,} runs",
                "text": text,
                "notes": notes,
                "tables": [display_table("Sobol indices: ST (S1)", shown, "sensitivity.csv")],
                "charts": [
                    {"file": chart_name(output), "caption": f"Sobol indices of the {label}."}
                    for output, label in outputs(scenario).items()
                ],
            },
        )
    return SensitivityResult(out, indices, text)
