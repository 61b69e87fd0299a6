"""How much probability a batch gave to what happened, event by event, and how good a forecast.

From a runs table (``sim.columns``), a scenario and what happened (``sim.scenario.observed``):

- **events**: each observed fact as an event a run either shows or not: the ending; a deal by the
  original deadline (or not); an extension (or not) and the number of extensions; the deadline in
  force within ``DATE_WINDOW_DAYS`` of the observed one; a deal in the last ``LAST_WEEK_DAYS``
  before the deadline in force; the agreement date within ``DATE_WINDOW_DAYS``; each issue within
  its observed interval widened by ``TOLERANCE_SHARE`` of the issue's range on either side (an
  exact value is an interval of width 0), or, for an issue the deal did not settle, left at its
  no-deal value within that tolerance. Each has a forecast probability (the share of runs) with a
  Wilson interval, the probability of what happened (``p`` or ``1 - p``) and its Brier score
  against the climatology ``EVENT_CLIMATOLOGY``.
- **the path**: every timing event as it happened, jointly (runs that match on all of them), and
  the path with the terms (the issue events too).
- **scores**: the log score of the ending (categorical over ``sim.columns.ENDINGS``, against the
  uniform forecast over them); of the timing (the week of the deal counted from the start of the
  talks, or no deal, over every week the calendar can reach, against the uniform forecast over
  those); the CRPS and mid-PIT of each settled issue among deals (an interval at its midpoint),
  against the uniform forecast over the issue's bounds.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.inference import proportion_interval
from sim.analysis.scores import (
    brier,
    categorical_log_score,
    crps_ensemble,
    crps_uniform,
    mid_pit,
    skill,
    uniform_log_score,
)
from sim.columns import ENDINGS
from sim.params.numbers import support
from sim.scenario.observed import IssueFact, Observed
from sim.scenario.schema import Scenario, longest_extension

TOLERANCE_SHARE = 0.05
"""An issue's value matches the observation within this share of the issue's range (bounds)."""
DATE_WINDOW_DAYS = 3
"""A date matches the observed date within this many days either way."""
LAST_WEEK_DAYS = 7
"""A deal "in the last week" comes fewer than this many days before the deadline in force."""
EVENT_CLIMATOLOGY = 0.5
"""The reference forecast probability of every binary event (Brier score 0.25)."""
TIMING_COLUMNS = ("ended_by", "agreed", "agreement_date", "extended", "extensions")
"""Columns of the runs table a backtest reads, besides the issues."""


@dataclass
class EventForecast:
    """One observed fact as an event, and the probability the batch gave it.

    Attributes:
        key: Short name (``ending``, ``issue.tariff``).
        label: What the event is, in words.
        happened: Whether it happened.
        runs: Runs in the batch.
        hits: Runs that show the event.
        deals: Runs that reached a deal, and ``deal_hits`` those of them that show it (for the
            issue events, whose probability among deals is shown too).
        timing: True for the events of the path (not the terms).
    """

    key: str
    label: str
    happened: bool
    runs: int
    hits: int
    deals: int | None = None
    deal_hits: int | None = None
    timing: bool = True

    @property
    def probability(self) -> float:
        """Forecast probability of the event."""
        return self.hits / self.runs if self.runs else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        """95% Wilson interval of the probability."""
        return proportion_interval(self.hits, self.runs)

    @property
    def probability_of_outcome(self) -> float:
        """Forecast probability of what happened: ``p`` if the event happened, else ``1 - p``."""
        return self.probability if self.happened else 1.0 - self.probability

    @property
    def brier(self) -> float:
        """Brier score of the forecast probability."""
        return brier(self.probability, self.happened)

    def record(self) -> dict[str, Any]:
        """The event as stored in ``backtest.json``."""
        low, high = self.interval
        record = {
            "key": self.key,
            "label": self.label,
            "happened": self.happened,
            "probability": self.probability,
            "probability_95ci": [low, high],
            "probability_of_outcome": self.probability_of_outcome,
            "brier": self.brier,
            "brier_reference": brier(EVENT_CLIMATOLOGY, self.happened),
            "brier_skill": skill(self.brier, brier(EVENT_CLIMATOLOGY, self.happened)),
            "runs": self.runs,
            "hits": self.hits,
        }
        if self.deals is not None and self.deal_hits is not None:
            record["probability_among_deals"] = self.deal_hits / self.deals if self.deals else None
            record["probability_among_deals_95ci"] = list(
                proportion_interval(self.deal_hits, self.deals)
            )
        return record


@dataclass
class IssueScore:
    """The forecast of one settled issue's value among deals, scored.

    Attributes:
        issue: Issue key.
        observed: The observed interval (both ends equal when exact).
        scored_at: The value scored: the observed value, or the interval's midpoint.
        deals: Runs that reached a deal (the ensemble).
        crps: CRPS of the ensemble at ``scored_at``, in the issue's unit.
        crps_reference: CRPS of the uniform forecast over the issue's bounds.
        pit: Mid-PIT of ``scored_at`` among deals.
        bounds: The issue's bounds.
    """

    issue: str
    observed: tuple[float, float]
    scored_at: float
    deals: int
    crps: float
    crps_reference: float
    pit: float
    bounds: tuple[float, float]

    def record(self) -> dict[str, Any]:
        """The score as stored in ``backtest.json``."""
        return {
            "issue": self.issue,
            "observed": list(self.observed),
            "scored_at": self.scored_at,
            "deals": self.deals,
            "crps": self.crps,
            "crps_reference": self.crps_reference,
            "crps_skill": skill(self.crps, self.crps_reference),
            "pit": self.pit,
            "bounds": list(self.bounds),
        }


@dataclass
class CaseBacktest:
    """The backtest of one scenario against one observed outcome.

    Attributes:
        case: The case identifier.
        runs: Runs in the batch.
        events: Each observed fact as an event.
        path: Every timing event as it happened, jointly.
        path_and_terms: The path and every issue event, jointly.
        ending_log_score: Log score of the ending; ``ending_reference`` that of the uniform
            forecast over the endings.
        timing_log_score: Log score of the week of the deal (or no deal);
            ``timing_reference`` that of the uniform forecast over the weeks and no deal.
        observed_week: The week of the deal counted from the start (0 = the first), or ``None``.
        issues: Scores of the settled issues.
        notes: What a reader should know about the comparison.
    """

    case: str
    runs: int
    events: list[EventForecast]
    path: EventForecast
    path_and_terms: EventForecast
    ending_log_score: float
    ending_reference: float
    timing_log_score: float
    timing_reference: float
    observed_week: int | None
    issues: list[IssueScore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """The backtest as stored in ``backtest.json``."""
        return {
            "case": self.case,
            "runs": self.runs,
            "events": [event.record() for event in self.events],
            "path": self.path.record(),
            "path_and_terms": self.path_and_terms.record(),
            "scores": {
                "ending_log_score": self.ending_log_score,
                "ending_log_score_reference": self.ending_reference,
                "ending_log_skill": skill(self.ending_log_score, self.ending_reference),
                "timing_log_score": self.timing_log_score,
                "timing_log_score_reference": self.timing_reference,
                "timing_log_skill": skill(self.timing_log_score, self.timing_reference),
                "observed_week": self.observed_week,
                "mean_brier": self.mean_brier,
                "mean_brier_skill": skill(self.mean_brier, brier(EVENT_CLIMATOLOGY, True)),
            },
            "issues": [score.record() for score in self.issues],
            "notes": self.notes,
        }

    @property
    def mean_brier(self) -> float:
        """Mean Brier score over the events."""
        return float(np.mean([event.brier for event in self.events]))


def issue_tolerance(scenario: Scenario, issue: str) -> float:
    """How far from the observation an issue's value still matches it (``TOLERANCE_SHARE``).

    Examples:
        >>> from sim.scenario.loading import load_scenario
        >>> spec = load_scenario("scenarios/korea_us_2025.yaml").scenario
        >>> issue_tolerance(spec, "tariff")  # 5% of the range 10 to 25
        0.75
    """
    low, high = scenario.issues[issue].bounds
    return round(TOLERANCE_SHARE * (high - low), 12)


def horizon_weeks(scenario: Scenario) -> int:
    """Weeks (from the start of the talks) that the calendar can reach, longest extension included.

    Examples:
        >>> from sim.scenario.loading import load_scenario
        >>> horizon_weeks(load_scenario("scenarios/korea_us_2025.yaml").scenario)
        29
    """
    calendar = scenario.calendar
    days = (calendar.deadline - calendar.start).days + longest_extension(calendar)
    return int(days) // 7 + 1


def backtest_case(table: pd.DataFrame, scenario: Scenario, observed: Observed) -> CaseBacktest:
    """Hold a batch's runs table against what happened.

    Args:
        table: The runs table (at least ``TIMING_COLUMNS``, ``deadline_in_force``,
            ``days_before_deadline_in_force`` and ``issue.<issue>`` of every issue).
        scenario: The scenario of the batch.
        observed: What happened; its issues are the scenario's (``issue_problems``).

    Returns:
        Events, path, scores and notes.
    """
    runs = len(table)
    agreed = table["agreed"].to_numpy(bool)
    deals = int(agreed.sum())
    timing = list(_timing_events(table, scenario, observed))
    terms = list(_issue_events(table, scenario, observed)) if _agreed(observed) else []
    events: list[EventForecast] = []
    path = np.ones(runs, dtype=bool)
    for key, label, happened, hits in timing:
        events.append(EventForecast(key, label, happened, runs, int(hits.sum())))
        path &= hits == happened
    path_event = EventForecast("path", _path_label(events), True, runs, int(path.sum()))
    terms_path = path.copy()
    for key, label, hits in terms:
        deal_hits = int((hits & agreed).sum())
        events.append(
            EventForecast(key, label, True, runs, int(hits.sum()), deals, deal_hits, False)
        )
        terms_path &= hits
    terms_event = EventForecast(
        "path_and_terms",
        "the path, with every issue as observed",
        True,
        runs,
        int(terms_path.sum()),
    )
    ending_counts = [int((table["ended_by"] == name).sum()) for name in ENDINGS]
    weeks, observed_week = _weeks(table, scenario, observed)
    issues = [
        _issue_score(table.loc[agreed, f"issue.{name}"].to_numpy(float), scenario, name, fact)
        for name, fact in observed.issues.items()
        if fact.settled and _agreed(observed)
    ]
    return CaseBacktest(
        case=observed.case,
        runs=runs,
        events=events,
        path=path_event,
        path_and_terms=terms_event,
        ending_log_score=categorical_log_score(
            ending_counts, ENDINGS.index(observed.ended_by.value)
        ),
        ending_reference=uniform_log_score(len(ENDINGS)),
        timing_log_score=categorical_log_score(
            weeks, len(weeks) - 1 if observed_week is None else observed_week
        ),
        timing_reference=uniform_log_score(len(weeks)),
        observed_week=observed_week,
        issues=issues,
        notes=_notes(scenario, observed, deals),
    )


def _agreed(observed: Observed) -> bool:
    return observed.ended_by.value == "agreement"


def days_from(column: pd.Series, date: dt.date) -> np.ndarray:
    """Days from ``date`` to each date of ``column`` (NaN where missing)."""
    values = pd.to_datetime(column).to_numpy("datetime64[D]")
    delta = (values - np.datetime64(date, "D")).astype("timedelta64[D]")
    return np.where(np.isnat(delta), np.nan, delta.astype(float))


def _timing_events(table: pd.DataFrame, scenario: Scenario, observed: Observed):
    """``(key, label, happened, hits)`` of each timing fact."""
    agreed = table["agreed"].to_numpy(bool)
    deadline = scenario.calendar.deadline
    ending = observed.ended_by.value
    yield "ending", f"talks end by {ending}", True, (table["ended_by"] == ending).to_numpy(bool)
    deal_date = observed.agreement_date.value if observed.agreement_date else None
    by_deadline = days_from(table["agreement_date"], deadline)
    yield (
        "deal_by_deadline",
        f"deal by the original deadline ({deadline})",
        deal_date is not None and deal_date <= deadline,
        agreed & (by_deadline <= 0),
    )
    extended = table["extended"].to_numpy(bool)
    count = observed.extensions.value
    yield "extended", "deadline extended", count > 0, extended
    if count > 0:
        times = "once" if count == 1 else f"{count} times"
        yield (
            "extensions",
            f"deadline extended {times}",
            True,
            table["extensions"].to_numpy() == count,
        )
    in_force = observed.deadline_in_force.value
    if count > 0:
        yield (
            "deadline_in_force",
            f"deadline in force within {DATE_WINDOW_DAYS} days of {in_force}",
            True,
            np.abs(days_from(table["deadline_in_force"], in_force)) <= DATE_WINDOW_DAYS,
        )
    if deal_date is not None:
        last_week = (in_force - deal_date).days < LAST_WEEK_DAYS
        days_left = table["days_before_deadline_in_force"].to_numpy(float)
        yield (
            "last_week",
            f"deal in the last {LAST_WEEK_DAYS} days before the deadline in force",
            last_week,
            agreed & (days_left < LAST_WEEK_DAYS),
        )
        yield (
            "agreement_date",
            f"deal within {DATE_WINDOW_DAYS} days of {deal_date}",
            True,
            agreed & (np.abs(days_from(table["agreement_date"], deal_date)) <= DATE_WINDOW_DAYS),
        )


def _issue_events(table: pd.DataFrame, scenario: Scenario, observed: Observed):
    """``(key, label, hits)`` of each issue fact, for a case that ended in a deal."""
    agreed = table["agreed"].to_numpy(bool)
    for name, fact in observed.issues.items():
        spec = scenario.issues[name]
        values = table[f"issue.{name}"].to_numpy(float)
        tolerance = issue_tolerance(scenario, name)
        if fact.settled:
            low, high = fact.interval
            where = f"{low:g}" if low == high else f"{low:g} to {high:g}"
            label = f"{name} at {where} {spec.unit} (within {tolerance:g})"
            hits = (values >= low - tolerance) & (values <= high + tolerance)
        else:
            no_deal = no_deal_values(table, scenario, name)
            label = f"{name} not settled: left at its no-deal value (within {tolerance:g})"
            hits = np.abs(values - no_deal) <= tolerance
        yield f"issue.{name}", label, agreed & hits


def no_deal_values(table: pd.DataFrame, scenario: Scenario, issue: str) -> np.ndarray | float:
    """An issue's no-deal value in each run: the drawn value when it is uncertain."""
    column = f"drawn.issues.{issue}.no_deal"
    if column in table:
        return table[column].to_numpy(float)
    return float(np.mean(support(scenario.issues[issue].no_deal)))


