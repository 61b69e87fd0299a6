"""Summary statistics of a runs table, as written to ``summary.json`` and printed after a batch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sim.analysis.inference import proportion_interval
from sim.columns import ENDINGS
from sim.scenario.schema import Scenario

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
PIECE_RUNS = 1_000_000
"""Runs read at once from a ``runs.parquet`` (a few megabytes per column)."""


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


class Columns:
    """The columns of a runs table, or of a ``runs.parquet`` read a piece of runs at a time.

    A summary of a file holds one column of the runs that reached a deal, and of the other runs
    a piece of about ``PIECE_RUNS`` runs at a time: at 10^7 runs its peak is about 630 MB instead
    of 975 MB with whole columns. A table in memory is one piece.
    """

    def __init__(self, source: pd.DataFrame | Path) -> None:
        if isinstance(source, pd.DataFrame):
            self.frame, self.file, self.names = source, None, list(source.columns)
        else:
            self.frame, self.file = None, pq.ParquetFile(source)
            self.names = self.file.schema_arrow.names

    def frames(self, names: list[str]) -> Iterator[pd.DataFrame]:
        """The columns ``names``, by pieces of about ``PIECE_RUNS`` runs (whole row groups).

        Each piece is read in one thread: pyarrow's threaded read holds the buffers of several
        row groups at once.
        """
        if self.file is None:
            yield self.frame[names]
            return
        if not self.file.num_row_groups:
            yield self.file.read(columns=names, use_threads=False).to_pandas()
            return
        rows = np.cumsum(
            [self.file.metadata.row_group(g).num_rows for g in range(self.file.num_row_groups)]
        )
        piece = (rows - 1) // PIECE_RUNS  # whole row groups ending in the same PIECE_RUNS runs
        for number in np.unique(piece):
            groups = np.flatnonzero(piece == number).tolist()
            yield self.file.read_row_groups(groups, columns=names, use_threads=False).to_pandas()

    def pieces(self, name: str) -> Iterator[pd.Series]:
        """The column ``name``, piece by piece."""
        return (frame[name] for frame in self.frames([name]))

    def whole(self, name: str) -> np.ndarray:
        """A whole column as one array (for one-byte columns: wider ones are summed by piece)."""
        return np.concatenate([piece.to_numpy() for piece in self.pieces(name)])

    def total(self, name: str, of: Callable[[pd.Series], pd.Series] = lambda piece: piece) -> float:
        """The sum over all runs of ``of(column)``, piece by piece."""
        return float(sum(of(piece).sum() for piece in self.pieces(name)))

    def among(self, name: str, agreed: np.ndarray) -> pd.Series:
        """The column in the runs where ``agreed``, filled in piece by piece."""
        if self.file is None:
            return self.frame[name][agreed]
        kept, start, filled = None, 0, 0
        for piece in self.pieces(name):
            values = piece.to_numpy()[agreed[start : start + len(piece)]]
            if kept is None:
                kept = np.empty(int(agreed.sum()), dtype=values.dtype)
            kept[filled : filled + len(values)] = values
            start, filled = start + len(piece), filled + len(values)
        return pd.Series(kept)


def summarise(source: pd.DataFrame | Path, scenario: Scenario) -> dict[str, Any]:
    """Deal probability, outcomes among deals, utilities and timing of a batch.

    Args:
        source: The runs table of a batch, or the path of its ``runs.parquet`` (then columns are
            read a piece at a time, so memory stays small for any number of runs:
            ``Columns``).
        scenario: The scenario it was run from (for units and labels).

    Returns:
        A JSON-ready dictionary.
    """
    columns = Columns(source)
    agreed = columns.whole("agreed")
    runs, deals = len(agreed), int(agreed.sum())
    low, high = proportion_interval(deals, runs)
    endings = Counter()
    for piece in columns.pieces("ended_by"):
        endings.update(piece.value_counts().to_dict())

    def among_deals(name: str) -> pd.Series:
        return columns.among(name, agreed)

    def share(name: str, of: Callable[[pd.Series], pd.Series] = lambda piece: piece) -> float:
        return columns.total(name, of) / runs if runs else 0.0

    return {
        "scenario": scenario.name,
        "runs": runs,
        "deals": deals,
        "deal_probability": deals / runs if runs else 0.0,
        "deal_probability_95ci": [low, high],
        "endings": {name: int(endings.get(name, 0)) for name in ENDINGS},
        "extended_share": share("extended"),
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
                "mean": share(f"utility.{party}"),
                "mean_among_deals": _mean(among_deals(f"utility.{party}")),
                "mean_reservation": share(f"reservation.{party}"),
            }
            for party in scenario.negotiators
        },
        **_timing(among_deals, runs),
        "agreement_hazard": _hazard(columns, scenario),
        "events": {
            name.split(".", 1)[1] if name.startswith("event.") else name: share(name, _happened)
            for name in columns.names
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


def _hazard(columns: Columns, scenario: Scenario) -> dict[str, float | None]:
    """Deals per day of talks, in the last week before the deadline in force and before it.

    Each meeting stands for the days to the next one; a ratio above 1 is a deadline effect.
    """
    if "meetings_in_last_week" not in columns.names:  # tables of older versions
        return {}
    drawn = "drawn.calendar.meeting_interval_days"
    interval = scenario.calendar.meeting_interval_days
    names = ["agreed", "end_round", "meetings_in_last_week", "days_before_deadline_in_force"]
    if drawn in columns.names:
        names.append(drawn)
    elif not isinstance(interval, int | float):  # a lean table leaves out the drawn interval
        return {}
    late_deals = late_days = deals = days = 0.0
    for frame in columns.frames(names):
        each = frame[drawn].to_numpy() if drawn in frame else interval
        agreed = frame["agreed"].to_numpy()
        late = agreed & (frame["days_before_deadline_in_force"].to_numpy() < 7)
        late_meetings = frame["meetings_in_last_week"].to_numpy()
        meetings = frame["end_round"].to_numpy() + 1
        late_deals += late.sum()
        late_days += float(np.sum(late_meetings * each))
        deals += (agreed & ~late).sum()
        days += float(np.sum((meetings - late_meetings) * each))
    last_week = float(late_deals) / late_days if late_days > 0 else None
    before = float(deals) / days if days > 0 else None
    return {
        "per_day_in_last_week_before_deadline_in_force": last_week,
        "per_day_before_that": before,
        "ratio": last_week / before if last_week is not None and before else None,
    }


def _happened(values: pd.Series) -> pd.Series:
    """Whether an event happened in each run (a flag, or a round that is -1 when it did not)."""
    return values if values.dtype == bool else values >= 0


def _mean(values: pd.Series) -> float | None:
    return float(values.mean()) if len(values) else None


def _statistics(values: pd.Series) -> dict[str, float | None]:
    return {"mean": _mean(values), **_quantiles(values)}
