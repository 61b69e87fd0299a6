"""The JSON Schema of scenario files: shipped as generated, valid, and agreeing with the loader.

The loader stays the authority: the schema must accept every shipped scenario and reject the part
of the bad-scenario corpus it can judge (wrong types, unknown keys, ranges of numbers and of
distributions' draws).
"""

import datetime as dt
import functools
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from sim.cli.commands import main
from sim.scenario.json_schema import scenario_schema, schema_text
from tests.conftest import SCENARIOS

SCHEMAS = SCENARIOS / "schema"
SHIPPED = sorted(path for path in SCENARIOS.rglob("*.yaml") if "observed" not in path.parts)
CORPUS = Path(__file__).parent / "bad_scenarios"
REJECTED = [
    "acceptance_name_mapping",
    "beta_a_zero",
    "billion_laughs",
    "boolean_number",
    "choice_empty",
    "extends_not_a_string",
    "infinite_number",
    "integer_beyond_float",
    "lognormal_for_probability",
    "missing_calendar",
    "name_with_spaces",
    "normal_negative_sd",
    "normal_sigma",
    "obstinate_probability_above_one",
    "one_negotiator",
    "probability_above_one",
    "probability_distribution_above_one",
    "rate_per_meeting",
    "runs_absurd",
    "runs_zero",
    "seed_negative",
    "strategy_name_list",
    "strategy_renamed",
    "uniform_min_max",
    "unknown_acceptance",
    "unknown_distribution",
    "unknown_nested_key",
    "unknown_offer_rule",
    "unknown_strategy",
    "unknown_top_key",
    "weight_negative",
    "weight_string",
]
"""Bad scenarios the schema refuses; the rest of the corpus needs the loader (see the docs)."""


def json_data(path: Path) -> dict:
    """A YAML file as an editor's schema check sees it: dates are strings."""

    def plain(value):
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value.isoformat() if isinstance(value, dt.date) else value

    return plain(yaml.safe_load(path.read_text()))


@functools.cache
def schema_validator(variant: bool) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(scenario_schema(variant))


def validator(data: dict) -> jsonschema.Draft7Validator:
    return schema_validator("extends" in data)


@pytest.mark.parametrize("variant", [False, True], ids=["scenario", "variant"])
def test_shipped_schema_is_what_negsim_schema_prints(variant, capsys):
    assert main(["schema", "--variant"] if variant else ["schema"]) == 0
    printed = capsys.readouterr().out
    assert printed == schema_text(variant)
    name = "variant.schema.json" if variant else "scenario.schema.json"
    assert (SCHEMAS / name).read_text() == printed, "regenerate with: negsim schema > ..."
    jsonschema.Draft7Validator.check_schema(scenario_schema(variant))
    assert not re.search(r"\b(Infinity|NaN)\b", printed)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_shipped_scenario_names_and_passes_its_schema(path):
    data = json_data(path)
    kind = "variant" if "extends" in data else "scenario"
    first = path.read_text().split("\n", 1)[0]
    up = "../" * (len(path.relative_to(SCENARIOS).parts) - 1)
    assert first == f"# yaml-language-server: $schema={up}schema/{kind}.schema.json"
    errors = [f"{error.json_path}: {error.message}" for error in validator(data).iter_errors(data)]
    assert not errors, errors


@pytest.mark.parametrize("name", REJECTED)
def test_schema_rejects_bad_scenario(name):
    data = json_data(CORPUS / f"{name}.yaml")
    assert not validator(data).is_valid(data)


def test_variant_schema_takes_partial_blocks():
    data = {"extends": "korea_us_2025.yaml", "negotiators": {"us": {"strategy": {"beta": 0.5}}}}
    assert schema_validator(True).is_valid(data)
    assert not schema_validator(False).is_valid(data)


def test_every_key_says_what_it_means():
    """An editor shows a key's description on hover; the key reference prints it."""
    schema = scenario_schema()

    def described(field: dict) -> bool:
        target = field.get("$ref", "").rsplit("/", 1)[-1]
        return bool(field.get("description") or schema["$defs"].get(target, {}).get("description"))

    missing = [
        f"{name}.{key}"
        for name, definition in [("Scenario", schema), *schema["$defs"].items()]
        for key, field in definition.get("properties", {}).items()
        if key not in ("dist", "name", "kind") and not described(field)
    ]
    assert not missing, missing


def test_a_distribution_must_draw_within_its_parameters_range():
    full = schema_validator(False)
    data = json_data(SCENARIOS / "korea_us_2025.yaml")
    extension = data["calendar"]["extension"]
    for probability, valid in [
        ({"dist": "uniform", "low": 0.2, "high": 0.9}, True),
        ({"dist": "uniform", "low": 0.2, "high": 1.5}, False),
        ({"dist": "beta", "a": 2, "b": 3}, True),
        ({"dist": "beta", "a": 2, "b": 3, "high": 2}, False),
        ({"dist": "normal", "mean": 0.5, "sd": 0.1}, False),
        ({"dist": "normal", "mean": 0.5, "sd": 0.1, "low": 0, "high": 1}, True),
        ({"dist": "lognormal", "mu": 0, "sigma": 1}, False),
        ({"dist": "choice", "values": [0.1, 0.4]}, True),
        ({"dist": "choice", "values": [0.1, 4]}, False),
    ]:
        extension["probability"] = probability
        assert full.is_valid(data) == valid, probability
