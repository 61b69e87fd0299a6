"""Charts of scenario discovery: PRIM's peeling trajectory, the chosen box, feature scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts.figures import figure_and_axes


def plot_trajectory(
    trajectory: pd.DataFrame, chosen: int, base_rate: float, ax: Axes | None = None
) -> Figure:
    """PRIM's peeling trajectory: coverage against density, coloured by restricted parameters."""
    figure, ax = figure_and_axes(ax, (6.5, 4.8))
    points = ax.scatter(
        trajectory["coverage"],
        trajectory["density"],
        c=trajectory["restricted"],
        cmap="viridis",
        s=22,
    )
    figure.colorbar(points, ax=ax, label="parameters restricted")
    box = trajectory.iloc[chosen]
    ax.scatter(
        box["coverage"],
        box["density"],
        s=160,
        facecolor="none",
        edgecolor="crimson",
        linewidth=2,
        zorder=3,
    )
    ax.annotate(
        f"chosen box {chosen}",
        (box["coverage"], box["density"]),
        xytext=(12, -14),
        textcoords="offset points",
        color="crimson",
    )
    ax.axhline(base_rate, color="0.4", linestyle=":", linewidth=1)
    ax.annotate(
        f"base rate {base_rate:.0%}",
        (0.02, base_rate),
        xycoords=("axes fraction", "data"),
        xytext=(0, 4),
        textcoords="offset points",
        color="0.3",
        fontsize="small",
    )
    ax.set(
        xlim=(0, 1.02),
        ylim=(0, 1.02),
        xlabel="coverage (share of the condition's runs inside the box)",
        ylabel="density (share of the box's runs meeting the condition)",
        title="PRIM peeling trajectory",
    )
    return figure


def plot_box_limits(limits: pd.DataFrame, ax: Axes | None = None) -> Figure:
    """The chosen box: each restricted parameter's range as a share of the range drawn."""
    figure, ax = figure_and_axes(ax, (7.5, 0.9 + 0.45 * max(len(limits), 1)))
    span = (limits["drawn_high"] - limits["drawn_low"]).replace(0, np.nan)
    low = (limits["low"] - limits["drawn_low"]) / span
    high = (limits["high"] - limits["drawn_low"]) / span
    positions = np.arange(len(limits))
    ax.barh(positions, np.ones(len(limits)), color="0.9", edgecolor="0.6")
    ax.barh(positions, high - low, left=low, color="tab:blue")
    for y, (_, row) in zip(positions, limits.iterrows(), strict=True):
        ax.annotate(
            f"{row['low']:.3g} to {row['high']:.3g}",
            (1.0, y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    labels = [p.removeprefix("drawn.") for p in limits["parameter"]]
    ax.set_yticks(positions, labels, fontsize="small")
    ax.invert_yaxis()
    ax.set(xlim=(0, 1.3), xlabel="share of the range drawn", title="The chosen box")
    ax.set_xticks([0, 0.5, 1])
    return figure


def plot_feature_scores(scores: pd.DataFrame, top: int = 12, ax: Axes | None = None) -> Figure:
    """Feature scores of the drawn parameters, highest first."""
    shown = scores.head(top)
    figure, ax = figure_and_axes(ax, (7.5, 0.9 + 0.4 * max(len(shown), 1)))
    positions = np.arange(len(shown))
    ax.barh(positions, shown["score"], color="tab:green")
    ax.set_yticks(positions, [p.removeprefix("drawn.") for p in shown["parameter"]])
    ax.tick_params(axis="y", labelsize="small")
    ax.invert_yaxis()
    ax.set(xlabel="feature score (extra-trees importance)", title="What moves the odds")
    return figure
