"""``negsim export``: a result folder's runs and summary as spreadsheet files.

``csv`` writes ``runs.csv`` (the runs table as in ``runs.parquet``) and ``summary.csv`` (the
fields of ``summary.json`` flattened to dotted names, one a row); ``xlsx`` writes one workbook with
a ``runs`` sheet and a ``summary`` sheet (needs openpyxl, the ``xlsx`` extra). Files are written
under a temporary name and renamed into place, and an existing one is replaced only when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.folders import read_summary
from sim.analysis.results import check_result_folder
from sim.batch.files import settle
from sim.errors import OutputExists, UsageError

FORMATS = ("csv", "xlsx")
SHEET_ROWS = 1_048_576
"""Rows a worksheet holds, its header row included."""
XLSX_INSTALL = "install the xlsx extra: pip install 'negsim[xlsx]'"


@dataclass
class ExportResult:
    """What ``export`` wrote.

    Attributes:
        files: The files written.
        runs: The number of runs exported.
    """

    files: list[Path]
    runs: int


def flat_summary(summary: dict[str, Any]) -> pd.DataFrame:
    """The fields of a summary as ``field, value`` rows, nested keys joined by dots.

    Examples:
        >>> table = flat_summary({"runs": 3, "ci": [0.1, 0.9], "issues": {"tariff": {"q50": 15}}})
        >>> table["field"].tolist()
        ['runs', 'ci.0', 'ci.1', 'issues.tariff.q50']
    """
    rows: list[tuple[str, Any]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(f"{prefix}.{index}", item)
        else:
            rows.append((prefix, value))

    walk("", summary)
    return pd.DataFrame(rows, columns=["field", "value"])


def default_destination(directory: Path, file_format: str) -> Path:
    """The result folder itself for ``csv``; ``<folder>/<folder name>.xlsx`` for ``xlsx``."""
    return directory if file_format == "csv" else directory / f"{directory.name}.xlsx"


def export(
    directory: str | Path,
    file_format: str = "csv",
    out: str | Path | None = None,
    *,
    force: bool = False,
) -> ExportResult:
    """Write a result folder's runs and summary as CSV files or as one Excel workbook.

    Args:
        directory: A result folder of ``negsim run``.
        file_format: ``csv`` or ``xlsx``.
        out: For ``csv``, the folder that receives ``runs.csv`` and ``summary.csv``; for
            ``xlsx``, the workbook's file name. By default ``default_destination``.
        force: Replace files that exist (otherwise refuse).

    Returns:
        The files written and the number of runs.

    Raises:
        UsageError: The folder is not a result folder, the format is unknown, a file exists
            (without ``force``), the runs do not fit in a worksheet, or openpyxl is missing.
    """
    directory = Path(directory)
    if file_format not in FORMATS:
        raise UsageError(f"unknown format {file_format!r}; expected one of: {', '.join(FORMATS)}")
    check_result_folder(directory)
    summary = flat_summary(read_summary(directory))
    destination = Path(out) if out is not None else default_destination(directory, file_format)
    if file_format == "csv":
        files = [destination / "runs.csv", destination / "summary.csv"]
    elif destination.suffix.lower() != ".xlsx":
        raise UsageError(f"{destination}: an Excel workbook's name ends in .xlsx")
    else:
        files = [destination]
    for path in files:
        if path.exists() and not force:
            raise OutputExists(f"{path} already exists")
    runs = _read_runs(directory / "runs.parquet")
    if file_format == "csv":
        destination.mkdir(parents=True, exist_ok=True)
        _write(files[0], lambda path: runs.to_csv(path, index=False))
        _write(files[1], lambda path: summary.to_csv(path, index=False))
    else:
        _write_workbook(destination, runs, summary)
    return ExportResult(files, len(runs))


def _read_runs(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None


def _write_workbook(path: Path, runs: pd.DataFrame, summary: pd.DataFrame) -> None:
    """One workbook with a ``runs`` and a ``summary`` sheet."""
    if len(runs) >= SHEET_ROWS:
        raise UsageError(
            f"{len(runs):,} runs do not fit in a worksheet ({SHEET_ROWS - 1:,} rows at most); "
            "export them with --format csv"
        )
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise UsageError(f"writing xlsx needs openpyxl; {XLSX_INSTALL}") from None
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(temporary: Path) -> None:
        with pd.ExcelWriter(temporary, engine="openpyxl") as workbook:
            runs.to_excel(workbook, sheet_name="runs", index=False)
            summary.to_excel(workbook, sheet_name="summary", index=False)

    _write(path, write)


def _write(path: Path, writer) -> None:
    """Write ``path`` by ``writer(temporary)``, then rename it into place."""
    temporary = path.with_name(f".{path.stem}.tmp{path.suffix}")  # pandas reads its ending
    try:
        writer(temporary)
        settle(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
