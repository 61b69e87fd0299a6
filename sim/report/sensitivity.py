"""The text of a sensitivity analysis: display tables, notes, an account and its Document."""

from __future__ import annotations

import pandas as pd

from sim.analysis.sensitivity import (
    CONFIDENCE_RESAMPLES,
    outputs,
    short_label,
    wide_intervals,
)
from sim.columns import with_article
from sim.params.distributions import DistributionBase
from sim.report.document import Document, DocumentTable
from sim.scenario.schema import Scenario

__all__ = [
    "describe_indices",
    "display_indices",
    "distribution_text",
    "sensitivity_document",
    "sensitivity_notes",
    "short_label",
]


def distribution_text(distribution: DistributionBase) -> str:
    """A distribution on one line, as in a report.

    Args:
        distribution: A scenario distribution.

    Returns:
        Its name and the fields that differ from their defaults.

    Examples:
        >>> from sim.params.distributions import Uniform
        >>> distribution_text(Uniform(dist="uniform", low=0.3, high=0.9))
        'uniform(low=0.3, high=0.9)'
    """
    fields = distribution.model_dump(exclude_defaults=True)
    name = fields.pop("dist")
    return f"{name}({', '.join(f'{key}={value}' for key, value in fields.items())})"


def _cell(row: pd.Series) -> str:
    """``ST (S1)`` of one row of indices, ``-`` when they are missing."""
    if pd.isna(row["ST"]):
        return "-"
    return f"{row['ST']:.2f} ({row['S1']:.2f})"


def display_indices(indices: pd.DataFrame) -> pd.DataFrame:
    """Total (first-order) index of every parameter for every output, as display strings.

    Parameters are ordered by their largest total index over the outputs.

    Args:
        indices: Sobol indices (``sim.analysis.sensitivity.sobol_table``).

    Returns:
        One row per parameter (column ``parameter``, its short label), one column per output.
    """
    wide = indices.assign(cell=indices.apply(_cell, axis=1)).pivot(
        index="label", columns="output_label", values="cell"
    )
    order = indices.groupby("label")["ST"].max().sort_values(ascending=False).index
    outputs_order = list(dict.fromkeys(indices["output_label"]))
    wide = wide.reindex(index=order, columns=outputs_order).reset_index()
    return wide.rename(columns={"label": "parameter"})


def describe_indices(
    indices: pd.DataFrame, runs: int, samples: int, noise: dict[str, float] | None = None
) -> str:
    """A short account: the strongest driver of each output.

    Args:
        indices: Sobol indices (``sim.analysis.sensitivity.sobol_table``).
        runs: Runs of the design.
        samples: Base samples N of the design.
        noise: Per output, the share of its variance from the model's own randomness.

    Returns:
        One line about the design, then one per output, then warnings.
    """
    lines = [f"Sobol indices from {runs:,} runs (N = {samples:,} base samples)."]
    for _, rows in indices.groupby("output", sort=False):
        label = rows["output_label"].iloc[0]
        if rows["ST"].isna().all():
            lines.append(f"  {label}: does not vary")
            continue
        best = rows.sort_values("ST", ascending=False).iloc[0]
        share = (noise or {}).get(str(rows["output"].iloc[0]))
        randomness = (
            ""
            if share is None or pd.isna(share)
            else f"; the model's own randomness: {share:.0%} of the variance"
        )
        lines.append(
            f"  {label}: {best['label']} (total {best['ST']:.2f} +/- {best['ST_conf']:.2f}, "
            f"first-order {best['S1']:.2f}){randomness}"
        )
    wide = wide_intervals(indices.dropna(subset=["ST"]))
    if len(wide):
        negative = int(((wide["S1"] < 0) | (wide["ST"] < 0)).sum())
        lines.append(
            f"Warning: {len(wide)} of {len(indices.dropna(subset=['ST']))} parameter-output "
            f"pairs have an interval wider than the index it bounds ({negative} with a negative "
            f"estimate): at N = {samples:,} their ranks are noise; raise --samples."
        )
    if noise and any(not pd.isna(v) and v > 0.1 for v in noise.values()):
        lines.append(
            "The model's own randomness (whether talks break down in a given round, whether the "
            "deadline is extended, which events happen) is explained by no parameter; a "
            "parameter that acts only through it, such as the breakdown probability, shows "
            "small indices even when it moves the average."
        )
    return "\n".join(lines)


def sensitivity_notes() -> list[str]:
    """How the indices of a sensitivity analysis were computed, for its document."""
    return [
        "Cells: total index ST (first-order index S1). ST is the share of the output's "
        "variance the parameter explains with its interactions; S1 alone.",
        "Outputs are per run: deal (0/1), the final value of each issue (agreed or no-deal) "
        "and each side's utility.",
        f"95% intervals from {CONFIDENCE_RESAMPLES} bootstrap resamples are in "
        "sensitivity.csv (S1_conf, ST_conf: half-widths) and on the charts; a hatched bar's "
        "interval is wider than its index.",
        "Model's own randomness: the design's matrix A run again with other random numbers; "
        "half the mean squared difference over the variance (Jansen) is the share of the "
        "variance no parameter can explain.",
    ]


def sensitivity_document(
    scenario: Scenario,
    indices: pd.DataFrame,
    runs: int,
    samples: int,
    charts: dict[str, str],
    requested: int | None = None,
    noise: dict[str, float] | None = None,
) -> Document:
    """The sensitivity analysis as a ``Document``: ``sensitivity.md`` and ``sensitivity.json``.

    Args:
        scenario: The scenario analysed.
        indices: Its Sobol indices (``sim.analysis.sensitivity.sobol_table``), written as
            ``sensitivity.csv``.
        runs: Runs of the design.
        samples: Base samples N of the design.
        charts: The tornado chart's file name of each output, by output column.
        requested: The base samples asked for, if they were rounded up to ``samples``.
        noise: Per output, the share of its variance from the model's own randomness.

    Returns:
        The document, its text also printed on the terminal.
    """
    text = describe_indices(indices, runs, samples, noise)
    if requested is not None and requested != samples:
        text += f"\n({requested} samples rounded up to {samples}, a power of two.)"
    labels = outputs(scenario)
    parameters = indices["parameter"].nunique()
    return Document(
        kind="sensitivity",
        title=f"Sensitivity of {scenario.name}",
        subtitle=f"{parameters} uncertain parameters, {runs:,} runs",
        text=text,
        tables=[
            DocumentTable(
                "Sobol indices: ST (S1)", display_indices(indices), indices, "sensitivity.csv"
            )
        ],
        notes=sensitivity_notes(),
        charts={
            name: f"Sobol indices of {with_article(labels[output])}."
            for output, name in charts.items()
        },
    )
