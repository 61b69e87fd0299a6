"""A single run drawn round by round: offers in utility space and each issue over the calendar."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from sim.analysis.trace import Trace
from sim.charts.figures import figure_and_axes, legend_outside
from sim.charts.markers import SOLUTION_MARKERS

COLOURS = ("#264653", "#e76f51")
"""The first proposer's colour, then the other side's."""


def plot_trace(trace: Trace) -> Figure:
    """Offers in utility space with the frontier and solutions, and each issue over the calendar."""
    issues = list(trace.scenario.issues)
    figure = Figure(figsize=(6 + 4.5 * len(issues), 5), layout="constrained")
    axes = figure.subplots(1, 1 + len(issues), width_ratios=[1.3] + [1] * len(issues))
    plot_offers(trace, ax=axes[0])
    for ax, issue in zip(axes[1:], issues, strict=True):
        plot_issue_path(trace, issue, ax=ax)
    legend_outside(axes[1], below=True)
    outcome = trace.outcome
    when = dt.date.fromisoformat(str(outcome["end_date"])[:10])
    figure.suptitle(
        f"{trace.scenario.name}, run {trace.run}: ended by {outcome['ended_by']} on {when:%d %b %Y}"
    )
    return figure


def plot_offers(trace: Trace, ax: Axes | None = None) -> Figure:
    """Both sides' offers in utility space, with the frontier, the solutions and the deal."""
    figure, ax = figure_and_axes(ax, (6, 5))
    scenario, rounds, outcome = trace.scenario, trace.rounds, trace.outcome
    first, second = trace.parties
    ax.plot(*trace.frontier.T, color="grey", label="Pareto frontier")
    for party, colour in zip(trace.parties, COLOURS, strict=True):
        own = rounds[rounds["proposer"] == party]
        ax.plot(
            own[f"utility.{first}"],
            own[f"utility.{second}"],
            "o-",
            color=colour,
            label=f"offers by {scenario.negotiators[party].label}",
        )
    for prefix, style in SOLUTION_MARKERS.items():
        ax.scatter(outcome[f"{prefix}.{first}"], outcome[f"{prefix}.{second}"], zorder=3, **style)
    if outcome["agreed"]:
        accepted = rounds[rounds["accepted"]].iloc[-1]
        ax.scatter(
            accepted[f"utility.{first}"],
            accepted[f"utility.{second}"],
            s=260,
            facecolors="none",
            edgecolors="#2a9d8f",
            linewidths=2.5,
            label="agreement",
            zorder=4,
        )
    low = min(0.0, float(trace.frontier.min()))
    high = max(1.0, float(trace.frontier.max()))
    ax.set(
        xlim=(low, high),
        ylim=(low, high),
        title=f"run {trace.run}: offers in utility space",
        xlabel=f"{scenario.negotiators[first].label} value of a deal",
        ylabel=f"{scenario.negotiators[second].label} value of a deal",
    )
    legend_outside(ax, below=True)
    return figure


def plot_issue_path(trace: Trace, issue: str, ax: Axes | None = None) -> Figure:
    """One issue's offers over the calendar, with the deadline, the events and the outcome."""
    figure, ax = figure_and_axes(ax, (5, 5))
    scenario, rounds, outcome = trace.scenario, trace.rounds, trace.outcome
    spec = scenario.issues[issue]
    for party, colour in zip(trace.parties, COLOURS, strict=True):
        own = rounds[rounds["proposer"] == party]
        ax.plot(
            own["date"],
            own[f"offer.{issue}"],
            "o-",
            color=colour,
            label=scenario.negotiators[party].label,
        )
    ax.axvline(
        pd.Timestamp(scenario.calendar.deadline), color="black", linestyle="--", label="deadline"
    )
    for name, summit in scenario.events.summits.items():
        if outcome.get(f"event.{name}", False):
            ax.axvline(
                pd.Timestamp(summit.date), color="#2a9d8f", linestyle=":", label=f"summit: {name}"
            )
    for name in scenario.events.shocks:
        struck = int(outcome.get(f"event.{name}", -1))
        if 0 <= struck < len(rounds):
            ax.axvline(rounds["date"].iloc[struck], color="#e9c46a", label=f"shock: {name}")
    ax.axhline(
        outcome[f"issue.{issue}"],
        color="#2a9d8f" if outcome["agreed"] else "grey",
        alpha=0.6,
        label="agreed value" if outcome["agreed"] else "no-deal value",
    )
    ax.set(ylim=spec.bounds, title=spec.label, ylabel=spec.unit, xlabel="meeting date")
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
    ax.tick_params(axis="x", labelrotation=30)
    return figure
