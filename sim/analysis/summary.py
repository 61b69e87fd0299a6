"""Summary statistics of a runs table, as written to ``summary.json`` and printed after a batch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sim.analysis.inference import proportion_interval
from sim.columns import ENDINGS
from sim.scenario.schema import Scenario

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _quantiles(values: pd.Series) -> dict[str, float | None]:
    if values.empty:
        return {f"q{round(q * 100):02d}": None for q in QUANTILES}
    found = np.quantile(values.to_numpy(dtype=float), QUANTILES)
    return {f"q{round(q * 100):02d}": float(v) for q, v in zip(QUANTILES, found, strict=True)}


def extension_possible(scenario: Scenario) -> bool:
    """Whether the scenario's calendar can extend the deadline at all."""
    from sim.params.numbers import support

    extension = scenario.calendar.extension
    return extension.times > 0 and support(extension.probability)[1] > 0


def column_reader(source: pd.DataFrame | Path) -> Callable[[str], pd.Series]:
    """Read columns by name from a runs table, or one at a time from a ``runs.parquet`` file.

    A file's column is read in one thread: pyarrow's threaded read holds the buffers of several
    row groups at once, which at 10^7 runs is hundreds of megabytes more than the column itself.
    """
    if isinstance(source, pd.DataFrame):
        return source.__getitem__
    file = pq.ParquetFile(source)
    return lambda name: file.read(columns=[name], use_threads=False).column(0).to_pandas()


def summarise(source: pd.DataFrame | Path, scenario: Scenario) -> dict[str, Any]:
    """Deal probability, outcomes among deals, utilities and timing of a batch.

    Args:
        source: The runs table of a batch, or the path of its ``runs.parquet`` (then columns are
            read one at a time, so memory stays small for any number of runs).
        scenario: The scenario it was run from (for units and labels).

    Returns:
        A JSON-ready dictionary.
    """
    column = column_reader(source)
    agreed = column("agreed").to_numpy()
    runs, deals = len(agreed), int(agreed.sum())
    low, high = proportion_interval(deals, runs)
    endings = column("ended_by").value_counts()

    def among_deals(name: str) -> pd.Series:
        return column(name)[agreed]

    names = source.columns if isinstance(source, pd.DataFrame) else pq.read_schema(source).names
    return {
        "scenario": scenario.name,
        "runs": runs,
        "deals": deals,
        "deal_probability": deals / runs if runs else 0.0,
        "deal_probability_95ci": [low, high],
        "endings": {name: int(endings.get(name, 0)) for name in ENDINGS},
        "extended_share": float(column("extended").mean()) if runs else 0.0,
        "extension_possible": extension_possible(scenario),
        "issues_among_deals": {
            name: {
                "label": issue.label,
                "unit": issue.unit,
                **_statistics(among_deals(f"issue.{name}")),
            }
            for name, issue in scenario.issues.items()
        },
        "utilities": {
            party: {
                "mean": float(column(f"utility.{party}").mean()),
                "mean_among_deals": _mean(among_deals(f"utility.{party}")),
                "mean_reservation": float(column(f"reservation.{party}").mean()),
            }
            for party in scenario.negotiators
        },
        **_timing(among_deals, runs),
        "agreement_hazard": _hazard(column, agreed, names, scenario),
        "events": {
            name.split(".", 1)[1] if name.startswith("event.") else name: _event_share(column(name))
            for name in names
            if name.startswith(("event.", "retaliated."))
        },
    }


def _timing(among_deals: Callable[[str], pd.Series], runs: int) -> dict[str, Any]:
    """When deals came: their timing, their paths through the deadlines, the deadline effect.

    The deadline effect is measured on time to the deadline in force (original or extended).
    """
    rounds_before = among_deals("rounds_before_deadline")
    end_rounds = among_deals("end_round")
    extended = among_deals("extended")
    share = (lambda deals: float(deals.sum()) / runs) if runs else (lambda deals: None)
    return {
        "paths": {
            "deal_before_original_deadline": share(~extended),
            "deal_during_extension": share(extended),
            "deal_in_last_week_before_deadline_in_force": share(
                among_deals("days_before_deadline_in_force") < 7
            ),
        },
        "time_to_deal": {
            "rounds": _quantiles(end_rounds),
            "days_before_deadline": _quantiles(among_deals("days_before_deadline")),
            "share_at_deadline_meeting": _mean(rounds_before == 0),
            "share_in_extension": _mean(rounds_before < 0),
        },
        "deadline_effect": {
            "share_of_deals_in_last_10_percent_of_time": _mean(
                among_deals("time_to_deadline_elapsed") >= 0.9
            ),
            "share_of_deals_in_last_10_percent_of_rounds": _mean(
                end_rounds >= 0.9 * (end_rounds + rounds_before)
            ),
            "reference": "Roth, Murnighan & Schoumaker (1988), Am. Econ. Rev. 78: 806-823",
        },
    }


def _hazard(column, agreed: np.ndarray, names, scenario: Scenario) -> dict[str, float | None]:
    """Deals per day of talks, in the last week before the deadline in force and before it.

    Each meeting stands for the days to the next one; a ratio above 1 is a deadline effect.
    """
    if "meetings_in_last_week" not in names:  # tables of older versions
        return {}
    late_meetings = column("meetings_in_last_week").to_numpy()
    meetings = column("end_round").to_numpy() + 1
    drawn = "drawn.calendar.meeting_interval_days"
    interval = scenario.calendar.meeting_interval_days
    if drawn in names:
        interval = column(drawn).to_numpy()
    elif not isinstance(interval, int | float):  # a lean table leaves out the drawn interval
        return {}
    late = agreed & (column("days_before_deadline_in_force").to_numpy() < 7)

    def per_day(deals: np.ndarray, held: np.ndarray) -> float | None:
        days = float(np.sum(held * interval))
        return float(deals.sum()) / days if days > 0 else None

    last_week, before = (
        per_day(late, late_meetings),
        per_day(agreed & ~late, meetings - late_meetings),
    )
    return {
        "per_day_in_last_week_before_deadline_in_force": last_week,
        "per_day_before_that": before,
        "ratio": last_week / before if last_week is not None and before else None,
    }


def _event_share(values: pd.Series) -> float:
    """Share of runs in which an event happened (a flag, or a round that is -1 when it did not)."""
    happened = values if values.dtype == bool else values >= 0
    return float(happened.mean()) if len(values) else 0.0


def _mean(values: pd.Series) -> float | None:
    return float(values.mean()) if len(values) else None


def _statistics(values: pd.Series) -> dict[str, float | None]:
    return {"mean": _mean(values), **_quantiles(values)}
