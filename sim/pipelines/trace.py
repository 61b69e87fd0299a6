"""``negsim trace``: replay one run of a batch round by round, chart it, write its folder."""

from __future__ import annotations

from sim.analysis.trace import Trace, trace_of
from sim.batch.chunks import DEFAULT_CHUNK_RUNS, plan_chunks, run_chunk
from sim.errors import UsageError
from sim.scenario.schema import Scenario


def trace_run(
    scenario: Scenario,
    seed: int,
    run: int = 0,
    runs: int | None = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
) -> Trace:
    """Replay run ``run`` of the batch of ``runs`` runs with master seed ``seed``.

    The run's chunk is simulated whole, since its random draws depend on the chunk's size; the
    replay is exact (same draws, same rounds as in the batch).

    Raises:
        UsageError: ``run`` is not a run of the batch.
    """
    runs = scenario.runs if runs is None else runs
    if not 0 <= run < runs:
        raise UsageError(f"run must be between 0 and {runs - 1} for a batch of {runs:,} runs")
    chunk = plan_chunks(runs, chunk_runs)[run // chunk_runs]
    result = run_chunk(scenario, seed, chunk, trace_rounds=run + 1)
    local = run - chunk.start
    outcome = result.runs.iloc[local]
    return trace_of(scenario, run, result.rounds, outcome, result.frontiers[local])
