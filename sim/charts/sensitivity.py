"""Charts of a sensitivity analysis: one tornado chart of Sobol indices per output."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.charts.figures import figure_and_axes
from sim.columns import with_article

TOP_PARAMETERS = 15
"""Parameters shown in a tornado chart (the largest total indices)."""
BAR_HEIGHT = 0.38
"""Height of each bar, and of each parameter's row in inches."""


def plot_tornado(
    indices: pd.DataFrame,
    output: str,
    ax: Axes | None = None,
    top: int = TOP_PARAMETERS,
    noise: float | None = None,
) -> Figure:
    """Tornado chart of one output: first-order and total indices with 95% intervals.

    Parameters are sorted by total index, largest on top; at most ``top`` are shown. An index
    whose interval is wider than the index is drawn hatched (its rank is not reliable); a
    negative estimate is drawn at zero with its interval. ``noise``, when given, is drawn as a
    grey bar below the parameters: the share of the variance from the model's own randomness.

    Args:
        indices: Sobol indices, one row per output and parameter
            (``sim.analysis.sensitivity.sobol_table``).
        output: The output's column in the runs table, e.g. ``issue.tariff``.
        ax: Axes to draw on; a new figure when ``None``.
        top: Most parameters shown.
        noise: Share of the output's variance from the model's own randomness.

    Returns:
        The figure drawn on.
    """
    data = indices[indices["output"] == output].sort_values("ST", ascending=False).head(top)
    rows = len(data) + (noise is not None)
    figure, ax = figure_and_axes(ax, (7.5, 1.8 + BAR_HEIGHT * rows))
    positions = np.arange(len(data))[::-1] + (noise is not None)
    for offset, key, colour, label in (
        (BAR_HEIGHT / 2, "ST", "#264653", "total (ST)"),
        (-BAR_HEIGHT / 2, "S1", "#e9c46a", "first-order (S1)"),
    ):
        wide = (data[f"{key}_conf"] > data[key].abs()).to_numpy()
        ax.barh(
            positions + offset,
            data[key].clip(lower=0),
            BAR_HEIGHT,
            xerr=data[f"{key}_conf"],
            color=colour,
            hatch=["//" if w else "" for w in wide],
            edgecolor="white",
            label=label,
            capsize=3,
        )
    labels = list(data["label"])
    if noise is not None:
        ax.barh([0], [0 if np.isnan(noise) else noise], 2 * BAR_HEIGHT, color="0.6")
        labels.append("model's own randomness")
        positions = np.append(positions, 0)
    ax.set_yticks(positions, labels)
    label = data["output_label"].iloc[0] if len(data) else output
    largest = float((data["ST"] + data["ST_conf"]).max()) if len(data) else 1.0
    ax.set(
        xlim=(0, max(1.0, largest)),
        xlabel="share of the output's variance (95% interval; hatched: wider than the index)",
        title=f"What drives {with_article(label)}",
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14 - 0.4 / rows), ncols=2)
    return figure


def chart_name(output: str) -> str:
    """File name of an output's tornado chart.

    Args:
        output: The output's column in the runs table.

    Returns:
        ``sobol_<output>.png``, ``sobol_deal.png`` for the deal.

    Examples:
        >>> chart_name("issue.tariff"), chart_name("utility.us"), chart_name("agreed")
        ('sobol_tariff.png', 'sobol_utility_us.png', 'sobol_deal.png')
    """
    name = "deal" if output == "agreed" else output.removeprefix("issue.").replace(".", "_")
    return f"sobol_{name}.png"


def plot_pawn(table: pd.DataFrame, output: str, top: int = TOP_PARAMETERS) -> Figure:
    """PAWN indices of one output: median over the slices, range to the largest; chance level.

    Args:
        table: PAWN indices (``sim.analysis.given_data.pawn_table``).
        output: The output's column.
        top: Most parameters shown.

    Returns:
        A new figure.
    """
    data = table[table["output"] == output].sort_values("median", ascending=False).head(top)
    figure, ax = figure_and_axes(None, (7.5, 1.6 + BAR_HEIGHT * len(data)))
    positions = np.arange(len(data))[::-1]
    ax.barh(
        positions,
        data["median"],
        2 * BAR_HEIGHT,
        xerr=[np.zeros(len(data)), data["maximum"] - data["median"]],
        color="#2a9d8f",
        capsize=3,
    )
    critical = float(data["critical"].iloc[0]) if len(data) else 0.0
    ax.axvline(critical, color="crimson", linestyle="--", linewidth=1)
    ax.set_yticks(positions, [p.removeprefix("drawn.") for p in data["parameter"]])
    ax.tick_params(axis="y", labelsize="small")
    label = data["output_label"].iloc[0] if len(data) else output
    ax.set(
        xlabel=f"PAWN index (median KS distance; bar to the largest); dashed: chance "
        f"level {critical:.3f}",
        title=f"What drives {with_article(label)} (given data)",
    )
    return figure
