"""Faults of the machine (full disk, file-size limit, read-only disk, odd paths) are one line.

Each gives exit status 2 and a message naming the path and the cause, never a traceback, and
leaves a staging folder from which ``--resume`` finishes the batch where work was done.
"""

import errno
import os
import resource
import subprocess
import sys

import pandas as pd
import pyarrow as pa
import pytest

from sim.batch import storage
from sim.batch.storage import Staging
from sim.cli.commands import main
from sim.errors import BatchFailed
from sim.pipelines import run
from sim.pipelines.run import run_scenario
from tests.conftest import BASELINE

RUNS, CHUNK = 3_000, 500


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "out"
    return run_scenario(BASELINE, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK).table


def arguments(out):
    chunking = ["--chunk-runs", str(CHUNK), "--engine", "inprocess", "--quiet"]
    return ["run", str(BASELINE), "--runs", str(RUNS), "--seed", "4", *chunking, "--out", str(out)]


def limit_file_size(size):
    """A ``preexec_fn``: files may not grow beyond ``size`` bytes (as on a nearly full disk)."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@pytest.mark.parametrize(
    ("size", "chunks"), [(300_000, 6), (100_000, 0)], ids=["at-the-join", "at-the-first-chunk"]
)
def test_a_file_size_limit_is_one_line_and_the_batch_resumes(size, chunks, reference, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "sim.cli", *arguments(out)]
    stopped = subprocess.run(
        command, capture_output=True, text=True, preexec_fn=limit_file_size(size), timeout=300
    )
    assert stopped.returncode == 2, stopped.stderr
    assert stopped.stderr.count("\n") == 1 and "Traceback" not in stopped.stderr
    assert stopped.stderr.startswith("negsim: error: cannot write the results: ")
    assert "File too large" in stopped.stderr
    assert f"{out} is unchanged and the work done is kept in {Staging.path_for(out)}" in (
        stopped.stderr
    )
    assert stopped.stderr.endswith("rerun the same command with --resume to finish the batch\n")
    assert not out.exists()
    assert len(list((Staging.path_for(out) / "chunks").glob("runs-*"))) == chunks
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), reference)


NO_THREAD = "Failed to launch worker thread: Resource temporarily unavailable"
"""What pyarrow says when `ulimit -v` leaves no room for a thread's stack."""


def fail_after(calls, error, monkeypatch, module, name):
    real = getattr(module, name)
    count = []

    def failing(*arguments, **options):
        count.append(1)
        if len(count) > calls:
            raise error
        return real(*arguments, **options)

    monkeypatch.setattr(module, name, failing)


@pytest.mark.parametrize(
    ("module", "name", "error"),
    [
        (storage, "_write_parquet", OSError(errno.EROFS, "Read-only file system", "chunks")),
        (run, "write_json", OSError(errno.ENOSPC, "No space left on device", "summary.json")),
        (run, "_summarise_and_chart", MemoryError()),
        (run, "_summarise_and_chart", pa.ArrowException(f"Unknown error: {NO_THREAD}")),
    ],
    ids=["read-only-mid-batch", "disk-full-at-the-summary", "out-of-memory", "no-thread"],
)
def test_a_fault_mid_batch_keeps_the_work_for_resume(
    module, name, error, reference, tmp_path, monkeypatch
):
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        fail_after(2 if name == "_write_parquet" else 0, error, patch, module, name)
        with pytest.raises(BatchFailed) as failure:
            run_scenario(BASELINE, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK)
    cause = {MemoryError: "ran out of memory", pa.ArrowException: NO_THREAD}.get(
        type(error), getattr(error, "strerror", None)
    )
    assert cause in str(failure.value) and "the work done is kept in" in str(failure.value)
    assert not out.exists()
    run_scenario(BASELINE, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, resume=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), reference)


def test_a_joined_batch_is_not_simulated_again_on_resume(tmp_path, monkeypatch):
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        fail_after(0, OSError(errno.ENOSPC, "No space left on device"), patch, run, "write_json")
        with pytest.raises(BatchFailed):
            run_scenario(BASELINE, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK)
    monkeypatch.setattr(run, "_simulate", None)  # would fail if called
    run_scenario(BASELINE, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, resume=True)
    assert len(pd.read_parquet(out / "runs.parquet")) == RUNS


def odd_paths(tmp_path):
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    return {
        "dangling": (tmp_path / "dangling", "is a symbolic link (to"),
        "loop": (tmp_path / "loop", "is a symbolic link (to"),
        "below-a-loop": (tmp_path / "loop" / "x", "is a symbolic link that leads nowhere"),
        "long-name": (tmp_path / ("n" * 250), "its name is too long (250 bytes; at most 246)"),
        "proc": ("/proc/negsim-out", "/proc/.negsim-out.lock: No such file or directory"),
        "sys": ("/sys/negsim-out", "/sys/.negsim-out.lock"),
    }


@pytest.mark.parametrize("case", ["dangling", "loop", "below-a-loop", "long-name", "proc", "sys"])
def test_an_output_path_that_cannot_be_a_folder_is_refused_before_any_work(case, tmp_path, capsys):
    out, message = odd_paths(tmp_path)[case]
    if case in ("proc", "sys") and not os.path.isdir(f"/{case}"):
        pytest.skip(f"no /{case} here")
    before = sorted(os.listdir(tmp_path))
    assert main(arguments(out)) == 2
    error = capsys.readouterr().err
    assert error.startswith("negsim: error: ") and error.count("\n") == 1
    assert message in error and str(out)[:60] in error
    assert sorted(os.listdir(tmp_path)) == before
