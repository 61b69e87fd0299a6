"""The JSON Schema of scenario files, for editors: key completion, hover help, early red marks.

Generated from the typed scenario (``sim.scenario.schema``) so that it cannot drift from it, in
two forms: ``scenario_schema()`` for a full scenario and ``scenario_schema(variant=True)`` for a
file that starts with ``extends:`` and lists only what changes (no key is required but
``extends``, a block may be partial). Both are JSON Schema draft-07, the newest draft that the
YAML language server of common editors reads, with finite numbers only (pydantic writes an
unbounded default as ``Infinity``, which is not JSON).

The schema helps while writing; the loader (``sim.scenario.loading``) stays the authority. What
a schema cannot say, the loader still checks: the order of a distribution's own parameters
(``low`` below ``high``), ideal points and no-deal values inside the issue bounds, references
between keys (a ``first_proposer`` that is a negotiator, preferences for every issue), dates in
order, the number of meetings, and the merged result of ``extends:``.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import math
import re
import textwrap
import typing
from typing import Any

from pydantic import BaseModel

from sim.params.numbers import Bounds
from sim.scenario.schema import Negotiator, Scenario

DRAFT = "http://json-schema.org/draft-07/schema#"
DISTRIBUTION = "Distribution"
"""Name of the shared definition of the distributions a number may be replaced by."""
MEANINGS = {
    ("Scenario", "name"): "Identifier of the scenario: names its result folder and its charts.",
    ("Scenario", "description"): "What the scenario assumes, in a sentence or two.",
    ("Scenario", "issues"): "The issues on (or off) the table, by key (1 to 20).",
    ("Scenario", "negotiators"): "The two parties at the table, by key.",
    ("Scenario", "third_parties"): "Third parties (a retaliating power, a ratifying "
    "legislature), by key.",
    ("Calendar", "meeting_interval_days"): "Days between two meetings (rounds).",
    ("Protocol", "first_proposer"): "The negotiator who proposes first (with random "
    "recognition: the one `first_proposer_probability` is about).",
    ("Negotiator", "label"): "Human-readable name, used in charts and reports.",
    ("Negotiator", "strategy"): "How it makes offers: a strategy chosen by `name`, with its "
    "parameters.",
    ("Negotiator", "acceptance"): "When it accepts an offer: an acceptance rule chosen by "
    "`name`, with its parameters (default `next`).",
    ("Events", "summits"): "Leaders' meetings that may take place, by key.",
    ("Events", "shocks"): "Random events that shift a negotiator's priorities, by key.",
    ("Summit", "date"): "Day of the summit.",
    ("Shock", "probability_per_round"): "Chance that the shock strikes in a round (at most "
    "once per run).",
    ("Retaliation", "label"): "Human-readable name, used in reports.",
    ("Retaliation", "base_probability"): "Chance of retaliation when the issue is at its lower "
    "bound.",
    ("Ratification", "label"): "Human-readable name, used in reports.",
    ("Ratification", "threshold"): "Utility of a deal (0-1) that the legislature needs to "
    "ratify it.",
    ("NextOfferParameters", "scale"): "Factor on the offered utility before comparing.",
    ("NextOfferParameters", "margin"): "Utility added to the offer before comparing.",
    ("Uniform", "low"): "Lowest value.",
    ("Uniform", "high"): "Highest value.",
    ("Normal", "mean"): "Mean before truncation.",
    ("Normal", "sd"): "Standard deviation before truncation.",
    ("Normal", "low"): "Truncates the distribution from below (default: unbounded).",
    ("Normal", "high"): "Truncates the distribution from above (default: unbounded).",
    ("Beta", "a"): "First shape parameter.",
    ("Beta", "b"): "Second shape parameter.",
    ("Beta", "low"): "The value a draw of 0 maps to.",
    ("Beta", "high"): "The value a draw of 1 maps to.",
    ("Triangular", "low"): "Lowest value.",
    ("Triangular", "mode"): "Most likely value.",
    ("Triangular", "high"): "Highest value.",
    ("Lognormal", "mu"): "Mean of the logarithm (`exp(mu)` is the median).",
    ("Lognormal", "sigma"): "Standard deviation of the logarithm.",
    ("Choice", "values"): "The values to choose from.",
    ("Choice", "weights"): "Relative weight of each value (default: equal).",
}
"""Meanings of fields that carry no docstring in their model; a docstring, once written, wins."""
SHORTHANDS = {(Negotiator, "audience_cost"): "cost"}
"""Blocks that a number may stand for, and which key the number is (``audience_cost: 0.2``)."""


def scenario_schema(variant: bool = False) -> dict[str, Any]:
    """The JSON Schema of a scenario file.

    Args:
        variant: The looser schema of a file that ``extends:`` another: every key optional, blocks
            partial, ``extends`` required.

    Returns:
        The schema, as JSON-ready data.

    Examples:
        >>> full = scenario_schema()
        >>> full["required"]
        ['name', 'calendar', 'protocol', 'issues', 'negotiators']
        >>> scenario_schema(variant=True)["required"]
        ['extends']
        >>> full["$defs"]["Extension"]["properties"]["probability"]["anyOf"][0]
        {'type': 'number', 'minimum': 0, 'maximum': 1}
    """
    schema = Scenario.model_json_schema(mode="validation")
    models = {model.__name__: model for model in _models_under(Scenario)}
    for name, definition in [("Scenario", schema), *schema["$defs"].items()]:
        if name in models:
            _describe_fields(definition, models[name])
    schema = _tidy(schema)
    schema["$defs"][DISTRIBUTION] = _distribution_definition()
    _bound_distributions(schema, schema["$defs"])
    body = {key: value for key, value in schema.items() if key not in ("title", "description")}
    schema = {
        "$schema": DRAFT,
        "title": "negsim scenario variant" if variant else "negsim scenario",
        "description": _text(Scenario.__doc__ or "") + " " + SCHEMA_NOTE,
        **body,
    }
    return _as_variant(schema) if variant else schema


SCHEMA_NOTE = (
    "Generated by `negsim schema`; `negsim validate` is the authority (it also checks issue "
    "bounds, references between keys, dates and the merged result of `extends:`)."
)


def schema_text(variant: bool = False) -> str:
    """The schema as ``negsim schema`` prints it and ``scenarios/schema/`` ships it.

    Examples:
        >>> "Infinity" in schema_text() or "NaN" in schema_text(variant=True)
        False
    """
    return json.dumps(scenario_schema(variant), indent=2, allow_nan=False) + "\n"


def _models_under(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every pydantic model reachable from ``root``'s fields, ``root`` first."""
    found: list[type[BaseModel]] = []
    waiting = [root]
    while waiting:
        model = waiting.pop()
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            waiting += _models_in(field.annotation)
    return found


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in typing.get_args(annotation) for model in _models_in(argument)]


