"""What a parameter sweep says: its grid points as display strings, an account, its document."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.analysis.sweep import PREFIX, parameter_columns
from sim.report.document import Document, DocumentTable
from sim.report.tables import number
from sim.scenario.schema import Scenario
from sim.scenario.variants import value_label

CHARTS = {
    "deal_probability.png": "Deal probability at each grid point, with Wilson 95% bands.",
    "issue_medians.png": "Median of each issue among deals, with the interquartile range.",
    "deal_probability_heatmap.png": "Deal probability over the first two swept parameters "
    "(pooled over any others).",
}
"""Caption of each chart a sweep may draw, by file name."""


def display_points(points: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The grid points as display strings (for Markdown and the report).

    Args:
        points: The grid points table (``sim.analysis.sweep.points_table``).
        scenario: The swept scenario (for its issues and their units).

    Returns:
        The swept values, runs, deal probability with its 95% interval and each issue's median.
    """
    shown = pd.DataFrame(
        {c.removeprefix(PREFIX): points[c].map(value_label) for c in points if c.startswith(PREFIX)}
    )
    shown["runs"] = points["runs"].map("{:,}".format)
    shown["deal probability"] = points["deal_probability"].map("{:.1%}".format)
    shown["95% interval"] = [
        f"{a:.1%} to {b:.1%}" for a, b in zip(points["low"], points["high"], strict=True)
    ]
    for name, issue in scenario.issues.items():
        shown[f"median {name} ({issue.unit})"] = points[f"{name}.median"].map(number)
    return shown


def describe_sweep(points: pd.DataFrame, columns: list[str], runs: int) -> str:
    """A short account of a sweep for the terminal: its size and the range of deal probability.

    Args:
        points: The grid points table.
        columns: The swept columns.
        runs: Runs per grid point.

    Returns:
        One paragraph naming the grid points with the lowest and highest deal probability.
    """
    lowest = points.loc[points["deal_probability"].idxmin()]
    highest = points.loc[points["deal_probability"].idxmax()]

    def where(row: pd.Series) -> str:
        return ", ".join(f"{c.removeprefix(PREFIX)}={value_label(row[c])}" for c in columns)

    size = f"{len(points)} grid points x {runs:,} runs."
    if f"{lowest['deal_probability']:.1%}" == f"{highest['deal_probability']:.1%}":
        return (
            f"{size} Deal probability does not change across the grid: "
            f"{lowest['deal_probability']:.1%} at every point."
        )
    return (
        f"{size} Deal probability from "
        f"{lowest['deal_probability']:.1%} ({where(lowest)}) to "
        f"{highest['deal_probability']:.1%} ({where(highest)})."
    )


def sweep_document(
    points: pd.DataFrame,
    settings: dict[str, list[Any]],
    scenario: Scenario,
    runs: int,
    seed: int,
    charts: list[str],
) -> Document:
    """The document of a sweep's folder: ``sweep.md``, ``sweep.json`` and ``points.csv``.

    Args:
        points: The grid points table, written as ``points.csv``.
        settings: The swept values of each dotted path.
        scenario: The swept scenario.
        runs: Runs per grid point.
        seed: The master seed of every grid point.
        charts: File names of the charts drawn (keys of ``CHARTS``).

    Returns:
        The document, of kind ``sweep``.
    """
    columns = list(parameter_columns(settings).values())
    swept = "; ".join(
        f"{path} = {', '.join(value_label(v) for v in values)}" for path, values in settings.items()
    )
    return Document(
        kind="sweep",
        title=f"Sweep of {scenario.name}",
        subtitle=f"Swept: {swept}",
        text=describe_sweep(points, columns, runs),
        tables=[
            DocumentTable("Grid points", display_points(points, scenario), points, "points.csv")
        ],
        notes=[
            f"{runs:,} runs per grid point, all with seed {seed} (common random numbers).",
            "Issue medians are among deals; bands are the interquartile range.",
        ],
        charts={name: CHARTS[name] for name in charts},
    )
