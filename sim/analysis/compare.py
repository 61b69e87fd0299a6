"""Comparing result sets: tidy tables of each scenario's outcomes and differences from the first.

The differences table sets each result set against the first (the reference): the deal
probability, the median of each issue among deals and the mean utility of each party, each with a
percentile-bootstrap 95% interval and a two-sample test.

- Deal probability: every run counts. Resampling the runs of a side amounts, for a proportion, to
  drawing its number of deals from a binomial distribution, so the bootstrap is computed that way.
  Test: chi-square on the 2x2 table of deals (Fisher's exact test when an expected count is below
  5).
- Issues (median among deals) and utilities (mean over all runs): ``scipy.stats.bootstrap``
  (percentile method, ``RESAMPLES`` resamples) on at most ``MAX_ROWS`` runs per side, drawn
  without replacement with a fixed seed when a folder holds more. Tests: Mann-Whitney U for the
  issues, Welch's t-test for the mean utilities.

p-values are also given after Holm's adjustment over the measures of one comparison;
"significant" means an adjusted p-value below 5%.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.inference import (
    LEVEL,
    RESAMPLES,
    bootstrap_difference,
    holm,
    p_value,
    percentile_interval,
    proportion_interval,
    proportion_test,
)
from sim.analysis.results import SAMPLE_SEED, ResultSet, common_issues, common_parties
from sim.seeds import generator

ALPHA = 0.05
SCATTER_POINTS = 3_000
"""Points per scenario in the utility scatter."""


def deal_probability_table(results: list[ResultSet]) -> pd.DataFrame:
    """Deal probability per scenario with Wilson 95% intervals, from every run."""
    rows = []
    for result in results:
        runs, deals = len(result.table), int(result.table["agreed"].sum())
        low, high = proportion_interval(deals, runs, LEVEL)
        rows.append(
            {
                "scenario": result.label,
                "runs": runs,
                "deals": deals,
                "deal_probability": deals / runs if runs else math.nan,
                "low": low,
                "high": high,
            }
        )
    return pd.DataFrame(rows)


def outcomes_table(results: list[ResultSet]) -> pd.DataFrame:
    """Agreed values among the deals of each subsample (tidy: scenario, issue, value)."""
    frames = []
    for result in results:
        deals = result.sample[result.sample["agreed"]]
        for issue in common_issues(results):
            frames.append(
                pd.DataFrame(
                    {"scenario": result.label, "issue": issue, "value": deals[f"issue.{issue}"]}
                )
            )
    if not frames:
        return pd.DataFrame({"scenario": [], "issue": [], "value": []})
    return pd.concat(frames, ignore_index=True)


def time_to_deal_table(results: list[ResultSet]) -> pd.DataFrame:
    """ECDF of the time to deal among all deals: the share of deals at least so early.

    Returns:
        Tidy rows (scenario, days_before_deadline, share): ``share`` of the scenario's deals were
        reached ``days_before_deadline`` or more days before the original deadline.
    """
    frames = []
    for result in results:
        days = result.table.loc[result.table["agreed"], "days_before_deadline"]
        counts = days.value_counts().sort_index(ascending=False)
        frames.append(
            pd.DataFrame(
                {
                    "scenario": result.label,
                    "days_before_deadline": counts.index.to_numpy(),
                    "share": counts.cumsum().to_numpy() / max(len(days), 1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def utilities_table(results: list[ResultSet], points: int = SCATTER_POINTS) -> pd.DataFrame:
    """Utilities of the first ``points`` runs of each subsample, and the mean no-deal point.

    Returns:
        Rows (scenario, kind, utility.<a>, utility.<b>) where ``kind`` is ``run`` or
        ``mean no-deal point``.
    """
    parties = common_parties(results)[:2]
    frames = []
    for result in results:
        runs = result.sample[[f"utility.{p}" for p in parties]].head(points)
        frames.append(runs.assign(scenario=result.label, kind="run"))
        reservation = {f"utility.{p}": result.table[f"reservation.{p}"].mean() for p in parties}
        frames.append(
            pd.DataFrame([{**reservation, "scenario": result.label, "kind": "mean no-deal point"}])
        )
    return pd.concat(frames, ignore_index=True)


def _deal_row(reference: ResultSet, other: ResultSet, resamples: int, rng) -> dict[str, Any]:
    runs_r, deals_r = len(reference.table), int(reference.table["agreed"].sum())
    runs_o, deals_o = len(other.table), int(other.table["agreed"].sum())
    p_r, p_o = deals_r / runs_r, deals_o / runs_o
    draws = (
        rng.binomial(runs_o, p_o, resamples) / runs_o
        - rng.binomial(runs_r, p_r, resamples) / runs_r
    )
    low, high = percentile_interval(100 * draws)
    test, p = proportion_test(deals_r, runs_r, deals_o, runs_o)
    return {
        "measure": "deal probability",
        "unit": "%",
        "reference_value": 100 * p_r,
        "value": 100 * p_o,
        "difference": 100 * (p_o - p_r),
        "low": low,
        "high": high,
        "test": test,
        "p_value": p,
        "n_reference": runs_r,
        "n": runs_o,
    }


def _issue_row(
    reference: ResultSet, other: ResultSet, issue: str, resamples: int, rng
) -> dict[str, Any]:
    from scipy import stats

    column = f"issue.{issue}"
    x = reference.sample.loc[reference.sample["agreed"], column].to_numpy(dtype=float)
    y = other.sample.loc[other.sample["agreed"], column].to_numpy(dtype=float)
    enough = len(x) > 0 and len(y) > 0
    median_x = float(np.median(x)) if len(x) else math.nan
    median_y = float(np.median(y)) if len(y) else math.nan
    p = math.nan
    if enough:
        p = p_value(float(stats.mannwhitneyu(x, y).pvalue), median_x == median_y)
    low, high = bootstrap_difference(x, y, np.median, resamples, rng)
    info = reference.issues[issue]
    return {
        "measure": f"median {info['label']} among deals",
        "unit": info["unit"],
        "reference_value": median_x,
        "value": median_y,
        "difference": median_y - median_x,
        "low": low,
        "high": high,
        "test": "Mann-Whitney U",
        "p_value": p,
        "n_reference": len(x),
        "n": len(y),
    }


def _utility_row(
    reference: ResultSet, other: ResultSet, party: str, resamples: int, rng
) -> dict[str, Any]:
    from scipy import stats

    column = f"utility.{party}"
    x = reference.sample[column].to_numpy(dtype=float)
    y = other.sample[column].to_numpy(dtype=float)
    mean_x, mean_y = float(np.mean(x)), float(np.mean(y))
    p = p_value(float(stats.ttest_ind(x, y, equal_var=False).pvalue), mean_x == mean_y)
    low, high = bootstrap_difference(x, y, np.mean, resamples, rng)
    return {
        "measure": f"mean utility of {reference.parties[party]}",
        "unit": "0-1",
        "reference_value": mean_x,
        "value": mean_y,
        "difference": mean_y - mean_x,
        "low": low,
        "high": high,
        "test": "Welch t",
        "p_value": p,
        "n_reference": len(x),
        "n": len(y),
    }


def differences_table(
    results: list[ResultSet], resamples: int = RESAMPLES, seed: int = SAMPLE_SEED
) -> pd.DataFrame:
    """Differences of each result set from the first, with bootstrap intervals and tests.

    Args:
        results: The reference first, then the scenarios compared with it.
        resamples: Bootstrap resamples per interval.
        seed: Seed of the resampling.

    Returns:
        One row per scenario and measure: ``scenario``, ``reference``, ``measure``, ``unit``,
        ``reference_value``, ``value``, ``difference`` (scenario minus reference; percentage
        points for the deal probability), ``low`` and ``high`` (95% interval), ``test``,
        ``p_value``, ``n_reference`` and ``n`` (values used), ``p_holm`` (Holm-adjusted over the
        measures of the scenario) and ``significant`` (``p_holm`` below 5%).
    """
    reference, frames = results[0], []
    for index, other in enumerate(results[1:], start=1):
        rng = generator(seed, index)
        rows = [_deal_row(reference, other, resamples, rng)]
        rows += [_issue_row(reference, other, k, resamples, rng) for k in common_issues(results)]
        rows += [
            _utility_row(reference, other, party, resamples, rng)
            for party in common_parties(results)
        ]
        frame = pd.DataFrame(rows)
        frame.insert(0, "reference", reference.label)
        frame.insert(0, "scenario", other.label)
        frame["p_holm"] = holm(frame["p_value"])
        frame["significant"] = frame["p_holm"] < ALPHA
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
