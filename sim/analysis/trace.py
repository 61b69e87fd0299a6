"""One negotiation drawn round by round: its offers, the frontier and the bargaining solutions.

``trace_run(scenario, seed, run)`` replays run ``run`` of the batch with master seed ``seed``
exactly as the batch simulated it (same draws, same rounds); ``sim.charts.trace.plot_trace``
draws it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.batch.chunks import DEFAULT_CHUNK_RUNS, chunk_seed, plan_chunks
from sim.errors import UsageError
from sim.maths.bargaining import pareto_frontier_linear
from sim.maths.calendar import round_day
from sim.model.negotiation import NegotiationModel
from sim.scenario.schema import Scenario


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


def trace_run(
    scenario: Scenario,
    seed: int,
    run: int = 0,
    runs: int | None = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
) -> Trace:
    """Replay run ``run`` of the batch of ``runs`` runs with master seed ``seed``.

    The run's chunk is simulated whole, since its random draws depend on the chunk's size.
    """
    runs = scenario.runs if runs is None else runs
    if not 0 <= run < runs:
        raise UsageError(f"run must be between 0 and {runs - 1} for a batch of {runs:,} runs")
    chunk = plan_chunks(runs, chunk_runs)[run // chunk_runs]
    local = run - chunk.start
    model = NegotiationModel(scenario, chunk.runs, chunk_seed(seed, chunk), trace_runs=local + 1)
    model.run_model()
    rounds = pd.DataFrame(model.trace())
    rounds = rounds[rounds["run"] == local].drop(columns="run").reset_index(drop=True)
    start = np.datetime64(scenario.calendar.start, "D")
    days = round_day(rounds["round"].to_numpy(), model.interval[local])
    rounds.insert(1, "date", start + days.astype("timedelta64[D]"))
    outcome = pd.Series({key: value[local] for key, value in model.results().items()})
    first, second = model.negotiators
    frontier = pareto_frontier_linear(
        first.weights[local],
        first.ideal[local],
        second.weights[local],
        second.ideal[local],
        model.low,
        model.high,
    )
    return Trace(scenario, run, rounds, outcome, frontier, (first.party, second.party))
