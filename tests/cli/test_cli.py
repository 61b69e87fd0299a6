"""The command line as a user runs it: a subprocess per command."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from sim.cli.commands import main
from sim.columns import COLUMNS, documented
from tests.conftest import SCENARIOS

SHIPPED = sorted(SCENARIOS.glob("*.yaml")) + sorted((SCENARIOS / "cases").glob("*.yaml"))
"""The Korean scenarios and the library of other 2025 cases."""
CHARTS = ["issue_outcomes.png", "agreement_timing.png", "utilities.png", "deal_probability.png"]


def negsim(*arguments, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_run_from_a_shell_writes_the_result_folder(tmp_path):
    out = tmp_path / "korea_us_2025"
    result = negsim("run", SCENARIOS / "korea_us_2025.yaml", "--runs", 3000, "--out", out)
    assert "runs; a deal in" in result.stdout
    assert f"Wrote {out}/" in result.stdout
    check_result_folder(out, "korea_us_2025", 3000)


@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_runs(scenario, tmp_path, capsys):
    out = tmp_path / scenario.stem
    assert main(["run", str(scenario), "--runs", "3000", "--out", str(out)]) == 0
    assert "runs; a deal in" in capsys.readouterr().out
    check_result_folder(out, scenario.stem, 3000)


def check_result_folder(out, name, runs):
    for file in ["runs.parquet", "summary.json", "manifest.json"]:
        assert (out / file).stat().st_size > 0, file
    for chart in CHARTS:
        assert (out / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", chart
    table = pd.read_parquet(out / "runs.parquet")
    assert len(table) == runs
    assert all(documented(column) for column in table.columns), table.columns
    fixed = [name for name in COLUMNS if "<" not in name]
    assert set(fixed) <= set(table.columns)
    summary = json.loads((out / "summary.json").read_text())
    low, high = summary["deal_probability_95ci"]
    assert low <= summary["deal_probability"] <= high
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["runs"] == runs
    assert manifest["completed"] is True
    assert manifest["scenario"]["name"] == name
    assert [p.name for p in out.parent.iterdir()] == [name]  # no staging left behind


def test_same_seed_same_table_from_the_command_line(tmp_path):
    for name in ("a", "b"):
        arguments = ["run", "scenarios/korea_us_2025.yaml", "--runs", "2000", "--seed", "3"]
        assert main([*arguments, "--out", str(tmp_path / name), "--quiet"]) == 0
    first = pd.read_parquet(tmp_path / "a" / "runs.parquet")
    second = pd.read_parquet(tmp_path / "b" / "runs.parquet")
    pd.testing.assert_frame_equal(first, second)


def test_existing_output_is_kept_unless_forced(tmp_path, capsys):
    out = str(tmp_path / "out")
    assert (
        main(["run", "scenarios/korea_us_2025.yaml", "--runs", "500", "--out", out, "--quiet"]) == 0
    )
    before = (tmp_path / "out" / "runs.parquet").read_bytes()
    variant = ["run", "scenarios/firm_deadline.yaml", "--runs", "700", "--out", out]
    assert main(variant) == 2
    error = capsys.readouterr().err
    assert "already exists; pass --force to replace it, or --out to write elsewhere" in error
    assert (tmp_path / "out" / "runs.parquet").read_bytes() == before
    assert main([*variant, "--force", "--quiet"]) == 0
    assert len(pd.read_parquet(tmp_path / "out" / "runs.parquet")) == 700


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["run", "scenarios/korea_us_2025.yaml", "--runs", "-5"], "runs must be between"),
        (["run", "scenarios/korea_us_2025.yaml", "--runs", "many"], "expected a whole number"),
        (["run", "scenarios/korea_us_2025.yaml", "--seed", "x"], "whole-number seed"),
        (["run", "scenarios/korea_us_2025.yaml", "--colour"], "unrecognized arguments"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_command_line_values_exit_2(arguments, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(arguments)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_scheduler_needs_the_dask_engine(capsys):
    arguments = ["run", "scenarios/korea_us_2025.yaml", "--engine", "process", "--scheduler", "x"]
    assert main(arguments) == 2
    assert "--scheduler goes with --engine dask" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "out", "message"),
    [
        ("run", "file.txt/out", "cannot create {out}: {file} is a file, not a folder"),
        ("run", "file.txt/a/b/out", "cannot create {out}: {file} is a file, not a folder"),
        ("run", "file.txt", "output path {out} exists and is not a folder"),
        ("trace", "file.txt/out", "cannot create {out}: {file} is a file, not a folder"),
    ],
    ids=["below-a-file", "deep-below-a-file", "is-a-file", "trace-below-a-file"],
)
def test_output_path_through_a_file_is_refused(command, out, message, tmp_path):
    """Refused for every user, root included (permission bits would not stop root)."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    out = tmp_path / out
    scenario = SCENARIOS / "korea_us_2025.yaml"
    result = negsim(command, scenario, "--runs", 100, "--out", out, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr == f"negsim: error: {message.format(out=out, file=blocker)}\n"
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert [path.name for path in tmp_path.rglob("*")] == ["file.txt"]  # nothing created
    assert blocker.read_text() == "not a folder"


def test_validate_accepts_every_shipped_scenario():
    result = negsim("validate", *SHIPPED)
    assert result.stdout.count(": ok") == len(SHIPPED)


def test_lean_columns_leave_out_the_drawn_parameters_and_the_solutions(tmp_path, capsys):
    out = tmp_path / "lean"
    arguments = ["run", str(SCENARIOS / "korea_us_2025.yaml"), "--runs", "500", "--quiet"]
    assert main([*arguments, "--columns", "lean", "--out", str(out)]) == 0
    columns = pd.read_parquet(out / "runs.parquet").columns
    assert not any(name.startswith(("drawn.", "nash", "kalai_smorodinsky.")) for name in columns)
    assert {"agreed", "issue.tariff", "utility.us"} <= set(columns)
    assert json.loads((out / "manifest.json").read_text())["columns"] == "lean"
