"""The charts of a batch (sim/charts/run.py) and the figure helpers (sim/charts/figures.py)."""

import datetime as dt
import itertools
import struct

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

import sim
from sim.charts import (
    all_charts,
    plot_agreement_timing,
    plot_deal_probability,
    plot_issue_outcome,
    plot_issue_outcomes,
    plot_utilities,
)
from sim.charts.figures import figure_and_axes, save_figures
from sim.charts.run import ENDING_LABELS, TIMING_ORDER, endings_table, timing_table
from sim.columns import ENDINGS
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE, SCENARIOS

RUNS = 500
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def baseline_batch():
    """A firm deadline both sides value no deal less than: deals and breakdowns, no run reaches
    the deadline."""
    worth_less = -0.2
    scenario = load_scenario(SCENARIOS / "firm_deadline.yaml").scenario.with_changes(
        {f"negotiators.{party}.no_deal_adjustment": worth_less for party in ("us", "korea")}
    )
    table = sim.run_batch(scenario, runs=RUNS, seed=1)
    assert not (table["ended_by"] == "deadline").any()
    return scenario, table


@pytest.fixture(scope="module")
def extended_batch():
    """The baseline: some deadlines are extended, once or twice, and deals made after."""
    scenario = load_scenario(BASELINE).scenario
    table = sim.run_batch(scenario, runs=RUNS, seed=1)
    assert (table["agreed"] & table["extended"]).any()
    return scenario, table


@pytest.fixture(scope="module")
def hardline_batch():
    """Both sides value no deal more: deals, breakdowns and runs that end at the deadline."""
    worth_more = {"dist": "uniform", "low": 0, "high": 0.45}
    scenario = load_scenario(SCENARIOS / "firm_deadline.yaml").scenario.with_changes(
        {f"negotiators.{party}.no_deal_adjustment": worth_more for party in ("us", "korea")}
    )
    table = sim.run_batch(scenario, runs=RUNS, seed=1)
    assert {"agreement", "deadline", "breakdown"} <= set(table["ended_by"])
    return scenario, table


@pytest.fixture(scope="module")
def ratification_batch():
    """A deal needs ratifying by a legislature the negotiators do not anticipate: some runs
    end ``not_ratified``."""
    scenario = load_scenario(SCENARIOS / "assembly_ratification.yaml").scenario
    scenario = scenario.with_changes({"third_parties.national_assembly.anticipated": False})
    table = sim.run_batch(scenario, runs=RUNS, seed=1)
    assert (table["ended_by"] == "not_ratified").any()
    return scenario, table


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "the chart has no legend"
    return [text.get_text() for text in legend.get_texts()]


def occurring(table):
    """The endings that occur in ``table``, in the order of ``ENDINGS``."""
    return [ending for ending in ENDINGS if (table["ended_by"] == ending).any()]


def timing_bars(table):
    """The bars of the timing chart that ``table`` has, bottom up: deals during an extension
    apart from the others."""
    in_extension = table["agreed"] & table["extended"]
    present = set(occurring(table[~in_extension])) | (
        {"agreement_in_extension"} if in_extension.any() else set()
    )
    return [bar for bar in TIMING_ORDER if bar in present]


def fresh_axes():
    return Figure().subplots()


# figures.py


def test_figure_and_axes_makes_a_constrained_figure_of_the_given_size():
    figure, ax = figure_and_axes(None)
    assert isinstance(figure, Figure)
    assert figure.axes == [ax]
    assert tuple(figure.get_size_inches()) == pytest.approx((7, 4.5))
    assert isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
    figure, ax = figure_and_axes(None, size=(3, 2))
    assert tuple(figure.get_size_inches()) == pytest.approx((3, 2))


def test_figure_and_axes_keeps_given_axes():
    ax = fresh_axes()
    figure, same = figure_and_axes(ax, size=(3, 2))
    assert same is ax
    assert figure is ax.figure
    assert len(figure.axes) == 1


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == PNG
    return struct.unpack(">II", data[16:24])  # IHDR width, height


def test_save_figures_writes_png_files_named_by_their_keys(tmp_path):
    wide, tall = Figure(figsize=(2, 1)), Figure(figsize=(1, 3))
    wide.subplots().plot([0, 1], [0, 1])
    tall.subplots()
    save_figures({"wide.png": wide, "tall.png": tall}, tmp_path, dpi=50)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tall.png", "wide.png"]
    assert png_size(tmp_path / "wide.png") == (100, 50)
    assert png_size(tmp_path / "tall.png") == (50, 150)


