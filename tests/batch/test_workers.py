"""Pool workers never outlive the batch, and a lost worker's chunks are retried."""

import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import psutil
import pytest

from sim.batch.chunks import plan_chunks
from sim.batch.engines import ATTEMPTS, ProcessPoolEngine
from sim.batch.storage import Staging
from sim.errors import BatchFailed
from sim.pipelines.run import run_scenario
from tests.conftest import BASELINE

RUNS, CHUNK = 6_000, 500


def command(out, runs=RUNS):
    arguments = ["run", BASELINE, "--runs", runs, "--seed", 4, "--chunk-runs", CHUNK]
    arguments += ["--engine", "process", "--workers", 2, "--quiet", "--out", out]
    return [sys.executable, "-m", "sim.cli", *map(str, arguments)]


def wait_for(condition, seconds=120):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def pool_workers(parent):
    """The pool workers among the descendants of ``parent`` (the forkserver's children)."""
    descendants = parent.children(recursive=True)
    servers = {p.pid for p in descendants if "forkserver" in " ".join(p.cmdline())}
    return [p for p in descendants if p.ppid() in servers]


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=str)
def test_workers_do_not_outlive_a_killed_main_process(stop, tmp_path):
    """As the OOM killer does: only the main process is signalled; `negsim run | cat` ends."""
    out = tmp_path / "out"
    main = subprocess.Popen(
        command(out, runs=200_000), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    parent = psutil.Process(main.pid)
    chunks = Staging.path_for(out) / "chunks"
    wait_for(lambda: len(pool_workers(parent)) == 2 and any(chunks.glob("runs-*.parquet")))
    helpers = parent.children(recursive=True)
    main.send_signal(stop)
    output = []
    reader = threading.Thread(target=lambda: output.append(main.communicate()), daemon=True)
    reader.start()
    reader.join(timeout=30)
    assert not reader.is_alive(), "the output pipe is still held open"
    _, alive = psutil.wait_procs(helpers, timeout=15)
    assert not alive, f"still running: {alive}"
    if stop != signal.SIGKILL:
        assert main.returncode == 128 + stop
        stderr = output[0][1]
        assert "rerun the same command with --resume" in stderr and "Traceback" not in stderr
    assert not out.exists()


def test_a_killed_worker_costs_only_a_retry(tmp_path, caplog):
    out = tmp_path / "out"
    chunks = Staging.path_for(out) / "chunks"
    killed = []

    def kill_one_worker():
        me = psutil.Process()
        wait_for(lambda: len(pool_workers(me)) == 2 and any(chunks.glob("runs-*.parquet")))
        victim = pool_workers(me)[0]
        victim.kill()
        killed.append(victim.pid)

    killer = threading.Thread(target=kill_one_worker, daemon=True)
    killer.start()
    engine = ProcessPoolEngine(2)
    run_scenario(BASELINE, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, engine=engine)
    killer.join()
    assert killed
    assert "a worker process died; simulating" in caplog.text
    alone = run_scenario(BASELINE, runs=RUNS, seed=4, out=tmp_path / "alone", chunk_runs=CHUNK)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), alone.table)


def die(chunk):
    """A chunk whose worker always dies (as one that runs out of memory every time)."""
    os._exit(9)


def die_half_sent(chunk):
    """A worker killed as it sends its result: half a message is left in the result pipe."""
    frame = sys._getframe()
    while "result_queue" not in frame.f_locals:  # the pool's worker loop, up the stack
        frame = frame.f_back
    os.write(frame.f_locals["result_queue"]._writer.fileno(), (1_000).to_bytes(4, "big"))
    os._exit(9)


def test_a_worker_killed_while_it_sends_a_result_does_not_hang_the_pool():
    """The pool's own reader would wait for the rest of the message forever; see `_break`."""
    code = (
        "from sim.batch.chunks import plan_chunks\n"
        "from sim.batch.engines import ProcessPoolEngine\n"
        "from tests.batch.test_workers import die_half_sent\n"
        "with ProcessPoolEngine(1) as engine:\n"
        "    list(engine.map(die_half_sent, plan_chunks(2, 1)))\n"
    )
    ended = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=90)
    assert "BatchFailed: a worker process died (killed, or out of memory)" in ended.stderr


def test_a_chunk_that_keeps_killing_its_worker_fails_after_bounded_attempts():
    with ProcessPoolEngine(1) as engine, pytest.raises(BatchFailed) as failure:
        list(engine.map(die, plan_chunks(2, 1)))
    assert f"died (killed, or out of memory) {ATTEMPTS} times while simulating chunk" in str(
        failure.value
    )


def test_a_lost_worker_leaves_a_resumable_folder_and_one_line(
    tmp_path, monkeypatch, capsys, caplog
):
    from sim.cli.commands import main
    from sim.pipelines import run

    monkeypatch.setattr(run, "ChunkTask", lambda *arguments, **options: die)
    out = tmp_path / "out"
    assert main(command(out)[3:]) == 2
    *notes, error = capsys.readouterr().err.splitlines()
    # the retry is noted on standard error (or, where a test captures logging, in the log)
    noted = [note.removeprefix("negsim: ") for note in notes]
    noted += [record.getMessage() for record in caplog.records]
    assert any(note.startswith("a worker process died; simulating") for note in noted)
    assert error.startswith("negsim: error: a worker process died (killed, or out of memory) 3")
    assert error.endswith("rerun the same command with --resume to finish the batch")
    assert Staging.path_for(out).is_dir() and not out.exists()


def forkserver_started(parent):
    return any("forkserver" in " ".join(p.cmdline()) for p in parent.children(recursive=True))


@pytest.mark.parametrize(
    "moment",
    [forkserver_started, lambda parent: len(pool_workers(parent)) >= 1],
    ids=["forkserver-up", "first-worker-up"],
)
def test_ctrl_c_while_the_workers_start_stops_the_batch_in_one_line(moment, tmp_path):
    """Ctrl-C reaches the whole process group of a foreground command, as a terminal sends it.

    The command starts with Ctrl-C at its default, as in a terminal: a test runner's worker may
    ignore it, and a process started with SIGINT ignored rightly keeps ignoring it.
    """
    main = subprocess.Popen(
        command(tmp_path / "out", runs=200_000),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    parent = psutil.Process(main.pid)
    wait_for(lambda: moment(parent), seconds=60)
    os.killpg(main.pid, signal.SIGINT)
    _, stderr = main.communicate(timeout=60)
    assert main.returncode == 130, stderr
    assert "Traceback" not in stderr and stderr.startswith("negsim: interrupted"), stderr


def test_a_worker_that_finds_its_stopped_batch_gone_says_nothing(capsys):
    from multiprocessing import synchronize

    from sim.batch.forkserver_setup import quiet_start_up_failure

    lock = synchronize.Lock.__new__(synchronize.Lock)
    try:  # what a worker reads when its parent has already released the pool's queues
        lock.__setstate__((0, 1, 1, "/negsim-gone"))
    except FileNotFoundError:
        quiet_start_up_failure(*sys.exc_info())
    assert capsys.readouterr().err == ""
    try:
        raise ValueError("a real failure")
    except ValueError:
        quiet_start_up_failure(*sys.exc_info())
    assert "ValueError: a real failure" in capsys.readouterr().err
