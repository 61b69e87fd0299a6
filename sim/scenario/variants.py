"""Variants of a scenario: dotted-path changes to its resolved YAML data, validated like a file.

A path names a key of the scenario's data after ``extends:`` is resolved
(``calendar.extension.probability``, ``negotiators.us.strategy.beta``, ``issues.tariff.bounds.1``);
a value is written as in a scenario file (``0.5``, ``{dist: uniform, low: 0.1, high: 0.3}``). A
variant goes through ``sim.scenario.loading.validate``, the same check as every scenario file.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml

from sim.errors import UsageError
from sim.scenario.loading import InvalidData, validate
from sim.scenario.schema import Scenario, did_you_mean, schema_fields


def parse_value(text: Any) -> Any:
    """A value of a setting: YAML text is parsed safely; anything else is kept.

    Examples:
        >>> parse_value("{dist: uniform, low: 0, high: 1}"), parse_value(0.5)
        ({'dist': 'uniform', 'low': 0, 'high': 1}, 0.5)

    Raises:
        UsageError: The text is not valid YAML, or is empty.
    """
    if not isinstance(text, str):
        return text
    if not text.strip():
        raise UsageError("empty value in a sweep setting; write PATH=V1,V2,...")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"cannot read the value {text!r}: {error}") from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as error:  # 2025-13-45
        raise UsageError(f"cannot read the value {text!r}: {error}") from None


def value_label(value: Any) -> str:
    """A value as written in YAML flow style (numbers as numbers).

    Examples:
        >>> value_label({"dist": "uniform", "low": 0.1, "high": 0.3})
        '{dist: uniform, low: 0.1, high: 0.3}'
        >>> value_label(0.5), value_label("uniform")
        ('0.5', 'uniform')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1_000)
        return text.strip().removesuffix("...").strip()
    return f"{value:g}"


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of scenario data with the value at the dotted ``path`` replaced.

    A missing key is added when the schema allows it there (an optional field or block left at
    its default); a list item is addressed by its index (``issues.tariff.bounds.1``).

    Examples:
        >>> set_path({"a": {"b": 1}}, "a.b", 2)
        {'a': {'b': 2}}

    Raises:
        UsageError: A key along the path does not exist (with a did-you-mean hint), or the path
            runs through a number.
    """
    data = copy.deepcopy(data)
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the top level"
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise UsageError(f"{path}: {where} is a list of {len(node)}; expected an index")
            key: Any = int(part)
        elif isinstance(node, dict):
            key = part
            if part not in node:
                allowed = schema_fields(parts[:depth]) if "dist" not in node else set()
                if part not in allowed:
                    choices = sorted(set(node) | allowed)
                    raise UsageError(
                        f"{path}: unknown key {part!r} in {where}"
                        + did_you_mean(part, choices)
                        + (f" (keys here: {', '.join(choices)})" if choices else "")
                    )
        else:
            raise UsageError(f"{path}: {where} is {node!r}, not a mapping with key {part!r}")
        if last:
            node[key] = value
        else:
            node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
    return data


def build_variant(resolved: dict[str, Any], assignment: dict[str, Any]) -> Scenario:
    """The validated scenario with the values of ``assignment`` at its dotted paths.

    Args:
        resolved: A loaded scenario's data (``LoadedScenario.resolved``); it is not changed.
        assignment: The value of each dotted path.

    Returns:
        The variant, validated by ``sim.scenario.loading.validate``.

    Raises:
        UsageError: A path is wrong, or the values make the scenario invalid
            (``with PATH=VALUE: location: message``).
    """
    data = resolved
    for path, value in assignment.items():
        data = set_path(data, path, value)
    try:
        return validate(data)
    except InvalidData as error:
        where = ", ".join(f"{path}={value_label(value)}" for path, value in assignment.items())
        location, message = error.problems[0]
        raise UsageError(f"with {where}: {'.'.join(location)}: {message}") from None
