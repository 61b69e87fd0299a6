"""Sweeps and sensitivity designs run on the engines of negsim run, with the same results."""

import json

import pandas as pd
import pytest

from sim.batch.chunks import Batch, run_batch, run_batches
from sim.batch.engines import DaskEngine, InProcessEngine, ProcessPoolEngine
from sim.cli.commands import main
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE

SWEEP = ["sweep", str(BASELINE), "--set", "calendar.extension.probability=0,0.5,1", "--runs", "400"]
SENSITIVITY = ["sensitivity", str(BASELINE), "--samples", "8", "--seed", "4"]


def manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def test_batches_run_together_are_the_batches_run_alone():
    scenario = load_scenario(BASELINE).scenario
    batches = [Batch(scenario, 700, 5), Batch(scenario, 0, 5), Batch(scenario, 300, 6)]
    with ProcessPoolEngine(2) as engine:
        tables = list(run_batches(batches, engine, chunk_runs=200))
    assert len(tables) == 3
    assert tables[0].equals(run_batch(scenario, 700, 5, chunk_runs=200))
    assert tables[1].empty
    assert tables[2].equals(run_batch(scenario, 300, 6, chunk_runs=200))


@pytest.mark.parametrize("command", [SWEEP, SENSITIVITY], ids=["sweep", "sensitivity"])
def test_a_two_worker_pool_gives_what_this_process_gives(command, tmp_path, capsys):
    here, pool = tmp_path / "inprocess", tmp_path / "pool"
    assert main([*command, "--engine", "inprocess", "--out", str(here)]) == 0
    assert main([*command, "--engine", "process", "--workers", "2", "--out", str(pool)]) == 0
    capsys.readouterr()
    table = "runs.parquet" if command is SWEEP else "samples.parquet"
    pd.testing.assert_frame_equal(pd.read_parquet(here / table), pd.read_parquet(pool / table))
    if command is SENSITIVITY:
        pd.testing.assert_frame_equal(
            pd.read_parquet(here / "sensitivity.parquet"),
            pd.read_parquet(pool / "sensitivity.parquet"),
        )
    assert (manifest(here)["engine"], manifest(here)["workers"]) == ("inprocess", 1)
    assert (manifest(pool)["engine"], manifest(pool)["workers"]) == ("process", 2)


def test_the_manifest_records_the_workers_a_scheduler_has(tmp_path, capsys):
    """Not this machine's cores: the one worker of the cluster the scheduler runs."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1") as cluster:
        address = cluster.scheduler_address
        run = ["run", str(BASELINE), "--runs", "300", "--chunk-runs", "100", "--quiet"]
        assert main([*run, "--scheduler", address, "--out", str(tmp_path / "run")]) == 0
        sweep = [*SWEEP, "--scheduler", address]
        assert main([*sweep, "--out", str(tmp_path / "sweep")]) == 0
    capsys.readouterr()
    for folder in ("run", "sweep"):
        assert (manifest(tmp_path / folder)["engine"], manifest(tmp_path / folder)["workers"]) == (
            "dask",
            1,
        )


def test_a_scheduler_not_yet_connected_has_unknown_workers():
    from sim.batch.engines import engine_record

    assert engine_record(DaskEngine(scheduler="tcp://127.0.0.1:1")) == {
        "engine": "dask",
        "workers": "unknown",
    }
    assert engine_record(DaskEngine(3)) == {"engine": "dask", "workers": 3}
    assert engine_record(InProcessEngine()) == {"engine": "inprocess", "workers": 1}


def test_a_result_folder_for_given_data_takes_no_workers(tmp_path, capsys):
    assert main(["sensitivity", str(tmp_path), "--workers", "2"]) == 2
    assert "--workers goes with a scenario file" in capsys.readouterr().err