def test_save_figures_default_resolution(tmp_path):
    save_figures({"one.png": Figure(figsize=(1, 1))}, tmp_path)
    assert png_size(tmp_path / "one.png") == (110, 110)


# plot_issue_outcome / plot_issue_outcomes


def test_plot_issue_outcome_histogram_of_deals_with_the_no_deal_value(baseline_batch):
    scenario, table = baseline_batch
    spec = scenario.issues["tariff"]
    figure = plot_issue_outcome(table, scenario, "tariff")
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert ax.get_title() == spec.label
    assert ax.get_xlabel() == spec.unit
    assert ax.get_ylabel() == "% of deals"
    low, high = ax.get_xlim()  # a little beyond the bounds: a no-deal line at 25 stays visible
    assert low < spec.bounds[0] and high > spec.bounds[1]
    assert high - low == pytest.approx(1.06 * (spec.bounds[1] - spec.bounds[0]))
    assert len(ax.patches) == 40  # bins
    assert sum(patch.get_height() for patch in ax.patches) == pytest.approx(100)
    # the bars span the agreed values
    left = min(patch.get_x() for patch in ax.patches)
    right = max(patch.get_x() + patch.get_width() for patch in ax.patches)
    deals = table.loc[table["agreed"], "issue.tariff"]
    assert left == pytest.approx(deals.min())
    assert right == pytest.approx(deals.max())
    (line,) = ax.lines
    assert line.get_linestyle() == "--"
    assert list(line.get_xdata()) == pytest.approx([spec.no_deal, spec.no_deal])
    assert legend_texts(ax) == ["no-deal value"]


def test_plot_issue_outcome_without_deals_draws_only_the_no_deal_value(baseline_batch):
    scenario, table = baseline_batch
    failed = table[~table["agreed"]]
    assert len(failed) > 0
    figure = plot_issue_outcome(failed, scenario, "troop_payment")
    (ax,) = figure.axes
    assert len(ax.patches) == 0
    assert len(ax.lines) == 1
    assert legend_texts(ax) == ["no-deal value"]
    low, high = scenario.issues["troop_payment"].bounds
    assert ax.get_xlim() == pytest.approx((low - 0.03 * (high - low), high + 0.03 * (high - low)))


def test_plot_issue_outcome_draws_on_given_axes(baseline_batch):
    scenario, table = baseline_batch
    ax = fresh_axes()
    figure = plot_issue_outcome(table, scenario, "china_alignment", ax=ax)
    assert figure is ax.figure
    assert figure.axes == [ax]
    assert ax.get_title() == scenario.issues["china_alignment"].label
    assert len(ax.patches) == 40


def test_plot_issue_outcomes_one_panel_per_issue(baseline_batch):
    scenario, table = baseline_batch
    figure = plot_issue_outcomes(table, scenario)
    assert isinstance(figure, Figure)
    assert len(figure.axes) == len(scenario.issues) == 3
    deals = int(table["agreed"].sum())
    assert figure.get_suptitle() == f"{scenario.name}: outcome of each issue among {deals:,} deals"
    assert tuple(figure.get_size_inches()) == pytest.approx((5 * 3, 4.6))
    for ax, spec in zip(figure.axes, scenario.issues.values(), strict=True):
        assert ax.get_title() == spec.label
        assert ax.get_xlabel() == spec.unit
        assert ax.get_ylabel() == "% of deals"
        assert len(ax.patches) == 40
        assert len(ax.lines) == 1
        assert legend_texts(ax) == ["no-deal value"]


# timing_table / plot_agreement_timing


