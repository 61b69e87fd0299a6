"""Contract tests every strategy and acceptance rule must pass.

A test module for a new strategy subclasses ``StrategyContract`` and sets ``strategy_class`` and
``parameter_sets`` (YAML parameters without the name); one for a new acceptance rule subclasses
``AcceptanceContract`` likewise.
"""

import re
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.batch.chunks import Chunk, run_chunk
from sim.columns import ENDINGS
from sim.players import acceptance, strategies
from sim.players.acceptance import OfferContext
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE

CITATION = re.compile(r"[A-Z][\w&,. -]+ \((19|20)\d\d\), \S")
"""How a citation starts: authors, (year), then the title or journal."""


def scenario_with(tmp_path, us_strategy=None, korea_strategy=None, us_acceptance=None):
    """The baseline with the given strategy or acceptance blocks."""
    us, korea = {}, {}
    if us_strategy:
        us["strategy"] = us_strategy
    if korea_strategy:
        korea["strategy"] = korea_strategy
    if us_acceptance:
        us["acceptance"] = us_acceptance
    data = {"extends": str(BASELINE), "negotiators": {"us": us, "korea": korea}}
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_scenario(path).scenario


def play(scenario, seed=3, runs=400):
    result = run_chunk(scenario, seed, Chunk(0, 0, runs), trace_rounds=runs)
    return result.runs, result.rounds


def check_runs_are_whole(scenario, runs, rounds, count):
    """Every run ended one way, after its traced rounds, on the offer it accepted (if any)."""
    assert runs["run"].tolist() == list(range(count))
    assert runs["ended_by"].isin(ENDINGS).all()
    assert (runs["agreed"] == (runs["ended_by"] == "agreement")).all()
    by_run = rounds.groupby("run")
    assert (by_run["round"].max().to_numpy() == runs["end_round"].to_numpy()).all()
    accepted = by_run["accepted"].sum().to_numpy()
    assert (accepted == runs["ended_by"].isin(["agreement", "not_ratified"])).all()
    deals = rounds[rounds["accepted"]].set_index("run")
    agreed = runs.set_index("run").loc[deals.index]
    for name in scenario.issues:
        np.testing.assert_allclose(agreed[f"issue.{name}"], deals[f"offer.{name}"])


class StrategyContract:
    strategy_class: ClassVar[type]
    parameter_sets: ClassVar[list[dict]]
    offers_below_reservation: ClassVar[bool] = False
    """True for a strategy that may offer down to the present value of no deal."""

    def specs(self):
        return [{"name": self.strategy_class.name, **p} for p in self.parameter_sets]

    def test_registered_under_its_name_with_a_citation(self):
        assert strategies.REGISTRY[self.strategy_class.name] is self.strategy_class
        assert CITATION.match(self.strategy_class.citation), self.strategy_class.citation
        assert "Names:" in self.strategy_class.__doc__
        assert {"stochastic", "uses_opponent_offers"} <= set(self.strategy_class.classifier)

    def test_yaml_parameters_validate(self):
        for spec in self.specs():
            self.strategy_class.parameters(**spec)

    @pytest.fixture
    def games(self, tmp_path):
        """Each parameter set against the baseline's Korea, and against itself."""
        out = []
        for spec in self.specs():
            out.append(scenario_with(tmp_path, us_strategy=spec))
            out.append(scenario_with(tmp_path, us_strategy=spec, korea_strategy=spec))
        return out

    def test_same_seed_same_play(self, games):
        for scenario in games:
            first, second = play(scenario), play(scenario)
            pd.testing.assert_frame_equal(first[0], second[0])
            pd.testing.assert_frame_equal(first[1], second[1])

    def test_offers_stay_within_the_issue_bounds(self, games):
        for scenario in games:
            _, rounds = play(scenario)
            for name, issue in scenario.issues.items():
                assert rounds[f"offer.{name}"].between(*issue.bounds).all()

    def test_never_offers_below_its_own_reservation(self, games):
        for scenario in games:
            runs, rounds = play(scenario)
            reservation = runs.set_index("run")
            discount = scenario.protocol.discount_per_day if self.offers_below_reservation else 1
            shocks = [c for c in runs if c.startswith("event.") and runs[c].dtype.kind == "i"]
            for party in scenario.negotiators:
                own = rounds[rounds["proposer"] == party]
                # A shock changes the reservation; the table holds the one after the last shock.
                struck = reservation.loc[own["run"], shocks].to_numpy()
                own = own[((struck < 0) | (struck <= own[["round"]].to_numpy())).all(axis=1)]
                floor = discount * reservation.loc[own["run"], f"reservation.{party}"].to_numpy()
                assert (own[f"utility.{party}"].to_numpy() >= floor - 1e-9).all()


class AcceptanceContract:
    rule_class: ClassVar[type]
    parameter_sets: ClassVar[list[dict]]

    @staticmethod
    def context(offered, next_target, reservation, last_round, time_fraction=0.0, best=-np.inf):
        size = np.broadcast(offered, next_target, reservation, last_round).shape
        return OfferContext(
            offered_utility=np.broadcast_to(offered, size).astype(float),
            next_target=np.broadcast_to(next_target, size).astype(float),
            reservation=np.broadcast_to(reservation, size).astype(float),
            disagreement=np.broadcast_to(reservation, size).astype(float),
            last_round=np.broadcast_to(last_round, size),
            time_fraction=np.broadcast_to(time_fraction, size).astype(float),
            best_offered=np.broadcast_to(best, size).astype(float),
        )

    def test_registered_under_its_name_with_a_citation(self):
        assert acceptance.REGISTRY[self.rule_class.name] is self.rule_class
        assert CITATION.match(self.rule_class.citation), self.rule_class.citation
        assert "Names:" in self.rule_class.__doc__

    def test_answers_one_boolean_per_run(self):
        for parameters in self.parameter_sets:
            rule = self.rule_class(**parameters)
            offers = np.linspace(0, 1, 7)
            for last_round in (False, True):
                answer = rule.accepts(self.context(offers, 0.5, 0.3, last_round))
                assert answer.dtype == bool
                assert answer.shape == (7,)
                # an offer is accepted whenever a worse one is
                assert (np.diff(answer.astype(int)) >= 0).all(), (parameters, answer)
            # at the last round, anything better than no deal is taken
            answer = rule.accepts(self.context(offers, 0.9, 0.3, True, 1.0, 1.0))
            assert answer[offers >= 0.3].all(), (parameters, answer)

    def test_accepts_its_own_best_at_the_last_round(self):
        for parameters in self.parameter_sets:
            rule = self.rule_class(**parameters)
            assert rule.accepts(self.context(np.array([1.0]), 1.0, 0.3, True, 1.0, 1.0)).all()

    def test_with_defaults_never_accepts_below_reservation_at_the_last_round(self):
        rule = self.rule_class()
        assert not rule.accepts(self.context(np.array([0.29]), 0.3, 0.3, True, 1.0)).any()

    def test_composes_with_every_strategy(self, tmp_path):
        for parameters in self.parameter_sets:
            block = {"name": self.rule_class.name, **parameters}
            for strategy in strategies.REGISTRY:
                scenario = scenario_with(
                    tmp_path, us_strategy={"name": strategy}, us_acceptance=block
                )
                runs, rounds = play(scenario, runs=200)
                check_runs_are_whole(scenario, runs, rounds, 200)
