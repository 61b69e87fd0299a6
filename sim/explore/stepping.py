"""One run of the page's batch, round by round, drawn with the charts of ``negsim trace``."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import numpy as np

from sim.analysis.trace import Trace
from sim.charts.figures import FAST_PNG
from sim.charts.trace import plot_trace
from sim.params.numbers import support
from sim.pipelines.trace import trace_run
from sim.scenario.schema import Scenario

CHART_DPI = 80
"""Resolution of the stepped run's chart."""


@dataclass(frozen=True)
class RunView:
    """A replayed run and its number of rounds.

    Attributes:
        trace: The run, round by round (``sim.trace_run``).
        rounds: How many rounds it lasted.
    """

    trace: Trace
    rounds: int


def trace_view(scenario: Scenario, seed: int, run: int, runs: int) -> RunView:
    """Replay run ``run`` of the page's batch of ``runs`` runs with master seed ``seed``."""
    trace = trace_run(scenario, seed=seed, run=run, runs=runs)
    return RunView(trace, len(trace.rounds))


def trace_until(view: RunView, rounds: int) -> Trace:
    """The run as it stood after ``rounds`` rounds: no deal yet unless it was the last.

    Before the last round the issues are drawn at their no-deal values, what would hold if the
    talks ended there.
    """
    trace = view.trace
    if rounds >= view.rounds:
        return trace
    outcome = trace.outcome.copy()
    outcome["agreed"] = False
    for issue, spec in trace.scenario.issues.items():
        outcome[f"issue.{issue}"] = float(np.mean(support(spec.no_deal)))
    return replace(trace, rounds=trace.rounds.iloc[: max(rounds, 0)], outcome=outcome)


def step_chart(view: RunView, rounds: int) -> bytes:
    """PNG of the run after ``rounds`` rounds: offers in utility space and each issue over time."""
    buffer = io.BytesIO()
    plot_trace(trace_until(view, rounds)).savefig(
        buffer, format="png", dpi=CHART_DPI, pil_kwargs=FAST_PNG
    )
    return buffer.getvalue()
