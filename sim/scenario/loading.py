"""Reading scenario files: safe YAML, line numbers for every field, ``extends:``, validation.

Every mistake becomes a ``ScenarioError`` whose problems name the file, the line, the dotted field
path and what was expected. Only PyYAML's safe loader is used; file size and the number of YAML
nodes (aliases included) and their nesting are bounded, so a "billion laughs" file or an alias
inside itself is refused rather than expanded.

``validate`` is the one check of scenario data: files here, variants in ``sim.scenario.variants``.
"""

from __future__ import annotations

import hashlib
import reprlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.errors import Problem, ScenarioError
from sim.scenario.schema import Scenario, consistency_problems, did_you_mean, schema_fields

FieldsAt = Callable[[tuple[str, ...]], set[str]]
"""The field names a file format allows under a location (``schema_fields`` for scenarios)."""

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 100_000
MAX_DEPTH = 32
MAX_EXTENDS_DEPTH = 16
SCENARIO_SUFFIXES = (".yaml", ".yml")
"""What the name of a file that ``extends:`` names must end with; others are not even read."""

Location = tuple[Path, int]


@dataclass
class LoadedScenario:
    """A validated scenario together with where it came from.

    Attributes:
        scenario: The typed, validated scenario.
        resolved: The merged YAML data (after ``extends:``) that was validated.
        files: The scenario file first, then the files it extends, in order.
        sha256: Hash of the bytes of those files, in that order.
    """

    scenario: Scenario
    resolved: dict[str, Any]
    files: list[Path]
    sha256: str


@dataclass
class LocatedData:
    """The data of a YAML file and the file and line of each of its keys.

    Attributes:
        data: The parsed mapping.
        lines: ``(file, line)`` by the path of keys leading to each value.
    """

    data: dict[str, Any]
    lines: dict[tuple[str, ...], Location] = field(default_factory=dict)


_Document = LocatedData


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, merge and validate a scenario file.

    Args:
        path: A YAML scenario file.

    Returns:
        The validated scenario with its provenance.

    Raises:
        ScenarioError: The file cannot be read or is not a valid scenario.
    """
    path = Path(path)
    files: list[Path] = []
    document = _resolve(path, files, chain=())
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    try:
        scenario = validate(document.data)
    except InvalidData as error:
        raise ScenarioError(
            [_problem(document, path, where, text) for where, text in error.problems]
        ) from None
    return LoadedScenario(scenario, document.data, files, digest.hexdigest())


class InvalidData(Exception):
    """Scenario data that ``validate`` refused.

    Attributes:
        problems: What is wrong, as ``(path into the data, message)`` pairs (at most 20).
    """

    def __init__(self, problems: list[tuple[tuple[str, ...], str]]):
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(where)}: {text}" for where, text in problems))


def validate(data: dict[str, Any]) -> Scenario:
    """The typed scenario of merged YAML data: the one validation of every scenario.

    Pydantic's errors and the checks spanning several fields (``consistency_problems``) become
    messages a user can act on, each at the path of the data it concerns.

    Args:
        data: Scenario data, after ``extends:`` is resolved.

    Returns:
        The validated scenario.

    Raises:
        InvalidData: The data is not a valid scenario.
    """
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise InvalidData(_problems(error, data)) from None
    problems = consistency_problems(scenario)
    if problems:
        raise InvalidData([(tuple(where.split(".")), text) for where, text in problems])
    return scenario


def _resolve(path: Path, files: list[Path], chain: tuple[Path, ...]) -> _Document:
    """Read ``path`` and merge it over the file it ``extends``, if any."""
    document = _read(path)
    files.append(path)
    parent = document.data.pop("extends", None)
    if parent is None:
        return document
    where = document.lines.get(("extends",), (path, None))
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(
            [Problem(*where, "extends", "expected the path of another scenario file")]
        )
    try:
        parent_path = (path.parent / parent).resolve()
        found = parent_path.is_file()
    except RuntimeError:  # pathlib's word for a loop of symbolic links
        message = f"{reprlib.repr(parent)} is not a usable file path (a loop of symbolic links)"
        raise ScenarioError([Problem(*where, "extends", message)]) from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        message = f"{reprlib.repr(parent)} is not a usable file path ({reason})"
        raise ScenarioError([Problem(*where, "extends", message)]) from None
    if parent_path in (*chain, path.resolve()):
        cycle = " -> ".join(str(p) for p in (*chain, path.resolve(), parent_path))
        raise ScenarioError([Problem(*where, "extends", f"forms a cycle: {cycle}")])
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError([Problem(*where, "extends", "too many levels of extends (16 at most)")])
    if not found:
        raise ScenarioError(
            [Problem(*where, "extends", f"file {parent!r} not found (looked for {parent_path})")]
        )
    if parent_path.suffix.lower() not in SCENARIO_SUFFIXES:
        raise ScenarioError([Problem(*where, "extends", _not_a_scenario(parent, "a .yaml file"))])
    base = _resolve(parent_path, files, (*chain, path.resolve()))
    return _Document(_merge(base.data, document.data), {**base.lines, **document.lines})


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings: keys of ``override`` win; lists and scalars are replaced whole.

    A mapping that names a new kind of thing replaces the old one whole: a distribution (it has
    ``dist``) or a strategy or acceptance block with a different ``name``.
    """
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        if isinstance(value, dict) and isinstance(old, dict) and not _replaces(value, old):
            merged[key] = _merge(old, value)
        else:
            merged[key] = value
    return merged


