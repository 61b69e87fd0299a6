"""Drawing the uncertain parameters of a scenario, one value per run.

Each uncertain parameter has its own random stream, derived from the chunk's seed and the
parameter's dotted path. Its draws therefore do not depend on which other parameters are uncertain,
so a variant scenario that changes three lines shares the random numbers of every other parameter
with its baseline (common random numbers), which sharpens comparisons between scenarios.
"""

from __future__ import annotations

import numpy as np

from sim.params.distributions import DistributionBase
from sim.scenario.schema import Scenario, iter_params
from sim.seeds import stream


class Parameters:
    """The parameters of ``runs`` runs: fixed numbers, and arrays for the uncertain ones.

    Args:
        scenario: A validated scenario.
        runs: Number of runs to draw for.
        seed: Seed of this group of runs; each parameter draws from its own stream under it.
        values: Instead of drawing, the values to use: one array of ``runs`` values per
            uncertain parameter's dotted path (e.g. a sensitivity-analysis design).
    """

    def __init__(
        self,
        scenario: Scenario,
        runs: int,
        seed: np.random.SeedSequence | None = None,
        values: dict[str, np.ndarray] | None = None,
    ):
        self.runs = runs
        self.fixed: dict[str, float] = {}
        self.drawn: dict[str, np.ndarray] = {}
        for path, param in iter_params(scenario):
            if not isinstance(param, DistributionBase):
                self.fixed[path] = param
            elif values is not None:
                self.drawn[path] = np.broadcast_to(np.asarray(values[path], dtype=float), (runs,))
            else:
                self.drawn[path] = param.sample(stream(seed, path), runs)

    def __getitem__(self, path: str) -> float | np.ndarray:
        """The value of a parameter: a float if fixed, an array of one value per run if drawn."""
        return self.drawn[path] if path in self.drawn else self.fixed[path]

    def get(self, path: str, default=None):
        """The value of a parameter, or ``default`` for a path that is not a numeric parameter."""
        return self[path] if path in self.drawn or path in self.fixed else default

    def array(self, path: str) -> np.ndarray:
        """The value of a parameter as an array of one value per run."""
        return np.broadcast_to(np.asarray(self[path], dtype=float), (self.runs,))
