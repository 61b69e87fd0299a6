from typing import ClassVar

import numpy as np

from sim.players.acceptance import Combined, Constant, Time
from tests.contracts import AcceptanceContract


class TestConstant(AcceptanceContract):
    rule_class = Constant
    parameter_sets: ClassVar[list[dict]] = [{"threshold": 0.6}, {"threshold": 0.9}]

    def test_accepts_at_the_threshold(self):
        answer = Constant(0.6).accepts(self.context(np.array([0.59, 0.6]), 1.0, 0.3, False))
        assert answer.tolist() == [False, True]


class TestTime(AcceptanceContract):
    rule_class = Time
    parameter_sets: ClassVar[list[dict]] = [{"after": 0.5}, {"after": 0.95}]

    def test_accepts_anything_rational_late_only(self):
        early = Time(0.5).accepts(self.context(np.array([0.35]), 0.9, 0.3, False, 0.4))
        late = Time(0.5).accepts(self.context(np.array([0.35, 0.25]), 0.9, 0.3, False, 0.6))
        assert early.tolist() == [False]
        assert late.tolist() == [True, False]


class TestCombined(AcceptanceContract):
    rule_class = Combined
    parameter_sets: ClassVar[list[dict]] = [{"after": 0.5}, {"after": 0.99}]

    def test_late_takes_the_best_offer_seen(self):
        rule = Combined(0.5)
        late = rule.accepts(self.context(np.array([0.5, 0.45]), 0.9, 0.3, False, 0.6, 0.5))
        early = rule.accepts(self.context(np.array([0.5]), 0.9, 0.3, False, 0.4, 0.5))
        assert late.tolist() == [True, False]
        assert early.tolist() == [False]
