"""Comparing result sets: tidy tables of each scenario's outcomes and differences from the first.

The differences table sets each result set against the first (the reference): the deal
probability, the median of each issue among deals and the mean utility of each party, each with a
95% interval and a test. Every run of every folder is used.

The design decides the statistics (``sim.analysis.design``):

- **Paired** (same seed, chunk size and number of runs: run i of both shares its random numbers).
  Deal probability: exact McNemar test on the runs where only one side reached a deal, and a
  paired bootstrap of the per-run differences. Issues (median among deals) and utilities (mean
  over all runs): paired bootstrap (the same runs drawn for both sides); Wilcoxon signed-rank test
  of the per-run differences (for an issue, over the runs where both sides reached a deal).
- **Independent** (anything else). Deal probability: chi-square on the 2x2 table of deals
  (Fisher's exact test when an expected count is below 5), bootstrap drawn from binomial
  distributions. Issues: Mann-Whitney U; utilities: Welch's t; percentile bootstrap per side.

An issue that only some scenarios have is shown for those that have it. p-values are also given
after Holm's adjustment over the measures of one comparison; "significant" means an adjusted
p-value below 5%.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.design import Design, comparison_design
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
from sim.analysis.paired import (
    mcnemar_exact,
    paired_bootstrap_difference,
    paired_proportion_interval,
    signed_rank_test,
)
from sim.analysis.results import SAMPLE_SEED, ResultSet, common_parties
from sim.analysis.shape import distribution_shape
from sim.seeds import generator

ALPHA = 0.05
SCATTER_POINTS = 3_000
"""Points per scenario in the utility scatter (the first runs of each)."""


def all_issues(results: list[ResultSet]) -> list[str]:
    """Issue keys of any result set: the reference's first, then others in order of appearance.

    Examples:
        >>> from types import SimpleNamespace as Result
        >>> all_issues([Result(issues={"a": {}, "b": {}}), Result(issues={"b": {}, "c": {}})])
        ['a', 'b', 'c']
    """
    return list(dict.fromkeys(name for result in results for name in result.issues))


def issue_info(results: list[ResultSet], issue: str) -> dict[str, Any]:
    """Label, unit and bounds of an issue, from the first result set that has it."""
    return next(result.issues[issue] for result in results if issue in result.issues)


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
    """Agreed values among the deals of each scenario (tidy: scenario, issue, value)."""
    frames = []
    for result in results:
        deals = result.table[result.table["agreed"]]
        for issue in all_issues(results):
            if issue in result.issues:
                frames.append(
                    pd.DataFrame(
                        {"scenario": result.label, "issue": issue, "value": deals[f"issue.{issue}"]}
                    )
                )
    if not frames:
        return pd.DataFrame({"scenario": [], "issue": [], "value": []})
    return pd.concat(frames, ignore_index=True)


def shape_table(results: list[ResultSet]) -> pd.DataFrame:
    """Per scenario and issue, among deals: quantiles, shares at the bounds and at the mode.

    Returns:
        One row per scenario and issue it has: ``scenario``, ``issue``, ``label``, ``unit`` and
        the entries of ``sim.analysis.shape.distribution_shape``.
    """
    rows = []
    for result in results:
        deals = result.table[result.table["agreed"]]
        for issue, info in result.issues.items():
            values = deals[f"issue.{issue}"].to_numpy(dtype=float)
            rows.append(
                {
                    "scenario": result.label,
                    "issue": issue,
                    "label": info["label"],
                    "unit": info["unit"],
                    **distribution_shape(values, info.get("bounds")),
                }
            )
    return pd.DataFrame(rows)


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
    """Utilities of the first ``points`` runs of each scenario, and the mean no-deal point.

    Returns:
        Rows (scenario, kind, utility.<a>, utility.<b>) where ``kind`` is ``run`` or
        ``mean no-deal point``.
    """
    parties = common_parties(results)[:2]
    frames = []
    for result in results:
        runs = result.table[[f"utility.{p}" for p in parties]].head(points)
        frames.append(runs.assign(scenario=result.label, kind="run"))
        reservation = {f"utility.{p}": result.table[f"reservation.{p}"].mean() for p in parties}
        frames.append(
            pd.DataFrame([{**reservation, "scenario": result.label, "kind": "mean no-deal point"}])
        )
    return pd.concat(frames, ignore_index=True)


def _deal_row(reference: ResultSet, other: ResultSet, design: Design, resamples: int, rng):
    x = reference.table["agreed"].to_numpy(dtype=bool)
    y = other.table["agreed"].to_numpy(dtype=bool)
    runs_r, deals_r, runs_o, deals_o = len(x), int(x.sum()), len(y), int(y.sum())
    p_r, p_o = deals_r / runs_r, deals_o / runs_o
    if design.paired:
        low, high = (100 * v for v in paired_proportion_interval(x, y, resamples, rng))
        test, p = "McNemar exact", mcnemar_exact(int((x & ~y).sum()), int((~x & y).sum()))
    else:
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


def _among_deals(result: ResultSet, issue: str) -> np.ndarray:
    """The issue's value in every run, NaN where the run reached no deal (or lacks the issue)."""
    if issue not in result.issues:
        return np.full(len(result.table), np.nan)
    values = result.table[f"issue.{issue}"].to_numpy(dtype=float)
    return np.where(result.table["agreed"].to_numpy(dtype=bool), values, np.nan)


