"""negsim compare: charts, a differences table with intervals and tests, and the command."""

import argparse
import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim.cli.commands
from sim.analysis.compare import deal_probability_table, differences_table, time_to_deal_table
from sim.analysis.inference import holm, proportion_test
from sim.analysis.results import load_results
from sim.charts.compare import plot_deal_probabilities, scenario_colours
from sim.cli.analysis import add_commands
from sim.errors import UsageError
from sim.pipelines.compare import compare, default_folder
from sim.pipelines.run import run_scenario
from sim.report.compare import comparison_notes, describe_comparison
from tests.conftest import BASELINE, SCENARIOS

RUNS = 4000


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Result folders: the baseline under two seeds, and the hard-line US variant."""
    root = tmp_path_factory.mktemp("results")
    runs = {
        "baseline": (BASELINE, 11),
        "baseline_again": (BASELINE, 12),
        "hardline": (SCENARIOS / "hardline_us.yaml", 11),
    }
    for name, (scenario, seed) in runs.items():
        run_scenario(scenario, runs=RUNS, seed=seed, out=root / name)
    return root


def test_baseline_against_itself_with_another_seed_shows_no_significant_difference(folders):
    results = load_results([folders / "baseline", folders / "baseline_again"])
    differences = differences_table(results)
    assert len(differences) == 1 + 3 + 2  # deal probability, three issues, two utilities
    assert (differences["p_value"] > 0.01).all(), differences[["measure", "p_value"]]
    assert ((differences["low"] <= 0) & (differences["high"] >= 0)).all(), differences
    assert not differences["significant"].any()
    assert (differences["design"] == "independent").all()  # another seed: no pairing
    text = describe_comparison(deal_probability_table(results), differences)
    assert "(independent: compared as independent samples): 0 of 6 measures differ" in text


def parser():
    parser = argparse.ArgumentParser(prog="negsim")
    add_commands(parser.add_subparsers(dest="command"))
    return parser


@pytest.fixture(scope="module")
def hardline_comparison(folders, tmp_path_factory):
    """``negsim compare`` of the baseline and the hard-line US variant: folder and printed text."""
    out = tmp_path_factory.mktemp("compare") / "hard"
    arguments = parser().parse_args(
        ["compare", str(folders / "baseline"), str(folders / "hardline"), "--out", str(out)]
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert arguments.handler(arguments) == 0
    return out, printed.getvalue()


def test_baseline_against_hardline_us_differs_in_the_deal_terms(hardline_comparison):
    out, printed = hardline_comparison
    rows = pd.read_csv(out / "differences.csv").set_index("measure")
    tariff = rows.loc["median US tariff on Korean goods among deals"]
    assert tariff["difference"] > 1 and tariff["low"] > 0 and tariff["p_value"] < 0.001
    us = rows.loc["mean utility of United States"]
    assert us["low"] > 0 and us["significant"]
    korea = rows.loc["mean utility of South Korea"]
    assert korea["high"] < 0 and korea["significant"]
    assert (
        "hardline_us (paired: compared run by run): 5 of 6 measures differ" in printed
    )  # not troops
    assert "Among deals:" in printed and "at the lower bound" in printed
    assert f"Wrote {out}/" in printed


def test_compare_writes_charts_tables_and_report(hardline_comparison):
    out, _ = hardline_comparison
    for name in [
        "comparison.md",
        "differences.csv",
        "deal_probability.csv",
        "issue_shapes.csv",
        "issue_distributions.png",
        "deal_probability.png",
        "time_to_deal.png",
        "utilities.png",
        "manifest.json",
        "comparison.json",
        "report.html",
    ]:
        assert (out / name).stat().st_size > 0, name
    markdown = (out / "comparison.md").read_text()
    assert "| scenario | design | measure | reference | scenario value | difference |" in markdown
    assert "percentile-bootstrap 95% intervals with 1,000 resamples" in markdown
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "comparison" and manifest["completed"] is True
    assert manifest["settings"]["designs"] == {"hardline_us": "paired"}
    assert [item["scenario_name"] for item in manifest["inputs"]] == [
        "korea_us_2025",
        "hardline_us",
    ]
    assert [p.name for p in out.parent.iterdir()] == ["hard"]  # no staging folder left


def test_every_run_is_used_and_the_notes_say_how(folders):
    results = load_results([folders / "baseline", folders / "hardline"])
    differences = differences_table(results, resamples=200)
    assert (differences["n_reference"][differences["measure"].str.startswith("mean")] == RUNS).all()
    notes = " ".join(comparison_notes(results, 200))
    assert "every run of every folder is used" in notes
    assert "share seed 11, chunk size and 4,000 runs" in notes  # same seed: paired
    assert "200 resamples" in notes


def test_default_output_folder_names_the_compared_folders():
    folders = [Path("results/korea_us_2025"), Path("results/hardline_us/")]
    assert default_folder(folders) == Path("results/compare-korea_us_2025-vs-hardline_us")


def test_each_scenario_keeps_its_colour(folders):
    results = load_results([folders / "baseline", folders / "hardline"])
    colours = scenario_colours([r.label for r in results])
    assert len(set(colours.values())) == 2
    figure = plot_deal_probabilities(deal_probability_table(results), colours)
    bars = figure.axes[0].patches
    for bar, label in zip(bars, ["korea_us_2025", "hardline_us"], strict=True):
        assert np.allclose(bar.get_facecolor()[:3], colours[label])


def test_same_scenario_names_get_distinct_labels(folders):
    results = load_results([folders / "baseline", folders / "baseline_again"])
    assert [r.label for r in results] == ["korea_us_2025 (seed 11)", "korea_us_2025 (seed 12)"]


def test_time_to_deal_ecdf_rises_to_one(folders):
    table = time_to_deal_table(load_results([folders / "baseline"]))
    assert table["share"].is_monotonic_increasing
    assert table["share"].iloc[-1] == pytest.approx(1.0)
    assert table["days_before_deadline"].is_monotonic_decreasing


def test_holm_and_proportion_test():
    assert holm([0.01, 0.02, 0.5]).tolist() == pytest.approx([0.03, 0.04, 0.5])
    assert proportion_test(3, 10, 1, 10)[0] == "Fisher exact"
    name, p = proportion_test(900, 1000, 800, 1000)
    assert name == "chi-square" and p < 1e-6


def test_compare_refuses_what_it_cannot_use(folders, tmp_path):
    with pytest.raises(UsageError, match="at least two"):
        compare([folders / "baseline"], tmp_path / "x")
    with pytest.raises(UsageError, match="not a result folder"):
        compare([folders / "baseline", tmp_path], tmp_path / "x")
    with pytest.raises(UsageError, match="is one of the compared folders"):
        compare([folders / "baseline", folders / "hardline"], folders / "hardline", force=True)
    (tmp_path / "taken").mkdir()
    with pytest.raises(UsageError, match="already exists"):
        compare([folders / "baseline", folders / "hardline"], tmp_path / "taken")


def test_negsim_compare_through_the_main_command_line(folders, tmp_path, capsys):
    out = tmp_path / "main"
    status = sim.cli.commands.main(
        ["compare", str(folders / "baseline"), str(folders / "hardline"), "--out", str(out)]
    )
    assert status == 0
    assert (out / "comparison.md").is_file()
    assert sim.cli.commands.main(["compare", str(folders / "baseline"), "--out", str(out)]) == 2
    assert "at least two" in capsys.readouterr().err


def test_more_than_three_scenarios_are_drawn_as_small_multiples(folders):
    from sim.charts.compare import OVERLAID_SCENARIOS, all_charts

    names = ["baseline", "baseline_again", "hardline", "baseline"]
    results = load_results([folders / name for name in names])
    assert len(results) > OVERLAID_SCENARIOS
    charts = all_charts(results)
    panels = [ax for ax in charts["utilities.png"].axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == [result.label for result in results]
    rows = len(charts["issue_distributions.png"].axes) // 3  # one row per scenario, three issues
    assert rows == 4
