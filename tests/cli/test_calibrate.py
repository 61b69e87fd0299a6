"""``negsim calibrate`` end to end on the Japan case, a thousand runs, and its refusals."""

import json

import pytest
import yaml

from sim.cli.commands import main
from sim.pipelines.calibrate import calibrate
from sim.scenario.loading import load_scenario
from tests.conftest import SCENARIOS

SCENARIO = SCENARIOS / "cases" / "japan_us_2025.yaml"
OBSERVED = SCENARIOS / "observed" / "japan_us_2025.yaml"


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    out = tmp_path_factory.mktemp("calibrate") / "japan"
    arguments = ["--runs", "1000", "--check-runs", "400", "--accept", "0.1", "--out", str(out)]
    assert main(["calibrate", str(SCENARIO), str(OBSERVED), *arguments]) == 0
    return out


def test_calibrate_writes_the_posterior_scenario_tables_and_charts(calibrated):
    names = {path.name for path in calibrated.iterdir()}
    assert {"posterior.yaml", "calibration.md", "calibration.json", "manifest.json"} <= names
    assert {"parameters.csv", "accepted.csv", "report.html"} <= names
    assert "Calibration" in (calibrated / "report.html").read_text()
    assert "parameter-negotiators.us.strategy.beta.png" in names
    results = json.loads((calibrated / "calibration.json").read_text())["results"]
    abc = results["calibration"]
    assert abc["runs"] == 1000 and abc["accepted"] == 100 and abc["acceptance_rate"] == 0.1
    assert 1 < abc["effective_sample_size"] <= abc["accepted"]
    assert "deadline" in abc["distance_components"]
    assert results["before"]["runs"] == 1000 and results["after"]["runs"] == 400
    text = (calibrated / "calibration.md").read_text()
    assert "## Posterior predictive check" in text and "effective sample size" in text


def test_the_posterior_scenario_extends_the_original_and_validates_and_runs(calibrated, capsys):
    posterior = calibrated / "posterior.yaml"
    data = yaml.safe_load(posterior.read_text())
    assert (calibrated / data["extends"]).resolve() == SCENARIO.resolve()
    assert data["name"] == "japan_us_2025_posterior" and data["runs"] == 400
    assert main(["validate", str(posterior)]) == 0, capsys.readouterr().err
    loaded = load_scenario(posterior)
    beta = loaded.scenario.negotiators["us"].strategy.beta
    assert beta.dist == "beta" and (beta.low, beta.high) == (0.3, 0.9)  # the prior's support
    out = calibrated.parent / "posterior-run"
    assert main(["run", str(posterior), "--runs", "200", "--out", str(out)]) == 0


def test_the_posterior_run_repeats_the_predictive_check(calibrated):
    results = json.loads((calibrated / "calibration.json").read_text())["results"]
    again = calibrate(
        SCENARIO,
        OBSERVED,
        runs=1000,
        check_runs=400,
        accept=0.1,
        out=calibrated.parent / "again",
    )
    assert again.after.record() == results["after"]
    assert again.calibration.record() == results["calibration"]


def test_an_accepted_share_out_of_range_exits_2(tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit:
        main(["calibrate", str(SCENARIO), str(OBSERVED), "--accept", "0", "--out", str(out)])
    assert exit.value.code == 2
    assert "--accept: the share must be above 0 and at most 1, got 0" in capsys.readouterr().err
    assert not out.exists()


def test_a_scenario_whose_issues_differ_exits_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    pie = SCENARIOS / "theory" / "pie.yaml"
    assert main(["calibrate", str(pie), str(OBSERVED), "--runs", "100", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "japan_us_2025.yaml:" in error and "no entry for the scenario's issue 'share'" in error
    assert "Traceback" not in error and not out.exists()


def test_a_bad_observed_file_names_file_line_and_field(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = OBSERVED.read_text().replace("../cases/japan_us_2025.yaml", str(SCENARIO))
    bad.write_text(text.replace("  value: 1\n", "  value: -1\n"))
    out = tmp_path / "out"
    assert main(["calibrate", str(SCENARIO), str(bad), "--runs", "100", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "bad.yaml:" in error and "extensions.value:" in error and "Traceback" not in error
    assert not out.exists()


def test_a_scenario_without_uncertain_parameters_is_refused(tmp_path, capsys):
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(f"extends: {SCENARIOS / 'theory' / 'pie.yaml'}\nname: fixed\n")
    observed = tmp_path / "observed.yaml"
    source = "source: {name: Test, date: 2025-02-01, url: 'https://example.org'}"
    observed.write_text(
        f"case: fixed\nscenario: fixed.yaml\nas_of: 2025-01-01\n"
        f"ended_by: {{value: agreement, {source}}}\n"
        f"agreement_date: {{value: 2025-01-02, {source}}}\n"
        f"extensions: {{value: 0, {source}}}\n"
        f"deadline_in_force: {{value: 2025-12-31, {source}}}\n"
        f"issues: {{share: {{value: 0.5, {source}}}}}\n"
    )
    assert main(["calibrate", str(fixed), str(observed), "--out", str(tmp_path / "out")]) == 2
    assert "no uncertain parameter to calibrate" in capsys.readouterr().err
