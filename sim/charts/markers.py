"""Markers shared by the charts of a batch and of a traced run."""

from __future__ import annotations

SOLUTION_MARKERS = {
    "reservation": {"marker": "X", "s": 150, "color": "#8d99ae", "label": "reservation point"},
    "nash": {
        "marker": "o",
        "s": 260,
        "facecolors": "none",
        "edgecolors": "black",
        "linewidths": 2,
        "label": "Nash solution",
    },
    "kalai_smorodinsky": {
        "marker": "P",
        "s": 110,
        "color": "#6a4c93",
        "label": "Kalai-Smorodinsky solution",
    },
}
"""Markers of the bargaining solutions: a hollow ring around a small filled cross, so the two
stay distinguishable when they coincide."""
