"""The files of a finished result folder, checked where they are read: one boundary, like scenarios.

A result folder of ``negsim run`` holds a ``manifest.json`` marked complete, a ``summary.json``
of the shape ``RunSummary`` describes and a ``runs.parquet`` with at least one run. Anything else
(a folder another program wrote, a staging folder of an interrupted run, a damaged file) is
refused with the file and the field that is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.errors import UsageError

Number = float | None


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class IssueSummary(_Shape):
    """One issue's outcome among deals (``summary.json``, ``issues_among_deals``)."""

    label: str
    unit: str


class TimeToDeal(_Shape):
    """When deals were made (``summary.json``, ``time_to_deal``)."""

    rounds: dict[str, Number]
    days_before_deadline: dict[str, Number]


class RunSummary(_Shape):
    """The fields of ``summary.json`` that the analysis commands and the report read."""

    scenario: str
    runs: int = Field(ge=1)
    deals: int = Field(ge=0)
    deal_probability: float = Field(ge=0, le=1)
    deal_probability_95ci: tuple[float, float]
    endings: dict[str, int]
    extended_share: float = Field(ge=0, le=1)
    issues_among_deals: dict[str, IssueSummary]
    utilities: dict[str, dict[str, Number]]
    time_to_deal: TimeToDeal


ENDINGS = ("agreement", "deadline", "breakdown")


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file that must hold an object.

    Raises:
        UsageError: It cannot be read, is not JSON, or holds something else.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise UsageError(f"{path} is not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} should hold a JSON object, not {type(data).__name__}")
    return data


def read_finished_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a folder that a negsim command finished writing.

    Raises:
        UsageError: No manifest, one of another shape, or the folder is an unfinished staging
            folder (``.NAME.partial``) of an interrupted run.
    """
    if directory.name.endswith(".partial") and directory.name.startswith("."):
        raise UsageError(
            f"{directory} is the staging folder of an unfinished run, not a result folder; "
            "finish it with the same negsim run command and --resume"
        )
    path = directory / "manifest.json"
    manifest = read_json_object(path)
    if "negsim_version" not in manifest:
        raise UsageError(f"{path}: negsim_version: missing; this folder was not written by negsim")
    if manifest.get("completed") is not True:
        raise UsageError(f"{path}: completed: the command that wrote {directory} did not finish")
    if not isinstance(manifest.get("scenario", {}), dict):
        raise UsageError(f"{path}: scenario: should be a mapping of the resolved scenario")
    return manifest


def read_summary(directory: Path) -> dict[str, Any]:
    """A run's ``summary.json``, checked against ``RunSummary``.

    Raises:
        UsageError: It cannot be read or lacks a field the analyses need (the message names it).
    """
    path = directory / "summary.json"
    data = read_json_object(path)
    try:
        RunSummary.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise UsageError(f"{path}: {field}: {first['msg'].removeprefix('Value error, ')}") from None
    missing = [name for name in ENDINGS if name not in data["endings"]]
    if missing:
        raise UsageError(f"{path}: endings.{missing[0]}: Field required")
    return data


def required_columns(summary: dict[str, Any]) -> list[str]:
    """Columns of ``runs.parquet`` that the comparisons read, given the folder's summary."""
    parties = list(summary["utilities"])
    return [
        "agreed",
        "days_before_deadline",
        *(f"issue.{name}" for name in summary["issues_among_deals"]),
        *(f"utility.{party}" for party in parties),
        *(f"reservation.{party}" for party in parties),
    ]


def check_runs_file(directory: Path, summary: dict[str, Any]) -> list[str]:
    """Check that ``runs.parquet`` reads, has the needed columns and the summary's runs.

    Returns:
        The column names of the file.

    Raises:
        UsageError: It does not read, has no runs, lacks a column, or has another number of rows.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = directory / "runs.parquet"
    try:
        metadata = pq.ParquetFile(path).metadata
        names = pq.ParquetFile(path).schema_arrow.names
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None
    schema = pq.ParquetFile(path).schema_arrow
    for name in required_columns(summary):
        if name not in names:
            raise UsageError(f"{path} has no column {name}; it is not a runs table of negsim")
        kind = schema.field(name).type
        wanted = pa.types.is_boolean if name == "agreed" else _is_number
        if not wanted(kind):
            expected = "true/false" if name == "agreed" else "numbers"
            raise UsageError(f"{path}: column {name} holds {kind}, expected {expected}")
    if metadata.num_rows == 0:
        raise UsageError(f"{path} has no runs")
    if metadata.num_rows != summary["runs"]:
        raise UsageError(
            f"{path} has {metadata.num_rows:,} runs but {directory / 'summary.json'} says "
            f"{summary['runs']:,}"
        )
    return names


def _is_number(kind) -> bool:
    import pyarrow as pa

    return pa.types.is_integer(kind) or pa.types.is_floating(kind)
