"""The plan of a batch: its chunks, and what a chunk's simulation gives back.

Light on purpose: the process that hands chunks to workers and collects their rows imports this
module, never the simulator (``sim.batch.chunks``), which only the workers load; and ``negsim
run`` reads ``DEFAULT_CHUNK_RUNS`` from it before it has imported numpy and pandas, to start a
process pool's workers early.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

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
