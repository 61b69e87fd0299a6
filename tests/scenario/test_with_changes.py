"""Scenario.with_changes: a loaded (frozen) scenario varied from Python, validated like YAML."""

import pytest

from sim.errors import UsageError


def test_with_changes_returns_a_validated_copy(baseline):
    changed = baseline.with_changes(
        {"negotiators.us.strategy.beta": {"dist": "uniform", "low": 0.1, "high": 0.3}}
    )
    assert changed.negotiators["us"].strategy.beta.high == 0.3
    assert baseline.negotiators["us"].strategy.beta != changed.negotiators["us"].strategy.beta
    assert changed.issues == baseline.issues


def test_with_changes_refuses_a_wrong_path_or_value(baseline):
    with pytest.raises(UsageError):
        baseline.with_changes({"calendar.no_such_field": 1})
    with pytest.raises(UsageError, match=r"calendar\.extension\.probability"):
        baseline.with_changes({"calendar.extension.probability": 2})
