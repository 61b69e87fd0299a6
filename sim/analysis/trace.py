"""One negotiation round by round: its offers, its frontier and the bargaining solutions.

``sim.pipelines.trace.trace_run`` replays a run of a batch and builds its ``Trace`` here;
``sim.charts.trace.plot_trace`` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.maths.calendar import round_day
from sim.scenario.schema import Scenario

INTERVAL = "calendar.meeting_interval_days"


@dataclass
class Trace:
    """A single run, round by round.

    Attributes:
        scenario: The scenario.
        run: The run's index in its batch.
        rounds: One row per round: date, proposer, the offer per issue, both sides' utility of
            it, and whether it was accepted.
        outcome: The run's row of the runs table.
        frontier: Vertices of its Pareto frontier in utility space, shape ``(K + 1, 2)``.
        parties: The negotiators, first proposer first.
    """

    scenario: Scenario
    run: int
    rounds: pd.DataFrame
    outcome: pd.Series
    frontier: np.ndarray
    parties: tuple[str, str]


def trace_of(
    scenario: Scenario, run: int, rounds: pd.DataFrame, outcome: pd.Series, frontier: np.ndarray
) -> Trace:
    """The trace of run ``run`` from the traced rounds of its chunk and its row of the runs table.

    Args:
        scenario: The scenario.
        run: The run's index in its batch.
        rounds: The rounds of the chunk's traced runs (``rounds.parquet`` columns).
        outcome: The run's row of the runs table.
        frontier: Its Pareto frontier, first proposer first.
    """
    rounds = rounds[rounds["run"] == run].drop(columns="run").reset_index(drop=True)
    rounds["proposer"] = rounds["proposer"].astype(object)
    interval = outcome.get(f"drawn.{INTERVAL}", scenario.calendar.meeting_interval_days)
    days = round_day(rounds["round"].to_numpy(), interval)
    start = np.datetime64(scenario.calendar.start, "D")
    rounds.insert(1, "date", start + days.astype("timedelta64[D]"))
    first = scenario.protocol.first_proposer
    second = next(party for party in scenario.negotiators if party != first)
    return Trace(scenario, run, rounds, outcome, frontier, (first, second))
