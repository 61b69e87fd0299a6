"""The charts of a batch with its baseline drawn over them, to show what a change did.

Each ``plot_*_against`` draws the batch with the chart of ``sim.charts.run`` and adds the
baseline's batch in black outline: its distribution of each issue among deals, its share of deals
per meeting, its mean utilities and its share of each ending.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.charts.run import (
    endings_table,
    plot_agreement_timing,
    plot_deal_probability,
    plot_issue_outcomes,
    plot_utilities,
    timing_table,
)
from sim.scenario.schema import Scenario

BASELINE_STYLE = {"color": "black", "linewidth": 1.2}
"""How the baseline is drawn over a chart."""


def plot_issue_outcomes_against(
    table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario
) -> Figure:
    """Each issue among deals, with the baseline's distribution as a black outline."""
    figure = plot_issue_outcomes(table, scenario)
    for ax, (issue, spec) in zip(figure.axes, scenario.issues.items(), strict=False):
        deals = baseline.loc[baseline["agreed"], f"issue.{issue}"].to_numpy(dtype=float)
        if len(deals):
            weights = np.full(len(deals), 100 / len(deals))
            ax.hist(
                deals,
                bins=40,
                range=spec.bounds,
                weights=weights,
                histtype="step",
                label="baseline",
                **BASELINE_STYLE,
            )
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2, frameon=False)
    return figure


def plot_agreement_timing_against(
    table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario
) -> Figure:
    """When the talks ended, with the baseline's share of deals per meeting as a black line."""
    figure = plot_agreement_timing(table, scenario)
    ax = figure.axes[0]
    data = timing_table(baseline, scenario)
    deals = data[data["ended_by"] == "agreement"]
    if len(deals):
        ax.plot(deals["day"], deals["percent"], "o-", markersize=3, label="baseline: deals")
        ax.lines[-1].set(**BASELINE_STYLE)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return figure


def plot_utilities_against(
    table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario
) -> Figure:
    """Utilities per run, with the baseline's mean utilities marked by a black cross."""
    figure = plot_utilities(table, scenario)
    ax = figure.axes[0]
    first, second = scenario.negotiators
    for data, marker, label in ((baseline, "X", "baseline mean"), (table, "P", "mean")):
        ax.scatter(
            data[f"utility.{first}"].mean(),
            data[f"utility.{second}"].mean(),
            marker=marker,
            s=120,
            color="black" if data is baseline else "#2a9d8f",
            edgecolor="white",
            zorder=4,
            label=label,
        )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, frameon=False)
    return figure


def plot_deal_probability_against(
    table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario
) -> Figure:
    """How the talks ended, with the baseline's share of each ending as a black bar."""
    figure = plot_deal_probability(table, scenario)
    ax = figure.axes[0]
    positions = {ending: x for x, ending in enumerate(endings_table(table)["ended_by"])}
    shares = endings_table(baseline)
    shown = [
        (positions[ending], 100 * share)
        for ending, share in zip(shares["ended_by"], shares["share"], strict=True)
        if ending in positions
    ]
    if shown:
        x, y = zip(*shown, strict=True)
        ax.hlines(y, np.array(x) - 0.4, np.array(x) + 0.4, label="baseline", **BASELINE_STYLE)
        ax.legend(loc="upper right", frameon=False)
    return figure


def all_charts_against(
    table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario
) -> dict[str, Figure]:
    """The four charts of a batch with the baseline over them, by name."""
    return {
        "deal_probability": plot_deal_probability_against(table, baseline, scenario),
        "issue_outcomes": plot_issue_outcomes_against(table, baseline, scenario),
        "agreement_timing": plot_agreement_timing_against(table, baseline, scenario),
        "utilities": plot_utilities_against(table, baseline, scenario),
    }
