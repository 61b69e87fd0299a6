"""Charts of a parameter sweep: deal probability and issue medians against the swept values.

Each chart takes the grid points table (``sim.analysis.sweep.points_table``) and the name of a
swept column (``set.<path>``) for the x axis; any other swept columns give one line each.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.sweep import PREFIX, heatmap_table
from sim.charts.figures import figure_and_axes, legend_outside
from sim.scenario.schema import Scenario
from sim.scenario.variants import value_label


def _series(points: pd.DataFrame, x: str) -> list[tuple[str, pd.DataFrame]]:
    """The grid points split into lines along ``x``: one per combination of the other columns."""
    others = [c for c in points.columns if c.startswith(PREFIX) and c != x]
    if not others:
        return [("", points)]
    lines = []
    for key, group in points.groupby(others, sort=False):
        values = key if isinstance(key, tuple) else (key,)
        label = ", ".join(
            f"{column.removeprefix(PREFIX)}={value_label(value)}"
            for column, value in zip(others, values, strict=True)
        )
        lines.append((label, group))
    return lines


def _positions(points: pd.DataFrame, x: str) -> tuple[dict[Any, float], bool]:
    """Positions on the x axis: the values of ``x`` themselves, or 0, 1, ... if not numbers."""
    values = list(dict.fromkeys(points[x]))
    numeric = pd.api.types.is_numeric_dtype(points[x])
    return ({v: float(v) for v in values} if numeric else {v: i for i, v in enumerate(values)}), (
        numeric
    )


def _draw_lines(
    ax: Axes, points: pd.DataFrame, x: str, middle: str, low: str, high: str, scale: float = 1
) -> None:
    positions, numeric = _positions(points, x)
    series = _series(points, x)
    colours = sns.color_palette("viridis", len(series)) if len(series) > 1 else ["#2a9d8f"]
    for (label, group), colour in zip(series, colours, strict=True):
        order = group.assign(_x=group[x].map(positions)).sort_values("_x")
        ax.plot(order["_x"], scale * order[middle], marker="o", color=colour, label=label or None)
        ax.fill_between(
            order["_x"],
            scale * order[low],
            scale * order[high],
            color=colour,
            alpha=0.25 if len(series) == 1 else 0.1,
        )
    if not numeric:
        ax.set_xticks(list(positions.values()), [str(v) for v in positions])
    ax.set_xlabel(x.removeprefix(PREFIX))
    if len(series) > 1:
        legend_outside(ax)


def plot_deal_probability(points: pd.DataFrame, x: str, ax: Axes | None = None) -> Figure:
    """Deal probability against the swept column ``x``, with Wilson 95% bands.

    Other swept columns give one line each.

    Args:
        points: The grid points table.
        x: The swept column on the x axis.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The figure drawn on.
    """
    figure, ax = figure_and_axes(ax, (7, 4.5))
    _draw_lines(ax, points, x, "deal_probability", "low", "high", scale=100)
    low, high = ax.get_ylim()
    ax.set(
        ylim=(max(low, 0), min(high, 100.5)),
        ylabel="% of runs ending in a deal (95% band)",
        title="Deal probability",
    )
    return figure


def plot_issue_median(
    points: pd.DataFrame, x: str, issue: str, label: str, unit: str, ax: Axes | None = None
) -> Figure:
    """Median of one issue among deals against ``x``, with the interquartile range as a band.

    Args:
        points: The grid points table.
        x: The swept column on the x axis.
        issue: The issue's key.
        label: The issue's name, as the title.
        unit: The issue's unit, on the y axis.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The figure drawn on.
    """
    figure, ax = figure_and_axes(ax, (6, 4.2))
    _draw_lines(ax, points, x, f"{issue}.median", f"{issue}.q25", f"{issue}.q75")
    ax.set(ylabel=f"{unit} (median, IQR band)", title=label)
    return figure


def plot_issue_medians(points: pd.DataFrame, x: str, scenario: Scenario) -> Figure:
    """One panel per issue of ``scenario``: its median among deals against ``x``."""
    issues = scenario.issues
    figure = Figure(figsize=(5.5 * len(issues), 4.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(issues)))
    for ax, (name, issue) in zip(axes, issues.items(), strict=True):
        plot_issue_median(points, x, name, issue.label, issue.unit, ax=ax)
    for ax in axes[1:]:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    figure.suptitle("Outcome of each issue among deals")
    return figure


def plot_heatmap(points: pd.DataFrame, x: str, y: str, ax: Axes | None = None) -> Figure:
    """Heatmap of the deal probability over the swept columns ``x`` and ``y``.

    Args:
        points: The grid points table.
        x: The swept column across.
        y: The swept column down.
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The figure drawn on.
    """
    table = 100 * heatmap_table(points, x, y)
    figure, ax = figure_and_axes(ax, (max(6.0, 3 + 1.1 * table.shape[1]), 2 + 0.6 * table.shape[0]))
    sns.heatmap(
        table,
        annot=True,
        fmt=".1f",
        cmap="viridis",
        cbar_kws={"label": "% of runs ending in a deal"},
        ax=ax,
    )
    ax.set(
        xlabel=x.removeprefix(PREFIX),
        ylabel=y.removeprefix(PREFIX),
        title="Deal probability (%)",
    )
    ax.set_xticklabels([value_label(v) for v in table.columns])
    ax.set_yticklabels([value_label(v) for v in table.index], rotation=0)
    return figure


def all_charts(points: pd.DataFrame, columns: list[str], scenario: Scenario) -> dict[str, Figure]:
    """The sweep's charts, by file name (the heatmap only with two or more swept parameters).

    Args:
        points: The grid points table.
        columns: The swept columns, in the order of the settings.
        scenario: The swept scenario (for its issues).

    Returns:
        ``deal_probability.png``, ``issue_medians.png`` and, with two or more swept columns,
        ``deal_probability_heatmap.png``.
    """
    charts = {
        "deal_probability.png": plot_deal_probability(points, columns[0]),
        "issue_medians.png": plot_issue_medians(points, columns[0], scenario),
    }
    if len(columns) >= 2:
        charts["deal_probability_heatmap.png"] = plot_heatmap(points, columns[0], columns[1])
    return charts
