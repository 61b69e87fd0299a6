"""Charts of a batch's outcomes. ``*_table`` functions build tidy data; ``plot_*`` draw it.

Every ``plot_*`` takes ``ax=None`` (draw on a new figure) and returns the figure. Figures are built
with ``matplotlib.figure.Figure``, not pyplot, so nothing here touches global plotting state.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.analysis.inference import proportion_interval
from sim.charts.figures import figure_and_axes, legend_outside, padded_limits
from sim.charts.markers import SOLUTION_MARKERS
from sim.columns import ENDINGS
from sim.params.numbers import support
from sim.scenario.schema import Scenario

ENDING_COLOURS = {
    "agreement": "#2a9d8f",
    "agreement_in_extension": "#76c7bd",
    "deadline": "#e76f51",
    "breakdown": "#8d99ae",
    "not_ratified": "#e9c46a",
    "outside_option": "#6d597a",
}
ENDING_LABELS = {
    "agreement": "deal",
    "agreement_in_extension": "deal during an extension",
    "deadline": "no deal at deadline",
    "breakdown": "breakdown",
    "not_ratified": "deal not ratified",
    "outside_option": "walked away (outside option)",
}
SCATTER_POINTS = 5_000
ISSUE_BINS = 40
"""Bins of the histogram of each issue among deals."""


def plot_issue_outcome(table: pd.DataFrame, scenario: Scenario, issue: str, ax=None) -> Figure:
    """Distribution of one issue's agreed value, with the no-deal value marked."""
    figure, ax = figure_and_axes(ax)
    spec = scenario.issues[issue]
    deals = table.loc[table["agreed"], f"issue.{issue}"]
    if len(deals):
        ax.hist(
            deals,
            bins=ISSUE_BINS,
            weights=np.full(len(deals), 100.0 / len(deals)),
            facecolor=to_rgba(ENDING_COLOURS["agreement"], 0.75),
            edgecolor="0.15",  # dark edges keep a bar of one value visible
            linewidth=0.5,
        )
    ax.axvline(
        np.mean(support(spec.no_deal)),
        color=ENDING_COLOURS["deadline"],
        linestyle="--",
        label="no-deal value",
    )
    ax.set_xlim(*padded_limits(*spec.bounds))  # a no-deal value at a bound stays visible
    ax.set(xlabel=spec.unit, ylabel="% of deals", title=spec.label)
    legend_outside(ax, below=True)
    return figure


def plot_issue_outcomes(table: pd.DataFrame, scenario: Scenario, axes=None) -> Figure:
    """One panel per issue: the distribution of agreed values among deals.

    Args:
        table: The runs table.
        scenario: The scenario it was run from.
        axes: One axes per issue to draw on (a sequence, or one axes for a single issue); a
            new figure when ``None``.

    Returns:
        The figure drawn on.
    """
    count = len(scenario.issues)
    if axes is None:
        figure = Figure(figsize=(5 * count, 4.6), layout="constrained")
        axes = np.atleast_1d(figure.subplots(1, count))
    else:
        axes = np.atleast_1d(axes).ravel()
        if len(axes) != count:
            raise ValueError(f"plot_issue_outcomes needs {count} axes, one per issue")
        figure = axes[0].figure
    for ax, issue in zip(axes, scenario.issues, strict=True):
        plot_issue_outcome(table, scenario, issue, ax=ax)
    deals = int(table["agreed"].sum())
    figure.suptitle(f"{scenario.name}: outcome of each issue among {deals:,} deals")
    return figure


TIMING_ORDER = ["agreement", "agreement_in_extension", *ENDINGS[1:]]
"""Bars of the timing chart, bottom up: deals before any extension, deals during one, the rest."""