@pytest.mark.parametrize("batch", ["baseline_batch", "hardline_batch", "ratification_batch"])
def test_timing_table_counts_every_run_once(batch, request):
    scenario, table = request.getfixturevalue(batch)
    timing = timing_table(table, scenario)
    assert list(timing.columns) == ["day", "ended_by", "runs", "percent"]
    assert timing["runs"].sum() == len(table)
    assert timing["percent"].sum() == pytest.approx(100)
    assert (timing["runs"] > 0).all()
    assert not timing.duplicated(["day", "ended_by"]).any()
    assert set(timing["ended_by"]) == set(timing_bars(table))
    days = (table["end_date"] - pd.Timestamp(scenario.calendar.start)).dt.days
    assert sorted(timing["day"].unique()) == sorted(days.unique())
    assert (timing["day"] >= 0).all()
    # a run ends at a meeting: whole weeks after the start for these scenarios
    assert (timing["day"] % scenario.calendar.meeting_interval_days == 0).all()
    by_ending = timing.groupby("ended_by", observed=True)["runs"].sum()
    bars = (
        table["ended_by"]
        .astype(str)
        .mask(table["agreed"] & table["extended"], "agreement_in_extension")
    )
    assert by_ending.to_dict() == bars.value_counts().loc[by_ending.index].to_dict()


def test_plot_agreement_timing_stacks_the_endings_and_marks_the_deadline(hardline_batch):
    scenario, table = hardline_batch
    figure = plot_agreement_timing(table, scenario)
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert ax.get_title() == f"{scenario.name}: when the talks ended"
    assert ax.get_xlabel() == "meeting date"
    assert ax.get_ylabel() == "% of runs ending at this meeting"
    endings = timing_bars(table)
    days = timing_table(table, scenario)["day"].nunique()
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [bar.get_label() for bar in bars] == [ENDING_LABELS[e] for e in endings]
    assert all(len(bar) == days for bar in bars)
    assert len(ax.patches) == days * len(endings)
    assert sum(patch.get_height() for patch in ax.patches) == pytest.approx(100)
    (deadline,) = ax.lines
    deadline_day = (scenario.calendar.deadline - scenario.calendar.start).days
    assert list(deadline.get_xdata()) == [deadline_day, deadline_day]
    assert deadline.get_linestyle() == "--"
    labels = legend_texts(ax)
    assert sorted(labels) == sorted(
        ["original deadline", "deal", "no deal at deadline", "breakdown"]
    )
    # days on the axis read as calendar dates
    formatter = ax.xaxis.get_major_formatter()
    assert formatter(0, 0) == scenario.calendar.start.strftime("%d %b")
    assert formatter(deadline_day, 0) == scenario.calendar.deadline.strftime("%d %b")


def test_plot_agreement_timing_marks_the_extended_deadlines_and_the_deals_made_before_them(
    extended_batch,
):
    scenario, table = extended_batch
    (ax,) = plot_agreement_timing(table, scenario).axes
    labels = legend_texts(ax)
    assert "deal during an extension" in labels
    assert "extended deadline (% of runs ending under it)" in labels
    in_extension = next(c for c in ax.containers if c.get_label() == "deal during an extension")
    start = pd.Timestamp(scenario.calendar.start)
    extended_deals = table[table["agreed"] & table["extended"]]
    share = 100 * len(extended_deals) / len(table)
    assert sum(patch.get_height() for patch in in_extension) == pytest.approx(share)
    deadlines = {line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == ":"}
    extended_runs = table.loc[table["extended"], "deadline_in_force"]
    assert deadlines <= set((extended_runs - start).dt.days)


def test_plot_agreement_timing_leaves_out_endings_that_do_not_occur(baseline_batch):
    scenario, table = baseline_batch
    assert not (table["ended_by"] == "deadline").any()
    figure = plot_agreement_timing(table, scenario)
    (ax,) = figure.axes
    labels = legend_texts(ax)
    assert "no deal at deadline" not in labels
    assert "deal not ratified" not in labels
    assert sorted(labels) == sorted(["original deadline", "deal", "breakdown"])
    days = timing_table(table, scenario)["day"].nunique()
    assert len(ax.patches) == days * 2
    assert sum(patch.get_height() for patch in ax.patches) == pytest.approx(100)


def test_plot_agreement_timing_stacks_bars_in_the_order_of_endings(ratification_batch):
    scenario, table = ratification_batch
    figure = plot_agreement_timing(table, scenario)
    (ax,) = figure.axes
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [bar.get_label() for bar in bars] == [ENDING_LABELS[e] for e in timing_bars(table)]
    assert "deal not ratified" in legend_texts(ax)
    # each ending's bars sit on top of the ones before it
    for lower, upper in itertools.pairwise(bars):
        for below, above in zip(lower, upper, strict=True):
            assert above.get_y() == pytest.approx(below.get_y() + below.get_height())
    timing = timing_table(table, scenario)
    tops = {
        patch.get_x() + patch.get_width() / 2: patch.get_y() + patch.get_height()
        for patch in bars[-1]
    }
    per_day = timing.groupby("day")["percent"].sum()
    assert sorted(tops) == pytest.approx(list(per_day.index))
    assert [tops[day] for day in sorted(tops)] == pytest.approx(per_day.to_list())