def _weeks(table: pd.DataFrame, scenario: Scenario, observed: Observed):
    """Runs per week of the deal (from the start), then runs without a deal; the observed week."""
    weeks = horizon_weeks(scenario)
    start = scenario.calendar.start
    days = days_from(table["agreement_date"], start)
    agreed = table["agreed"].to_numpy(bool)
    index = np.clip(np.floor(days[agreed] / 7), 0, weeks - 1).astype(int)
    counts = [*np.bincount(index, minlength=weeks).tolist(), int((~agreed).sum())]
    if observed.agreement_date is None:
        return counts, None
    week = (observed.agreement_date.value - start).days // 7
    return counts, int(min(max(week, 0), weeks - 1))


def _issue_score(deals: np.ndarray, scenario: Scenario, issue: str, fact: IssueFact) -> IssueScore:
    low, high = fact.interval
    at = (low + high) / 2
    bounds = scenario.issues[issue].bounds
    return IssueScore(
        issue=issue,
        observed=(low, high),
        scored_at=at,
        deals=len(deals),
        crps=crps_ensemble(at, deals),
        crps_reference=crps_uniform(at, *bounds),
        pit=mid_pit(at, deals),
        bounds=(float(bounds[0]), float(bounds[1])),
    )


def _path_label(events: list[EventForecast]) -> str:
    parts = [event.label if event.happened else f"not: {event.label}" for event in events]
    return "; ".join(parts)


