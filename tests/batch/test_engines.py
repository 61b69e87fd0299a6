"""Engines give identical tables; interrupted batches resume to the same result."""

import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from sim.batch.engines import DaskEngine, InProcessEngine, ProcessPoolEngine, make_engine
from sim.batch.storage import Staging
from sim.errors import Interrupted, UsageError
from sim.pipelines.run import run_scenario
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE

RUNS, CHUNK = 12_000, 2_000


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def reference(loaded, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "out"
    run_scenario(loaded, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, trace_rounds=5)
    return pd.read_parquet(out / "runs.parquet"), pd.read_parquet(out / "rounds.parquet")


@pytest.mark.parametrize(
    "engine",
    [ProcessPoolEngine(1), ProcessPoolEngine(2), DaskEngine(2)],
    ids=["process-1", "process-2", "dask-local-2"],
)
def test_every_engine_gives_the_same_tables(engine, loaded, reference, tmp_path):
    out = tmp_path / "out"
    run_scenario(
        loaded, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, trace_rounds=5, engine=engine
    )
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), reference[0])
    pd.testing.assert_frame_equal(pd.read_parquet(out / "rounds.parquet"), reference[1])


def test_traced_rounds_cover_the_first_runs_only(reference):
    runs, rounds = reference
    assert set(rounds["run"]) == {0, 1, 2, 3, 4}
    last = rounds.groupby("run")["round"].max()
    assert (last.to_numpy() == runs.loc[:4, "end_round"].to_numpy()).all()
    assert rounds.groupby("run")["accepted"].sum().le(1).all()


class StopAfter(InProcessEngine):
    """An engine that is interrupted (as by Ctrl-C) after some chunks."""

    def __init__(self, chunks):
        self.chunks = chunks

    def map(self, task, chunks):
        for count, result in enumerate(super().map(task, chunks)):
            if count == self.chunks:
                raise KeyboardInterrupt
            yield result


def test_interrupted_batch_leaves_destination_alone_and_resumes_to_the_same_table(
    loaded, reference, tmp_path
):
    out = tmp_path / "out"
    with pytest.raises(Interrupted, match="finished chunks are in"):
        run_scenario(
            loaded,
            runs=RUNS,
            seed=4,
            out=out,
            chunk_runs=CHUNK,
            trace_rounds=5,
            engine=StopAfter(3),
        )
    assert not out.exists()
    assert len(list(Staging.path_for(out).joinpath("chunks").glob("runs-*.parquet"))) == 3
    run_scenario(loaded, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, trace_rounds=5, resume=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), reference[0])
    pd.testing.assert_frame_equal(pd.read_parquet(out / "rounds.parquet"), reference[1])
    assert not Staging.path_for(out).exists()


def test_resume_refuses_a_staging_folder_of_another_batch(loaded, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(Interrupted):
        run_scenario(loaded, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, engine=StopAfter(1))
    with pytest.raises(UsageError, match="different seed"):
        run_scenario(loaded, runs=RUNS, seed=5, out=out, chunk_runs=CHUNK, resume=True)


def test_batch_killed_with_sigkill_resumes_to_the_same_table(tmp_path):
    runs, chunk = 40_000, 500
    command = [
        sys.executable,
        "-m",
        "sim.cli",
        "run",
        str(BASELINE),
        "--runs",
        str(runs),
        "--seed",
        "4",
        "--chunk-runs",
        str(chunk),
        "--engine",
        "inprocess",
        "--quiet",
    ]
    out = tmp_path / "killed"
    process = subprocess.Popen([*command, "--out", str(out)])
    chunks = Staging.path_for(out) / "chunks"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(chunks.glob("runs-*.parquet"))) < 3:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not out.exists()
    assert 3 <= len(list(chunks.glob("runs-*.parquet"))) < runs // chunk
    subprocess.run([*command, "--out", str(out), "--resume"], check=True)
    whole = run_scenario(BASELINE, runs=runs, seed=4, out=tmp_path / "whole", chunk_runs=chunk)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), whole.table)


def test_engine_choice_and_checks():
    assert make_engine("auto", chunks=1).name == "inprocess"
    assert make_engine("auto", chunks=4).name == "process"
    assert make_engine("auto", scheduler="tcp://127.0.0.1:1").name == "dask"
    with pytest.raises(UsageError, match="needs the dask engine"):
        make_engine("process", scheduler="tcp://127.0.0.1:1")


def test_local_dask_cluster_listens_on_loopback_only():
    with DaskEngine(1) as engine:
        address = engine.client.scheduler.address
        assert address.startswith("tcp://127.0.0.1:")
        workers = engine.client.scheduler_info()["workers"]
        assert all(worker.startswith("tcp://127.0.0.1:") for worker in workers)


def test_unreachable_scheduler_is_a_clean_error():
    with (
        pytest.raises(UsageError, match="cannot reach the Dask scheduler"),
        DaskEngine(1, scheduler="tcp://127.0.0.1:9", connect_timeout=2),
    ):
        pass
