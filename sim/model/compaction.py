"""Working only on the runs still negotiating: per-run arrays shrunk to the active runs.

A model's per-run state is every array, held by the model or one of its parts, whose first axis
runs over the runs it simulates (``Negotiator.ideal``, ``NegotiationModel.ending``, an event's
draws, a strategy's parameters). Once a run has ended its state no longer changes (every update
is masked by the active runs), so when enough runs have ended the model puts the ended runs'
rows aside and shrinks each per-run array to the runs still negotiating: later rounds cost only
what the active runs cost. At the end the rows put aside are put back, in the original order,
so that the results read full arrays as if nothing had been compacted.

Random numbers stay those of the full batch: a stream that draws one number per run in a round
still draws one for every run of the batch, and the active runs take theirs (``Compaction.draw``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

MIN_RUNS = 256
"""Models smaller than this are not compacted; at this size or more no other first axis (issues,
the chain of extensions) can be mistaken for the runs."""

ACTIVE_SHARE = 0.5
"""A model is compacted when at most this share of its current runs is still negotiating."""


class Compaction:
    """Which of a batch's runs the model's arrays hold now, and the rows put aside.

    Args:
        runs: Number of runs of the batch (the full length of every per-run array).
    """

    def __init__(self, runs: int):
        self.runs = runs
        self.index = np.arange(runs)
        """The batch's run held in each current row (increasing)."""
        self._full: dict[tuple[int, Any], tuple[Any, Any, np.ndarray]] = {}

    @property
    def size(self) -> int:
        """Number of runs the arrays hold now."""
        return len(self.index)

    @property
    def compacted(self) -> bool:
        """True when some runs have been put aside."""
        return self.size < self.runs

    def due(self, active: int) -> bool:
        """True when, with ``active`` runs still negotiating, compacting is worth it."""
        return self.size >= MIN_RUNS and active <= ACTIVE_SHARE * self.size

    def draw(self, generator: np.random.Generator) -> np.ndarray:
        """One uniform number per run of the batch from ``generator``, for the current rows."""
        numbers = generator.random(self.runs)
        return numbers[self.index] if self.compacted else numbers

    def compact(self, holders: Iterable[Any], keep: np.ndarray) -> None:
        """Keep only the rows ``keep`` (a mask over the current rows) in every per-run array."""
        kept, dropped = np.flatnonzero(keep), np.flatnonzero(~keep)
        put_aside = self.index[dropped]
        for holder, key, value in per_run_arrays(holders, self.size):
            slot = (id(holder), key)
            full = self._full[slot][2] if slot in self._full else None
            shared = full is None or not full.strides[0]
            if shared and not value.strides[0]:  # one value for every run, kept as a view
                self._full.setdefault(slot, (holder, key, value))
                _set(holder, key, np.broadcast_to(value[:1], (len(kept), *value.shape[1:])))
                continue
            if full is None:
                full = np.zeros((self.runs, *value.shape[1:]), dtype=value.dtype)
            elif shared:  # was one value for every run, no longer
                full = np.array(full)
            self._full[slot] = (holder, key, full)
            full[put_aside] = value.take(dropped, axis=0)
            _set(holder, key, value.take(kept, axis=0))
        self.index = self.index[kept]

    def expand(self) -> None:
        """Put every run back: each per-run array holds all the batch's runs again."""
        if not self._full:
            return
        for holder, key, full in self._full.values():
            value = _get(holder, key)
            if not full.strides[0]:  # one value for every run
                if not value.strides[0]:
                    _set(holder, key, full)
                    continue
                full = np.array(full)
            full[self.index] = value
            _set(holder, key, full)
        self._full = {}
        self.index = np.arange(self.runs)


def per_run_arrays(holders: Iterable[Any], size: int) -> Iterator[tuple[Any, Any, np.ndarray]]:
    """Each array of ``size`` rows that the holders keep: ``(holder, key, array)``.

    A holder is an object (its attributes are read) or a dict (its items); dicts found in a
    holder are searched too.
    """
    for holder in holders:
        items = holder.items() if isinstance(holder, dict) else vars(holder).items()
        for key, value in list(items):
            if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == size:
                yield holder, key, value
            elif isinstance(value, dict):
                yield from per_run_arrays([value], size)


def _get(holder: Any, key: Any) -> np.ndarray:
    return holder[key] if isinstance(holder, dict) else getattr(holder, key)


def _set(holder: Any, key: Any, value: np.ndarray) -> None:
    if isinstance(holder, dict):
        holder[key] = value
    else:
        setattr(holder, key, value)
