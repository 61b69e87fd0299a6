from typing import ClassVar

import numpy as np
import pytest

from sim.players.strategies import TimeDependent, TimeDependentExponential
from tests.contracts import StrategyContract


class TestTimeDependent(StrategyContract):
    strategy_class = TimeDependent
    parameter_sets: ClassVar[list[dict]] = [
        {"beta": 0.2, "kappa": 0.0},
        {"beta": 1.0, "kappa": 0.1},
        {"beta": 5.0, "kappa": 0.5},
    ]

    def test_linear_tactic_concedes_in_equal_steps(self):
        alpha = TimeDependent(beta=1.0, kappa=0.0).concession(np.array([0.25, 0.5, 0.75]))
        assert alpha == pytest.approx([0.25, 0.5, 0.75])


class TestTimeDependentExponential(StrategyContract):
    strategy_class = TimeDependentExponential
    parameter_sets: ClassVar[list[dict]] = [{"beta": 0.5, "kappa": 0.1}, {"beta": 2.0}]

    def test_matches_the_exponential_tactic(self):
        alpha = TimeDependentExponential(beta=2.0, kappa=0.1).concession(np.array([0.5]))
        assert alpha == pytest.approx([0.5623], abs=1e-4)
