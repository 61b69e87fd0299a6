"""Time-dependent concession pinned to Faratin, Sierra & Jennings (1998)."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.maths.tactics import exponential_concession, polynomial_concession, target_utility

fractions = st.floats(0, 1)
kappas = st.floats(0, 1)
betas = st.floats(0.05, 20)


@pytest.mark.parametrize(
    ("beta", "expected"),
    [(0.5, 0.325), (1.0, 0.55), (2.0, 0.7364)],
)
def test_polynomial_concession_matches_published_values(beta, expected):
    # kappa = 0.1, t/T = 0.5: alpha = 0.1 + 0.9 * 0.5 ** (1 / beta)
    assert polynomial_concession(0.5, 0.1, beta) == pytest.approx(expected, abs=1e-4)


@given(fractions, kappas, betas)
def test_concession_stays_between_kappa_and_one(t, kappa, beta):
    alpha = float(polynomial_concession(t, kappa, beta))
    assert kappa - 1e-12 <= alpha <= 1 + 1e-12


@given(kappas, betas)
def test_concession_starts_at_kappa_and_ends_at_one(kappa, beta):
    assert polynomial_concession(0.0, kappa, beta) == pytest.approx(kappa)
    assert polynomial_concession(1.0, kappa, beta) == pytest.approx(1.0)


@given(st.lists(fractions, min_size=2, max_size=20), kappas, betas)
def test_concession_never_decreases_over_time(times, kappa, beta):
    alphas = polynomial_concession(np.sort(times), kappa, beta)
    assert np.all(np.diff(alphas) >= -1e-12)


@given(st.floats(0.01, 0.99), kappas)
def test_boulware_concedes_less_than_linear_less_than_conceder(t, kappa):
    boulware, linear, conceder = polynomial_concession(t, kappa, np.array([0.5, 1.0, 2.0]))
    assert boulware <= linear + 1e-12 <= conceder + 2e-12


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_target_never_below_reservation(alpha, best, reservation):
    assert target_utility(alpha, best, reservation) >= reservation


@pytest.mark.parametrize(("beta", "expected"), [(0.5, 0.1963), (2.0, 0.5623)])
def test_exponential_concession_matches_published_values(beta, expected):
    # kappa = 0.1, t/T = 0.5: alpha = exp(0.5 ** beta * ln 0.1)
    assert exponential_concession(0.5, 0.1, beta) == pytest.approx(expected, abs=1e-4)


@given(fractions, st.floats(0.001, 1), betas)
def test_exponential_concession_is_the_published_formula(t, kappa, beta):
    expected = np.exp((1 - t) ** beta * np.log(kappa))
    assert exponential_concession(t, kappa, beta) == pytest.approx(expected, rel=1e-9)


@given(fractions, kappas, betas)
def test_exponential_concession_stays_between_kappa_and_one(t, kappa, beta):
    alpha = float(exponential_concession(t, kappa, beta))
    assert kappa - 1e-12 <= alpha <= 1 + 1e-12


@given(kappas, betas)
def test_exponential_concession_starts_at_kappa_and_ends_at_one(kappa, beta):
    assert exponential_concession(0.0, kappa, beta) == pytest.approx(kappa)
    assert exponential_concession(1.0, kappa, beta) == 1.0


@given(st.lists(fractions, min_size=2, max_size=20), kappas, betas)
def test_exponential_concession_never_decreases_over_time(times, kappa, beta):
    alphas = exponential_concession(np.sort(times), kappa, beta)
    assert np.all(np.diff(alphas) >= -1e-12)


def test_exponential_concession_with_zero_kappa_waits_for_the_deadline():
    times = np.array([0.0, 0.5, 0.999, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alphas = exponential_concession(times, 0.0, np.array([[0.5], [1.0], [2.0]]))
    assert alphas.tolist() == [[0.0, 0.0, 0.0, 1.0]] * 3
