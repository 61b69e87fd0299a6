"""The text of a batch: a one-paragraph account of its summary, its tables and its report page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.pages import charts_in, parameter_table, read_json
from sim.report.tables import days, display_table, number

RUN_CHARTS = {
    "issue_outcomes.png": "Outcome of each issue among deals, with the no-deal value marked.",
    "deal_probability.png": "How the talks ended, with Wilson 95% intervals.",
    "agreement_timing.png": "When the talks ended, against the calendar and the deadline.",
    "utilities.png": "Both sides' utilities per run, with the mean no-deal point.",
}


def describe(summary: dict[str, Any]) -> str:
    """A one-paragraph plain-language account of a summary."""
    low, high = summary["deal_probability_95ci"]
    parts = [
        f"{summary['scenario']}: {summary['runs']:,} runs; a deal in "
        f"{summary['deal_probability']:.1%} of them (95% interval {low:.1%}-{high:.1%})."
    ]
    if summary["deals"]:
        medians = ", ".join(
            f"{issue['label']} {issue['q50']:.3g} {issue['unit']}"
            for issue in summary["issues_among_deals"].values()
        )
        timing = summary["time_to_deal"]
        parts.append(f"Median deal: {medians}.")
        extendable = summary.get("extension_possible", True)  # absent from older summaries
        parts.append(
            f"Deals came a median {days(timing['days_before_deadline']['q50'])} before the "
            f"deadline; {timing['share_at_deadline_meeting']:.0%} at the last meeting before it"
            + (
                f", {timing['share_in_extension']:.0%} during an extension."
                if extendable
                else " (the calendar allows no extension)."
            )
        )
        paths = summary.get("paths")  # absent from summaries of older versions
        if paths:
            effect = summary["deadline_effect"]["share_of_deals_in_last_10_percent_of_time"]
            before = paths["deal_before_original_deadline"]
            if extendable:
                parts.append(
                    f"Of all runs, {before:.0%} agreed before the original deadline, "
                    f"{summary['extended_share']:.0%} were extended and "
                    f"{paths['deal_during_extension']:.0%} agreed during an extension; "
                    f"{effect:.0%} of deals came in the last tenth of the time to the deadline in "
                    "force."
                )
            else:
                parts.append(
                    f"Of all runs, {before:.0%} agreed before the deadline; {effect:.0%} of deals "
                    "came in the last tenth of the time to it."
                )
    endings = summary["endings"]
    not_ratified = endings.get("not_ratified", 0)  # absent from summaries of older versions
    parts.append(
        f"No deal: {endings['deadline']:,} runs reached the deadline, "
        f"{endings['breakdown']:,} broke down earlier"
        + (f", {not_ratified:,} deals were not ratified." if not_ratified else ".")
    )
    utilities = "; ".join(
        f"{party} {values['mean']:.3f} (reservation {values['mean_reservation']:.3f})"
        for party, values in summary["utilities"].items()
    )
    parts.append(f"Mean utilities: {utilities}.")
    return " ".join(parts)


def run_page(directory: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The page of a result folder from ``negsim run``."""
    summary = read_json(directory, "summary.json")
    scenario = manifest.get("scenario", {})
    return {
        "title": f"{summary['scenario']}: {summary['runs']:,} runs",
        "subtitle": scenario.get("description", ""),
        "text": [describe(summary)],
        "notes": [],
        "tables": summary_tables(summary),
        "charts": charts_in(directory, RUN_CHARTS),
        "parameters": [parameter_table("Resolved scenario parameters", {"": scenario})],
    }


def summary_tables(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Display tables of a run's ``summary.json``."""
    low, high = summary["deal_probability_95ci"]
    endings = summary["endings"]
    runs = max(summary["runs"], 1)
    outcome = pd.DataFrame(
        [
            ["deal", f"{summary['deal_probability']:.1%}", f"{low:.1%} to {high:.1%}"],
            *[
                [name, f"{endings[name] / runs:.1%}", ""]
                for name in ("deadline", "breakdown")
                if name in endings
            ],
            ["deadline extended", f"{summary['extended_share']:.1%}", ""],
        ],
        columns=["outcome", "share of runs", "95% interval"],
    )
    quantiles = ["q05", "q25", "q50", "q75", "q95"]
    issues = pd.DataFrame(
        [
            [values["label"], values["unit"], number(values.get("mean"))]
            + [number(values.get(q)) for q in quantiles]
            for values in summary["issues_among_deals"].values()
        ],
        columns=["issue", "unit", "mean", "5%", "25%", "median", "75%", "95%"],
    )
    utilities = pd.DataFrame(
        [
            [party, number(v["mean"]), number(v["mean_among_deals"]), number(v["mean_reservation"])]
            for party, v in summary["utilities"].items()
        ],
        columns=["negotiator", "mean utility", "mean among deals", "mean reservation"],
    )
    timing = summary["time_to_deal"]
    time_table = pd.DataFrame(
        [
            [what, *[number(timing[what].get(q)) for q in quantiles]]
            for what in ("rounds", "days_before_deadline")
        ],
        columns=["time to deal (among deals)", "5%", "25%", "median", "75%", "95%"],
    )
    return [
        display_table("How the talks ended", outcome),
        display_table("Issues among deals", issues),
        display_table("Utilities (0-1)", utilities),
        display_table("Time to deal", time_table),
    ]
