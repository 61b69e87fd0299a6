"""A batch from scenario file to result folder: simulate, summarise, chart, write."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.batch import DEFAULT_CHUNK_RUNS, iter_batch
from sim.loading import LoadedScenario, load_scenario
from sim.plots import all_charts
from sim.results import ParquetStream, Staging, check_destination, manifest
from sim.summary import summarise

DEFAULT_RESULTS = Path("results")


@dataclass
class BatchResult:
    """What a batch produced.

    Attributes:
        directory: The folder the files were written to.
        table: The runs table (as in ``runs.parquet``).
        summary: The summary (as in ``summary.json``).
    """

    directory: Path
    table: pd.DataFrame
    summary: dict[str, Any]


def run_scenario(
    scenario: str | Path | LoadedScenario,
    *,
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    force: bool = False,
    progress: bool = False,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
) -> BatchResult:
    """Run a Monte Carlo batch and write its result folder.

    The folder (by default ``results/<scenario name>/``) receives ``runs.parquet``,
    ``summary.json``, ``manifest.json`` and the charts.

    Args:
        scenario: A scenario file, or a scenario loaded with ``load_scenario``.
        runs: Number of runs; the scenario's ``runs`` when ``None``.
        seed: Master seed; the scenario's ``seed`` when ``None``.
        out: Output folder.
        force: Replace ``out`` if it exists (otherwise refuse).
        progress: Show a progress bar on the terminal.
        chunk_runs: Runs simulated side by side in one model.

    Returns:
        The folder, the runs table and the summary.

    Raises:
        ScenarioError: The scenario file is not valid.
        UsageError: The output folder exists (without ``force``) or cannot be written.
    """
    from sim import __version__

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    spec = loaded.scenario
    runs = spec.runs if runs is None else runs
    seed = spec.seed if seed is None else seed
    directory = Path(out) if out is not None else DEFAULT_RESULTS / spec.name
    check_destination(directory, force)
    with Staging(directory) as staging, _progress(progress, runs) as advance:
        stream = ParquetStream(staging.path / "runs.parquet")
        tables = []
        for table in iter_batch(spec, runs, seed, chunk_runs):
            stream.write(table)
            tables.append(table)
            advance(len(table))
        stream.close()
        table = pd.concat(tables, ignore_index=True)
        summary = summarise(table, spec)
        staging.write_json("summary.json", summary)
        for name, figure in all_charts(table, spec).items():
            figure.savefig(staging.path / name, dpi=120)
        staging.write_json(
            "manifest.json", manifest(loaded, runs, seed, chunk_runs, "in-process", __version__)
        )
        staging.commit()
    return BatchResult(directory, table, summary)


def _progress(enabled: bool, total: int):
    """A context giving a callback that advances a progress bar (or does nothing)."""
    if not enabled or not sys.stderr.isatty():
        return nullcontext(lambda runs: None)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    class _Bar:
        def __enter__(self):
            self.bar = Progress(
                TextColumn("simulating"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("runs"),
                TimeRemainingColumn(),
                transient=True,
            )
            self.bar.__enter__()
            task = self.bar.add_task("runs", total=total)
            return lambda runs: self.bar.advance(task, runs)

        def __exit__(self, *exc_info):
            return self.bar.__exit__(*exc_info)

    return _Bar()
