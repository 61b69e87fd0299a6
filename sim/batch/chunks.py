"""Monte Carlo batches: split the runs into chunks, simulate each chunk as one model, collect rows.

Chunk ``i`` holds runs ``i * chunk_runs`` to ``(i + 1) * chunk_runs - 1`` and is seeded with
``SeedSequence(seed, spawn_key=(i,))``, the ``i``-th child of the master seed (``sim.seeds``). The
table therefore depends on the master seed and the chunk size only, not on which engine or how
many workers ran the chunks, nor in what order; a different chunk size gives different (equally
valid) draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.batch.plan import DEFAULT_CHUNK_RUNS, Chunk, ChunkResult, plan_chunks
from sim.columns import ENDINGS
from sim.model.negotiation import NegotiationModel
from sim.model.parameters import Parameters
from sim.scenario.schema import Scenario
from sim.seeds import chunk_seed


def run_chunk(
    scenario: Scenario,
    seed: int | np.random.SeedSequence,
    chunk: Chunk,
    trace_rounds: int = 0,
    values: dict[str, np.ndarray] | None = None,
    columns: str = "all",
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
        columns: ``all`` columns, or ``lean``: without the optional wide groups (drawn
            parameters, per-run solutions; ``sim.columns.COLUMN_SETS``).
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
    columns = model.results(columns)
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
    columns: str = "all",
) -> pd.DataFrame:
    """Run a Monte Carlo batch in this process and return one row per run.

    Args:
        scenario: A validated scenario (``load_scenario(path).scenario``).
        runs: Number of runs; the scenario's ``runs`` when ``None`` (or the length of ``values``).
        seed: Master seed; the scenario's ``seed`` when ``None``.
        chunk_runs: Runs simulated side by side in one model.
        on_chunk: Called with the number of runs of each finished chunk (for progress bars).
        values: Parameter values to use instead of drawing them, as in ``run_chunk``.
        columns: ``all`` columns, or ``lean`` (``sim.columns.COLUMN_SETS``).

    Returns:
        The runs table; ``sim.columns.COLUMNS`` documents its columns.
    """
    if runs is None:
        runs = scenario.runs if values is None else len(next(iter(values.values())))
    seed = scenario.seed if seed is None else seed
    tables = []
    for chunk in plan_chunks(runs, chunk_runs):
        tables.append(run_chunk(scenario, seed, chunk, values=values, columns=columns).runs)
        if on_chunk is not None:
            on_chunk(chunk.runs)
    return pd.concat(tables, ignore_index=True)


@dataclass(frozen=True)
class Batch:
    """One of several batches run together (``run_batches``): a scenario, its runs and seed.

    Attributes:
        scenario: A validated scenario.
        runs: Number of runs.
        seed: Master seed.
        values: Parameter values to use instead of drawing them, as in ``run_chunk``.
    """

    scenario: Scenario
    runs: int
    seed: int | np.random.SeedSequence
    values: dict[str, np.ndarray] | None = None


@dataclass(frozen=True)
class Part:
    """A chunk of one of several batches, as an engine receives it (``index`` among all parts)."""

    index: int
    batch: int
    scenario: Scenario
    seed: int | np.random.SeedSequence
    chunk: Chunk
    values: dict[str, np.ndarray] | None = None


def run_part(part: Part) -> tuple[Part, ChunkResult]:
    """Simulate one part; the picklable task of ``run_batches``."""
    return part, run_chunk(part.scenario, part.seed, part.chunk, values=part.values)


def run_batches(
    batches: list[Batch], engine: Any = None, chunk_runs: int = DEFAULT_CHUNK_RUNS
) -> Iterator[pd.DataFrame]:
    """Run several batches on one engine and yield their runs tables, in the order given.

    The chunks of all the batches are handed to the engine at once, so a pool of workers is busy
    even when each batch is a single chunk (a sweep's grid points, a design's blocks). Each
    table is what ``run_batch`` gives for the same batch, whatever the engine and its workers:
    a chunk's draws depend on its batch's seed and its index only.

    Args:
        batches: The batches.
        engine: An engine of ``sim.batch.engines``, entered by the caller (so that one pool or
            cluster serves several calls); in this process when ``None``.
        chunk_runs: Runs simulated side by side in one model.

    Yields:
        Each batch's runs table, as soon as it and the batches before it are finished.
    """
    from sim.batch.engines import InProcessEngine

    planned = [
        (number, batch, chunk)
        for number, batch in enumerate(batches)
        for chunk in plan_chunks(batch.runs, chunk_runs)
    ]
    parts = [
        Part(index, number, batch.scenario, batch.seed, chunk, batch.values)
        for index, (number, batch, chunk) in enumerate(planned)
    ]
    pending = [sum(part.batch == number for part in parts) for number in range(len(batches))]
    finished: dict[int, list[ChunkResult]] = {number: [] for number in range(len(batches))}
    following = 0
    for part, result in (engine or InProcessEngine()).map(run_part, parts):
        finished[part.batch].append(result)
        pending[part.batch] -= 1
        while following < len(batches) and pending[following] == 0:
            yield _joined(finished.pop(following))
            following += 1
    while following < len(batches):  # batches of no runs
        yield _joined(finished.pop(following))
        following += 1


def _joined(results: list[ChunkResult]) -> pd.DataFrame:
    """The runs of a batch's chunks in run order (no rows for a batch of no runs)."""
    if not results:
        return pd.DataFrame()
    results = sorted(results, key=lambda result: result.chunk.index)
    return pd.concat([result.runs for result in results], ignore_index=True)
