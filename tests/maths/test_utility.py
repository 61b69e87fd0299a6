"""Utilities over packages: scale, worked examples, invariants."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.maths.utility import issue_values, normalise_weights, utility

LOW = np.array([0.0, 1.0, 0.0])
HIGH = np.array([25.0, 10.0, 1.0])


def test_worked_example_korea_no_deal():
    # Korea: ideal (0 %, 1.1 bn, 0.3); weights (0.55, 0.25, 0.2); no deal (25 %, 1.1 bn, 0.4).
    # tariff at its worst bound -> 0; payment at its ideal -> 1; alignment 1 - 0.1 / 0.7.
    value = utility(
        np.array([25.0, 1.1, 0.4]),
        np.array([0.0, 1.1, 0.3]),
        np.array([0.55, 0.25, 0.2]),
        LOW,
        HIGH,
    )
    assert value == pytest.approx(0.25 + 0.2 * (1 - 0.1 / 0.7))


def test_ideal_package_is_worth_one_and_worst_bounds_zero():
    ideal = np.array([0.0, 1.0, 0.0])
    weights = np.array([0.2, 0.3, 0.5])
    assert utility(ideal, ideal, weights, LOW, HIGH) == pytest.approx(1.0)
    assert utility(HIGH, ideal, weights, LOW, HIGH) == pytest.approx(0.0)


unit = st.floats(0, 1)


@given(
    arrays(float, 3, elements=unit),
    arrays(float, 3, elements=unit),
    arrays(float, 3, elements=st.floats(0, 10)),
)
def test_utility_lies_in_unit_interval(position, ideal_position, raw_weights):
    packages = LOW + position * (HIGH - LOW)
    ideal = LOW + ideal_position * (HIGH - LOW)
    weights = normalise_weights(raw_weights)
    values = issue_values(packages, ideal, LOW, HIGH)
    assert np.all((values >= -1e-12) & (values <= 1 + 1e-12))
    assert -1e-12 <= utility(packages, ideal, weights, LOW, HIGH) <= 1 + 1e-12


@given(arrays(float, (4, 3), elements=st.floats(0, 10)))
def test_normalised_weights_sum_to_one(raw):
    assert np.allclose(normalise_weights(raw).sum(axis=1), 1.0)
