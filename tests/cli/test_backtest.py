"""``negsim backtest`` end to end on the Korea case, a few thousand runs."""

import json

import pytest

from sim.cli.commands import main
from sim.pipelines.backtest import backtest
from tests.conftest import BASELINE, SCENARIOS

OBSERVED = SCENARIOS / "observed" / "korea_us_2025.yaml"
RUNS = "2000"


def test_backtest_writes_tables_charts_and_report(tmp_path, capsys):
    out = tmp_path / "bt"
    assert main(["backtest", str(BASELINE), str(OBSERVED), "--runs", RUNS, "--out", str(out)]) == 0
    assert "korea_us_2025: the batch of 2,000 runs gave" in capsys.readouterr().out
    names = {path.name for path in out.iterdir()}
    assert {"backtest.md", "backtest.json", "report.html", "manifest.json"} <= names
    assert {f"korea_us_2025-issue-{issue}.png" for issue in ("tariff", "troop_payment")} <= names
    assert "korea_us_2025-timing.png" in names
    results = json.loads((out / "backtest.json").read_text())["results"]["cases"][0]
    events = {event["key"]: event for event in results["events"]}
    assert events["ending"]["happened"] and not events["deal_by_deadline"]["happened"]
    low, high = events["ending"]["probability_95ci"]
    assert low <= events["ending"]["probability"] <= high
    assert 0 <= results["path"]["probability"] <= events["agreement_date"]["probability"]
    assert results["issues"][0]["issue"] == "tariff"
    assert "| talks end by agreement | yes |" in (out / "backtest.md").read_text()


def test_backtest_of_a_result_folder_uses_its_runs(tmp_path, capsys):
    folder = tmp_path / "run"
    assert main(["run", str(BASELINE), "--runs", RUNS, "--out", str(folder)]) == 0
    from_folder = backtest([(folder, OBSERVED)], out=tmp_path / "a", report=False)
    from_file = backtest([(BASELINE, OBSERVED)], runs=int(RUNS), out=tmp_path / "b", report=False)
    assert from_folder.cases[0].record()["events"] == from_file.cases[0].record()["events"]


def test_several_cases_add_a_calibration_view(tmp_path):
    text = OBSERVED.read_text().replace("case: korea_us_2025", "case: korea_interval")
    text = text.replace("    value: 15\n", "    low: 14\n    high: 17\n")
    other = tmp_path / "korea_interval.yaml"
    other.write_text(text.replace("../korea_us_2025.yaml", str(BASELINE)))
    out = tmp_path / "cases"
    arguments = ["--case", str(BASELINE), str(OBSERVED), "--case", str(BASELINE), str(other)]
    assert main(["backtest", *arguments, "--runs", "1000", "--out", str(out), "--no-report"]) == 0
    assert (out / "calibration-pit.png").is_file()
    assert (out / "calibration-reliability.png").is_file()
    description = json.loads((out / "backtest.json").read_text())
    assert description["tables"][0]["title"] == "Across cases"
    assert len(description["results"]["calibration"]["pit"]) == 2
    interval = description["results"]["cases"][1]["issues"][0]
    assert interval["observed"] == [14, 17] and interval["scored_at"] == 15.5


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  value: 1\n", "  value: -1\n", "bad.yaml:31: extensions.value: Input should be greater"),
        ("  china_alignment:\n", "  china_line:\n", "no entry for the scenario's issue"),
    ],
)
def test_bad_observed_file_exits_2_and_writes_nothing(tmp_path, capsys, old, new, message):
    bad = tmp_path / "bad.yaml"
    text = OBSERVED.read_text().replace("../korea_us_2025.yaml", str(BASELINE))
    bad.write_text(text.replace(old, new))
    out = tmp_path / "out"
    assert main(["backtest", str(BASELINE), str(bad), "--runs", "100", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("negsim: error: ") and message in error and "Traceback" not in error
    assert not out.exists()


def test_observed_without_scenario_is_a_usage_error(capsys):
    assert main(["backtest", str(OBSERVED)]) == 2
    assert "give the observed-outcome file too" in capsys.readouterr().err