def _replaces(value: dict[str, Any], old: dict[str, Any]) -> bool:
    return "dist" in value or ("name" in value and value.get("name") != old.get("name"))


def read_located(path: Path, fields: FieldsAt, kind: str) -> LocatedData:
    """Parse a YAML file of another format into data plus the line of every field.

    The file is read as safely and with the same bounds as a scenario file.

    Args:
        path: The file.
        fields: The field names the format allows under a location.
        kind: What the file should be, for messages (``an observed-outcome file``).

    Raises:
        ScenarioError: The file cannot be read, is not YAML, or none of its keys is a field.
    """
    return _read(path, fields, kind)


def _read(path: Path, fields: FieldsAt = schema_fields, kind: str = "a scenario file") -> _Document:
    """Parse one YAML file into data plus the line of every field."""

    def fail(message: str, line: int | None = None) -> ScenarioError:
        return ScenarioError([Problem(path, line, "", message)])

    try:
        if not path.exists():
            raise fail("no such file")
        if not path.is_file():
            raise fail("is not a file (expected a YAML scenario file)")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise fail(f"is {size:,} bytes; a scenario file may have at most {MAX_FILE_BYTES:,}")
        raw = path.read_bytes()
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror or error})") from None
    if b"\x00" in raw:
        raise fail("is a binary file, not YAML text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise fail(f"is not UTF-8 text (bad byte at offset {error.start})") from None
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise fail(
            f"invalid YAML: {error.reason} (character #x{error.character:04x})", line
        ) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise fail("is empty; expected a scenario mapping (name:, calendar:, issues:, ...)")
        lines: dict[tuple[str, ...], Location] = {}
        _index_lines(node, (), path, lines, budget=[MAX_NODES])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        text = error.problem or error.context
        if error.problem and "constructor for the tag" in error.problem:
            text += " (only plain YAML is allowed: no language-specific tags)"
        raise fail(f"invalid YAML: {text}", line) from None
    except yaml.YAMLError as error:
        raise fail(f"invalid YAML: {error}") from None
    except RecursionError:
        raise fail("nests lists or mappings too deeply", loader.get_mark().line + 1) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise fail(
            f"expected a mapping of scenario fields at the top, got {type(data).__name__}", 1
        )
    if data and not set(map(str, data)) & (fields(()) | {"extends"}):
        raise fail(f"is not {kind} (none of its keys is one of its fields)")
    return _Document(data, lines)


def _not_a_scenario(name: str, expected: str) -> str:
    """A refusal that never quotes the file: it may be anything (``/etc/shadow``)."""
    return f"{reprlib.repr(name)} is not a scenario file (expected {expected})"


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, with a line-numbered YAML error for a scalar it cannot convert.

    Such scalars (``2025-02-30``, ``0x_``, ``!!int x``) make PyYAML raise plain Python errors.
    """

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ArithmeticError, AttributeError, LookupError, TypeError, ValueError):
            kind = node.tag.rsplit(":", 1)[-1].replace("timestamp", "date")
            text = f"{reprlib.repr(node.value)} is not a valid {kind}"
            if kind == "date":
                text += " (expected a real day as YYYY-MM-DD)"
            raise yaml.constructor.ConstructorError(None, None, text, node.start_mark) from None


def _index_lines(node, path: tuple[str, ...], file: Path, lines: dict, budget: list[int]) -> None:
    """Record the line of every mapping key, counting nodes to refuse alias bombs."""
    budget[0] -= 1
    problem = None
    if budget[0] < 0:
        problem = f"too many YAML nodes (more than {MAX_NODES:,}, aliases counted)"
    elif len(path) > MAX_DEPTH:
        problem = f"nested more than {MAX_DEPTH} levels deep (is an alias used inside itself?)"
    if problem:
        raise ScenarioError([Problem(file, node.start_mark.line + 1, ".".join(path), problem)])
    lines[path] = (file, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            lines[child] = (file, key.start_mark.line + 1)
            _index_lines(value, child, file, lines, budget)
            lines[child] = (file, key.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, (*path, str(index)), file, lines, budget)


def located_problem(
    document: LocatedData, default: Path, path: tuple[str, ...], message: str
) -> Problem:
    """A problem located at the deepest part of ``path`` that the file mentions."""
    return _problem(document, default, path, message)


def validation_problems(
    error: ValidationError, data: dict[str, Any], fields: FieldsAt
) -> list[tuple[tuple[str, ...], str]]:
    """Pydantic's errors about data of any format as ``(path, message)`` pairs a user can act on."""
    return _problems(error, data, fields)


def _problem(document: _Document, default: Path, path: tuple[str, ...], message: str) -> Problem:
    """A problem located at the deepest part of ``path`` that the files mention."""
    for depth in range(len(path), -1, -1):
        if path[:depth] in document.lines:
            file, line = document.lines[path[:depth]]
            return Problem(file, line, ".".join(path), message)
    return Problem(default, None, ".".join(path), message)


def _problems(
    error: ValidationError, data: dict[str, Any], fields: FieldsAt = schema_fields
) -> list[tuple[tuple[str, ...], str]]:
    """Pydantic's errors rewritten as ``(path, message)`` pairs a user can act on."""
    problems = []
    for item in error.errors():
        loc = _data_path(data, item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            siblings = fields(loc[:-1])
            message = f"unknown key {loc[-1]!r}" + did_you_mean(loc[-1], siblings)
            if siblings:
                message += f" (allowed here: {', '.join(sorted(siblings))})"
        elif item["type"] == "missing":
            message = "required field is missing"
        elif item["type"].startswith("date"):
            message = "expected a date as YYYY-MM-DD (e.g. 2025-06-16)"
            message += f", got {reprlib.repr(item.get('input'))}"
        elif (
            "input" in item
            and item["type"] not in ("value_error",)
            and not isinstance(item["input"], dict | list)
        ):
            message += f", got {reprlib.repr(item['input'])}"
        problems.append((loc, message))
    return problems[:20]


def _data_path(data: Any, loc: tuple) -> tuple[str, ...]:
    """The part of a pydantic error location that names keys of the YAML data.

    Pydantic puts the tag of the union member it tried (``time_dependent``, ``uniform``...) into
    locations; such parts are not keys of the data and are dropped. A last part that is not in the
    data (a missing field) is kept.
    """
    path, node = [], data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            path.append(str(part))
            node = node[part]
        elif last or not isinstance(node, dict | list):
            path.append(str(part))
    return tuple(path)
