"""Charts of a calibration: each uncertain parameter's prior and posterior.

``prior_posterior_table`` builds the tidy table, ``plot_prior_posterior`` draws it (``ax=None``:
on a new figure) and returns the figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.charts.figures import figure_and_axes, legend_outside

PRIOR_COLOUR = "#9a9a9a"
POSTERIOR_COLOUR = "#1d6fa5"
BINS = 30


def prior_posterior_table(draws: np.ndarray, weights: np.ndarray) -> pd.DataFrame:
    """One row per draw as prior (weight 1) and, where accepted, as posterior (its ABC weight).

    Examples:
        >>> table = prior_posterior_table(np.array([1.0, 2.0]), np.array([0.0, 0.5]))
        >>> table[["sample", "value", "weight"]].values.tolist()
        [['prior', 1.0, 1.0], ['prior', 2.0, 1.0], ['posterior', 2.0, 0.5]]
    """
    draws, weights = np.asarray(draws, float), np.asarray(weights, float)
    kept = weights > 0
    return pd.DataFrame(
        {
            "sample": ["prior"] * len(draws) + ["posterior"] * int(kept.sum()),
            "value": np.concatenate([draws, draws[kept]]),
            "weight": np.concatenate([np.ones(len(draws)), weights[kept]]),
        }
    )


def plot_prior_posterior(
    table: pd.DataFrame,
    title: str,
    fitted: tuple[np.ndarray, np.ndarray] | None = None,
    interval: tuple[float, float] | None = None,
    ax=None,
) -> Figure:
    """Densities of a parameter's prior draws and weighted posterior draws, and the fitted curve.

    Args:
        table: ``prior_posterior_table``.
        title: The parameter (its dotted path).
        fitted: Points and density of the distribution fitted to the posterior, if continuous.
        interval: The posterior credible interval, shaded.
        ax: Axes to draw on.
    """
    figure, ax = figure_and_axes(ax)
    values = table["value"].to_numpy(float)
    edges = np.histogram_bin_edges(values, bins=BINS) if len(values) else BINS
    for sample, colour in (("prior", PRIOR_COLOUR), ("posterior", POSTERIOR_COLOUR)):
        rows = table[table["sample"] == sample]
        if len(rows) and rows["weight"].sum() > 0:
            ax.hist(
                rows["value"],
                bins=edges,
                weights=rows["weight"],
                density=True,
                color=colour,
                alpha=0.55,
                label=f"{sample} draws",
            )
    if fitted is not None and len(fitted[0]):
        ax.plot(*fitted, color=POSTERIOR_COLOUR, linewidth=2, label="fitted posterior")
    if interval is not None:
        ax.axvspan(*interval, color=POSTERIOR_COLOUR, alpha=0.08, label="credible interval")
    ax.set(xlabel="value", ylabel="density", title=title)
    legend_outside(ax, below=True)
    return figure
