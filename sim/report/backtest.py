"""The account of a backtest: tables of events and scores per case, and a table across cases."""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis.backtest import (
    DATE_WINDOW_DAYS,
    EVENT_CLIMATOLOGY,
    LAST_WEEK_DAYS,
    TOLERANCE_SHARE,
    CaseBacktest,
)
from sim.analysis.scores import SMOOTHING, skill
from sim.report.document import Document, DocumentTable
from sim.report.tables import number


def _percent(p: float) -> str:
    return "-" if p is None or math.isnan(p) else f"{100 * p:.1f}%"


def _with_interval(p: float, interval: tuple[float, float]) -> str:
    return f"{_percent(p)} ({_percent(interval[0])} to {_percent(interval[1])})"


def events_table(case: CaseBacktest) -> pd.DataFrame:
    """Event, observed, forecast probability with its interval, and the Brier score and skill."""
    rows = []
    for event in [*case.events, case.path, case.path_and_terms]:
        record = event.record()
        among = record.get("probability_among_deals")
        rows.append(
            {
                "event": event.label if event.key != "path" else "the path (all of the above)",
                "observed": "yes" if event.happened else "no",
                "forecast probability (95% interval)": _with_interval(
                    event.probability, event.interval
                ),
                "among deals": "-" if among is None else _percent(among),
                "probability of what happened": _percent(event.probability_of_outcome),
                "Brier": number(record["brier"]),
                "Brier skill": number(record["brier_skill"]),
            }
        )
    return pd.DataFrame(rows)


def scores_table(case: CaseBacktest) -> pd.DataFrame:
    """Each proper score, its reference forecast's score and the skill."""
    rows = [
        (
            "log score of the ending",
            case.ending_log_score,
            case.ending_reference,
            "uniform over the endings",
        ),
        (
            "log score of the week of the deal",
            case.timing_log_score,
            case.timing_reference,
            "uniform over the weeks and no deal",
        ),
    ]
    rows += [
        (
            f"CRPS of {score.issue} among deals (PIT {number(score.pit)})",
            score.crps,
            score.crps_reference,
            f"uniform over [{score.bounds[0]:g}, {score.bounds[1]:g}]",
        )
        for score in case.issues
    ]
    rows.append(
        ("mean Brier score of the events", case.mean_brier, 0.25, f"p = {EVENT_CLIMATOLOGY:g}")
    )
    return pd.DataFrame(
        [
            {
                "score": name,
                "forecast": number(value),
                "reference": number(reference),
                "reference forecast": what,
                "skill": number(skill(value, reference)),
            }
            for name, value, reference, what in rows
        ]
    )


def cases_table(cases: list[CaseBacktest]) -> pd.DataFrame:
    """One row per case: the probability of what happened and the scores' skills."""
    rows = []
    for case in cases:
        ending = next(event for event in case.events if event.key == "ending")
        crps = [skill(score.crps, score.crps_reference) for score in case.issues]
        rows.append(
            {
                "case": case.case,
                "runs": f"{case.runs:,}",
                "P(ending)": _percent(ending.probability),
                "P(path)": _with_interval(case.path.probability, case.path.interval),
                "ending log skill": number(skill(case.ending_log_score, case.ending_reference)),
                "timing log skill": number(skill(case.timing_log_score, case.timing_reference)),
                "CRPS skill": number(sum(crps) / len(crps)) if crps else "-",
                "mean Brier": number(case.mean_brier),
            }
        )
    return pd.DataFrame(rows)


def backtest_document(cases: list[CaseBacktest], charts: dict[str, str]) -> Document:
    """The backtest as a document (``backtest.md``, ``backtest.json``, the report)."""
    lines = []
    for case in cases:
        ending = next(event for event in case.events if event.key == "ending")
        lines.append(
            f"{case.case}: the batch of {case.runs:,} runs gave {_percent(ending.probability)} "
            f"to the ending ({ending.label.removeprefix('talks end by ')}) and "
            f"{_percent(case.path.probability)} to the path as it happened."
        )
    tables = []
    if len(cases) > 1:
        tables.append(DocumentTable("Across cases", cases_table(cases)))
    for case in cases:
        prefix = f"{case.case}: " if len(cases) > 1 else ""
        tables.append(DocumentTable(f"{prefix}events", events_table(case)))
        tables.append(DocumentTable(f"{prefix}scores", scores_table(case)))
    notes = [
        "Intervals are 95% Wilson intervals of the Monte Carlo share of runs.",
        f"An issue matches the observation within {TOLERANCE_SHARE:.0%} of its range on either "
        "side of the observed value or interval; an issue the deal did not settle matches when "
        "the deal left it at its no-deal value. Its share is of all runs, and among deals.",
        f"Dates match within {DATE_WINDOW_DAYS} days; 'the last week' is fewer than "
        f"{LAST_WEEK_DAYS} days before the deadline in force.",
        f"Log scores use the Monte Carlo frequencies with {SMOOTHING:g} added to every category. "
        "The week of the deal is counted from the start of the talks. The CRPS and PIT of an "
        "interval are taken at its midpoint; the PIT is P(X < y) + P(X = y) / 2 among deals.",
        "Skill = 1 - score / score of the reference forecast (1 perfect, 0 no better than the "
        "reference, negative worse).",
        *[f"{case.case}: {note}" for case in cases for note in case.notes],
    ]
    return Document(
        kind="backtest",
        title="Backtest: " + ", ".join(case.case for case in cases),
        subtitle="How much probability the scenario gave to what happened, and proper scores.",
        text="\n".join(lines),
        tables=tables,
        notes=notes,
        charts=charts,
    )
