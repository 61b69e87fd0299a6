"""Charts of a backtest: issue forecasts and timing with what happened marked; calibration.

Every ``plot_*`` takes ``ax=None`` (draw on a new figure) and returns the figure.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from sim.charts.figures import figure_and_axes, legend_outside, padded_limits
from sim.charts.run import ENDING_COLOURS

OBSERVED_COLOUR = "#d62828"


def plot_issue_forecast(
    deals: pd.Series,
    bounds: tuple[float, float],
    title: str,
    unit: str,
    observed: tuple[float, float] | None,
    no_deal: float | None = None,
    ax=None,
) -> Figure:
    """The distribution of an issue's value among deals, with what happened marked.

    Args:
        deals: The issue's value in each run that reached a deal.
        bounds: The issue's bounds (the axis).
        title: Chart title.
        unit: The issue's unit (the axis label).
        observed: The observed value (both ends equal) or interval; ``None`` if not settled.
        no_deal: The no-deal value, marked when the issue was not settled.
        ax: Axes to draw on.
    """
    figure, ax = figure_and_axes(ax)
    if len(deals):
        sns.histplot(x=deals, ax=ax, stat="percent", bins=40, color=ENDING_COLOURS["agreement"])
    if observed is not None and observed[0] == observed[1]:
        ax.axvline(observed[0], color=OBSERVED_COLOUR, linewidth=2, label="observed")
    elif observed is not None:
        ax.axvspan(*observed, color=OBSERVED_COLOUR, alpha=0.25, label="observed interval")
    if observed is None and no_deal is not None:
        ax.axvline(
            no_deal,
            color=OBSERVED_COLOUR,
            linestyle="--",
            linewidth=2,
            label="not settled (no-deal value)",
        )
    ax.set_xlim(*padded_limits(*bounds))
    ax.set(xlabel=unit, ylabel="% of deals", title=title)
    legend_outside(ax, below=True)
    return figure


def timing_table(agreement_dates: pd.Series, runs: int) -> pd.DataFrame:
    """Share of all runs that reached a deal in each week, by the week's first meeting date.

    Examples:
        >>> dates = pd.Series(pd.to_datetime(["2025-06-16", "2025-06-16", "2025-06-23"]))
        >>> timing_table(dates, 4)["percent"].tolist()
        [50.0, 25.0]
    """
    dates = pd.to_datetime(agreement_dates.dropna()).dt.normalize()
    counts = dates.value_counts().sort_index()
    return pd.DataFrame({"date": counts.index, "percent": 100 * counts.to_numpy() / max(runs, 1)})


def plot_timing(
    table: pd.DataFrame,
    observed: dt.date | None,
    deadline: dt.date,
    deadline_in_force: dt.date | None,
    ax=None,
) -> Figure:
    """When deals came (% of all runs per meeting date), with the observed deal date marked.

    Args:
        table: ``timing_table``.
        observed: The observed deal date, or ``None`` when there was no deal.
        deadline: The scenario's original deadline.
        deadline_in_force: The observed deadline in force, when it moved.
        ax: Axes to draw on.
    """
    figure, ax = figure_and_axes(ax, size=(8, 4.5))
    if len(table):
        ax.bar(table["date"], table["percent"], width=5, color=ENDING_COLOURS["agreement"])
    ax.axvline(pd.Timestamp(deadline), color="grey", linestyle=":", label="original deadline")
    if deadline_in_force is not None and deadline_in_force != deadline:
        ax.axvline(
            pd.Timestamp(deadline_in_force),
            color="grey",
            linestyle="--",
            label="deadline in force (observed)",
        )
    if observed is not None:
        ax.axvline(pd.Timestamp(observed), color=OBSERVED_COLOUR, linewidth=2, label="deal")
    ax.set(xlabel="date of the deal", ylabel="% of runs", title="When the deal came")
    ax.tick_params(axis="x", labelrotation=30)
    legend_outside(ax)
    return figure


def plot_pit_histogram(pit: pd.DataFrame, bins: int = 5, ax=None) -> Figure:
    """Histogram of the PIT values of the observed issue values across cases (flat = calibrated).

    Args:
        pit: One row per case and issue, with a ``pit`` column (0 to 1).
        bins: Equal-width bins over 0 to 1.
        ax: Axes to draw on.
    """
    figure, ax = figure_and_axes(ax)
    values = pit["pit"].to_numpy(float) if len(pit) else np.array([])
    ax.hist(values, bins=np.linspace(0, 1, bins + 1), color=ENDING_COLOURS["agreement"])
    if len(values):
        ax.axhline(len(values) / bins, color="grey", linestyle="--", label="calibrated (flat)")
    ax.set(xlim=(0, 1), xlabel="PIT of the observed value", ylabel="issues", title="PIT")
    legend_outside(ax, below=True)
    return figure


def plot_reliability(table: pd.DataFrame, ax=None) -> Figure:
    """Reliability diagram: the share of events that happened against their forecast probability.

    Args:
        table: ``sim.analysis.scores.reliability_table`` as a frame (``forecast``, ``observed``,
            ``events``).
        ax: Axes to draw on.
    """
    figure, ax = figure_and_axes(ax, size=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfectly reliable")
    if len(table):
        ax.plot(table["forecast"], table["observed"], marker="o", color=OBSERVED_COLOUR)
        for row in table.itertuples():
            ax.annotate(
                f"{row.events}",
                (row.forecast, row.observed),
                textcoords="offset points",
                xytext=(4, 4),
                fontsize="small",
            )
    ax.set(
        xlim=(0, 1),
        ylim=(-0.02, 1.02),
        xlabel="forecast probability",
        ylabel="share that happened",
        title="Reliability of the event forecasts (n per bin)",
    )
    legend_outside(ax, below=True)
    return figure
