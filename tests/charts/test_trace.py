"""The chart of one run, round by round (sim/charts/trace.py)."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import sim
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE

SEED, RUNS = 1, 500


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(BASELINE).scenario


def traced(scenario, run):
    trace = sim.trace_run(scenario, seed=SEED, run=run, runs=RUNS)
    return trace, sim.plot_trace(trace)


@pytest.fixture(scope="module")
def batch(scenario):
    return sim.run_batch(scenario, runs=RUNS, seed=SEED)


def find(scenario, condition, check=lambda trace: True):
    """The trace and chart of the first run where ``condition`` holds and ``check`` passes."""
    for run in np.flatnonzero(condition.to_numpy()):
        trace, figure = traced(scenario, int(run))
        if check(trace):
            return trace, figure
    raise AssertionError("no such run in the batch")


def both_propose(trace) -> bool:
    return set(trace.rounds["proposer"]) == {"us", "korea"}


@pytest.fixture(scope="module")
def deal_with_shock(scenario, batch):
    """A deal in a later round, after the G7 summit and a China shock, with offers by both."""
    condition = (
        batch["agreed"]
        & batch["event.g7_kananaskis"]
        & ~batch["event.nato_the_hague"]
        & batch["event.china_tension"].between(0, batch["end_round"] - 1)
    )
    return find(scenario, condition, both_propose)


@pytest.fixture(scope="module")
def deal_after_two_summits(scenario, batch):
    """A deal after both summits, without a shock."""
    condition = (
        batch["agreed"]
        & batch["event.g7_kananaskis"]
        & batch["event.nato_the_hague"]
        & (batch["event.china_tension"] < 0)
    )
    return find(scenario, condition)


@pytest.fixture(scope="module")
def breakdown(scenario, batch):
    """Talks that break down after the first offer, made by the US."""
    condition = (batch["ended_by"] == "breakdown") & (batch["end_round"] == 0)
    return find(scenario, condition, lambda trace: trace.rounds["proposer"].iloc[0] == "us")


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "the panel has no legend"
    return [text.get_text() for text in legend.get_texts()]


def marked_date(line):
    """The date of a vertical line (``axvline``) on a date axis."""
    start, end = line.get_xdata()
    assert start == end
    return pd.Timestamp(start)


def test_plot_trace_has_a_utility_panel_and_one_panel_per_issue(scenario, deal_with_shock):
    trace, figure = deal_with_shock
    assert isinstance(figure, Figure)
    assert len(figure.axes) == 1 + len(scenario.issues) == 4
    assert figure.get_suptitle() == (
        f"{scenario.name}, run {trace.run}: ended by agreement on "
        f"{pd.Timestamp(trace.outcome['end_date']):%d %b %Y}"
    )
    assert tuple(figure.get_size_inches()) == pytest.approx((6 + 4.5 * 3, 5))


def test_utility_panel_shows_offers_frontier_solutions_and_the_agreement(deal_with_shock):
    trace, figure = deal_with_shock
    ax = figure.axes[0]
    assert ax.get_title() == f"run {trace.run}: offers in utility space"
    assert ax.get_xlabel() == "United States value of a deal"
    assert ax.get_ylabel() == "South Korea value of a deal"
    assert ax.get_xlim() == (0, pytest.approx(max(1, trace.frontier.max())))
    frontier, us_offers, korea_offers = ax.lines
    np.testing.assert_allclose(frontier.get_xydata(), trace.frontier)
    rounds = trace.rounds
    for line, party in ((us_offers, "us"), (korea_offers, "korea")):
        own = rounds[rounds["proposer"] == party]
        assert len(own) > 0
        np.testing.assert_allclose(line.get_xdata(), own["utility.us"])
        np.testing.assert_allclose(line.get_ydata(), own["utility.korea"])
    assert len(ax.collections) == 4  # reservation point, Nash, Kalai-Smorodinsky, agreement
    reservation, nash, ks, agreement = (c.get_offsets()[0] for c in ax.collections)
    outcome = trace.outcome
    for point, prefix in ((nash, "nash"), (ks, "kalai_smorodinsky"), (reservation, "reservation")):
        assert list(point) == pytest.approx([outcome[f"{prefix}.us"], outcome[f"{prefix}.korea"]])
    accepted = rounds[rounds["accepted"]].iloc[-1]
    assert list(agreement) == pytest.approx([accepted["utility.us"], accepted["utility.korea"]])
    assert legend_texts(ax) == [
        "Pareto frontier",
        "offers by United States",
        "offers by South Korea",
        "reservation point",
        "Nash solution",
        "Kalai-Smorodinsky solution",
        "agreement",
    ]


def test_issue_panels_show_offers_over_the_calendar(scenario, deal_with_shock):
    trace, figure = deal_with_shock
    rounds = trace.rounds
    deadline = pd.Timestamp(scenario.calendar.deadline)
    for ax, (name, spec) in zip(figure.axes[1:], scenario.issues.items(), strict=True):
        assert ax.get_title() == spec.label
        assert ax.get_ylabel() == spec.unit
        assert ax.get_xlabel() == "meeting date"
        assert ax.get_ylim() == pytest.approx(spec.bounds)
        # offers by each side, deadline, G7 summit, China shock, agreed value
        us, korea, deadline_line, summit, shock, agreed = ax.lines
        for line, party in ((us, "us"), (korea, "korea")):
            own = rounds[rounds["proposer"] == party]
            np.testing.assert_allclose(line.get_ydata(), own[f"offer.{name}"])
            assert len(line.get_xdata()) == len(own)
        assert marked_date(deadline_line) == deadline
        g7 = scenario.events.summits["g7_kananaskis"].date
        assert marked_date(summit) == pd.Timestamp(g7)
        struck = rounds["date"].iloc[int(trace.outcome["event.china_tension"])]
        assert marked_date(shock) == struck
        assert agreed.get_ydata()[0] == pytest.approx(trace.outcome[f"issue.{name}"])
        assert ax.xaxis.get_major_formatter().fmt == "%d %b"
    # one legend, on the first issue panel
    assert legend_texts(figure.axes[1]) == [
        "United States",
        "South Korea",
        "deadline",
        "summit: g7_kananaskis",
        "shock: china_tension",
        "agreed value",
    ]
    assert all(ax.get_legend() is None for ax in figure.axes[2:])


def test_every_summit_held_is_marked(deal_after_two_summits):
    trace, figure = deal_after_two_summits
    ax = figure.axes[1]
    assert len(ax.lines) == 6  # two offer lines, deadline, two summits, agreed value
    assert legend_texts(ax) == [
        "United States",
        "South Korea",
        "deadline",
        "summit: g7_kananaskis",
        "summit: nato_the_hague",
        "agreed value",
    ]
    assert "agreement" in legend_texts(figure.axes[0])
    assert figure.get_suptitle().startswith(
        f"{trace.scenario.name}, run {trace.run}: ended by agreement"
    )


def test_failed_talks_show_the_no_deal_value_and_no_agreement(scenario, breakdown):
    trace, figure = breakdown
    assert figure.get_suptitle() == (
        f"{scenario.name}, run {trace.run}: ended by breakdown on "
        f"{pd.Timestamp(trace.outcome['end_date']):%d %b %Y}"
    )
    utility = figure.axes[0]
    assert utility.get_title() == f"run {trace.run}: offers in utility space"
    assert len(utility.collections) == 3  # no agreement marker
    assert "agreement" not in legend_texts(utility)
    frontier, us_offers, korea_offers = utility.lines
    np.testing.assert_allclose(frontier.get_xydata(), trace.frontier)
    assert len(us_offers.get_xdata()) == 1  # the one offer made
    assert len(korea_offers.get_xdata()) == 0
    for ax, (name, spec) in zip(figure.axes[1:], scenario.issues.items(), strict=True):
        assert len(ax.lines) == 4  # two offer lines, deadline, no-deal value
        no_deal = ax.lines[-1]
        assert no_deal.get_ydata()[0] == pytest.approx(trace.outcome[f"issue.{name}"])
        assert no_deal.get_ydata()[0] == pytest.approx(spec.no_deal)
    assert legend_texts(figure.axes[1]) == [
        "United States",
        "South Korea",
        "deadline",
        "no-deal value",
    ]


@pytest.mark.parametrize(("struck", "marked"), [(0, True), (1, False), (-1, False)])
def test_a_shock_is_marked_only_if_it_struck_during_the_run(breakdown, struck, marked):
    trace, _ = breakdown
    outcome = trace.outcome.copy()
    outcome["event.china_tension"] = struck
    figure = sim.plot_trace(dataclasses.replace(trace, outcome=outcome))
    labels = legend_texts(figure.axes[1])
    assert ("shock: china_tension" in labels) is marked
    for ax in figure.axes[1:]:
        assert len(ax.lines) == 4 + marked
        if marked:
            assert marked_date(ax.lines[3]) == trace.rounds["date"].iloc[0]


def test_plot_trace_does_not_touch_pyplot(breakdown):
    import matplotlib.pyplot as plt

    trace, _ = breakdown
    plt.close("all")
    sim.plot_trace(trace)
    assert plt.get_fignums() == []