def timing_table(table: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Share of runs ending at each meeting day, by ending (tidy: day, ended_by, percent).

    Deals made during an extension count as ``agreement_in_extension``.
    """
    days = (table["end_date"] - pd.Timestamp(scenario.calendar.start)).dt.days
    ended_by = table["ended_by"].astype(str)
    if "extended" in table:
        ended_by = ended_by.mask(table["agreed"] & table["extended"], "agreement_in_extension")
    counts = (
        pd.DataFrame({"day": days, "ended_by": ended_by})
        .groupby(["day", "ended_by"], observed=True)
        .size()
        .rename("runs")
        .reset_index()
    )
    counts["percent"] = 100 * counts["runs"] / len(table)
    return counts


def plot_agreement_timing(table: pd.DataFrame, scenario: Scenario, ax=None) -> Figure:
    """When runs ended, against the calendar, with the original and the extended deadlines."""
    figure, ax = figure_and_axes(ax, size=(8, 4.5))
    data = timing_table(table, scenario)
    pivot = data.pivot_table(index="day", columns="ended_by", values="percent", observed=True)
    pivot = pivot.reindex(columns=[e for e in TIMING_ORDER if e in pivot.columns]).fillna(0)
    bottom = np.zeros(len(pivot))
    for ending in pivot.columns:
        ax.bar(
            pivot.index,
            pivot[ending],
            bottom=bottom,
            width=2.5,
            label=ENDING_LABELS[ending],
            color=ENDING_COLOURS[ending],
        )
        bottom += pivot[ending].to_numpy()
    start = scenario.calendar.start
    deadline_day = (scenario.calendar.deadline - start).days
    ax.axvline(deadline_day, color="black", linestyle="--", label="original deadline")
    for index, (day, share) in enumerate(extended_deadlines(table, scenario).items()):
        label = "extended deadline (% of runs ending under it)" if index == 0 else None
        ax.axvline(day, color="grey", linestyle=":", linewidth=1, label=label)
        ax.annotate(
            f"{share:.0%}",
            (day, 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            ha="center",
            va="bottom",
            color="grey",
        )
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda day, _: (start + dt.timedelta(days=int(day))).strftime("%d %b"))
    )
    ax.set(
        xlabel="meeting date",
        ylabel="% of runs ending at this meeting",
        title=f"{scenario.name}: when the talks ended",
    )
    legend_outside(ax)
    return figure


def extended_deadlines(table: pd.DataFrame, scenario: Scenario, most: int = 6) -> pd.Series:
    """The extended deadlines runs ended under, as days from the start: share of runs each.

    Only the ``most`` most frequent, so that a drawn extension length does not fill the chart.
    """
    if "deadline_in_force" not in table:
        return pd.Series(dtype=float)
    extended = table.loc[table["extended"], "deadline_in_force"]
    days = (extended - pd.Timestamp(scenario.calendar.start)).dt.days
    return (days.value_counts() / len(table)).nlargest(most).sort_index()


def plot_utilities(table: pd.DataFrame, scenario: Scenario, ax=None) -> Figure:
    """Both sides' utilities per run, with the mean reservation point and bargaining solutions."""
    figure, ax = figure_and_axes(ax, size=(6, 6))
    first, second = scenario.negotiators
    sample = table.sample(min(len(table), SCATTER_POINTS), random_state=0)
    endings = sample["ended_by"].astype(str)
    ax.scatter(
        sample[f"utility.{first}"],
        sample[f"utility.{second}"],
        c=endings.map(ENDING_COLOURS).tolist(),
        s=8,
        alpha=0.5,
        linewidths=0,
    )
    for ending in ENDINGS:  # one legend entry per ending drawn, in the order of ENDINGS
        if (endings == ending).any():
            ax.plot(
                [], [], "o", color=ENDING_COLOURS[ending], alpha=0.5, markersize=4, label=ending
            )
    for prefix, style in SOLUTION_MARKERS.items():
        if f"{prefix}.{first}" in table:
            x, y = table[f"{prefix}.{first}"].mean(), table[f"{prefix}.{second}"].mean()
            ax.scatter(x, y, zorder=3, **{**style, "label": "mean " + style["label"]})
    labels = {party: spec.label for party, spec in scenario.negotiators.items()}
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel=f"{labels[first]} utility (0-1)",
        ylabel=f"{labels[second]} utility (0-1)",
        title=f"{scenario.name}: utilities per run",
    )
    legend_outside(ax, below=True, markerscale=1)
    return figure


def endings_table(table: pd.DataFrame) -> pd.DataFrame:
    """Share of runs by ending, with Wilson 95% intervals (tidy: ended_by, share, low, high)."""
    counts = table["ended_by"].value_counts().reindex(ENDINGS, fill_value=0)
    counts = counts[(counts > 0) | ~counts.index.isin(["not_ratified", "outside_option"])]
    rows = []
    for ending, count in counts.items():
        low, high = proportion_interval(int(count), len(table))
        rows.append({"ended_by": ending, "share": count / len(table), "low": low, "high": high})
    return pd.DataFrame(rows)


def plot_deal_probability(table: pd.DataFrame, scenario: Scenario, ax=None) -> Figure:
    """Probability of a deal, of no deal at the deadline and of breakdown, with 95% intervals."""
    figure, ax = figure_and_axes(ax, size=(6, 4.5))
    data = endings_table(table)
    percent = 100 * data[["share", "low", "high"]]
    ax.bar(
        data["ended_by"].map(ENDING_LABELS),
        percent["share"],
        color=[ENDING_COLOURS[e] for e in data["ended_by"]],
        yerr=[percent["share"] - percent["low"], percent["high"] - percent["share"]],
        capsize=6,
    )
    for x, share in enumerate(percent["share"]):
        ax.annotate(
            f"{share:.1f}%", (x, share), xytext=(0, 8), textcoords="offset points", ha="center"
        )
    ax.set(
        ylim=(0, 105),
        ylabel="% of runs (95% interval)",
        xlabel="how the talks ended",
        title=f"{scenario.name}: deal probability ({len(table):,} runs)",
    )
    return figure


def all_charts(table: pd.DataFrame, scenario: Scenario) -> dict[str, Figure]:
    """The standard charts of a batch, by file name."""
    return {
        "issue_outcomes.png": plot_issue_outcomes(table, scenario),
        "agreement_timing.png": plot_agreement_timing(table, scenario),
        "utilities.png": plot_utilities(table, scenario),
        "deal_probability.png": plot_deal_probability(table, scenario),
    }