def _notes(scenario: Scenario, observed: Observed, deals: int) -> list[str]:
    notes = []
    if observed.as_of != scenario.calendar.start:
        notes.append(
            f"the observed file stands at {observed.as_of}, the scenario starts on "
            f"{scenario.calendar.start}"
        )
    if _agreed(observed) and deals == 0:
        notes.append("no run reached a deal: the issues cannot be scored")
    for name, fact in observed.issues.items():
        low, high = scenario.issues[name].bounds
        if fact.settled and (fact.interval[0] < low or fact.interval[1] > high):
            notes.append(
                f"the observed {name} lies outside the scenario's bounds [{low:g}, {high:g}]"
            )
    return notes


def calibration(cases: list[CaseBacktest]) -> dict[str, Any]:
    """The PIT values and event forecasts of several cases, for a calibration view.

    Returns:
        ``pit``: one entry per settled issue (case, issue, PIT); ``events``: one per event (case,
        key, forecast probability, happened).
    """
    return {
        "pit": [
            {"case": case.case, "issue": score.issue, "pit": score.pit}
            for case in cases
            for score in case.issues
            if not math.isnan(score.pit)
        ],
        "events": [
            {
                "case": case.case,
                "key": event.key,
                "probability": event.probability,
                "happened": event.happened,
            }
            for case in cases
            for event in case.events
        ],
    }
