"""``negsim discover``: scenario discovery on the drawn parameters of a result folder."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.discovery import Discovery, discover, parameter_table, workbench
from sim.analysis.expressions import evaluate_condition, referenced_columns
from sim.analysis.results import check_result_folder
from sim.batch.storage import check_destination
from sim.charts.discovery import plot_box_limits, plot_feature_scores, plot_trajectory
from sim.errors import UsageError
from sim.pipelines.output import DEFAULT_RESULTS, analysis_folder, write_document
from sim.report.discovery import discovery_document


@dataclass
class DiscoveryResult:
    """What ``discover_folder`` produced.

    Attributes:
        directory: The folder written.
        discovery: PRIM's trajectory and box, CART's leaves and the feature scores.
        text: A short account for the terminal.
    """

    directory: Path
    discovery: Discovery
    text: str


def default_folder(directory: Path, condition: str) -> Path:
    """``results/discover-<folder>-<condition as a name>``.

    Examples:
        >>> default_folder(Path("results/korea_us_2025"), "agreed and issue.tariff <= 15")
        PosixPath('results/discover-korea_us_2025-agreed-and-issue.tariff-15')
    """
    name = re.sub(r"[^\w.]+", "-", condition).strip("-")[:60]
    return DEFAULT_RESULTS / f"discover-{directory.resolve().name}-{name}"


def read_runs(directory: Path, condition: str):
    """The ``drawn.*`` columns and those the condition names, from ``runs.parquet``."""
    import pandas as pd
    import pyarrow.parquet as pq

    names = pq.ParquetFile(directory / "runs.parquet").schema_arrow.names
    needed = referenced_columns(condition, names)
    columns = list(dict.fromkeys([n for n in names if n.startswith("drawn.")] + needed))
    return pd.read_parquet(directory / "runs.parquet", columns=columns)


def discover_folder(
    directory: str | Path,
    where: str,
    out: str | Path | None = None,
    *,
    force: bool = False,
    box: int | None = None,
    seed: int = 0,
) -> DiscoveryResult:
    """Which ranges of the drawn parameters make ``where`` likely, in a result folder's runs.

    The folder (by default ``results/discover-<folder>-<condition>/``) receives
    ``discovery.md``, ``prim.csv`` (the peeling trajectory), ``prim_box.csv``, ``cart.csv``,
    ``feature_scores.csv``, the charts, ``discovery.json`` and ``manifest.json``.

    Args:
        directory: A result folder of ``negsim run``.
        where: A condition on its columns, e.g. ``agreed and issue.tariff <= 15``.
        out: Output folder.
        force: Replace ``out`` if it exists.
        box: Index of the PRIM box to report (default: see ``sim.analysis.discovery``).
        seed: Seed of the feature scoring.

    Raises:
        UsageError: Not a result folder, an unknown column or bad condition, a condition that
            holds in every run or none, the EMA Workbench missing, or the output folder exists.
    """
    directory = Path(directory)
    check_result_folder(directory)
    workbench()
    table = read_runs(directory, where)
    y = evaluate_condition(table, where)
    out = Path(out) if out is not None else default_folder(directory, where)
    if out.resolve() == directory.resolve():
        raise UsageError(f"the output folder {out} is the result folder; pick another")
    check_destination(out, force)
    found = discover(parameter_table(table), y, where, box, seed)
    document = discovery_document(found, directory.name)
    figures = {
        "prim_trajectory.png": plot_trajectory(found.trajectory, found.chosen, found.base_rate),
        "prim_box.png": plot_box_limits(found.limits),
        "feature_scores.png": plot_feature_scores(found.scores),
    }
    source = json.loads((directory / "manifest.json").read_text())
    manifest = {
        "input": str(directory),
        "scenario": source.get("scenario", {}),
        "input_seed": source.get("seed"),
        "condition": where,
        "runs": found.runs,
        "base_rate": found.base_rate,
        "prim_threshold": found.threshold,
        "chosen_box": found.chosen,
        "seed": seed,
    }
    with analysis_folder(out, "discovery", manifest, force) as folder:
        write_document(folder, document, figures, report=True)
    return DiscoveryResult(out, found, document.text)