def _describe_fields(definition: dict[str, Any], model: type[BaseModel]) -> None:
    """Add what the Python model knows and pydantic leaves out: meanings, ranges, shorthands."""
    meanings = {
        **{field: text for (owner, field), text in MEANINGS.items() if owner == model.__name__},
        **attribute_docstrings(model),
    }
    for name, field in model.model_fields.items():
        schema = definition["properties"][name]
        if field.annotation is Any:  # a key of earlier versions, refused with a hint
            definition["properties"][name] = {"not": {}, "description": meanings.get(name, "")}
            continue
        bounds = _bounds(field.metadata) or _bounds(typing.get_args(field.annotation))
        if bounds is not None:
            for option in schema.get("anyOf", [schema]):
                if option.get("type") == "number":
                    option.update(_limits(bounds))
        key = SHORTHANDS.get((model, name))
        if key is not None:
            short = _bounds(field.annotation.model_fields[key].metadata)
            schema = definition["properties"][name] = {
                "anyOf": [
                    {"type": "number", **(_limits(short) if short else {})},
                    {"$ref": f"#/$defs/{DISTRIBUTION}"},
                    schema,
                ]
            }
        if name in meanings:
            schema["description"] = meanings[name]
        default = schema.get("default")
        if isinstance(default, dict) or (isinstance(default, float) and not math.isfinite(default)):
            del schema["default"]  # a block's defaults are its keys'; unbounded is no default


def _bounds(items: Any) -> Bounds | None:
    """The ``Bounds`` among annotation metadata, looking inside unions and ``Annotated``."""
    for item in items:
        if isinstance(item, Bounds):
            return item
        found = _bounds(getattr(item, "__metadata__", ())) or _bounds(typing.get_args(item))
        if found is not None:
            return found
    return None


def _limits(bounds: Bounds) -> dict[str, float]:
    names = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum"}
    return {
        names[key]: getattr(bounds, key)
        for key in ("gt", "ge", "le")
        if getattr(bounds, key) is not None
    }


def attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of ``model`` (and its bases), as one line of Markdown.

    Examples:
        >>> from sim.scenario.schema import Extension
        >>> attribute_docstrings(Extension)["times"]
        'Most extensions in the chain.'
    """
    meanings: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or cls is BaseModel:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
        except (OSError, TypeError):  # no source (an interactive class): no meanings
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for statement, following in itertools.pairwise(body):
            documented = (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            )
            if documented:
                meanings[statement.target.id] = _text(following.value.value)
    return meanings


def _text(docstring: str) -> str:
    """A docstring as one Markdown paragraph (reST ````code```` as ```code```)."""
    paragraph = " ".join(inspect.cleandoc(docstring).split())
    return re.sub(r"``([^`]+)``", r"`\1`", paragraph)


def _tidy(node: Any) -> Any:
    """Pydantic's output in draft-07 terms, without its noise.

    Titles and discriminator hints go; the distribution union becomes one shared
    definition; ``prefixItems`` (2020-12) becomes ``items``; a dictionary's key pattern becomes
    ``propertyNames`` with no other keys allowed; a ``$ref`` with siblings (ignored by draft-07)
    is wrapped in ``allOf``; descriptions read as Markdown.
    """
    if isinstance(node, list):
        return [_tidy(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("discriminator", {}).get("propertyName") == "dist":
        return {"$ref": f"#/$defs/{DISTRIBUTION}"}
    node = {key: _tidy(value) for key, value in node.items() if key != "discriminator"}
    node.pop("title", None)
    if "prefixItems" in node:
        items = node.pop("prefixItems")
        node["items"] = items[0] if all(item == items[0] for item in items) else {}
    if "patternProperties" in node:
        ((pattern, values),) = node.pop("patternProperties").items()
        node["propertyNames"] = {"pattern": pattern, **node.get("propertyNames", {})}
        node["additionalProperties"] = values
    if "$ref" in node and len(node) > 1:
        node = {"allOf": [{"$ref": node.pop("$ref")}], **node}
    if isinstance(node.get("description"), str):
        node["description"] = _text(node["description"])
    return node


def _distribution_definition() -> dict[str, Any]:
    from sim.params.distributions import DISTRIBUTION_NAMES

    return {
        "description": "A distribution to draw the number from, once per run; `dist` is one "
        "of: " + ", ".join(DISTRIBUTION_NAMES) + ".",
        "oneOf": [{"$ref": f"#/$defs/{name.capitalize()}"} for name in DISTRIBUTION_NAMES],
    }


def _bound_distributions(node: Any, definitions: dict[str, Any]) -> None:
    """Where a number has a range, let only distributions whose every draw is in it stand for it.

    Each range gets its own definition (``Distribution_ge0_le1`` for a probability) that bounds
    the parameters giving a distribution's support: ``low`` and ``high`` (a normal needs them
    for a bounded range; a beta's defaults 0 and 1 must fit or be given), ``values`` of a choice;
    a lognormal, unbounded above, only where the range is.
    """
    if isinstance(node, list):
        for item in node:
            _bound_distributions(item, definitions)
        return
    if not isinstance(node, dict):
        return
    options = node.get("anyOf", [])
    number = next((option for option in options if option.get("type") == "number"), None)
    limits = {key: value for key, value in (number or {}).items() if key != "type"}
    for index, option in enumerate(options):
        if limits and option == {"$ref": f"#/$defs/{DISTRIBUTION}"}:
            name = DISTRIBUTION + "".join(f"_{key}{value:g}" for key, value in limits.items())
            definitions.setdefault(name, _bounded_distribution(limits))
            options[index] = {"$ref": f"#/$defs/{name}"}
    for value in list(node.values()):
        _bound_distributions(value, definitions)


def _bounded_distribution(limits: dict[str, float]) -> dict[str, Any]:
    """The distributions whose support lies within ``limits`` (JSON Schema number keywords)."""
    lower = {key: value for key, value in limits.items() if key != "maximum"}
    upper = {key: value for key, value in limits.items() if key == "maximum"}

    def fits(value: float) -> bool:
        return (
            value >= limits.get("minimum", -math.inf)
            and value > limits.get("exclusiveMinimum", -math.inf)
            and value <= limits.get("maximum", math.inf)
        )

    def bounded(name: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
        extra: dict[str, Any] = {"properties": properties}
        if required:
            extra["required"] = required
        return {"allOf": [{"$ref": f"#/$defs/{name}"}, extra]}

    ends = {"low": lower, "high": upper}
    options = [
        bounded("Uniform", ends, []),
        bounded("Normal", ends, [end for end, bound in ends.items() if bound]),
        bounded("Beta", ends, [end for end, value in (("low", 0), ("high", 1)) if not fits(value)]),
        bounded("Triangular", ends, []),
        bounded("Choice", {"values": {"items": limits}}, []),
    ]
    if not upper and fits(0.0):
        options.insert(4, {"$ref": "#/$defs/Lognormal"})
    words = ", ".join(f"{key} {value:g}" for key, value in limits.items())
    return {
        "description": f"A distribution whose every draw lies in the range ({words}).",
        "oneOf": options,
    }


def _as_variant(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a file that ``extends:`` another: nothing required but ``extends``.

    A partial block merges into the one it extends, so no block of a variant is complete on its
    own: every ``required`` and ``minProperties`` goes, and a choice between kinds (``oneOf``)
    becomes ``anyOf``, since a partial block may fit several.
    """

    def loosen(node: Any) -> Any:
        if isinstance(node, list):
            return [loosen(item) for item in node]
        if not isinstance(node, dict):
            return node
        return {
            ("anyOf" if key == "oneOf" else key): loosen(value)
            for key, value in node.items()
            if key not in ("required", "minProperties")
        }

    variant = loosen(schema)
    extends = {
        "type": "string",
        "description": "The scenario file this one changes, as a path relative to this file; "
        "mappings merge key by key, anything else is replaced.",
    }
    variant["properties"] = {"extends": extends, **variant["properties"]}
    variant["required"] = ["extends"]
    return variant
