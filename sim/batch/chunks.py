"""Monte Carlo batches: split the runs into chunks, simulate each chunk as one model, collect rows.

Chunk ``i`` holds runs ``i * chunk_runs`` to ``(i + 1) * chunk_runs - 1`` and is seeded with
``SeedSequence(seed, spawn_key=(i,))``, the ``i``-th child of the master seed (``sim.seeds``). The
table therefore depends on the master seed and the chunk size only, not on which engine or how
many workers ran the chunks, nor in what order; a different chunk size gives different (equally
valid) draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.columns import ENDINGS
from sim.model.negotiation import NegotiationModel
from sim.model.parameters import Parameters
from sim.scenario.schema import Scenario
from sim.seeds import chunk_seed

DEFAULT_CHUNK_RUNS = 25_000


@dataclass(frozen=True)
class Chunk:
    """A slice of a batch, simulated as one model."""

    index: int
    start: int
    runs: int


@dataclass
class ChunkResult:
    """The rows of one chunk: one per run, and one per round of its traced runs (if any).

    Attributes:
        chunk: Which runs these are.
        runs: One row per run (``sim.columns``).
        rounds: One row per round of each traced run, or ``None``.
        frontiers: The Pareto frontier of each traced run, shape ``(traced, K + 1, 2)``.
    """

    chunk: Chunk
    runs: pd.DataFrame
    rounds: pd.DataFrame | None = None
    frontiers: np.ndarray | None = None


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


def run_chunk(
    scenario: Scenario,
    seed: int | np.random.SeedSequence,
    chunk: Chunk,
    trace_rounds: int = 0,
    values: dict[str, np.ndarray] | None = None,
) -> ChunkResult:
    """Simulate one chunk to the end and return its rows.

    This is the one place where a model is built, run, read and released.

    Args:
        scenario: A validated scenario.
        seed: The batch's master seed; the chunk is seeded with its ``chunk.index``-th child.
        chunk: Which runs to simulate.
        trace_rounds: Record every round of the batch's first ``trace_rounds`` runs.
        values: Instead of drawing the uncertain parameters, the values to use: per dotted path,
            one value per run of the whole batch (e.g. a sensitivity-analysis design).
    """
    traced = max(0, min(trace_rounds - chunk.start, chunk.runs))
    parameters = None
    if values is not None:
        part = {path: v[chunk.start : chunk.start + chunk.runs] for path, v in values.items()}
        parameters = Parameters(scenario, chunk.runs, values=part)
    model = NegotiationModel(
        scenario,
        chunk.runs,
        chunk_seed(seed, chunk.index),
        parameters=parameters,
        trace_runs=traced,
    )
    model.run_model()
    columns = model.results()
    trace = model.trace() if traced else {}
    frontiers = model.frontiers()[:traced] if traced else None
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
    return ChunkResult(chunk, runs, rounds, frontiers)


def run_batch(
    scenario: Scenario,
    runs: int | None = None,
    seed: int | np.random.SeedSequence | None = None,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    on_chunk: Callable[[int], None] | None = None,
    values: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """Run a Monte Carlo batch in this process and return one row per run.

    Args:
        scenario: A validated scenario (``load_scenario(path).scenario``).
        runs: Number of runs; the scenario's ``runs`` when ``None`` (or the length of ``values``).
        seed: Master seed; the scenario's ``seed`` when ``None``.
        chunk_runs: Runs simulated side by side in one model.
        on_chunk: Called with the number of runs of each finished chunk (for progress bars).
        values: Parameter values to use instead of drawing them, as in ``run_chunk``.

    Returns:
        The runs table; ``sim.columns.COLUMNS`` documents its columns.
    """
    if runs is None:
        runs = scenario.runs if values is None else len(next(iter(values.values())))
    seed = scenario.seed if seed is None else seed
    tables = []
    for chunk in plan_chunks(runs, chunk_runs):
        tables.append(run_chunk(scenario, seed, chunk, values=values).runs)
        if on_chunk is not None:
            on_chunk(chunk.runs)
    return pd.concat(tables, ignore_index=True)
