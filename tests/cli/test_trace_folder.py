"""``negsim trace RESULTS --run I``: the manifest says which batch, so the run is its own."""

import json

import pandas as pd
import pytest

from sim.cli.commands import main
from sim.pipelines.trace import trace_folder
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A batch with a seed, run count and chunk size that are none of the defaults."""
    out = tmp_path_factory.mktemp("batch") / "korea"
    arguments = ["run", str(SCENARIOS / "korea_us_2025.yaml"), "--runs", "900", "--seed", "11"]
    assert main([*arguments, "--chunk-runs", "400", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.mark.parametrize("run", [0, 437, 899])
def test_the_traced_run_is_the_row_of_the_folder(batch, run, tmp_path):
    trace, out = trace_folder(batch, run=run, out=tmp_path / "trace")
    row = pd.read_parquet(batch / "runs.parquet").iloc[run]
    assert row["run"] == run
    for column in row.index:
        assert trace.outcome[column] == row[column] or (
            pd.isna(trace.outcome[column]) and pd.isna(row[column])
        ), column
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["seed"], manifest["runs"], manifest["chunk_runs"]) == (11, 900, 400)


def test_trace_of_a_folder_from_the_command_line(batch, tmp_path, capsys):
    out = tmp_path / "trace"
    assert main(["trace", str(batch), "--run", "437", "--out", str(out)]) == 0
    row = pd.read_parquet(batch / "runs.parquet").iloc[437]
    printed = capsys.readouterr().out
    assert f"Run 437 ended by {row['ended_by']} in round {row['end_round']}" in printed
    assert (out / "trace.png").is_file()


def test_a_folder_gives_the_seed_so_seed_is_refused(batch, tmp_path, capsys):
    assert main(["trace", str(batch), "--seed", "3", "--out", str(tmp_path / "t")]) == 2
    assert "--seed goes with a scenario file" in capsys.readouterr().err


def test_a_run_beyond_the_folders_batch_is_refused(batch, tmp_path, capsys):
    assert main(["trace", str(batch), "--run", "900", "--out", str(tmp_path / "t")]) == 2
    assert "run must be between 0 and 899" in capsys.readouterr().err


def test_a_folder_that_is_not_a_batch_is_refused(tmp_path, capsys):
    assert main(["trace", str(tmp_path), "--out", str(tmp_path / "t")]) == 2
    assert "manifest.json" in capsys.readouterr().err
