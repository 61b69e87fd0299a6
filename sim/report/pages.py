"""The pages of the HTML report, as data: one for a batch's folder, one for an analysis folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import UsageError
from sim.report.tables import display_table


def read_json(directory: Path, name: str) -> dict[str, Any]:
    """The JSON file ``name`` of an output folder.

    Raises:
        UsageError: The folder or the file is missing or cannot be read.
    """
    path = directory / name
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a folder")
    if not path.is_file():
        raise UsageError(
            f"{directory} has no {name}; expected a folder written by negsim run, compare, "
            "sweep or sensitivity"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None


def analysis_page(directory: Path, manifest: dict[str, Any], kind: str) -> dict[str, Any]:
    """The page of an analysis folder (comparison to calibration), from its ``<kind>.json``."""
    description = read_json(directory, f"{kind}.json")
    if kind in ("backtest", "calibration"):
        parameters = [
            parameter_table(f"Scenario parameters: {item['case']}", {"": item["scenario"]})
            for item in manifest["inputs"]
        ]
    elif kind == "comparison":
        scenarios = {item["label"]: item.get("scenario", {}) for item in manifest["inputs"]}
        parameters = [
            parameter_table("Parameters that differ between the scenarios", scenarios, True),
            *[parameter_table(f"All parameters: {k}", {"": v}) for k, v in scenarios.items()],
        ]
    else:
        parameters = [parameter_table("Resolved scenario parameters", {"": manifest["scenario"]})]
    return {
        "title": description["title"],
        "subtitle": description.get("subtitle", ""),
        "text": description.get("text", "").split("\n"),
        "notes": description.get("notes", []),
        "tables": description.get("tables", []),
        "charts": [(chart["file"], chart["caption"]) for chart in description.get("charts", [])],
        "parameters": parameters,
    }


def charts_in(directory: Path, known: dict[str, str]) -> list[tuple[str, str]]:
    """The known charts in their order, then any other PNG files of the folder."""
    others = sorted(p.name for p in directory.glob("*.png") if p.name not in known)
    return [*known.items(), *[(name, "") for name in others]]


def flatten_scenario(data: Any, prefix: str = "") -> dict[str, str]:
    """Resolved scenario data as ``{dotted path: display value}``; distributions on one line.

    Examples:
        >>> flatten_scenario({"a": {"b": 1, "c": {"dist": "uniform", "low": 0, "high": 2}}})
        {'a.b': '1', 'a.c': 'uniform(low=0, high=2)'}
    """
    if isinstance(data, dict) and "dist" in data:
        arguments = ", ".join(f"{k}={v}" for k, v in data.items() if k != "dist")
        return {prefix: f"{data['dist']}({arguments})"}
    if isinstance(data, dict):
        flat: dict[str, str] = {}
        for key, value in data.items():
            flat.update(flatten_scenario(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(data, list):
        return {prefix: "[" + ", ".join(str(v) for v in data) + "]"}
    return {prefix: str(data)}


def parameter_table(
    title: str, scenarios: dict[str, dict[str, Any]], differing_only: bool = False
) -> dict[str, Any]:
    """A table of scenario parameters: one value column per scenario."""
    flat = {label: flatten_scenario(data) for label, data in scenarios.items()}
    paths = list(dict.fromkeys(path for values in flat.values() for path in values))
    rows = []
    for path in paths:
        values = [flat[label].get(path, "-") for label in flat]
        if differing_only and len(set(values)) == 1:
            continue
        rows.append([path, *values])
    columns = ["parameter", *[label or "value" for label in flat]]
    return display_table(title, pd.DataFrame(rows, columns=columns))
