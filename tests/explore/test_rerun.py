"""A rerun beside the baseline, and one run stepped round by round."""

import pandas as pd

from sim.batch.chunks import run_batch
from sim.explore.rerun import rerun
from sim.explore.state import Exploration
from sim.explore.stepping import step_chart, trace_until, trace_view
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE


def test_rerun_shares_the_baselines_random_numbers():
    loaded = load_scenario(BASELINE)
    same = rerun(loaded.scenario, loaded.scenario, 500, 5)
    assert same.table.equals(same.baseline)
    assert "percentage points" in same.deal_probability_text()
    assert set(same.charts) == {
        "deal_probability",
        "utilities",
        "agreement_timing",
        *(f"issue.{issue}" for issue in loaded.scenario.issues),
    }


def test_the_page_shows_the_runs_of_negsim_run_in_a_lean_table():
    loaded = load_scenario(BASELINE)
    edited = Exploration.start(loaded).with_value("events.rapport", 0.1).scenario
    shown = rerun(edited, loaded.scenario, 500, 5).table
    assert not any(name.startswith("drawn.") for name in shown.columns)
    pd.testing.assert_frame_equal(shown, run_batch(edited, 500, 5)[shown.columns])


def test_a_run_stepped_round_by_round():
    scenario = Exploration.start(load_scenario(BASELINE)).scenario
    view = trace_view(scenario, seed=5, run=2, runs=500)
    assert len(trace_until(view, 1).rounds) == 1
    assert not trace_until(view, 0).outcome["agreed"] or view.rounds == 0
    assert step_chart(view, view.rounds).startswith(b"\x89PNG")
