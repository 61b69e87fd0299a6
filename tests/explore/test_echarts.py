"""The page's charts as ECharts options: the numbers they show are the batch's."""

import json

import numpy as np
import pytest

from sim.batch.chunks import run_batch
from sim.explore.echarts import all_options
from sim.explore.state import Exploration
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE


@pytest.fixture(scope="module")
def batches():
    loaded = load_scenario(BASELINE)
    edited = Exploration.start(loaded).with_value("events.rapport", 1.0).scenario
    table, baseline = run_batch(edited, 2_000, 5), run_batch(loaded.scenario, 2_000, 5)
    return table, baseline, edited, all_options(table, baseline, edited)


def series(option, name):
    return next(item for item in option["series"] if item["name"] == name)


def test_the_options_are_plain_json(batches):
    *_, options = batches
    assert json.loads(json.dumps(options)) == options


def test_deal_probability_shows_each_endings_share_and_the_baselines(batches):
    table, baseline, _, options = batches
    option = options["deal_probability"]
    bars = series(option, "this scenario")["data"]
    assert sum(bar["value"] for bar in bars) == pytest.approx(100, abs=0.01)
    deal = option["xAxis"]["data"].index("deal")
    assert bars[deal]["value"] == pytest.approx(
        100 * (table["ended_by"] == "agreement").mean(), abs=1e-3
    )
    ticks = series(option, "baseline")["data"]
    assert ticks[deal] == pytest.approx(
        100 * (baseline["ended_by"] == "agreement").mean(), abs=1e-3
    )


def test_each_issue_histogram_holds_every_deal(batches):
    table, baseline, scenario, options = batches
    for issue in scenario.issues:
        option = options[f"issue.{issue}"]
        for name, data in (("this scenario", table), ("baseline", baseline)):
            bins = np.array(series(option, name)["data"])
            assert len(bins) == 40
            assert bins[:, 1].sum() == pytest.approx(100, abs=0.05)
            mean = (bins[:, 0] * bins[:, 1]).sum() / 100
            deals = data.loc[data["agreed"], f"issue.{issue}"]
            width = np.diff(scenario.issues[issue].bounds)[0] / 40
            assert mean == pytest.approx(deals.mean(), abs=width)


def test_the_timing_chart_stacks_every_run_and_marks_the_deadline(batches):
    *_, scenario, options = batches
    option = options["agreement_timing"]
    bars = [item for item in option["series"] if item["type"] == "bar"]
    assert sum(point[1] for item in bars for point in item["data"]) == pytest.approx(100, abs=0.1)
    marks = series(option, "baseline: deals")["markLine"]["data"]
    assert marks[0]["xAxis"] == scenario.calendar.deadline.strftime("%Y-%m-%d")


def test_the_utilities_chart_marks_both_means(batches):
    table, baseline, scenario, options = batches
    columns = [f"utility.{party}" for party in scenario.negotiators]
    option = options["utilities"]
    assert series(option, "mean")["data"][0] == pytest.approx(
        table[columns].mean().tolist(), abs=1e-3
    )
    assert series(option, "baseline mean")["data"][0] == pytest.approx(
        baseline[columns].mean().tolist(), abs=1e-3
    )
    points = sum(len(item["data"]) for item in option["series"][:-2])
    assert points == len(table)
    # the rapport of 1 lifts values above 1: the axes reach them
    assert table[columns].to_numpy().max() > 1
    for axis in ("xAxis", "yAxis"):
        assert option[axis]["min"] <= table[columns].to_numpy().min()
        assert option[axis]["max"] >= table[columns].to_numpy().max()
