"""Backtest maths: the scores on cases checked by hand, the events on a tiny runs table."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from sim.analysis import scores
from sim.analysis.backtest import backtest_case, horizon_weeks
from sim.scenario.observed import load_observed
from tests.conftest import SCENARIOS


def test_brier_of_a_probability_against_what_happened():
    assert scores.brier(0.7, True) == pytest.approx(0.09)
    assert scores.brier(0.7, False) == pytest.approx(0.49)
    assert scores.brier(1.0, True) == 0.0


def test_crps_of_an_ensemble_is_the_energy_form():
    ensemble = np.array([1.0, 2.0, 4.0])
    y = 3.0
    by_hand = np.mean(np.abs(ensemble - y)) - 0.5 * np.mean(
        np.abs(ensemble[:, None] - ensemble[None, :])
    )
    assert scores.crps_ensemble(y, ensemble) == pytest.approx(by_hand)  # 4/3 - (12/9) / 2 = 2/3
    assert scores.crps_ensemble(y, ensemble) == pytest.approx(2 / 3)


def test_crps_of_a_point_forecast_is_the_absolute_error():
    assert scores.crps_ensemble(3.0, [5.0, 5.0, 5.0]) == pytest.approx(2.0)


def test_crps_of_the_uniform_reference_is_the_integral_of_the_squared_gap():
    low, high, y = 10.0, 25.0, 15.0
    cdf = stats.uniform(low, high - low).cdf
    by_integral = integrate.quad(lambda x: cdf(x) ** 2, low, y)[0]
    by_integral += integrate.quad(lambda x: (1 - cdf(x)) ** 2, y, high)[0]
    assert scores.crps_uniform(y, low, high) == pytest.approx(by_integral)


def test_log_scores():
    assert scores.categorical_log_score([1, 3], 1, smoothing=0) == pytest.approx(-math.log(0.75))
    assert scores.categorical_log_score([0, 4], 0, smoothing=0) == math.inf
    assert scores.categorical_log_score([0, 4], 0) == pytest.approx(-math.log(0.5 / 5))
    assert scores.uniform_log_score(5) == pytest.approx(math.log(5))


def test_pit_and_skill():
    assert scores.mid_pit(15, [10, 15, 20, 25]) == pytest.approx(0.375)
    assert scores.skill(1.0, 2.0) == 0.5
    assert math.isnan(scores.skill(1.0, 0.0))


def test_a_uniform_sample_has_a_flat_reliability():
    rows = scores.reliability_table([0.1, 0.3, 0.5, 0.7, 0.9], [0, 0, 1, 1, 1], bins=5)
    assert [row["events"] for row in rows] == [1] * 5


def _tiny_table() -> pd.DataFrame:
    """Four runs: the observed path; an early deal; no deal after two extensions; a breakdown."""
    dates = pd.to_datetime
    return pd.DataFrame(
        {
            "ended_by": ["agreement", "agreement", "deadline", "breakdown"],
            "agreed": [True, True, False, False],
            "agreement_date": dates(["2025-07-28", "2025-06-23", None, None]),
            "extended": [True, False, True, False],
            "extensions": [1, 0, 2, 0],
            "deadline_in_force": dates(["2025-07-29", "2025-07-08", "2025-09-06", "2025-07-08"]),
            "days_before_deadline_in_force": [1.0, 15.0, 0.0, 3.0],
            "issue.tariff": [15.0, 20.0, 25.0, 25.0],
            "issue.troop_payment": [1.1, 1.1, 1.1, 1.1],
            "issue.china_alignment": [0.4, 0.7, 0.4, 0.4],
        }
    )


@pytest.fixture
def tiny(baseline):
    observed = load_observed(SCENARIOS / "observed" / "korea_us_2025.yaml").observed
    return backtest_case(_tiny_table(), baseline, observed)


def test_event_probabilities_on_a_tiny_table(tiny):
    by_key = {event.key: event for event in tiny.events}
    assert {key: event.hits for key, event in by_key.items()} == {
        "ending": 2,
        "deal_by_deadline": 1,
        "extended": 2,
        "extensions": 1,
        "deadline_in_force": 1,  # 29 July is within 3 days of 1 August
        "last_week": 1,
        "agreement_date": 1,  # 28 July is within 3 days of 30 July
        "issue.tariff": 1,
        "issue.troop_payment": 2,
        "issue.china_alignment": 1,
    }
    assert not by_key["deal_by_deadline"].happened
    assert by_key["deal_by_deadline"].probability_of_outcome == 0.75
    assert by_key["issue.tariff"].record()["probability_among_deals"] == 0.5
    assert tiny.path.hits == 1 and tiny.path_and_terms.hits == 1
    assert tiny.path.probability == 0.25


def test_scores_on_a_tiny_table(tiny):
    # endings [2, 1, 1, 0, 0], smoothed: (2 + 0.5) / (4 + 5 * 0.5)
    assert tiny.ending_log_score == pytest.approx(-math.log(2.5 / 6.5))
    # 28 July is week 6 from 16 June; 29 weeks and "no deal": (1 + 0.5) / (4 + 30 * 0.5)
    assert tiny.observed_week == 6
    assert tiny.timing_log_score == pytest.approx(-math.log(1.5 / 19))
    assert tiny.timing_reference == pytest.approx(math.log(30))
    (tariff,) = tiny.issues
    assert tariff.crps == pytest.approx(2.5 - 1.25)  # deals [15, 20] at 15
    assert tariff.pit == pytest.approx(0.25)
    assert tariff.crps_reference == pytest.approx(5 / 3)


def test_horizon_covers_the_longest_extension(baseline):
    assert horizon_weeks(baseline) == (202 // 7) + 1
