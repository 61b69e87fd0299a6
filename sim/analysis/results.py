"""Result folders of ``negsim run``, read for analysis: the boundary where their files enter.

A folder must hold ``runs.parquet``, ``summary.json`` and ``manifest.json``, each of the shape
``sim.analysis.folders`` checks; only the columns an analysis needs are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.folders import check_runs_file, read_finished_manifest, read_summary
from sim.errors import UsageError

RESULT_FILES = ("runs.parquet", "summary.json", "manifest.json")
MAX_ROWS = 10_000
"""A size of subsample for callers that want one (``load_results(max_rows=...)``)."""
SAMPLE_SEED = 0
_RUN_COLUMNS = re.compile(r"^(run|agreed|days_before_deadline|(issue|utility|reservation)\..+)$")


@dataclass
class ResultSet:
    """A result folder of ``negsim run``, read for comparison.

    Attributes:
        label: Name shown in charts and tables (the scenario name, made unique).
        directory: The folder.
        table: The columns of ``runs.parquet`` needed here, every run.
        sample: At most ``max_rows`` runs of ``table`` (all when not given or it has fewer).
        summary: ``summary.json``.
        manifest: ``manifest.json``.
        issues: Per issue key: ``label``, ``unit`` and ``bounds``.
        parties: Per negotiator key: its label.
    """

    label: str
    directory: Path
    table: pd.DataFrame
    sample: pd.DataFrame
    summary: dict[str, Any]
    manifest: dict[str, Any]
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    parties: dict[str, str] = field(default_factory=dict)


def check_result_folder(directory: Path) -> None:
    """Refuse a folder that is not a complete result folder of ``negsim run``.

    Raises:
        UsageError: It does not exist, lacks one of ``RESULT_FILES``, or is a staging folder.
    """
    if directory.name.startswith(".") and directory.name.endswith(".partial"):
        read_finished_manifest(directory)  # says it is a staging folder
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a folder (expected a result folder of negsim run)")
    missing = [name for name in RESULT_FILES if not (directory / name).is_file()]
    if missing:
        raise UsageError(
            f"{directory} is not a result folder of negsim run: it has no {', '.join(missing)}"
        )


def load_results(
    directories: list[Path], max_rows: int | None = None, seed: int = SAMPLE_SEED
) -> list[ResultSet]:
    """Read result folders, with unique labels and, if ``max_rows`` is given, a subsample.

    Raises:
        UsageError: A folder is not a result folder, or its files cannot be read.
    """
    results = []
    for directory in directories:
        check_result_folder(directory)
        manifest = read_finished_manifest(directory)
        if manifest.get("kind", "run") != "run":
            raise UsageError(
                f"{directory} was written by negsim {manifest['kind']}, not by negsim run"
            )
        summary = read_summary(directory)
        names = check_runs_file(directory, summary)
        columns = [name for name in names if _RUN_COLUMNS.match(name)]
        try:
            table = pd.read_parquet(directory / "runs.parquet", columns=columns)
        except (OSError, ValueError) as error:
            raise UsageError(f"cannot read {directory / 'runs.parquet'}: {error}") from None
        sample = table
        if max_rows is not None and len(table) > max_rows:
            sample = table.sample(max_rows, random_state=seed)
        scenario = manifest.get("scenario", {})
        issues = {
            name: {
                "label": values.get("label", name),
                "unit": values.get("unit", ""),
                "bounds": scenario.get("issues", {}).get(name, {}).get("bounds"),
            }
            for name, values in summary["issues_among_deals"].items()
        }
        parties = {
            party: scenario.get("negotiators", {}).get(party, {}).get("label", party)
            for party in summary["utilities"]
        }
        results.append(
            ResultSet(
                summary["scenario"], directory, table, sample, summary, manifest, issues, parties
            )
        )
    for result, label in zip(results, unique_labels(results), strict=True):
        result.label = label
    return results


def unique_labels(results: list[ResultSet]) -> list[str]:
    """Scenario names; with the seed, then the folder, added where names repeat."""
    labels = [result.summary["scenario"] for result in results]
    if len(set(labels)) < len(labels):
        labels = [
            f"{label} (seed {r.manifest.get('seed')})"
            for label, r in zip(labels, results, strict=True)
        ]
    if len(set(labels)) < len(labels):
        labels = [f"{label} [{r.directory}]" for label, r in zip(labels, results, strict=True)]
    if len(set(labels)) < len(labels):
        labels = [f"{label} #{index + 1}" for index, label in enumerate(labels)]
    return labels


def common_issues(results: list[ResultSet]) -> list[str]:
    """Issue keys present in every result set, in the reference's order."""
    return [name for name in results[0].issues if all(name in r.issues for r in results)]


def common_parties(results: list[ResultSet]) -> list[str]:
    """Negotiator keys present in every result set, in the reference's order."""
    return [party for party in results[0].parties if all(party in r.parties for r in results)]
