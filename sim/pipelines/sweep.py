"""Parameter sweeps: a grid of variants of one scenario, one Monte Carlo batch per grid point.

A setting names a dotted path into the scenario's YAML data (after ``extends:`` is resolved) and
the values it takes, e.g. ``calendar.extension.probability: [0, 0.5, 1]`` or
``negotiators.us.strategy.beta: ["{dist: uniform, low: 0.1, high: 0.3}", 0.5]``. Text values are
read with ``yaml.safe_load``, so numbers and distributions are written as in a scenario file. The
grid is every combination of the settings' values (``sim.analysis.sweep``); each grid point is
validated like a scenario file (``sim.scenario.variants``) before anything runs.

Every grid point runs with the same master seed, so parameters the sweep does not touch draw the
same random numbers at every point (common random numbers): differences between points come from
the swept parameters, not from sampling noise in the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.analysis.sweep import (
    checked_settings,
    drawn_columns,
    grid,
    parameter_columns,
    point_runs,
    points_table,
)
from sim.batch.chunks import DEFAULT_CHUNK_RUNS, Batch, run_batches
from sim.batch.engines import InProcessEngine, engine_record
from sim.batch.storage import check_destination, scenario_record
from sim.charts.sweep import all_charts
from sim.pipelines.output import DEFAULT_RESULTS, analysis_folder, write_document
from sim.report.sweep import sweep_document
from sim.scenario.loading import LoadedScenario, load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.variants import build_variant
from sim.seeds import SCHEME


@dataclass
class SweepResult:
    """What ``sweep`` produced.

    Attributes:
        directory: The folder written.
        points: One row per grid point: the swept values, deal probability with its Wilson
            interval, and the quartiles of each issue among deals.
        text: A short account for the terminal.
    """

    directory: Path
    points: pd.DataFrame
    text: str


def sweep(
    scenario_path: str | Path,
    settings: dict[str, list[Any]],
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    *,
    force: bool = False,
    engine=None,
) -> SweepResult:
    """Run one batch per grid point of ``settings`` and write tables and charts.

    The folder (by default ``results/sweep-<scenario name>/``) receives ``runs.parquet`` (every
    run of every grid point, with a ``set.<path>`` column per swept parameter and a ``variant``
    column numbering the grid points), ``points.csv`` (one row per grid point), ``sweep.md``,
    the charts (``sim.report.sweep.CHARTS``), ``sweep.json`` and ``manifest.json``.

    Args:
        scenario_path: The scenario file to vary.
        settings: Per dotted path into the scenario data, the values it takes: numbers,
            distributions as mappings, or YAML text (parsed with ``yaml.safe_load``).
        runs: Runs per grid point; the scenario's ``runs`` when ``None``.
        seed: Master seed of every grid point; the scenario's ``seed`` when ``None``.
        out: Output folder.
        force: Replace ``out`` if it exists (otherwise refuse).
        engine: Where the chunks of the grid points run (``sim.batch.engines``, not entered);
            in this process when ``None``. The results are the same on every engine.

    Returns:
        The folder, the grid points table and a short text.

    Raises:
        ScenarioError: The scenario file is not valid.
        UsageError: A setting is malformed, names an unknown path or makes the scenario invalid;
            or the output folder exists (without ``force``) or cannot be written.
    """
    loaded = load_scenario(scenario_path)
    settings = checked_settings(settings)
    assignments = grid(settings)
    variants = [build_variant(loaded.resolved, assignment) for assignment in assignments]
    base = loaded.scenario
    runs = base.runs if runs is None else runs
    seed = base.seed if seed is None else seed
    out = Path(out) if out is not None else DEFAULT_RESULTS / f"sweep-{base.name}"
    check_destination(out, force)
    with engine or InProcessEngine() as running:  # entered first: a scheduler tells its workers
        manifest = _manifest(loaded, settings, len(assignments), runs, seed)
        manifest.update(engine_record(running))
        with analysis_folder(out, "sweep", manifest, force) as folder:
            batches = [Batch(scenario, runs, seed) for scenario in variants]
            tables = run_batches(batches, running, DEFAULT_CHUNK_RUNS)
            points = _write_grid(settings, assignments, variants, tables, folder / "runs.parquet")
            figures = all_charts(points, list(parameter_columns(settings).values()), base)
            document = sweep_document(points, settings, base, runs, seed, list(figures))
            write_document(folder, document, figures)
    return SweepResult(out, points, document.text)


def _manifest(
    loaded: LoadedScenario, settings: dict[str, list[Any]], size: int, runs: int, seed: int
) -> dict[str, Any]:
    """What is needed to rerun the sweep exactly (``analysis_folder`` adds the provenance)."""
    return {
        **scenario_record(loaded),
        "settings": settings,
        "grid_points": size,
        "runs_per_point": runs,
        "seed": seed,
        "chunk_runs": DEFAULT_CHUNK_RUNS,
        "seeding": "every grid point runs with the same master seed (common random numbers "
        f"across grid points); {SCHEME}",
    }


def _write_grid(
    settings: dict[str, list[Any]],
    assignments: list[dict[str, Any]],
    variants: list[Scenario],
    tables: Iterable[pd.DataFrame],
    path: Path,
) -> pd.DataFrame:
    """Append each grid point's runs (``tables``, in grid order) to ``path``; the points table."""
    columns = list(parameter_columns(settings).values())
    drawn = drawn_columns(variants)
    writer, frames = None, []
    try:
        for index, (assignment, scenario, runs) in enumerate(
            zip(assignments, variants, tables, strict=True)
        ):
            table = point_runs(runs, settings, assignment, drawn, index)
            frames.append(points_table(table, columns, list(scenario.issues)))
            schema = None if writer is None else writer.schema
            arrow = pa.Table.from_pandas(table, schema=schema, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, arrow.schema, compression="zstd")
            writer.write_table(arrow)
    finally:
        if writer is not None:
            writer.close()
    return pd.concat(frames, ignore_index=True)
