"""Paired against independent comparisons, on constructed tables where the answer is known."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.analysis.compare import all_issues, differences_table, outcomes_table, shape_table
from sim.analysis.design import comparison_design
from sim.analysis.paired import (
    mcnemar_exact,
    paired_bootstrap_difference,
    paired_proportion_interval,
    signed_rank_test,
)
from sim.analysis.results import ResultSet
from sim.analysis.shape import distribution_shape
from sim.report.compare import describe_comparison

RUNS = 20_000
ISSUES = {"tariff": {"label": "Tariff", "unit": "%", "bounds": [0, 25]}}


def result(label, agreed, tariff, utility, *, seed=1, chunk_runs=25_000, issues=None, extra=None):
    """A ResultSet built from columns, as ``load_results`` would give it."""
    table = pd.DataFrame(
        {
            "run": np.arange(len(agreed)),
            "agreed": agreed,
            "days_before_deadline": np.zeros(len(agreed), dtype=int),
            "issue.tariff": tariff,
            "utility.us": utility,
            "utility.korea": 1 - utility,
            "reservation.us": 0.3,
            "reservation.korea": 0.3,
            **(extra or {}),
        }
    )
    manifest = {"seed": seed, "chunk_runs": chunk_runs, "runs": len(agreed)}
    return ResultSet(
        label,
        Path(label),
        table,
        table,
        {"scenario": label},
        manifest,
        dict(issues or ISSUES),
        {"us": "United States", "korea": "South Korea"},
    )


@pytest.fixture(scope="module")
def common_random_numbers():
    """A variant that loses 15 of 20,000 deals and shares every other draw with its baseline."""
    rng = np.random.default_rng(3)
    agreed = rng.random(RUNS) < 0.96
    lost = np.flatnonzero(agreed)[:15]
    variant = agreed.copy()
    variant[lost] = False
    tariff = rng.uniform(0, 25, RUNS)
    utility = rng.uniform(0, 1, RUNS)
    shifted = utility + np.where(variant, 0.001, 0.0)
    return result("baseline", agreed, tariff, utility), result("variant", variant, tariff, shifted)


def test_a_variant_with_the_same_seed_chunks_and_runs_is_paired(common_random_numbers):
    baseline, variant = common_random_numbers
    assert comparison_design(baseline, variant).paired
    other_seed = result("other", variant.table["agreed"], variant.table["issue.tariff"], 0, seed=2)
    assert not comparison_design(baseline, other_seed).paired
    assert "differ in seed" in comparison_design(baseline, other_seed).reason
    other_chunks = result("other", variant.table["agreed"], 0, 0, chunk_runs=10_000)
    assert "chunk_runs" in comparison_design(baseline, other_chunks).reason


def test_pairing_finds_a_change_that_two_samples_cannot(common_random_numbers):
    baseline, variant = common_random_numbers
    paired = differences_table([baseline, variant], resamples=400).set_index("measure")
    deal = paired.loc["deal probability"]
    assert deal["difference"] == pytest.approx(-100 * 15 / RUNS)
    assert deal["test"] == "McNemar exact" and deal["p_value"] < 0.001
    assert deal["low"] < deal["difference"] < deal["high"] < 0

    unpaired_variant = result(
        "variant", variant.table["agreed"], variant.table["issue.tariff"], 0.5, seed=2
    )
    unpaired = differences_table([baseline, unpaired_variant], resamples=400)
    deal_unpaired = unpaired.set_index("measure").loc["deal probability"]
    assert deal_unpaired["test"] == "chi-square" and deal_unpaired["p_value"] > 0.3
    assert deal_unpaired["low"] < 0 < deal_unpaired["high"]
    assert (deal_unpaired["high"] - deal_unpaired["low"]) > 5 * (deal["high"] - deal["low"])

    utility = paired.loc["mean utility of United States"]
    assert utility["test"] == "Wilcoxon signed-rank" and utility["p_value"] < 1e-6
    assert 0 < utility["low"] <= utility["high"]


def test_an_issue_only_one_scenario_has_is_shown_for_it(common_random_numbers):
    baseline, variant = common_random_numbers
    issues = {**ISSUES, "investment": {"label": "Investment", "unit": "USD bn", "bounds": [0, 600]}}
    pledge = {"issue.investment": np.linspace(0, 600, RUNS)}
    package = result("package", variant.table["agreed"], 10.0, 0.5, issues=issues, extra=pledge)
    results = [baseline, package]
    assert all_issues(results) == ["tariff", "investment"]
    assert set(outcomes_table(results).query("issue == 'investment'")["scenario"]) == {"package"}
    rows = differences_table(results, resamples=100).set_index("measure")
    row = rows.loc["median Investment among deals"]
    assert row["test"] == "not an issue in baseline" and np.isnan(row["p_value"])
    assert row["value"] == pytest.approx(300, abs=1)
    shapes = shape_table(results)
    assert len(shapes) == 3  # tariff twice, investment once


def test_shares_at_the_bounds_and_the_mode_tell_two_peaks_apart():
    values = np.concatenate([np.full(40, 0.37), np.full(61, 1.0)])
    shape = distribution_shape(values, (0, 1))
    assert shape["median"] == 1.0 and shape["share_high"] == pytest.approx(61 / 101)
    assert shape["mode"] == pytest.approx(1.0) and shape["share_low"] == 0
    fewer = distribution_shape(np.concatenate([np.full(61, 0.37), np.full(40, 1.0)]), (0, 1))
    assert fewer["median"] == pytest.approx(0.37) and fewer["share_mode"] == pytest.approx(61 / 101)


def test_the_account_states_the_design_and_the_shape(common_random_numbers):
    baseline, variant = common_random_numbers
    results = [baseline, variant]
    differences = differences_table(results, resamples=100)
    from sim.analysis.compare import deal_probability_table

    text = describe_comparison(deal_probability_table(results), differences, shape_table(results))
    assert "variant (paired: compared run by run)" in text
    assert "Tariff: median" in text and "at the upper bound 25" in text
    assert "20,000 runs, all used" in text


def test_paired_statistics_on_small_known_cases():
    assert mcnemar_exact(15, 0) == pytest.approx(2 * 0.5**15)
    assert mcnemar_exact(5, 5) == 1.0
    same = np.ones(50, dtype=bool)
    assert paired_proportion_interval(same, same) == (0.0, 0.0)
    x = np.array([1.0, np.nan, 3.0, 4.0])
    low, high = paired_bootstrap_difference(x, x + 2, np.nanmean, resamples=50)
    assert low == pytest.approx(2) and high == pytest.approx(2)
    assert np.isnan(signed_rank_test(np.array([np.nan]), np.array([1.0])))