def test_plot_agreement_timing_draws_on_given_axes(baseline_batch):
    scenario, table = baseline_batch
    ax = fresh_axes()
    figure = plot_agreement_timing(table, scenario, ax=ax)
    assert figure is ax.figure
    assert figure.axes == [ax]
    assert ax.get_title() == f"{scenario.name}: when the talks ended"
    assert len(ax.lines) == 1


# plot_utilities


def test_plot_utilities_scatters_every_run_with_the_mean_solutions(hardline_batch):
    scenario, table = hardline_batch
    figure = plot_utilities(table, scenario)
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert ax.get_title() == f"{scenario.name}: utilities per run"
    assert ax.get_xlabel() == "United States utility (0-1)"
    assert ax.get_ylabel() == "South Korea utility (0-1)"
    assert ax.get_xlim() == (0, 1)
    assert ax.get_ylim() == (0, 1)
    runs, *points = ax.collections
    assert all(isinstance(c, PathCollection) for c in ax.collections)
    assert len(runs.get_offsets()) == RUNS
    assert len(points) == 3
    for point, prefix in zip(points, ("reservation", "nash", "kalai_smorodinsky"), strict=True):
        mean = [table[f"{prefix}.us"].mean(), table[f"{prefix}.korea"].mean()]
        np.testing.assert_allclose(point.get_offsets(), [mean])
    # the hue legend names endings by their column values, in the order of ENDINGS
    assert legend_texts(ax) == [
        *occurring(table),
        "mean reservation point",
        "mean Nash solution",
        "mean Kalai-Smorodinsky solution",
    ]


def test_plot_utilities_samples_large_tables(baseline_batch, monkeypatch):
    scenario, table = baseline_batch
    monkeypatch.setattr(sim.charts.run, "SCATTER_POINTS", 100)
    (ax,) = plot_utilities(table, scenario).axes
    assert len(ax.collections[0].get_offsets()) == 100


def test_plot_utilities_leaves_out_solutions_missing_from_the_table(baseline_batch):
    scenario, table = baseline_batch
    columns = [c for c in table.columns if c.startswith(("nash.", "kalai_smorodinsky."))]
    assert len(columns) == 4
    (ax,) = plot_utilities(table.drop(columns=columns), scenario).axes
    labels = legend_texts(ax)
    assert "mean Nash solution" not in labels
    assert "mean Kalai-Smorodinsky solution" not in labels
    assert labels == [*occurring(table), "mean reservation point"]
    assert len(ax.collections) == 2


def test_plot_utilities_draws_on_given_axes(baseline_batch):
    scenario, table = baseline_batch
    ax = fresh_axes()
    figure = plot_utilities(table, scenario, ax=ax)
    assert figure is ax.figure
    assert figure.axes == [ax]
    assert ax.get_title() == f"{scenario.name}: utilities per run"
    assert len(ax.collections) == 4
    assert "mean Nash solution" in legend_texts(ax)


# endings_table / plot_deal_probability


@pytest.mark.parametrize("batch", ["baseline_batch", "hardline_batch", "ratification_batch"])
def test_endings_table_shares_add_up_with_intervals_around_them(batch, request):
    _, table = request.getfixturevalue(batch)
    endings = endings_table(table)
    assert list(endings.columns) == ["ended_by", "share", "low", "high"]
    assert endings["share"].sum() == pytest.approx(1)
    counts = table["ended_by"].value_counts()
    for row in endings.itertuples():
        assert row.share == pytest.approx(counts.get(row.ended_by, 0) / len(table))
        assert 0 <= row.low <= row.share <= row.high <= 1
        assert row.high > row.low
    # deal, deadline and breakdown always have a row; "not ratified" only when it happens
    expected = ["agreement", "deadline", "breakdown"]
    if (table["ended_by"] == "not_ratified").any():
        expected.append("not_ratified")
    assert list(endings["ended_by"]) == expected


