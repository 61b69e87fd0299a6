from typing import ClassVar

import numpy as np

from sim.players.acceptance import NextOffer
from tests.contracts import AcceptanceContract


class TestNextOffer(AcceptanceContract):
    rule_class = NextOffer
    parameter_sets: ClassVar[list[dict]] = [
        {},
        {"scale": 1.05, "margin": 0.0},
        {"scale": 1.0, "margin": 0.02},
    ]

    def test_accepts_what_beats_its_own_next_offer(self):
        answer = NextOffer().accepts(self.context(np.array([0.59, 0.6, 0.61]), 0.6, 0.3, False))
        assert answer.tolist() == [False, True, True]

    def test_takes_anything_above_reservation_at_the_last_round(self):
        answer = NextOffer().accepts(self.context(np.array([0.29, 0.31]), 0.9, 0.3, True))
        assert answer.tolist() == [False, True]
