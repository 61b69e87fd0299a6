"""Figures without pyplot: new axes, and saving figures as PNG files."""

from __future__ import annotations

from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.figure import Figure


def figure_and_axes(ax: Axes | None, size=(7, 4.5)) -> tuple[Figure, Axes]:
    """``ax`` and its figure, or a new figure of ``size`` inches with one axes."""
    if ax is not None:
        return ax.figure, ax
    figure = Figure(figsize=size, layout="constrained")
    return figure, figure.subplots()


def save_figures(figures: dict[str, Figure], folder: Path, dpi: int = 110) -> None:
    """Save figures as PNG files named by their keys."""
    for name, figure in figures.items():
        figure.savefig(folder / name, dpi=dpi)
