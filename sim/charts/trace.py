"""A single run drawn round by round: offers in utility space and each issue over the calendar."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from sim.analysis.trace import Trace


def plot_trace(trace: Trace) -> Figure:
    """Offers in utility space with the frontier and solutions, and each issue over the calendar."""
    scenario, rounds, outcome = trace.scenario, trace.rounds, trace.outcome
    first, second = trace.parties
    issues = list(scenario.issues)
    figure = Figure(figsize=(6 + 4.5 * len(issues), 5), layout="constrained")
    axes = figure.subplots(1, 1 + len(issues), width_ratios=[1.3] + [1] * len(issues))
    colours = {first: "#264653", second: "#e76f51"}

    ax = axes[0]
    ax.plot(*trace.frontier.T, color="grey", label="Pareto frontier")
    for party in (first, second):
        own = rounds[rounds["proposer"] == party]
        ax.plot(
            own[f"utility.{first}"],
            own[f"utility.{second}"],
            "o-",
            color=colours[party],
            label=f"offers by {scenario.negotiators[party].label}",
        )
    for solution, marker in (("nash", "*"), ("kalai_smorodinsky", "P")):
        ax.scatter(
            outcome[f"{solution}.{first}"],
            outcome[f"{solution}.{second}"],
            marker=marker,
            s=160,
            color="black",
            label=solution.replace("_", "-").title(),
            zorder=3,
        )
    ax.scatter(
        outcome[f"reservation.{first}"],
        outcome[f"reservation.{second}"],
        marker="X",
        s=120,
        color="#8d99ae",
        label="reservation point",
        zorder=3,
    )
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
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"run {trace.run}: offers in utility space",
        xlabel=f"{scenario.negotiators[first].label} utility (0-1)",
        ylabel=f"{scenario.negotiators[second].label} utility (0-1)",
    )
    ax.legend(fontsize="small", loc="lower left")

    deadline = pd.Timestamp(scenario.calendar.deadline)
    summits = [
        (name, pd.Timestamp(summit.date))
        for name, summit in scenario.events.summits.items()
        if outcome.get(f"event.{name}", False)
    ]
    for ax, issue in zip(axes[1:], issues, strict=True):
        spec = scenario.issues[issue]
        for party in (first, second):
            own = rounds[rounds["proposer"] == party]
            ax.plot(
                own["date"],
                own[f"offer.{issue}"],
                "o-",
                color=colours[party],
                label=scenario.negotiators[party].label,
            )
        ax.axvline(deadline, color="black", linestyle="--", label="deadline")
        for name, date in summits:
            ax.axvline(date, color="#2a9d8f", linestyle=":", label=f"summit: {name}")
        for name in scenario.events.shocks:
            struck = int(outcome.get(f"event.{name}", -1))
            if struck >= 0 and struck < len(rounds):
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
    axes[1].legend(fontsize="small")
    ended = outcome["ended_by"]
    when = dt.date.fromisoformat(str(outcome["end_date"])[:10])
    figure.suptitle(f"{scenario.name}, run {trace.run}: ended by {ended} on {when:%d %b %Y}")
    return figure