def test_endings_table_keeps_endings_that_never_happened_at_zero(baseline_batch):
    _, table = baseline_batch
    endings = endings_table(table).set_index("ended_by")
    assert endings.loc["deadline", "share"] == 0
    assert endings.loc["deadline", "low"] == pytest.approx(0)
    assert 0 < endings.loc["deadline", "high"] < 0.01  # Wilson upper bound for 0 of 500
    assert endings.loc["agreement", "share"] == pytest.approx(table["agreed"].mean())


def test_plot_deal_probability_bars_with_intervals(hardline_batch):
    scenario, table = hardline_batch
    figure = plot_deal_probability(table, scenario)
    assert isinstance(figure, Figure)
    (ax,) = figure.axes
    assert ax.get_title() == f"{scenario.name}: deal probability ({RUNS} runs)"
    assert ax.get_xlabel() == "how the talks ended"
    assert ax.get_ylabel() == "% of runs (95% interval)"
    assert ax.get_ylim() == (0, 105)
    assert ax.get_legend() is None
    endings = endings_table(table)
    assert len(ax.patches) == len(endings) == 3
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx(list(100 * endings["share"]))
    assert sum(heights) == pytest.approx(100)
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks == ["deal", "no deal at deadline", "breakdown"]
    assert [text.get_text() for text in ax.texts] == [f"{h:.1f}%" for h in heights]
    (errors,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    (bars,) = errors.lines[2]  # one LineCollection of vertical error bars
    segments = bars.get_segments()
    assert len(segments) == 3
    for segment, row in zip(segments, endings.itertuples(), strict=True):
        assert sorted(segment[:, 1]) == pytest.approx([100 * row.low, 100 * row.high])


def test_plot_deal_probability_shows_unratified_deals(ratification_batch):
    scenario, table = ratification_batch
    (ax,) = plot_deal_probability(table, scenario).axes
    ticks = [label.get_text() for label in ax.get_xticklabels()]
    assert ticks == ["deal", "no deal at deadline", "breakdown", "deal not ratified"]
    assert len(ax.patches) == 4
    assert sum(patch.get_height() for patch in ax.patches) == pytest.approx(100)


def test_plot_deal_probability_draws_on_given_axes(baseline_batch):
    scenario, table = baseline_batch
    ax = fresh_axes()
    figure = plot_deal_probability(table, scenario, ax=ax)
    assert figure is ax.figure
    assert figure.axes == [ax]
    assert len(ax.patches) == 3
    assert ax.get_title() == f"{scenario.name}: deal probability ({RUNS} runs)"


# all_charts


def test_all_charts_are_the_standard_figures_by_file_name(baseline_batch, tmp_path):
    scenario, table = baseline_batch
    charts = all_charts(table, scenario)
    assert list(charts) == [
        "issue_outcomes.png",
        "agreement_timing.png",
        "utilities.png",
        "deal_probability.png",
    ]
    assert all(isinstance(figure, Figure) for figure in charts.values())
    assert len({id(figure) for figure in charts.values()}) == 4
    assert len(charts["issue_outcomes.png"].axes) == len(scenario.issues)
    assert charts["issue_outcomes.png"].get_suptitle().startswith(scenario.name)
    titles = {name: figure.axes[0].get_title() for name, figure in charts.items()}
    assert titles["agreement_timing.png"] == f"{scenario.name}: when the talks ended"
    assert titles["utilities.png"] == f"{scenario.name}: utilities per run"
    assert titles["deal_probability.png"] == f"{scenario.name}: deal probability ({RUNS} runs)"
    save_figures(charts, tmp_path, dpi=20)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(charts)
    for name in charts:
        assert (tmp_path / name).read_bytes()[:8] == PNG


def test_charts_do_not_touch_pyplot(baseline_batch):
    import matplotlib.pyplot as plt

    scenario, table = baseline_batch
    plt.close("all")
    all_charts(table, scenario)
    assert plt.get_fignums() == []


def test_timing_formatter_dates_are_days_after_the_start(baseline_batch):
    scenario, table = baseline_batch
    (ax,) = plot_agreement_timing(table, scenario).axes
    formatter = ax.xaxis.get_major_formatter()
    later = scenario.calendar.start + dt.timedelta(days=14)
    assert formatter(14, 0) == later.strftime("%d %b")
