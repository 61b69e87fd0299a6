"""A batch from scenario file to result folder: simulate, store, summarise, chart, write."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from sim.batch.engines import ChunkTask, InProcessEngine, engine_record
from sim.batch.plan import DEFAULT_CHUNK_RUNS, plan_chunks
from sim.batch.storage import Staging, manifest, read_head, write_json
from sim.errors import BatchFailed, Interrupted, describe_os_error
from sim.pipelines.output import DEFAULT_RESULTS
from sim.scenario.loading import LoadedScenario, load_scenario

CHART_RUNS = 200_000
"""Charts are drawn from the first runs of a batch, at most this many (runs are i.i.d.)."""


@dataclass
class BatchResult:
    """What a batch produced.

    Attributes:
        directory: The folder the files were written to.
        summary: The summary (as in ``summary.json``).
    """

    directory: Path
    summary: dict[str, Any]

    @property
    def table(self) -> pd.DataFrame:
        """The runs table, read from ``runs.parquet``."""
        return pd.read_parquet(self.directory / "runs.parquet")


def run_scenario(
    scenario: str | Path | LoadedScenario,
    *,
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    force: bool = False,
    resume: bool = False,
    engine=None,
    trace_rounds: int = 0,
    progress: bool = False,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    columns: str = "all",
) -> BatchResult:
    """Run a Monte Carlo batch and write its result folder.

    The folder (by default ``results/<scenario name>/``) receives ``runs.parquet``,
    ``summary.json``, ``manifest.json``, the charts, and ``rounds.parquet`` when rounds are traced.

    Args:
        scenario: A scenario file, or a scenario loaded with ``load_scenario``.
        runs: Number of runs; the scenario's ``runs`` when ``None``.
        seed: Master seed; the scenario's ``seed`` when ``None``.
        out: Output folder.
        force: Replace ``out`` if it exists (otherwise refuse; resuming a batch started with
            ``force`` replaces it too).
        resume: Continue an interrupted batch with the same settings from its staging folder.
        engine: Where chunks run (``sim.batch.engines``); in this process when ``None``.
        trace_rounds: Also record every round of the first ``trace_rounds`` runs.
        progress: Show a progress bar on the terminal.
        chunk_runs: Runs simulated side by side in one model.
        columns: ``all`` columns (what every analysis command needs), or ``lean``: a smaller
            ``runs.parquet`` without the drawn parameters and per-run bargaining solutions
            (``sim.columns.COLUMN_SETS``), which ``discover``, ``sensitivity`` and the
            solution markers of the charts need.

    Returns:
        The folder and the summary.

    Raises:
        ScenarioError: The scenario file is not valid.
        UsageError: The output folder exists (without ``force``), may not be replaced, is
            being written by another run, or cannot be written.
        BatchFailed: The machine stopped the batch (disk full, a worker lost, out of memory);
            the work done stays staged for ``resume``.
    """
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    spec = loaded.scenario
    runs = spec.runs if runs is None else runs
    seed = spec.seed if seed is None else seed
    directory = Path(out) if out is not None else DEFAULT_RESULTS / spec.name
    engine = engine or InProcessEngine()
    job = {
        "scenario_sha256": loaded.sha256,
        "seed": seed,
        "runs": runs,
        "chunk_runs": chunk_runs,
        "trace_rounds": trace_rounds,
    }
    if columns != "all":  # recorded only when not the default, as older manifests have it
        job["columns"] = columns
    source = loaded.files[0] if out is None else None
    record = manifest(loaded, job, engine)
    with Staging(directory, record, resume=resume, force=force, source=source) as staging:
        if staging.finished:
            summary = json.loads((staging.path / "summary.json").read_text(encoding="utf-8"))
        else:
            try:
                chunks = plan_chunks(runs, chunk_runs)
                if not staging.joined:
                    task = ChunkTask(spec, seed, trace_rounds, columns)
                    _simulate(staging, engine, task, chunks, progress)
                summary = _summarise_and_chart(staging.path, spec)
            except (OSError, MemoryError, pa.ArrowException, BatchFailed) as error:
                raise BatchFailed(f"{_cause(error)}; {_kept(staging)}") from None
        try:
            staging.commit()
        except OSError as error:
            raise BatchFailed(f"{_cause(error)}; {_kept(staging)}") from None
    return BatchResult(directory, summary)


def _cause(error: BaseException) -> str:
    """What stopped a batch, in one line."""
    if isinstance(error, OSError):
        return f"cannot write the results: {describe_os_error(error)}"
    if isinstance(error, MemoryError):
        return "ran out of memory (a smaller --chunk-runs needs less)"
    if isinstance(error, pa.ArrowException):  # e.g. no thread could start under `ulimit -v`
        reason = str(error).removeprefix("Unknown error: ")
        return f"the machine refused what reading the results needs ({reason})"
    return str(error)


def _kept(staging: Staging) -> str:
    return f"{staging.directory} is unchanged and the work done is kept in {staging.path}"


def _simulate(staging: Staging, engine, task, chunks, progress):
    """Simulate the chunks not yet in the staging folder, then join them into ``runs.parquet``.

    Raises:
        Interrupted: The user stopped the batch; the finished chunks stay staged.
    """
    done = staging.done()
    todo = [chunk for chunk in chunks if chunk.index not in done]
    try:
        with _progress(progress, sum(chunk.runs for chunk in chunks)) as advance, engine:
            advance(sum(chunk.runs for chunk in chunks if chunk.index in done))
            staging.manifest.update(engine_record(engine))  # a scheduler's, once connected
            for result in engine.map(task, todo):
                staging.write_chunk(result)
                advance(result.chunk.runs)
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted after {len(staging.done())} of {len(chunks)} chunks; "
            f"{staging.directory} is unchanged. The finished chunks are in {staging.path}"
        ) from None
    staging.join_chunks(chunks)


def _summarise_and_chart(folder: Path, spec) -> dict[str, Any]:
    """Write ``summary.json`` and the charts of the batch staged in ``folder``."""
    from sim.analysis.summary import summarise
    from sim.charts.figures import save_figures
    from sim.charts.run import all_charts

    summary = summarise(folder / "runs.parquet", spec)
    write_json(folder / "summary.json", summary)
    sample = read_head(folder / "runs.parquet", CHART_RUNS)
    save_figures(all_charts(sample, spec), folder)
    return summary


@contextmanager
def _progress(enabled: bool, total: int):
    """Yield a callback that advances a progress bar with runs per second and time left."""
    if not enabled or not sys.stderr.isatty():
        yield lambda runs: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TextColumn("[cyan]{task.fields[rate]}"),
        TimeRemainingColumn(),
        transient=True,
    )
    with bar:
        task = bar.add_task("runs", total=total, rate="")

        def advance(runs: int) -> None:
            bar.advance(task, runs)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:,.0f} runs/s" if speed else "")

        yield advance
