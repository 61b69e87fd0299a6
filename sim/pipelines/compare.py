"""``negsim compare``: read result folders, compare them, chart, write the comparison folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.compare import (
    ALPHA,
    deal_probability_table,
    designs,
    differences_table,
    shape_table,
)
from sim.analysis.inference import LEVEL, RESAMPLES
from sim.analysis.results import SAMPLE_SEED, ResultSet, check_result_folder, load_results
from sim.batch.storage import check_destination
from sim.charts.compare import all_charts
from sim.errors import UsageError
from sim.pipelines.output import DEFAULT_RESULTS, analysis_folder, write_document
from sim.report.compare import comparison_document


@dataclass
class Comparison:
    """What ``compare`` produced.

    Attributes:
        directory: The folder written.
        deal_probability: Deal probability per scenario with Wilson intervals.
        differences: One row per measure and scenario, against the reference.
        text: A short account for the terminal.
    """

    directory: Path
    deal_probability: pd.DataFrame
    differences: pd.DataFrame
    text: str


def default_folder(directories: list[Path]) -> Path:
    """``results/compare-<a>-vs-<b>...`` from the names of the compared folders."""
    names = [d.name or d.resolve().name for d in directories]
    return DEFAULT_RESULTS / ("compare-" + "-vs-".join(names))


def _input_record(result: ResultSet) -> dict[str, Any]:
    manifest = result.manifest
    return {
        "label": result.label,
        "directory": str(result.directory),
        "scenario_name": result.summary["scenario"],
        "runs": len(result.table),
        "seed": manifest.get("seed"),
        "scenario_sha256": manifest.get("scenario_sha256"),
        "negsim_version": manifest.get("negsim_version"),
        "created": manifest.get("created"),
        "scenario": manifest.get("scenario", {}),
    }


def compare(
    directories: list[str | Path],
    out: str | Path | None = None,
    *,
    force: bool = False,
    report: bool = True,
    resamples: int = RESAMPLES,
    seed: int = SAMPLE_SEED,
) -> Comparison:
    """Compare result folders of ``negsim run`` and write charts, tables and a report.

    Every run of every folder is used. Folders with the same seed, chunk size and number of runs
    are compared run by run (paired); others as independent samples (``sim.analysis.compare``).

    The folder (by default ``results/compare-<a>-vs-<b>/``) receives ``comparison.md``,
    ``differences.csv``, ``deal_probability.csv``, ``issue_shapes.csv``, the charts
    (``CHARTS``), ``comparison.json``, ``manifest.json`` and, unless ``report`` is false,
    ``report.html``.

    Args:
        directories: Result folders; the first is the reference.
        out: Output folder.
        force: Replace ``out`` if it exists (otherwise refuse).
        report: Also write ``report.html``.
        resamples: Bootstrap resamples per interval (keep at most a few thousand).
        seed: Seed of the bootstrap.

    Returns:
        The folder written, the tables and a short text.

    Raises:
        UsageError: Fewer than two folders, a folder that is not a result folder, or an output
            folder that exists (without ``force``), is one of the inputs or cannot be written.
    """
    directories = [Path(d) for d in directories]
    if len(directories) < 2:
        raise UsageError("compare needs at least two result folders")
    for directory in directories:
        check_result_folder(directory)
    out = Path(out) if out is not None else default_folder(directories)
    if any(out.resolve() == directory.resolve() for directory in directories):
        raise UsageError(f"the output folder {out} is one of the compared folders; pick another")
    check_destination(out, force)
    results = load_results(directories)
    deal = deal_probability_table(results)
    differences = differences_table(results, resamples, seed)
    shapes = shape_table(results)
    figures = all_charts(results)
    document = comparison_document(results, deal, differences, shapes, resamples, list(figures))
    manifest = {
        "reference": results[0].label,
        "inputs": [_input_record(result) for result in results],
        "settings": {
            "resamples": resamples,
            "seed": seed,
            "runs_used": "all",
            "designs": {
                other.label: design.kind
                for other, design in zip(results[1:], designs(results), strict=True)
            },
            "confidence_level": LEVEL,
            "alpha": ALPHA,
        },
    }
    with analysis_folder(out, "comparison", manifest, force) as folder:
        write_document(folder, document, figures, report)
    return Comparison(out, deal, differences, document.text)
