"""Monte Carlo batches: split the runs into chunks, simulate each chunk as one model, collect rows.

Chunk ``i`` holds runs ``i * chunk_runs`` to ``(i + 1) * chunk_runs - 1`` and is seeded with
``SeedSequence(seed, spawn_key=(i,))``, the ``i``-th child of the master seed. The table therefore
depends on the master seed and the chunk size only, not on which engine or how many workers ran
the chunks, nor in what order; a different chunk size gives different (equally valid) draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.model.negotiation import NegotiationModel
from sim.scenario.schema import Scenario

DEFAULT_CHUNK_RUNS = 25_000
ENDINGS = ["agreement", "deadline", "breakdown", "not_ratified"]


@dataclass(frozen=True)
class Chunk:
    """A slice of a batch, simulated as one model."""

    index: int
    start: int
    runs: int


@dataclass
class ChunkResult:
    """The rows of one chunk: one per run, and one per round of its traced runs (if any)."""

    chunk: Chunk
    runs: pd.DataFrame
    rounds: pd.DataFrame | None = None


def plan_chunks(runs: int, chunk_runs: int = DEFAULT_CHUNK_RUNS) -> list[Chunk]:
    """Cut ``runs`` runs into chunks of ``chunk_runs`` (the last may be smaller).

    Examples:
        >>> [(c.index, c.start, c.runs) for c in plan_chunks(5, 2)]
        [(0, 0, 2), (1, 2, 2), (2, 4, 1)]
    """
    return [
        Chunk(index, start, min(chunk_runs, runs - start))
        for index, start in enumerate(range(0, runs, chunk_runs))
    ]


def chunk_seed(seed: int, chunk: Chunk) -> np.random.SeedSequence:
    """The seed of one chunk: the ``chunk.index``-th child of the master seed."""
    return np.random.SeedSequence(seed, spawn_key=(chunk.index,))


def run_chunk(scenario: Scenario, seed: int, chunk: Chunk, trace_rounds: int = 0) -> ChunkResult:
    """Simulate one chunk to the end and return its rows.

    Args:
        scenario: A validated scenario.
        seed: The batch's master seed.
        chunk: Which runs to simulate.
        trace_rounds: Record every round of the batch's first ``trace_rounds`` runs.
    """
    traced = max(0, min(trace_rounds - chunk.start, chunk.runs))
    model = NegotiationModel(scenario, chunk.runs, chunk_seed(seed, chunk), trace_runs=traced)
    model.run_model()
    columns = model.results()
    trace = model.trace() if traced else {}
    model.release()
    columns["ended_by"] = pd.Categorical(columns["ended_by"], categories=ENDINGS)
    columns["deal_proposed_by"] = pd.Categorical(
        columns["deal_proposed_by"], categories=list(scenario.negotiators)
    )
    runs = pd.DataFrame({"run": np.arange(chunk.start, chunk.start + chunk.runs), **columns})
    rounds = None
    if traced:
        rounds = pd.DataFrame(trace)
        rounds["run"] += chunk.start
        rounds["proposer"] = pd.Categorical(
            rounds["proposer"], categories=list(scenario.negotiators)
        )
    return ChunkResult(chunk, runs, rounds)


def run_batch(
    scenario: Scenario,
    runs: int | None = None,
    seed: int | None = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    on_chunk: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run a Monte Carlo batch in this process and return one row per run.

    Args:
        scenario: A validated scenario (``load_scenario(path).scenario``).
        runs: Number of runs; the scenario's ``runs`` when ``None``.
        seed: Master seed; the scenario's ``seed`` when ``None``.
        chunk_runs: Runs simulated side by side in one model.
        on_chunk: Called with the number of runs of each finished chunk (for progress bars).

    Returns:
        The runs table; ``sim.columns.COLUMNS`` documents its columns.
    """
    runs = scenario.runs if runs is None else runs
    seed = scenario.seed if seed is None else seed
    tables = []
    for chunk in plan_chunks(runs, chunk_runs):
        tables.append(run_chunk(scenario, seed, chunk).runs)
        if on_chunk is not None:
            on_chunk(chunk.runs)
    return pd.concat(tables, ignore_index=True)
