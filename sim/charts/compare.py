"""Charts of a comparison: each scenario keeps one colour in every chart."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.compare import (
    all_issues,
    deal_probability_table,
    issue_info,
    outcomes_table,
    time_to_deal_table,
    utilities_table,
)
from sim.analysis.results import ResultSet, common_parties
from sim.charts.figures import figure_and_axes, legend_outside, padded_limits


def scenario_colours(labels: list[str]) -> dict[str, tuple[float, float, float]]:
    """One colour per scenario, the same in every chart."""
    return dict(zip(labels, sns.color_palette("colorblind", len(labels)), strict=True))


def plot_issue_distribution(
    outcomes: pd.DataFrame,
    issue: str,
    info: dict[str, Any],
    colours: dict[str, Any],
    ax: Axes | None = None,
) -> Figure:
    """Overlaid distributions of one issue's agreed value, one outline per scenario."""
    figure, ax = figure_and_axes(ax, (6, 4.2))
    data = outcomes[outcomes["issue"] == issue]
    bounds = info.get("bounds")
    if len(data):
        sns.histplot(
            data=data,
            x="value",
            hue="scenario",
            hue_order=list(colours),
            palette=colours,
            stat="percent",
            common_norm=False,
            element="step",
            fill=True,
            alpha=0.15,
            bins=40,
            binrange=tuple(bounds) if bounds else None,
            ax=ax,
        )
    if bounds:
        ax.set_xlim(*padded_limits(*bounds))
    if ax.get_legend() is not None:  # seaborn's legend, moved off the data
        sns.move_legend(ax, "upper center", bbox_to_anchor=(0.5, -0.16), fontsize="small")
    ax.set(xlabel=info.get("unit", ""), ylabel="% of the scenario's deals", title=info["label"])
    return figure


OVERLAID_SCENARIOS = 3
"""Beyond this many scenarios, distributions are drawn as small multiples, not overlaid."""


def plot_issue_distributions(
    outcomes: pd.DataFrame, issues: dict[str, dict[str, Any]], colours: dict[str, Any]
) -> Figure:
    """One panel per issue: distributions of the agreed values among deals.

    Up to ``OVERLAID_SCENARIOS`` scenarios are overlaid; beyond, one row of panels per scenario
    (small multiples), each with the reference (the first scenario) outlined in grey.
    """
    if len(colours) > OVERLAID_SCENARIOS:
        return plot_issue_small_multiples(outcomes, issues, colours)
    figure = Figure(figsize=(5.5 * len(issues), 4.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(issues)))
    for ax, (issue, info) in zip(axes, issues.items(), strict=True):
        plot_issue_distribution(outcomes, issue, info, colours, ax=ax)
    figure.suptitle("Outcome of each issue among deals")
    return figure


def plot_issue_small_multiples(
    outcomes: pd.DataFrame, issues: dict[str, dict[str, Any]], colours: dict[str, Any]
) -> Figure:
    """One row per scenario, one column per issue, the reference outlined in grey in each row."""
    labels = list(colours)
    figure = Figure(figsize=(4.2 * len(issues), 1.9 * len(labels) + 0.8), layout="constrained")
    axes = figure.subplots(len(labels), len(issues), sharex="col", squeeze=False)
    for column, (issue, info) in enumerate(issues.items()):
        data = outcomes[outcomes["issue"] == issue]
        bounds = info.get("bounds")
        edges = np.linspace(*(bounds or (data["value"].min(), data["value"].max())), 41)
        reference = data.loc[data["scenario"] == labels[0], "value"]
        for row, label in enumerate(labels):
            ax = axes[row, column]
            values = data.loc[data["scenario"] == label, "value"]
            weights = np.full(len(values), 100 / max(len(values), 1))
            ax.hist(values, bins=edges, weights=weights, color=colours[label], alpha=0.8)
            if row > 0 and len(reference):
                ax.hist(
                    reference,
                    bins=edges,
                    weights=np.full(len(reference), 100 / len(reference)),
                    histtype="step",
                    color="0.35",
                    linewidth=1,
                )
            if not len(values):
                ax.text(0.5, 0.5, "not an issue here", transform=ax.transAxes, ha="center")
            if bounds:
                ax.set_xlim(*bounds)
            ax.set_ylabel(f"{label}\n% of deals" if column == 0 else "", fontsize="small")
            if row == 0:
                ax.set_title(info["label"])
        axes[-1, column].set_xlabel(info.get("unit", ""))
    figure.suptitle(f"Outcome of each issue among deals (grey outline: {labels[0]})")
    return figure


def plot_deal_probabilities(
    table: pd.DataFrame, colours: dict[str, Any], ax: Axes | None = None
) -> Figure:
    """Deal probability per scenario, with Wilson 95% intervals."""
    figure, ax = figure_and_axes(ax, (1.8 + 1.4 * len(table), 4.5))
    percent = 100 * table[["deal_probability", "low", "high"]]
    positions = np.arange(len(table))
    ax.bar(
        positions,
        percent["deal_probability"],
        color=[colours[label] for label in table["scenario"]],
        yerr=[
            percent["deal_probability"] - percent["low"],
            percent["high"] - percent["deal_probability"],
        ],
        capsize=6,
    )
    for x, share in zip(positions, percent["deal_probability"], strict=True):
        ax.annotate(
            f"{share:.1f}%", (x, share), xytext=(0, 8), textcoords="offset points", ha="center"
        )
    ax.set_xticks(positions, table["scenario"], rotation=15 if len(table) > 2 else 0)
    ax.set(
        ylim=(0, 108), ylabel="% of runs ending in a deal (95% interval)", title="Deal probability"
    )
    return figure


