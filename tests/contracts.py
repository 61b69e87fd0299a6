"""Contract tests every strategy and acceptance rule must pass. A test module for a new strategy
subclasses ``StrategyContract`` and sets ``strategy_class`` and ``parameter_sets``."""

from typing import ClassVar

import numpy as np

from sim import acceptance, strategies
from sim.acceptance import OfferContext

TIMES = np.linspace(0.0, 1.0, 21)


class StrategyContract:
    strategy_class: ClassVar[type]
    parameter_sets: ClassVar[list[dict]]

    def make(self, parameters):
        return self.strategy_class(**parameters)

    def test_registered_under_its_name_with_a_citation(self):
        assert strategies.REGISTRY[self.strategy_class.name] is self.strategy_class
        assert self.strategy_class.citation
        assert "Names:" in self.strategy_class.__doc__

    def test_yaml_parameters_build_the_strategy(self):
        for parameters in self.parameter_sets:
            spec = self.strategy_class.parameters(name=self.strategy_class.name, **parameters)
            fields = {k: getattr(spec, k) for k in type(spec).model_fields if k != "name"}
            assert isinstance(self.strategy_class(**fields), self.strategy_class)

    def test_concession_is_a_share(self):
        for parameters in self.parameter_sets:
            alpha = self.make(parameters).concession(TIMES)
            assert np.all((alpha >= 0) & (alpha <= 1))

    def test_same_parameters_same_play(self):
        for parameters in self.parameter_sets:
            assert np.array_equal(
                self.make(parameters).concession(TIMES), self.make(parameters).concession(TIMES)
            )

    def test_vectorised_over_runs_like_one_run_at_a_time(self):
        parameters = self.parameter_sets
        arrays = {key: np.array([p[key] for p in parameters]) for key in parameters[0]}
        together = self.make(arrays).concession(np.full(len(parameters), 0.4))
        alone = [float(self.make(p).concession(np.array(0.4))) for p in parameters]
        assert np.allclose(together, alone)

    def test_fully_conceded_at_the_deadline(self):
        for parameters in self.parameter_sets:
            assert np.isclose(self.make(parameters).concession(np.array(1.0)), 1.0)


class AcceptanceContract:
    rule_class: ClassVar[type]
    parameter_sets: ClassVar[list[dict]]

    @staticmethod
    def context(offered, next_target, reservation, last_round):
        size = np.broadcast(offered, next_target, reservation, last_round).shape
        return OfferContext(
            offered_utility=np.broadcast_to(offered, size).astype(float),
            next_target=np.broadcast_to(next_target, size).astype(float),
            reservation=np.broadcast_to(reservation, size).astype(float),
            last_round=np.broadcast_to(last_round, size),
            time_fraction=np.zeros(size),
        )

    def test_registered_under_its_name_with_a_citation(self):
        assert acceptance.REGISTRY[self.rule_class.name] is self.rule_class
        assert self.rule_class.citation
        assert "Names:" in self.rule_class.__doc__

    def test_answers_one_boolean_per_run(self):
        for parameters in self.parameter_sets:
            rule = self.rule_class(**parameters)
            answer = rule.accepts(self.context(np.linspace(0, 1, 7), 0.5, 0.3, False))
            assert answer.dtype == bool
            assert answer.shape == (7,)

    def test_accepts_an_offer_at_or_above_its_own_best_at_the_last_round(self):
        for parameters in self.parameter_sets:
            rule = self.rule_class(**parameters)
            assert rule.accepts(self.context(np.array([1.0]), 1.0, 0.3, True)).all()

    def test_never_accepts_below_reservation_at_the_last_round_with_default_parameters(self):
        rule = self.rule_class()
        assert not rule.accepts(self.context(np.array([0.29]), 0.3, 0.3, True)).any()
