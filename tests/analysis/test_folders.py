"""Damaged or unfinished result folders are refused by compare and report with file and field."""

import json
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.cli.commands import main
from sim.pipelines.run import run_scenario
from tests.conftest import BASELINE


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    out = tmp_path_factory.mktemp("good") / "korea"
    run_scenario(BASELINE, runs=400, seed=3, out=out)
    return out


def edit_json(name, change):
    def edit(folder):
        path = folder / name
        data = json.loads(path.read_text())
        path.write_text(json.dumps(change(data)))

    return edit


def write_text(name, text):
    return lambda folder: (folder / name).write_text(text)


def edit_runs(change):
    def edit(folder):
        path = folder / "runs.parquet"
        pq.write_table(change(pq.read_table(path)), path)

    return edit


def without(data, key):
    return {k: v for k, v in data.items() if k != key}


CASES = {
    "runs-missing-a-column": (edit_runs(lambda t: t.drop(["agreed"])), "has no column agreed"),
    "runs-with-no-rows": (edit_runs(lambda t: t.slice(0, 0)), "runs.parquet has no runs"),
    "runs-not-parquet": (write_text("runs.parquet", "not parquet"), "cannot read"),
    "runs-other-count": (edit_runs(lambda t: t.slice(0, 10)), "has 10 runs but"),
    "runs-column-of-text": (
        edit_runs(lambda t: t.set_column(1, "agreed", pa.array(["yes"] * len(t)))),
        "runs.parquet: column agreed holds string, expected true/false",
    ),
    "summary-a-list": (write_text("summary.json", "[1, 2]"), "should hold a JSON object, not list"),
    "summary-not-json": (write_text("summary.json", "{"), "summary.json is not valid JSON"),
    "summary-no-issues": (
        edit_json("summary.json", lambda d: without(d, "issues_among_deals")),
        "summary.json: issues_among_deals: Field required",
    ),
    "summary-utilities-text": (
        edit_json("summary.json", lambda d: {**d, "utilities": "high"}),
        "summary.json: utilities:",
    ),
    "summary-interval-short": (
        edit_json("summary.json", lambda d: {**d, "deal_probability_95ci": [0.1]}),
        "summary.json: deal_probability_95ci",
    ),
    "summary-issue-a-number": (
        edit_json("summary.json", lambda d: {**d, "issues_among_deals": {"tariff": 3}}),
        "summary.json: issues_among_deals.tariff",
    ),
    "summary-endings-short": (
        edit_json("summary.json", lambda d: {**d, "endings": {"agreement": 1}}),
        "summary.json: endings.deadline: Field required",
    ),
    "summary-no-time-to-deal": (
        edit_json("summary.json", lambda d: {**d, "time_to_deal": None}),
        "summary.json: time_to_deal",
    ),
    "manifest-a-list": (write_text("manifest.json", "[]"), "should hold a JSON object, not list"),
    "manifest-not-negsim": (
        edit_json("manifest.json", lambda d: without(d, "negsim_version")),
        "manifest.json: negsim_version: missing; this folder was not written by negsim",
    ),
    "manifest-unfinished": (
        edit_json("manifest.json", lambda d: {**d, "completed": False}),
        "did not finish",
    ),
    "manifest-scenario-text": (
        edit_json("manifest.json", lambda d: {**d, "scenario": "x"}),
        "manifest.json: scenario: should be a mapping",
    ),
    "manifest-kind-unknown": (
        edit_json("manifest.json", lambda d: {**d, "kind": "poem"}),
        "written by negsim poem, not by negsim run",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_compare_and_report_refuse_a_damaged_folder_in_one_line(case, good, tmp_path, capsys):
    damage, message = CASES[case]
    bad = tmp_path / "bad"
    shutil.copytree(good, bad)
    damage(bad)
    status = main(["compare", str(good), str(bad), "--out", str(tmp_path / "cmp"), "--no-report"])
    error = capsys.readouterr().err
    assert status == 2, error
    assert error.startswith("negsim: error: ") and error.count("\n") == 1, error
    assert message in error
    assert not (tmp_path / "cmp").exists()
    status = main(["report", str(bad)])  # reads no runs table: a damaged one may pass
    error = capsys.readouterr().err
    assert status in (0, 2) and error.count("\n") <= 1
    if case == "manifest-kind-unknown":
        assert status == 2 and "has an unknown kind 'poem'" in error
    elif case.startswith(("summary", "manifest")):
        assert status == 2 and message in error


def test_the_staging_folder_of_an_interrupted_run_is_not_a_result_folder(good, tmp_path, capsys):
    staged = tmp_path / ".korea.partial"
    shutil.copytree(good, staged)
    for command in (["compare", str(good), str(staged)], ["report", str(staged)]):
        assert main(command) == 2
        error = capsys.readouterr().err
        assert "is the staging folder of an unfinished run" in error and "--resume" in error


def test_a_sweep_value_that_is_no_date_is_one_line(capsys):
    arguments = ["sweep", str(BASELINE), "--set", "calendar.deadline=2025-13-45", "--runs", "10"]
    assert main(arguments) == 2
    error = capsys.readouterr().err
    assert error.startswith("negsim: error: cannot read the value '2025-13-45'")
    assert error.count("\n") == 1