def plot_time_to_deal(
    table: pd.DataFrame, colours: dict[str, Any], ax: Axes | None = None
) -> Figure:
    """ECDF of the days before the deadline at which deals were reached, deadline marked."""
    figure, ax = figure_and_axes(ax, (7.5, 4.5))
    for label, rows in table.groupby("scenario", sort=False):
        ax.step(
            rows["days_before_deadline"],
            100 * rows["share"],
            where="post",
            color=colours[label],
            label=label,
            linewidth=2,
        )
    ax.axvline(0, color="black", linestyle="--", label="original deadline")
    ax.invert_xaxis()
    ax.set(
        ylim=(0, 102),
        xlabel="days before the original deadline (negative: during an extension)",
        ylabel="% of deals reached this early or earlier",
        title="Time to deal",
    )
    legend_outside(ax)
    return figure


def plot_utilities(
    table: pd.DataFrame, parties: dict[str, str], colours: dict[str, Any], ax: Axes | None = None
) -> Figure:
    """Both sides' utilities per run, one colour per scenario, with mean no-deal points.

    Beyond ``OVERLAID_SCENARIOS`` scenarios (and without ``ax``), one panel per scenario.
    """
    if ax is None and len(colours) > OVERLAID_SCENARIOS:
        return plot_utility_small_multiples(table, parties, colours)
    figure, ax = figure_and_axes(ax, (6.5, 6))
    first, second = list(parties)[:2]
    runs = table[table["kind"] == "run"]
    sns.scatterplot(
        data=runs,
        x=f"utility.{first}",
        y=f"utility.{second}",
        hue="scenario",
        hue_order=list(colours),
        palette=colours,
        s=7,
        alpha=0.35,
        linewidth=0,
        ax=ax,
    )
    for _, mark in table[table["kind"] != "run"].iterrows():
        ax.scatter(
            mark[f"utility.{first}"],
            mark[f"utility.{second}"],
            marker="X",
            s=170,
            color=colours[mark["scenario"]],
            edgecolor="black",
            zorder=3,
        )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel=f"{parties[first]} utility (0-1)",
        ylabel=f"{parties[second]} utility (0-1)",
        title="Utilities per run (X: mean no-deal point)",
    )
    legend_outside(ax, below=True, markerscale=2)
    return figure


def plot_utility_small_multiples(
    table: pd.DataFrame, parties: dict[str, str], colours: dict[str, Any]
) -> Figure:
    """One utilities panel per scenario, the reference's runs in grey behind each of the others."""
    labels = list(colours)
    columns = min(3, len(labels))
    rows = -(-len(labels) // columns)
    figure = Figure(figsize=(4.2 * columns, 4.2 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    first, second = list(parties)[:2]
    runs = table[table["kind"] == "run"]
    reference = runs[runs["scenario"] == labels[0]]
    for ax, label in zip(axes, labels, strict=False):
        if label != labels[0]:
            x, y = reference[f"utility.{first}"], reference[f"utility.{second}"]
            ax.scatter(x, y, s=4, color="0.75", linewidth=0)
        own = runs[runs["scenario"] == label]
        ax.scatter(
            own[f"utility.{first}"],
            own[f"utility.{second}"],
            s=5,
            alpha=0.4,
            color=colours[label],
            linewidth=0,
        )
        for _, mark in table[(table["kind"] != "run") & (table["scenario"] == label)].iterrows():
            ax.scatter(
                mark[f"utility.{first}"],
                mark[f"utility.{second}"],
                marker="X",
                s=120,
                color=colours[label],
                edgecolor="black",
                zorder=3,
            )
        ax.set(xlim=(0, 1), ylim=(0, 1), title=label)
    for ax in axes[len(labels) :]:
        ax.set_visible(False)
    figure.supxlabel(f"{parties[first]} utility (0-1)")
    figure.supylabel(f"{parties[second]} utility (0-1)")
    figure.suptitle(f"Utilities per run (X: mean no-deal point; grey: {labels[0]})")
    return figure


def all_charts(results: list[ResultSet]) -> dict[str, Figure]:
    """The comparison charts, by file name."""
    colours = scenario_colours([r.label for r in results])
    issues = {name: issue_info(results, name) for name in all_issues(results)}
    parties = {party: results[0].parties[party] for party in common_parties(results)}
    charts = {
        "issue_distributions.png": plot_issue_distributions(
            outcomes_table(results), issues, colours
        ),
        "deal_probability.png": plot_deal_probabilities(deal_probability_table(results), colours),
        "time_to_deal.png": plot_time_to_deal(time_to_deal_table(results), colours),
    }
    if len(parties) >= 2:
        charts["utilities.png"] = plot_utilities(utilities_table(results), parties, colours)
    return charts