def _issue_row(reference, other, issue: str, design: Design, resamples: int, rng):
    from scipy import stats

    x_all, y_all = _among_deals(reference, issue), _among_deals(other, issue)
    x, y = x_all[~np.isnan(x_all)], y_all[~np.isnan(y_all)]
    median_x = float(np.median(x)) if len(x) else math.nan
    median_y = float(np.median(y)) if len(y) else math.nan
    info = issue_info([reference, other], issue)
    row = {
        "measure": f"median {info['label']} among deals",
        "unit": info["unit"],
        "reference_value": median_x,
        "value": median_y,
        "difference": median_y - median_x,
        "low": math.nan,
        "high": math.nan,
        "test": "-",
        "p_value": math.nan,
        "n_reference": len(x),
        "n": len(y),
    }
    if issue not in reference.issues or issue not in other.issues:
        missing = reference if issue not in reference.issues else other
        return {**row, "test": f"not an issue in {missing.label}"}
    if design.paired:
        low, high = paired_bootstrap_difference(x_all, y_all, np.nanmedian, resamples, rng)
        p = signed_rank_test(x_all, y_all)
        test = "Wilcoxon signed-rank (runs with two deals)"
    else:
        low, high = bootstrap_difference(x, y, np.median, resamples, rng)
        p = math.nan
        if len(x) and len(y):
            p = p_value(float(stats.mannwhitneyu(x, y).pvalue), median_x == median_y)
        test = "Mann-Whitney U"
    return {**row, "low": low, "high": high, "test": test, "p_value": p}


def _utility_row(reference, other, party: str, design: Design, resamples: int, rng):
    from scipy import stats

    column = f"utility.{party}"
    x = reference.table[column].to_numpy(dtype=float)
    y = other.table[column].to_numpy(dtype=float)
    mean_x, mean_y = float(np.mean(x)), float(np.mean(y))
    if design.paired:
        low, high = paired_bootstrap_difference(x, y, np.nanmean, resamples, rng)
        test, p = "Wilcoxon signed-rank", signed_rank_test(x, y)
    else:
        low, high = bootstrap_difference(x, y, np.mean, resamples, rng)
        p = p_value(float(stats.ttest_ind(x, y, equal_var=False).pvalue), mean_x == mean_y)
        test = "Welch t"
    return {
        "measure": f"mean utility of {reference.parties[party]}",
        "unit": "0-1",
        "reference_value": mean_x,
        "value": mean_y,
        "difference": mean_y - mean_x,
        "low": low,
        "high": high,
        "test": test,
        "p_value": p,
        "n_reference": len(x),
        "n": len(y),
    }


def differences_table(
    results: list[ResultSet], resamples: int = RESAMPLES, seed: int = SAMPLE_SEED
) -> pd.DataFrame:
    """Differences of each result set from the first, with 95% intervals and tests.

    Args:
        results: The reference first, then the scenarios compared with it.
        resamples: Bootstrap resamples per interval.
        seed: Seed of the resampling.

    Returns:
        One row per scenario and measure: ``scenario``, ``reference``, ``design`` (``paired`` or
        ``independent``), ``measure``, ``unit``, ``reference_value``, ``value``, ``difference``
        (scenario minus reference; percentage points for the deal probability), ``low`` and
        ``high`` (95% interval), ``test``, ``p_value``, ``n_reference`` and ``n`` (values used),
        ``p_holm`` (Holm-adjusted over the measures of the scenario) and ``significant``
        (``p_holm`` below 5%).
    """
    reference, frames = results[0], []
    for index, other in enumerate(results[1:], start=1):
        rng = generator(seed, index)
        design = comparison_design(reference, other)
        issues = [k for k in all_issues(results) if k in reference.issues or k in other.issues]
        rows = [_deal_row(reference, other, design, resamples, rng)]
        rows += [_issue_row(reference, other, k, design, resamples, rng) for k in issues]
        rows += [
            _utility_row(reference, other, party, design, resamples, rng)
            for party in common_parties(results)
        ]
        frame = pd.DataFrame(rows)
        frame.insert(0, "design", design.kind)
        frame.insert(0, "reference", reference.label)
        frame.insert(0, "scenario", other.label)
        frame["p_holm"] = holm(frame["p_value"])
        frame["significant"] = frame["p_holm"] < ALPHA
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def designs(results: list[ResultSet]) -> list[Design]:
    """The design of each comparison with the reference, in order."""
    return [comparison_design(results[0], other) for other in results[1:]]
