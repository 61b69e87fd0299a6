"""The pieces of rejection ABC: the distance on a hand-made table, the tolerance and kernel
weights, weighted statistics, and distributions fitted by moments that the loader accepts."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.calibration import (
    Target,
    acceptance,
    calibrate_table,
    distance_components,
    distances,
    target_of,
)
from sim.analysis.posterior import (
    beta_by_moments,
    effective_sample_size,
    fit_distribution,
    fitted_density,
    weighted_quantiles,
)
from sim.params.numbers import _parse
from sim.scenario.loading import load_scenario
from sim.scenario.observed import load_observed
from sim.scenario.schema import uncertain_parameters
from tests.conftest import SCENARIOS

JAPAN = SCENARIOS / "cases" / "japan_us_2025.yaml"


@pytest.fixture(scope="module")
def japan():
    return load_scenario(JAPAN).scenario


def four_runs() -> pd.DataFrame:
    """A deal as observed; a deal 40 days late with a tariff 7 points off; a breakdown; an
    extended deal at the observed terms."""
    dates = pd.to_datetime(["2025-07-22", "2025-08-31", None, "2025-07-22"])
    return pd.DataFrame(
        {
            "ended_by": ["agreement", "agreement", "breakdown", "agreement"],
            "agreed": [True, True, False, True],
            "agreement_date": dates,
            "extensions": [1, 1, 0, 2],
            "deadline_in_force": pd.to_datetime(["2025-08-01"] * 2 + ["2025-07-08"] * 2),
            "issue.tariff": [15.0, 22.0, 24.0, 15.0],
            "issue.car_tariff": [15.0, 15.0, 27.5, 15.0],
            "issue.investment": [550.0, 550.0, 0.0, 650.0],
        }
    )


def test_each_component_is_the_scaled_gap_from_what_happened(japan):
    observed = target_of(load_observed(SCENARIOS / "observed" / "japan_us_2025.yaml").observed)
    components = distance_components(four_runs(), japan, observed)
    span = (japan.calendar.deadline - japan.calendar.start).days + 2 * 90  # 21 + 180 days
    assert components["ending"].tolist() == [0, 0, 1, 0]
    assert components["date"].tolist() == [0, 40 / span, 1, 0]
    assert components["extensions"].tolist() == [0, 0, 0.5, 0.5]  # two extensions at most
    assert components["deadline"].tolist() == [0, 0, 24 / span, 24 / span]
    assert components["issue.tariff"].tolist() == [0, 7 / 14, 9 / 14, 0]
    assert components["issue.investment"].tolist() == [0, 0, 0.55, 0.1]
    distance = distances(components)
    assert distance[0] == 0 and np.argsort(distance).tolist() == [0, 3, 1, 2]


def test_an_interval_and_an_issue_not_settled_are_matched_as_the_backtest_matches_them(japan):
    table = four_runs()
    target = Target(
        "agreement",
        dt.date(2025, 7, 22),
        1,
        dt.date(2025, 8, 1),
        {"tariff": (14.0, 16.0), "car_tariff": None, "investment": (500.0, 600.0)},
    )
    components = distance_components(table, japan, target)
    assert components["issue.tariff"].tolist() == [0, 6 / 14, 8 / 14, 0]
    assert components["issue.car_tariff"].tolist() == [12.5 / 25, 12.5 / 25, 0, 12.5 / 25]
    assert components["issue.investment"].tolist() == [0, 0, 0.5, 0.05]


def test_weights_of_the_components_change_the_distance():
    components = {"ending": np.array([1.0]), "issue.x": np.array([0.0])}
    assert distances(components)[0] == pytest.approx(np.sqrt(0.5))
    assert distances(components, {"issues": 3.0})[0] == pytest.approx(0.5)


def test_the_tolerance_is_the_accepted_quantile_and_nearer_runs_weigh_more():
    distance = np.linspace(0, 1, 101)
    tolerance, weights = acceptance(distance, 0.1)
    assert tolerance == pytest.approx(0.1)
    assert (weights > 0).sum() == 10 and weights[0] == 1 and np.all(np.diff(weights[:11]) < 0)
    tolerance, weights = acceptance(np.array([0.0, 0.0, 1.0, 1.0]), 0.25)
    assert tolerance == 0 and weights.tolist() == [1, 1, 0, 0]
    tolerance, weights = acceptance(np.array([1.0, 1.0, 1.0]), 0.5)  # all at the tolerance
    assert weights.tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="above 0 and at most 1"):
        acceptance(distance, 0)


def test_weighted_statistics():
    assert effective_sample_size(np.ones(10)) == 10
    assert effective_sample_size([1, 1, 0, 0]) == 2
    rng = np.random.default_rng(1)
    draws = rng.normal(size=200_000)
    low, high = weighted_quantiles(draws, np.ones_like(draws), [0.05, 0.95])
    assert low == pytest.approx(-1.645, abs=0.02) and high == pytest.approx(1.645, abs=0.02)
    # doubling the weight of every positive draw moves the median to Phi^-1(0.625)
    weights = np.where(draws > 0, 2.0, 1.0)
    assert weighted_quantiles(draws, weights, [0.5])[0] == pytest.approx(
        stats.norm.ppf(0.625),
        abs=0.01,  # 1/3 + (2/3) 2 (Phi(x) - 1/2) = 1/2
    )


@pytest.mark.parametrize(
    ("prior", "draw"),
    [
        ({"dist": "uniform", "low": 2, "high": 6}, lambda rng, n: 2 + 4 * rng.beta(3, 5, n)),
        ({"dist": "triangular", "low": 0, "mode": 1, "high": 4}, lambda r, n: 4 * r.beta(3, 5, n)),
        ({"dist": "beta", "a": 1, "b": 1}, lambda rng, n: rng.beta(3, 5, n)),
    ],
)
def test_a_bounded_prior_gives_a_beta_on_its_support_with_the_draws_moments(prior, draw):
    rng = np.random.default_rng(3)
    parsed = _parse(prior)
    low, high = parsed.support()
    values = draw(rng, 100_000)
    fitted = fit_distribution(parsed, values, np.ones_like(values))
    assert fitted["dist"] == "beta" and (fitted["low"], fitted["high"]) == (low, high)
    assert fitted["a"] == pytest.approx(3, rel=0.05) and fitted["b"] == pytest.approx(5, rel=0.05)
    assert _parse(fitted).support() == (low, high)


def test_normal_lognormal_and_choice_priors_keep_their_family():
    rng = np.random.default_rng(4)
    normal = _parse({"dist": "normal", "mean": 0, "sd": 5, "low": -10, "high": 10})
    values = rng.normal(1, 0.5, 50_000)
    fitted = fit_distribution(normal, values, np.ones_like(values))
    assert fitted["dist"] == "normal" and (fitted["low"], fitted["high"]) == (-10, 10)
    assert fitted["mean"] == pytest.approx(1, abs=0.01) and fitted["sd"] == pytest.approx(0.5, 0.02)
    lognormal = _parse({"dist": "lognormal", "mu": 0, "sigma": 1})
    values = rng.lognormal(0.5, 0.2, 50_000)
    fitted = fit_distribution(lognormal, values, np.ones_like(values))
    assert fitted["mu"] == pytest.approx(0.5, abs=0.01)
    assert fitted["sigma"] == pytest.approx(0.2, rel=0.02)
    choice = _parse({"dist": "choice", "values": [21, 30, 60]})
    fitted = fit_distribution(choice, np.array([21.0, 30.0, 30.0]), np.array([1.0, 1.0, 2.0]))
    assert fitted == {"dist": "choice", "values": [21, 30, 60], "weights": [0.25, 0.75, 0.0]}
    assert _parse(fitted).support() == (21, 60)


def test_extreme_moments_give_a_beta_that_is_defined():
    assert beta_by_moments(0.5, 0.3) == (0.5, 0.5)  # beyond a beta's largest variance: c = 1
    a, b = beta_by_moments(0.2, 0.0)  # one value: the narrowest beta allowed
    assert a / (a + b) == pytest.approx(0.2) and max(a, b) <= 1e4
    x, density = fitted_density({"dist": "beta", "a": 0.5, "b": 0.5, "low": 0, "high": 1})
    assert np.all(np.isfinite(density)) and len(x) == 200


def test_calibrating_a_batch_gives_every_uncertain_parameter_a_posterior(japan):
    from sim.batch.chunks import run_batch

    table = run_batch(japan, 600, 5)
    observed = target_of(load_observed(SCENARIOS / "observed" / "japan_us_2025.yaml").observed)
    calibration = calibrate_table(table, japan, observed, accept=0.1)
    assert [p.path for p in calibration.parameters] == list(uncertain_parameters(japan))
    assert calibration.accepted == 60 and calibration.acceptance_rate == 0.1
    for parameter in calibration.parameters:
        low, high = parameter.prior.support()
        assert low <= parameter.interval[0] <= parameter.mean <= parameter.interval[1] <= high
        assert _parse(parameter.fitted).support() == (low, high)
