"""The settings a page shows for a scenario, grouped like its file, with their valid ranges.

A control names a dotted path into the scenario's data (as ``negsim sweep --set`` does) and says
how to show it: a number (a slider where its range is bounded on both sides, an input box
otherwise), a choice among names (a strategy, an acceptance rule, a value shape) or free text
(a date). A distribution is shown by its parameters (``...beta.low``, ``...beta.high``).
"""

from __future__ import annotations

import datetime as dt
import math
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.params.distributions import DistributionBase
from sim.params.numbers import Bounds
from sim.players import acceptance, strategies
from sim.scenario.schema import Scenario

GROUPS = {
    "calendar": "calendar",
    "protocol": "protocol",
    "negotiators": "negotiator",
    "events": "events",
    "third_parties": "third party",
}
"""Top-level parts of a scenario file that the page shows, in the file's order, and the title
of one of their entries."""

SKIPPED = {"label", "unit", "description", "kind", "bounds"}
"""Fields that are names or fixed settings, not parameters to tweak."""

BLOCKS = {"strategy": strategies.REGISTRY, "acceptance": acceptance.REGISTRY}
"""Blocks chosen by their ``name``; choosing another name replaces the block whole."""

Kind = Literal["number", "choice", "text"]


@dataclass(frozen=True)
class Control:
    """One setting of the page.

    Attributes:
        path: Dotted path into the scenario's data, e.g. ``protocol.breakdown_per_day.high``.
        label: Short label shown next to the field.
        kind: ``number``, ``choice`` or ``text``.
        value: The current value (a float, a name, or text such as a date).
        low: Smallest allowed value of a number (``None``: no lower bound).
        high: Largest allowed value of a number (``None``: no upper bound).
        choices: The names a choice may take.
        block: A choice that selects a whole block (a strategy or acceptance rule): setting it
            writes ``{name: choice}`` at the parent path.
    """

    path: str
    label: str
    kind: Kind
    value: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] = ()
    block: bool = False

    @property
    def slider(self) -> bool:
        """Whether the range is bounded on both sides, so that a slider can show it."""
        return self.kind == "number" and self.low is not None and self.high is not None


@dataclass(frozen=True)
class Group:
    """Controls under one heading of the page (``calendar``, ``negotiator us``, ...)."""

    title: str
    controls: tuple[Control, ...]


def control_groups(scenario: Scenario) -> list[Group]:
    """The page's controls of a scenario, grouped like its file.

    Args:
        scenario: A validated scenario (defaults filled in, so every parameter has a value).

    Returns:
        One group per part of the file: calendar, protocol, each negotiator, events and each
        third party; parts without controls are left out.

    Examples:
        >>> from sim.scenario.loading import load_scenario
        >>> groups = control_groups(load_scenario("scenarios/korea_us_2025.yaml").scenario)
        >>> [group.title for group in groups][:3]
        ['calendar', 'protocol', 'negotiator us (United States)']
        >>> rapport = next(c for g in groups for c in g.controls if c.path == "events.rapport")
        >>> rapport.low, rapport.high, rapport.slider
        (-1, 1, True)
    """
    bounds = {name: issue.bounds for name, issue in scenario.issues.items()}
    bounds["first_proposer"] = tuple(scenario.negotiators)
    groups = []
    for part, entry in GROUPS.items():
        value = getattr(scenario, part)
        if isinstance(value, dict):
            for key, item in value.items():
                title = f"{entry} {key} ({item.label})"
                groups.append(Group(title, tuple(_controls(item, f"{part}.{key}.", bounds))))
        else:
            groups.append(Group(part, tuple(_controls(value, f"{part}.", bounds))))
    return [group for group in groups if group.controls]


def _controls(model: BaseModel, prefix: str, bounds: dict) -> Iterator[Control]:
    """The controls of a validated model's fields, depth first in the schema's order."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = prefix + name
        if value is None or name in SKIPPED:
            continue
        if name in BLOCKS and isinstance(value, BaseModel):
            yield Control(
                f"{path}.name", name, "choice", value.name, choices=tuple(BLOCKS[name]), block=True
            )
            yield from _controls(value, path + ".", bounds)
        elif isinstance(value, float | DistributionBase):
            yield from _numbers(path, value, _range(info, path, bounds))
        elif isinstance(value, BaseModel):
            yield from _controls(value, path + ".", bounds)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from _controls(item, f"{path}.{key}.", bounds)
                elif isinstance(item, float):
                    yield from _numbers(f"{path}.{key}", item, bounds.get(key, (None, None)))
        elif isinstance(value, bool):
            yield Control(path, name, "choice", value, choices=(True, False))
        elif isinstance(value, dt.date):
            yield Control(path, name, "text", value.isoformat())
        elif isinstance(value, str):
            choices = _choices(info, name, bounds)
            if len(choices) > 1:
                yield Control(path, name, "choice", value, choices=choices)


def _numbers(path: str, value: Any, limits: tuple) -> Iterator[Control]:
    """A number's control, or one per numeric parameter of a distribution."""
    label = path.rsplit(".", 1)[-1]
    if isinstance(value, float):
        yield Control(path, label, "number", value, *limits)
        return
    for name in type(value).model_fields:
        item = getattr(value, name)
        if isinstance(item, float) and math.isfinite(item):
            # The location parameters of a distribution share the parameter's range.
            located = name in ("low", "high", "mode", "mean")
            yield Control(
                f"{path}.{name}", f"{label}: {name}", "number", item, *(limits if located else ())
            )


def _range(info: FieldInfo, path: str, bounds: dict) -> tuple[float | None, float | None]:
    """The allowed range of a number field: its ``Bounds``, or its issue's for a position."""
    parts = path.split(".")
    if parts[-1] in ("ideal", "no_deal") and parts[-2] in bounds:
        return bounds[parts[-2]]
    found = _bounds_of(info.annotation, list(info.metadata))
    if found is None:
        return None, None
    low = found.ge if found.ge is not None else found.gt
    return low, found.le


def _bounds_of(annotation: Any, metadata: list) -> Bounds | None:
    """The ``Bounds`` in a field's metadata or inside its (optional) annotation."""
    for item in metadata:
        if isinstance(item, Bounds):
            return item
    for argument in typing.get_args(annotation):
        found = _bounds_of(argument, list(getattr(argument, "__metadata__", ())))
        if found is not None:
            return found
    return None


def _choices(info: FieldInfo, name: str, bounds: dict) -> tuple[str, ...]:
    """The values a ``Literal`` field allows, the negotiators for the first proposer, or none."""
    if typing.get_origin(info.annotation) is Literal:
        return typing.get_args(info.annotation)
    return bounds.get(name, ()) if name == "first_proposer" else ()
