"""Result folders are never lost or mixed: locks, chunk checksums, recoverable commits, --force."""

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from sim.batch import destinations
from sim.batch.chunks import plan_chunks
from sim.batch.engines import InProcessEngine
from sim.batch.storage import Staging
from sim.errors import BatchFailed, FolderBusy, ForeignFolder, Interrupted, OutputExists, UsageError
from sim.pipelines.run import run_scenario
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE

RUNS, CHUNK = 3_000, 500


@pytest.fixture(scope="module")
def loaded():
    return load_scenario(BASELINE)


@pytest.fixture(scope="module")
def reference(loaded, tmp_path_factory):
    out = tmp_path_factory.mktemp("reference") / "out"
    run_scenario(loaded, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, trace_rounds=3)
    return pd.read_parquet(out / "runs.parquet"), pd.read_parquet(out / "rounds.parquet")


class StopAfter(InProcessEngine):
    """An engine that is interrupted (as by Ctrl-C) after some chunks."""

    def __init__(self, chunks):
        self.chunks = chunks

    def map(self, task, chunks):
        for count, result in enumerate(super().map(task, chunks)):
            if count == self.chunks:
                raise KeyboardInterrupt
            yield result


def negsim(*arguments, **options):
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=300,
        **options,
    )


def batch(loaded, out, **options):
    return run_scenario(loaded, runs=RUNS, seed=4, out=out, chunk_runs=CHUNK, **options)


def test_a_second_writer_of_the_same_folder_is_refused_and_says_who_holds_it(loaded, tmp_path):
    out = tmp_path / "out"
    with Staging(out, {"kind": "test"}):
        with pytest.raises(
            FolderBusy, match=rf"being written by another negsim run \(process {os.getpid()}"
        ):
            Staging(out, {"kind": "test"})
        with pytest.raises(FolderBusy):
            batch(loaded, out)
    batch(loaded, out)  # the lock goes with its holder
    assert not (tmp_path / ".out.lock").exists()


def test_two_runs_into_one_folder_do_not_mix(loaded, tmp_path):
    """The issue's repro: a second run while the first is writing exits 2 and changes nothing.

    The first run is paused (SIGSTOP) once it holds the folder, so the second surely meets it.
    """
    out = tmp_path / "s"
    common = ["run", BASELINE, "--runs", 4_000, "--chunk-runs", 500, "--engine", "inprocess"]
    first = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *map(str, [*common, "--seed", 7, "--out", out])],
        stderr=subprocess.PIPE,
        text=True,
    )
    manifest = Staging.path_for(out) / "manifest.json"
    deadline = time.monotonic() + 60
    while not manifest.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    first.send_signal(signal.SIGSTOP)
    try:
        second = negsim(*common, "--seed", 8, "--out", out, "--quiet")
    finally:
        first.send_signal(signal.SIGCONT)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.returncode == 2
    assert second.stderr.startswith(f"negsim: error: output folder {out} is being written by")
    assert f"process {first.pid}" in second.stderr and "Traceback" not in second.stderr
    table = pd.read_parquet(out / "runs.parquet")
    expected = run_scenario(loaded, runs=4_000, seed=7, out=tmp_path / "alone", chunk_runs=500)
    pd.testing.assert_frame_equal(table, expected.table)


def test_the_join_refuses_a_missing_or_short_chunk(loaded, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(Interrupted):
        batch(loaded, out, engine=StopAfter(3))
    with Staging(
        out, {**json.loads((Staging.path_for(out) / "manifest.json").read_text())}, resume=True
    ) as staging:
        with pytest.raises(BatchFailed, match=r"chunk 3 .* is missing"):
            staging.join_chunks(plan_chunks(RUNS, CHUNK))
        with pytest.raises(BatchFailed, match=r"chunk 0 .* has 500 rows instead of 600"):
            staging.join_chunks(plan_chunks(1_200, 600))


def flip_bytes(path, count=8):
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 2, len(data) // 2 + count):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_damaged_chunks_are_simulated_again_on_resume(loaded, reference, tmp_path, caplog):
    out = tmp_path / "out"
    with pytest.raises(Interrupted):
        batch(loaded, out, trace_rounds=3, engine=StopAfter(5))
    chunks = Staging.path_for(out) / "chunks"
    flip_bytes(chunks / "runs-000000.parquet")
    flip_bytes(chunks / "rounds-000000.parquet")
    runs_1 = chunks / "runs-000001.parquet"
    runs_1.write_bytes(runs_1.read_bytes()[:-100])  # truncated
    (chunks / "runs-000002.parquet").write_bytes(b"")  # empty
    (chunks / "runs-000003.parquet").unlink()  # gone
    shutil.copy(chunks / "runs-000004.parquet", chunks / "runs-000005.parquet")  # unrecorded
    with caplog.at_level(logging.WARNING, logger="sim"):
        batch(loaded, out, trace_rounds=3, resume=True)
    assert "4 finished chunks" in caplog.text and "will be simulated again" in caplog.text
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), reference[0])
    pd.testing.assert_frame_equal(pd.read_parquet(out / "rounds.parquet"), reference[1])


def test_a_damaged_chunk_is_never_accepted_from_the_command_line(reference, tmp_path):
    out = tmp_path / "out"
    arguments = ["run", BASELINE, "--runs", RUNS, "--seed", 4, "--chunk-runs", CHUNK]
    arguments += ["--trace-rounds", 3, "--engine", "inprocess", "--quiet", "--out", out]
    with pytest.raises(Interrupted):
        batch(load_scenario(BASELINE), out, trace_rounds=3, engine=StopAfter(4))
    flip_bytes(Staging.path_for(out) / "chunks" / "runs-000002.parquet")
    resumed = negsim(*arguments, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "1 finished chunk in" in resumed.stderr and "did not match its record" in resumed.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out / "runs.parquet"), reference[0])


