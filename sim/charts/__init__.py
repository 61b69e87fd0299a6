"""Charts: tidy frames in, matplotlib Figures out.

Every ``plot_*`` takes ``ax=None`` (draw on a new figure) and returns the figure. The charts of a
batch are importable from here::

    import sim.charts
    figure = sim.charts.plot_issue_outcomes(table, scenario)
"""

from sim.charts.run import (
    all_charts,
    plot_agreement_timing,
    plot_deal_probability,
    plot_issue_outcome,
    plot_issue_outcomes,
    plot_utilities,
)

__all__ = [
    "all_charts",
    "plot_agreement_timing",
    "plot_deal_probability",
    "plot_issue_outcome",
    "plot_issue_outcomes",
    "plot_utilities",
]
