"""Saving as a variant: a minimal ``extends:`` file with exactly the keys changed on the page."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import yaml

from sim.errors import UsageError
from sim.explore.state import Exploration
from sim.scenario.schema import Name
from sim.scenario.variants import value_label

VARIANT_SCHEMA = "variant.schema.json"
"""The file name of the schema of ``extends:`` variants (``negsim schema --variant``)."""


def variant_data(
    exploration: Exploration, name: str, runs: int | None = None, seed: int | None = None
) -> dict[str, Any]:
    """The keys a variant file lists: its ``name``, the changes, and runs and seed if they differ.

    With the page's ``runs`` and ``seed`` written where they differ from the baseline's,
    ``negsim run`` on the variant reproduces the page's batch.
    """
    changes = exploration.changes()
    baseline = exploration.baseline.scenario
    batch = {"runs": runs, "seed": seed}
    for key, value in batch.items():
        if value is not None and value != getattr(baseline, key):
            changes[key] = value
    return {"name": name, **changes}


def variant_text(
    exploration: Exploration,
    name: str,
    directory: Path,
    runs: int | None = None,
    seed: int | None = None,
) -> str:
    """The YAML text of the variant file, to be written in ``directory``.

    Examples:
        >>> from sim.scenario.loading import load_scenario
        >>> page = Exploration.start(load_scenario("scenarios/korea_us_2025.yaml"))
        >>> print(variant_text(page.with_value("events.rapport", 0.1), "warm", Path("scenarios")))
        ... # doctest: +ELLIPSIS
        # yaml-language-server: $schema=schema/variant.schema.json
        # Saved from the negsim explore page on ...: korea_us_2025 with 1 change
        # (events.rapport=0.1).
        extends: korea_us_2025.yaml
        name: warm
        events:
          rapport: 0.1
        <BLANKLINE>
    """
    baseline_file = exploration.baseline.files[0].resolve()
    extends = Path(os.path.relpath(baseline_file, directory.resolve())).as_posix()
    data = variant_data(exploration, name, runs, seed)
    changed = exploration.changed_paths()
    listed = ", ".join(f"{path}={value_label(value)}" for path, value in changed.items())
    header = (
        f"Saved from the negsim explore page on {dt.date.today().isoformat()}: "
        f"{exploration.baseline.scenario.name} with {len(changed)} change"
        f"{'' if len(changed) == 1 else 's'}" + (f" ({listed})." if listed else ".")
    )
    body = yaml.safe_dump({"extends": extends, **data}, sort_keys=False, allow_unicode=True)
    return _schema_line(baseline_file, directory) + _comment(header) + body


def _schema_line(baseline_file: Path, directory: Path) -> str:
    """The line naming the variant schema for editors, if the baseline's folders ship it.

    The shipped scenarios keep it in ``scenarios/schema/``, beside or above the scenario file.
    """
    for folder in baseline_file.parents:
        schema = folder / "schema" / VARIANT_SCHEMA
        if schema.is_file():
            path = Path(os.path.relpath(schema, directory.resolve())).as_posix()
            return f"# yaml-language-server: $schema={path}\n"
    return ""


def save_variant(
    exploration: Exploration,
    name: str,
    directory: Path,
    runs: int | None = None,
    seed: int | None = None,
) -> Path:
    """Write ``<directory>/<name>.yaml``; an existing file is never replaced.

    Raises:
        UsageError: ``name`` is not a scenario name, or the file exists.
    """
    _check_name(name)
    path = Path(directory) / f"{name}.yaml"
    text = variant_text(exploration, name, Path(directory), runs, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{path} exists; choose another name") from None
    return path


def _check_name(name: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    try:
        TypeAdapter(Name).validate_python(name)
    except ValidationError:
        raise UsageError(
            f"{name!r} is not a scenario name: lower-case letters, digits and _, "
            "starting with a letter"
        ) from None


def _comment(text: str, width: int = 98) -> str:
    """``text`` as YAML comment lines of at most ``width`` characters."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width - 2:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "".join(f"# {line}\n" for line in lines)
