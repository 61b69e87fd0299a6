"""Small scenarios for tests, written as YAML files the way users write them."""

import copy
from pathlib import Path

import yaml

TWO_PARTY = {
    "name": "toy",
    "runs": 10,
    "seed": 1,
    "calendar": {"start": "2025-01-01", "deadline": "2025-01-22", "meeting_interval_days": 7},
    "protocol": {"first_proposer": "a"},
    "issues": {"price": {"label": "Price", "unit": "USD", "bounds": [0, 100], "no_deal": 50}},
    "negotiators": {
        "a": {
            "label": "A",
            "strategy": {"name": "time_dependent", "beta": 1.0},
            "preferences": {"price": {"ideal": 100, "weight": 1}},
        },
        "b": {
            "label": "B",
            "strategy": {"name": "time_dependent", "beta": 1.0},
            "preferences": {"price": {"ideal": 0, "weight": 1}},
        },
    },
}


def toy(**changes) -> dict:
    """A copy of the one-issue toy scenario with dotted-path changes (``{"a.b": 1}``)."""
    data = copy.deepcopy(TWO_PARTY)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data


def write(directory: Path, data: dict, name: str = "scenario.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
