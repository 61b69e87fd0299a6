"""Actors who do not sit at the table but change the outcome: Mesa agents, vectorised over runs."""

from __future__ import annotations

import mesa
import numpy as np

from sim.maths.utility import normalise_weights, utility
from sim.maths.values import shape_codes
from sim.model.parameters import Parameters
from sim.scenario.schema import Ratification, Retaliation
from sim.seeds import stream


class Retaliator(mesa.Agent):
    """A power that may retaliate against one negotiator (China against Korea's alignment).

    Its chance of retaliating rises linearly with the final value of one issue above the issue's
    lower bound: ``base_probability + probability_per_unit * (value - low)``, capped at 1. If it
    retaliates, the target's utility falls by ``cost``.
    """

    def __init__(self, model, name: str, spec: Retaliation, parameters: Parameters, seed):
        super().__init__(model)
        self.name, self.label = name, spec.label
        self.target = spec.target
        self.issue = model.issue_names.index(spec.issue)
        prefix = f"third_parties.{name}"
        self.base = parameters.array(f"{prefix}.base_probability")
        self.slope = parameters.array(f"{prefix}.probability_per_unit")
        self.cost = parameters.array(f"{prefix}.cost")
        self.draw = stream(seed, prefix).random(parameters.runs)

    def react(self, outcome: np.ndarray) -> np.ndarray:
        """True in the runs where it retaliates against the final values ``outcome``."""
        above = outcome[:, self.issue] - self.model.low[self.issue]
        return self.draw < np.clip(self.base + self.slope * above, 0.0, 1.0)


class Legislature(mesa.Agent):
    """A legislature whose consent a deal needs (Putnam's two-level game, 1988).

    It ratifies a deal when its own utility of the package (same form as a negotiator's) reaches
    its threshold; the set of such packages is the win-set. When ``anticipated``, both
    negotiators know the win-set and bargain within it (``Negotiator.within_win_sets``).
    """

    def __init__(self, model, name: str, spec: Ratification, parameters: Parameters):
        super().__init__(model)
        self.name, self.label = name, spec.label
        self.ratifies_for, self.anticipated = spec.ratifies_for, spec.anticipated
        prefix = f"third_parties.{name}"
        issues = model.issue_names
        self.shape = shape_codes([spec.preferences[issue].value for issue in issues])
        self.curvature = np.column_stack(
            [parameters.array(f"{prefix}.preferences.{issue}.curvature") for issue in issues]
        )
        self.ideal = np.column_stack(
            [parameters.array(f"{prefix}.preferences.{issue}.ideal") for issue in issues]
        )
        self.weights = normalise_weights(
            np.column_stack(
                [parameters.array(f"{prefix}.preferences.{issue}.weight") for issue in issues]
            )
        )
        self.threshold = parameters.array(f"{prefix}.threshold")

    def ratifies(self, packages: np.ndarray) -> np.ndarray:
        """True in the runs where it ratifies the package."""
        low, high, shape = self.model.low, self.model.high, self.shape
        value = utility(packages, self.ideal, self.weights, low, high, None, shape, self.curvature)
        return value >= self.threshold
