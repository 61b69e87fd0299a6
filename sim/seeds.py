"""The only place seeds are derived: every random number in negsim comes from one master seed.

The contract:

- Chunk ``i`` of a batch is seeded with ``SeedSequence(seed, spawn_key=(i,))``, the ``i``-th child
  of the master seed (``chunk_seed``). A table therefore depends on the master seed and the chunk
  size only, not on which engine or how many workers ran the chunks, nor in what order.
- Under a chunk's seed, each uncertain parameter, event and third party draws from its own
  stream, keyed by its name (``stream``), so a variant that changes three lines of a scenario
  shares the random numbers of every other parameter with its baseline (common random numbers).
- An analysis that needs several independent groups of runs or resamples takes the children of
  its seed (``child``): the ``k``-th group uses ``child(seed, k)``.

Seeds are passed down as values, never shared as state, and the global random state is never used.
"""

from __future__ import annotations

import zlib

import numpy as np

SCHEME = (
    "chunk i uses numpy.random.SeedSequence(seed, spawn_key=(i,)); each uncertain parameter "
    "draws from its own stream keyed by its dotted path, so the table depends on seed and "
    "chunk_runs only"
)
"""The seeding scheme in words, as recorded in every manifest."""


def as_seed(seed: int | np.random.SeedSequence) -> np.random.SeedSequence:
    """A ``SeedSequence`` for an int seed (a ``SeedSequence`` is returned as it is)."""
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)


def child(seed: int | np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The child of ``seed`` at ``key`` below it (``child(s, i)`` is chunk ``i`` of master ``s``).

    Examples:
        >>> child(7, 2).spawn_key, child(child(7, 2), 5).spawn_key
        ((2,), (2, 5))
    """
    seed = as_seed(seed)
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, *key))


def chunk_seed(seed: int, index: int) -> np.random.SeedSequence:
    """The seed of chunk ``index`` of a batch with master seed ``seed``."""
    return child(seed, index)


def stream(seed: np.random.SeedSequence, name: str) -> np.random.Generator:
    """An independent generator for the stream ``name`` under ``seed``."""
    return np.random.default_rng(child(seed, zlib.crc32(name.encode())))


def generator(seed: int | np.random.SeedSequence, *key: int) -> np.random.Generator:
    """A generator for the child of ``seed`` at ``key`` (resampling, subsampling)."""
    return np.random.default_rng(child(seed, *key))
