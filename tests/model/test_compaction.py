"""Compaction: a model that keeps only the runs still negotiating gives the same table."""

import numpy as np
import pandas as pd
import pytest

from sim.batch.chunks import Chunk, run_chunk
from sim.model import compaction
from sim.model.compaction import Compaction
from sim.model.negotiation import NegotiationModel
from sim.scenario.loading import load_scenario
from tests.golden import ROOT

SCENARIOS = [
    "scenarios/korea_us_2025.yaml",  # random recognition, events, retaliation
    "scenarios/theory/reputation_deadline.yaml",  # a stochastic strategy's draws
    "scenarios/theory/random_proposer.yaml",  # equilibrium play, solved and cached
]


@pytest.mark.parametrize("path", SCENARIOS)
def test_compacted_model_gives_the_same_table(path, monkeypatch):
    scenario = load_scenario(ROOT / path).scenario
    chunk = Chunk(0, 0, 200)
    monkeypatch.setattr(compaction, "MIN_RUNS", 50)
    compacted = run_chunk(scenario, 3, chunk, trace_rounds=5)
    monkeypatch.setattr(compaction, "MIN_RUNS", 10**9)
    full = run_chunk(scenario, 3, chunk, trace_rounds=5)
    pd.testing.assert_frame_equal(compacted.runs, full.runs, check_exact=True)
    pd.testing.assert_frame_equal(compacted.rounds, full.rounds, check_exact=True)
    np.testing.assert_array_equal(compacted.frontiers, full.frontiers)


def test_model_holds_only_the_active_runs_once_most_have_ended():
    scenario = load_scenario(ROOT / "scenarios/bench/time_dependent.yaml").scenario
    model = NegotiationModel(scenario, 1_000, seed=1)
    sizes = []
    while model.running:
        model.step()
        sizes.append(model.size)
    assert min(sizes[:-1]) < 1_000  # compacted before the end
    assert model.size == 1_000 and model.ending.shape == (1_000,)  # every run back at the end
    first = model.negotiators[0]
    assert first.ideal.shape[0] == first.strategy.beta.shape[0] == 1_000


def test_compaction_keeps_rows_aside_and_puts_them_back():
    holder = type("Holder", (), {})()
    holder.values = np.arange(300.0)
    holder.parts = {"pairs": np.arange(600).reshape(300, 2), "issues": np.zeros(3)}
    runs = Compaction(300)
    keep = np.arange(300) % 3 == 0
    runs.compact([holder], keep)
    assert runs.index.tolist() == list(range(0, 300, 3))
    assert holder.values.shape == (100,) and holder.parts["pairs"].shape == (100, 2)
    assert holder.parts["issues"].shape == (3,)  # not a per-run array
    holder.values = holder.values + 0.5  # the runs kept go on
    runs.expand()
    expected = np.where(keep, np.arange(300.0) + 0.5, np.arange(300.0))
    np.testing.assert_array_equal(holder.values, expected)
    np.testing.assert_array_equal(holder.parts["pairs"], np.arange(600).reshape(300, 2))


def test_draws_are_those_of_the_whole_batch():
    runs = Compaction(300)
    keep = np.arange(300) >= 200
    runs.compact([], keep)
    drawn = runs.draw(np.random.default_rng(4))
    np.testing.assert_array_equal(drawn, np.random.default_rng(4).random(300)[200:])


def test_one_value_for_every_run_stays_one_until_it_changes():
    holder = type("Holder", (), {})()
    holder.shared = np.broadcast_to(np.array(2.0), (300,))
    holder.later = np.broadcast_to(np.array(1.0), (300,))
    runs = Compaction(300)
    runs.compact([holder], np.arange(300) >= 100)
    assert holder.shared.strides == (0,) and holder.shared.shape == (200,)
    holder.later = np.arange(200.0)  # no longer the same in every run
    runs.compact([holder], np.arange(200) >= 100)
    runs.expand()
    assert holder.shared.strides == (0,) and holder.shared.shape == (300,)
    np.testing.assert_array_equal(holder.later, [1.0] * 100 + list(range(200)))
