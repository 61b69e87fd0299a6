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
    runs, chunk = 10_000, 500
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


@pytest.fixture
def silent_and_http_ports():
    """A port that accepts and never answers, and a plain HTTP server."""
    import socket
    import threading

    servers, held = [], []

    def serve(listener, reply):
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)
            if reply:
                connection.recv(1000)
                connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi")
                connection.close()

    for reply in (False, True):
        listener = socket.create_server(("127.0.0.1", 0))
        servers.append(listener)
        threading.Thread(target=serve, args=(listener, reply), daemon=True).start()
    yield [f"tcp://127.0.0.1:{server.getsockname()[1]}" for server in servers]
    for item in servers + held:
        item.close()


def test_a_scheduler_that_does_not_answer_fails_fast(silent_and_http_ports):
    for address in [*silent_and_http_ports, "tcp://127.0.0.1:9"]:
        started = time.monotonic()
        with pytest.raises(UsageError, match=r"cannot reach the Dask scheduler|does not answer as"):
            DaskEngine(1, scheduler=address, connect_timeout=2).__enter__()
        assert time.monotonic() - started < 10


def test_a_malformed_scheduler_address_is_one_line(capsys, tmp_path):
    from sim.cli.commands import main

    out = str(tmp_path / "out")
    arguments = ["run", str(BASELINE), "--runs", "10", "--scheduler", "nonsense", "--quiet"]
    arguments += ["--out", out]
    assert main(arguments) == 2
    assert capsys.readouterr().err == (
        "negsim: error: 'nonsense' is not a Dask scheduler address like tcp://HOST:8786 "
        "(missing port number in address 'nonsense')\n"
    )


def test_a_scheduler_without_workers_and_a_scheduler_lost_mid_batch(tmp_path):
    from distributed import LocalCluster

    from sim.batch.chunks import plan_chunks
    from sim.batch.engines import ChunkTask
    from sim.errors import BatchFailed

    empty = LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None)
    with empty, pytest.raises(UsageError, match=r"has no workers \(waited 1 s\); start one with"):
        DaskEngine(scheduler=empty.scheduler_address, worker_wait=1).__enter__()
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1")
    engine = DaskEngine(scheduler=cluster.scheduler_address, connect_timeout=2)
    task = ChunkTask(load_scenario(BASELINE).scenario, 4, 0)
    with engine, pytest.raises(BatchFailed, match="lost the Dask scheduler tcp://"):
        results = engine.map(task, plan_chunks(20_000, 200))
        next(results)
        cluster.close()
        list(results)


def test_the_local_cluster_has_no_dashboard():
    """Its scheduler's HTTP server is on a free loopback port, not 8787, and serves no pages."""
    import urllib.error
    import urllib.request

    with DaskEngine(1) as engine:
        port = engine.client.scheduler_info()["services"]["dashboard"]
        assert port != 8787
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=5)
