"""What a page holds for one browser tab: the edited scenario, the refused values, the changes.

An ``Exploration`` is immutable: every edit returns a new one, so that a page can keep it as
state and redraw when it changes. Edits go through ``sim.scenario.loading.validate``, the check of
every scenario file; a value it refuses leaves the scenario as it was and keeps the loader's
message for the field.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any

from sim.errors import UsageError
from sim.explore.controls import Control, Group, control_groups
from sim.scenario.loading import InvalidData, LoadedScenario, validate
from sim.scenario.schema import Scenario
from sim.scenario.variants import parse_value


@dataclass(frozen=True)
class Exploration:
    """A scenario being tweaked from its baseline.

    Attributes:
        baseline: The scenario as loaded from its file.
        data: The edited scenario data (the baseline's resolved data with the valid edits).
        scenario: ``data`` validated.
        errors: The loader's message for each field whose last value was refused, by path.
        refused: The refused value of each of those fields, as typed.
    """

    baseline: LoadedScenario
    data: dict[str, Any]
    scenario: Scenario
    errors: dict[str, str] = field(default_factory=dict)
    refused: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, baseline: LoadedScenario) -> Exploration:
        """The exploration of ``baseline`` with nothing changed yet."""
        return cls(baseline, copy.deepcopy(baseline.resolved), baseline.scenario)

    def groups(self) -> list[Group]:
        """The page's controls of the edited scenario, grouped like its file."""
        return control_groups(self.scenario)

    def control(self, path: str) -> Control:
        """The control at ``path``.

        Raises:
            KeyError: No control has that path.
        """
        for group in self.groups():
            for control in group.controls:
                if control.path == path:
                    return control
        raise KeyError(path)

    def with_value(self, path: str, value: Any) -> Exploration:
        """This exploration with ``value`` at ``path``, or with the loader's message if refused.

        Args:
            path: A control's dotted path.
            value: A number, a name, or YAML text as typed into a field (``0.3``,
                ``{dist: uniform, low: 0, high: 0.2}``).

        Returns:
            The new exploration: the scenario changed, or unchanged with ``errors[path]`` set.
        """
        errors = {key: text for key, text in self.errors.items() if key != path}
        refused = {key: text for key, text in self.refused.items() if key != path}
        try:
            parsed = parse_value(value)
            data = _assign(self.data, path, parsed, self._is_block(path))
            scenario = validate(data)
        except UsageError as error:
            message = str(error)
        except InvalidData as error:
            message = "; ".join(f"{'.'.join(where)}: {text}" for where, text in error.problems)
        else:
            return replace(self, data=data, scenario=scenario, errors=errors, refused=refused)
        return replace(self, errors={**errors, path: message}, refused={**refused, path: value})

    def reset(self) -> Exploration:
        """Back to the baseline."""
        return Exploration.start(self.baseline)

    def changes(self) -> dict[str, Any]:
        """The changed keys as a nested mapping, as a variant file that ``extends:`` lists them."""
        return changed_keys(self.baseline.resolved, self.data)

    def changed_paths(self) -> dict[str, Any]:
        """The changes by dotted path (for display)."""
        return dict(_flatten(self.changes()))

    def _is_block(self, path: str) -> bool:
        try:
            return self.control(path).block
        except KeyError:
            return False


def changed_keys(base: dict[str, Any], edited: dict[str, Any]) -> dict[str, Any]:
    """The smallest mapping that, merged over ``base`` as ``extends:`` merges, gives ``edited``.

    A mapping of another kind than its old value (another ``dist``, a block with another
    ``name``) is written whole, as the merge then replaces the old one; other mappings, the same
    distribution with a new parameter among them, only with their changed keys.

    Examples:
        >>> base = {"a": {"b": 1, "c": {"dist": "uniform", "low": 0, "high": 1}}, "d": 2}
        >>> edited = {"a": {"b": 1, "c": {"dist": "uniform", "low": 0.5, "high": 1}}, "d": 2}
        >>> changed_keys(base, edited)
        {'a': {'c': {'low': 0.5}}}
        >>> changed_keys(base, {"a": {"b": 1, "c": 0.5}, "d": 3})
        {'a': {'c': 0.5}, 'd': 3}
    """
    changes = {}
    for key, value in edited.items():
        old = base.get(key)
        if isinstance(value, dict) and isinstance(old, dict) and _same_kind(value, old):
            inner = changed_keys(old, value)
            if inner:
                changes[key] = inner
        elif key not in base or value != old:
            changes[key] = copy.deepcopy(value)
    return changes


def _same_kind(value: dict[str, Any], old: dict[str, Any]) -> bool:
    """Whether merging keys of ``value`` over ``old`` keeps its kind (same ``dist``, ``name``)."""
    return all(value.get(key) == old.get(key) for key in ("dist", "name"))


def _assign(data: dict[str, Any], path: str, value: Any, block: bool) -> dict[str, Any]:
    """A copy of ``data`` with ``value`` at ``path`` (missing mappings on the way are added).

    For a block choice (a strategy's ``name``), the block is replaced by ``{name: value}`` unless
    it already has that name.
    """
    data = copy.deepcopy(data)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    if block and node.get("name") != value:
        node.clear()
    node[last] = value
    return data


def _flatten(changes: dict[str, Any], prefix: str = ""):
    for key, value in changes.items():
        if isinstance(value, dict) and not {"dist", "name"} & value.keys():
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value