def test_chunks_are_recorded_with_rows_and_checksums_and_the_result_with_file_hashes(
    loaded, tmp_path
):
    out = tmp_path / "out"
    with pytest.raises(Interrupted):
        batch(loaded, out, engine=StopAfter(2))
    staged = json.loads((Staging.path_for(out) / "manifest.json").read_text())
    assert set(staged["chunks"]) == {"0", "1"}
    assert (
        staged["chunks"]["0"]["rows"] == CHUNK and len(staged["chunks"]["0"]["runs_sha256"]) == 64
    )
    batch(loaded, out, resume=True)
    final = json.loads((out / "manifest.json").read_text())
    assert "chunks" not in final and final["completed"] is True
    assert {"runs.parquet", "summary.json", "utilities.png"} <= set(final["files"])


def crash_between_the_renames(monkeypatch):
    """Make the next commit stop after its first rename, as a SIGKILL there would."""
    real = os.replace
    calls = []

    def replace(source, target):
        calls.extend([target] if os.path.isdir(source) else [])
        if len(calls) == 2:
            raise SystemExit("killed")
        real(source, target)

    monkeypatch.setattr(destinations.os, "replace", replace)


def test_a_replacement_cut_short_is_finished_by_the_next_run(loaded, tmp_path, monkeypatch, caplog):
    out = tmp_path / "out"
    batch(loaded, out)
    with monkeypatch.context() as patch:
        crash_between_the_renames(patch)
        with pytest.raises(SystemExit):
            run_scenario(loaded, runs=700, seed=4, out=out, force=True)
    assert not out.exists() and (tmp_path / ".out.old").is_dir()
    with caplog.at_level(logging.WARNING, logger="sim"), pytest.raises(OutputExists):
        batch(loaded, out)
    assert f"finished replacing {out}" in caplog.text
    assert len(pd.read_parquet(out / "runs.parquet")) == 700
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


def test_a_replacement_cut_short_before_it_was_complete_restores_the_old_folder(
    loaded, tmp_path, caplog
):
    out = tmp_path / "out"
    batch(loaded, out)
    before = (out / "runs.parquet").read_bytes()
    os.replace(out, tmp_path / ".out.old")  # the old folder moved aside, the new one unfinished
    (tmp_path / ".out.partial").mkdir()
    (tmp_path / ".out.partial" / "manifest.json").write_text('{"completed": false}')
    result = negsim("run", BASELINE, "--runs", 500, "--out", out, "--quiet")
    assert result.returncode == 2
    assert f"negsim: restored {out} from {tmp_path / '.out.old'}" in result.stderr
    assert "already exists" in result.stderr
    assert (out / "runs.parquet").read_bytes() == before


def test_force_replaces_only_a_folder_negsim_wrote(loaded, tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "thesis.tex").write_text(r"\chapter{Results}")
    result = negsim("run", BASELINE, "--runs", 100, "--out", thesis, "--force")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr == (
        f"negsim: error: {thesis} was not written by negsim (it has no negsim manifest.json); "
        "--force replaces only negsim result folders; pass --out to write elsewhere\n"
    )
    assert (thesis / "thesis.tex").read_text() == r"\chapter{Results}"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["thesis"]

    out = tmp_path / "out"
    batch(loaded, out)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ForeignFolder, match=r"holds files negsim did not write \(notes.txt\)"):
        batch(loaded, out, force=True)
    (out / "notes.txt").unlink()
    (out / "report.html").write_text("<html></html>")  # negsim report adds this one
    batch(loaded, out, force=True)


def test_force_never_replaces_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("keep")
    result = negsim("run", BASELINE, "--runs", 100, "--out", ".", "--force", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "negsim: error: output folder . is the current folder or holds it\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.txt"]


def test_the_default_folder_of_a_copied_baseline_does_not_replace_the_baselines(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    copy = tmp_path / "my_copy.yaml"
    shutil.copy(BASELINE, copy)
    run_scenario(BASELINE, runs=100)
    before = (tmp_path / "results" / "korea_us_2025" / "runs.parquet").read_bytes()
    with pytest.raises(ForeignFolder, match=r"holds the results of .*korea_us_2025.yaml, not of"):
        run_scenario(copy, runs=100, force=True)
    result = negsim("run", copy, "--runs", 100, "--force", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith("results; pass --out to write elsewhere\n")
    assert (tmp_path / "results" / "korea_us_2025" / "runs.parquet").read_bytes() == before
    run_scenario(BASELINE, runs=100, force=True)  # the same file may replace its own results
    run_scenario(copy, runs=100, out=tmp_path / "results" / "korea_us_2025", force=True)


def test_staging_folders_of_analyses_are_locked_too(tmp_path):
    from sim.batch.storage import staged_folder

    with staged_folder(tmp_path / "cmp", {"kind": "comparison"}, force=False) as folder:
        (folder / "comparison.md").write_text("done")
        with pytest.raises(FolderBusy):
            Staging(tmp_path / "cmp", {"kind": "comparison"})
    assert (tmp_path / "cmp" / "comparison.md").read_text() == "done"
    with pytest.raises(UsageError):
        check = destinations.check_destination
        check(tmp_path / "cmp", force=False)
