"""Comparing result folders of ``negsim run``: charts side by side and a table of differences.

Every scenario keeps one colour in all charts. The differences table sets each folder against the
first (the reference): the deal probability, the median of each issue among deals and the mean
utility of each party, each with a percentile-bootstrap 95% interval and a two-sample test.

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

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.summary import proportion_interval
from sim.batch.storage import check_destination, provenance, staged_folder, write_json, write_text
from sim.charts.figures import figure_and_axes, save_figures
from sim.errors import UsageError
from sim.report.html import write_report
from sim.report.tables import display_table, markdown_table, number, p_text

RESULT_FILES = ("runs.parquet", "summary.json", "manifest.json")
DEFAULT_RESULTS = Path("results")
MAX_ROWS = 10_000
"""Runs per side used for the issue and utility statistics (a fixed-seed subsample if more)."""
RESAMPLES = 1_000
"""Bootstrap resamples per interval."""
SAMPLE_SEED = 0
LEVEL = 0.95
ALPHA = 0.05
SCATTER_POINTS = 3_000
"""Points per scenario in the utility scatter."""
CHARTS = {
    "issue_distributions.png": "Distribution of each issue's agreed value among deals "
    "(share of each scenario's deals per bin).",
    "deal_probability.png": "Deal probability with Wilson 95% intervals.",
    "time_to_deal.png": "Share of deals reached at least so many days before the original "
    "deadline (ECDF among deals; negative days: during an extension).",
    "utilities.png": "Both sides' utilities per run, with each scenario's mean no-deal point.",
}
_RUN_COLUMNS = re.compile(r"^(agreed|days_before_deadline|(issue|utility|reservation)\..+)$")


@dataclass
class ResultSet:
    """A result folder of ``negsim run``, read for comparison.

    Attributes:
        label: Name shown in charts and tables (the scenario name, made unique).
        directory: The folder.
        table: The columns of ``runs.parquet`` needed here, every run.
        sample: At most ``MAX_ROWS`` runs of ``table`` (all when it has fewer).
        summary: ``summary.json``.
        manifest: ``manifest.json``.
        issues: Per issue key: ``label``, ``unit`` and ``bounds``.
        parties: Per negotiator key: its label.
    """

    label: str
    directory: Path
    table: pd.DataFrame
    sample: pd.DataFrame
    summary: dict[str, Any]
    manifest: dict[str, Any]
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    parties: dict[str, str] = field(default_factory=dict)


@dataclass
class Comparison:
    """What ``compare`` produced.

    Attributes:
        directory: The folder written.
        deal_probability: Deal probability per scenario with Wilson intervals.
        differences: One row per measure and scenario, against the reference.
        text: A short account for the terminal.
    """

    directory: Path
    deal_probability: pd.DataFrame
    differences: pd.DataFrame
    text: str


# Reading ------------------------------------------------------------------------------------


def check_result_folder(directory: Path) -> None:
    """Refuse a folder that is not a complete result folder of ``negsim run``.

    Raises:
        UsageError: It does not exist or lacks one of ``RESULT_FILES``.
    """
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a folder (expected a result folder of negsim run)")
    missing = [name for name in RESULT_FILES if not (directory / name).is_file()]
    if missing:
        raise UsageError(
            f"{directory} is not a result folder of negsim run: it has no {', '.join(missing)}"
        )


def load_results(
    directories: list[Path], max_rows: int = MAX_ROWS, seed: int = SAMPLE_SEED
) -> list[ResultSet]:
    """Read result folders, with unique labels and a subsample of at most ``max_rows`` runs each.

    Raises:
        UsageError: A folder is not a result folder, or its files cannot be read.
    """
    import pyarrow.parquet as pq

    results = []
    for directory in directories:
        check_result_folder(directory)
        try:
            summary = json.loads((directory / "summary.json").read_text())
            manifest = json.loads((directory / "manifest.json").read_text())
            names = pq.ParquetFile(directory / "runs.parquet").schema_arrow.names
            columns = [name for name in names if _RUN_COLUMNS.match(name)]
            table = pd.read_parquet(directory / "runs.parquet", columns=columns)
        except (OSError, ValueError) as error:
            raise UsageError(f"cannot read the result folder {directory}: {error}") from None
        sample = table.sample(max_rows, random_state=seed) if len(table) > max_rows else table
        scenario = manifest.get("scenario", {})
        issues = {
            name: {
                "label": values.get("label", name),
                "unit": values.get("unit", ""),
                "bounds": scenario.get("issues", {}).get(name, {}).get("bounds"),
            }
            for name, values in summary["issues_among_deals"].items()
        }
        parties = {
            party: scenario.get("negotiators", {}).get(party, {}).get("label", party)
            for party in summary["utilities"]
        }
        results.append(
            ResultSet(
                summary["scenario"], directory, table, sample, summary, manifest, issues, parties
            )
        )
    for result, label in zip(results, unique_labels(results), strict=True):
        result.label = label
    return results


def unique_labels(results: list[ResultSet]) -> list[str]:
    """Scenario names; with the seed, then the folder, added where names repeat."""
    labels = [result.summary["scenario"] for result in results]
    if len(set(labels)) < len(labels):
        labels = [
            f"{label} (seed {r.manifest.get('seed')})"
            for label, r in zip(labels, results, strict=True)
        ]
    if len(set(labels)) < len(labels):
        labels = [f"{label} [{r.directory}]" for label, r in zip(labels, results, strict=True)]
    if len(set(labels)) < len(labels):
        labels = [f"{label} #{index + 1}" for index, label in enumerate(labels)]
    return labels


def scenario_colours(labels: list[str]) -> dict[str, tuple[float, float, float]]:
    """One colour per scenario, the same in every chart."""
    return dict(zip(labels, sns.color_palette("colorblind", len(labels)), strict=True))


def common_issues(results: list[ResultSet]) -> list[str]:
    """Issue keys present in every result set, in the reference's order."""
    return [name for name in results[0].issues if all(name in r.issues for r in results)]


def common_parties(results: list[ResultSet]) -> list[str]:
    """Negotiator keys present in every result set, in the reference's order."""
    return [party for party in results[0].parties if all(party in r.parties for r in results)]


# Tidy tables --------------------------------------------------------------------------------


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


# Charts -------------------------------------------------------------------------------------


def plot_issue_distribution(
    outcomes: pd.DataFrame,
    issue: str,
    info: dict[str, Any],
    colours: dict[str, Any],
    ax: Axes | None = None,
) -> Figure:
    """Overlaid distributions of one issue's agreed value, one outline per scenario."""
    figure, ax = figure_and_axes(ax, (6, 4.2))
    data = outcomes[outcomes["issue"] == issue]
    bounds = info.get("bounds")
    if len(data):
        sns.histplot(
            data=data,
            x="value",
            hue="scenario",
            hue_order=list(colours),
            palette=colours,
            stat="percent",
            common_norm=False,
            element="step",
            fill=True,
            alpha=0.15,
            bins=40,
            binrange=tuple(bounds) if bounds else None,
            ax=ax,
        )
    if bounds:
        ax.set_xlim(*bounds)
    ax.set(xlabel=info.get("unit", ""), ylabel="% of the scenario's deals", title=info["label"])
    return figure


def plot_issue_distributions(
    outcomes: pd.DataFrame, issues: dict[str, dict[str, Any]], colours: dict[str, Any]
) -> Figure:
    """One panel per issue: overlaid distributions of the agreed values among deals."""
    figure = Figure(figsize=(5.5 * len(issues), 4.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(issues)))
    for ax, (issue, info) in zip(axes, issues.items(), strict=True):
        plot_issue_distribution(outcomes, issue, info, colours, ax=ax)
    figure.suptitle("Outcome of each issue among deals")
    return figure


def plot_deal_probabilities(
    table: pd.DataFrame, colours: dict[str, Any], ax: Axes | None = None
) -> Figure:
    """Deal probability per scenario, with Wilson 95% intervals."""
    figure, ax = figure_and_axes(ax, (1.8 + 1.4 * len(table), 4.5))
    percent = 100 * table[["deal_probability", "low", "high"]]
    positions = np.arange(len(table))
    ax.bar(
        positions,
        percent["deal_probability"],
        color=[colours[label] for label in table["scenario"]],
        yerr=[
            percent["deal_probability"] - percent["low"],
            percent["high"] - percent["deal_probability"],
        ],
        capsize=6,
    )
    for x, share in zip(positions, percent["deal_probability"], strict=True):
        ax.annotate(
            f"{share:.1f}%", (x, share), xytext=(0, 8), textcoords="offset points", ha="center"
        )
    ax.set_xticks(positions, table["scenario"], rotation=15 if len(table) > 2 else 0)
    ax.set(
        ylim=(0, 108), ylabel="% of runs ending in a deal (95% interval)", title="Deal probability"
    )
    return figure


def plot_time_to_deal(
    table: pd.DataFrame, colours: dict[str, Any], ax: Axes | None = None
) -> Figure:
    """ECDF of the days before the deadline at which deals were reached, deadline marked."""
    figure, ax = figure_and_axes(ax, (7.5, 4.5))
    for label, rows in table.groupby("scenario", sort=False):
        ax.step(
            rows["days_before_deadline"],
            100 * rows["share"],
            where="post",
            color=colours[label],
            label=label,
            linewidth=2,
        )
    ax.axvline(0, color="black", linestyle="--", label="original deadline")
    ax.invert_xaxis()
    ax.set(
        ylim=(0, 102),
        xlabel="days before the original deadline (negative: during an extension)",
        ylabel="% of deals reached this early or earlier",
        title="Time to deal",
    )
    ax.legend(loc="upper left", fontsize="small")
    return figure


def plot_utilities(
    table: pd.DataFrame, parties: dict[str, str], colours: dict[str, Any], ax: Axes | None = None
) -> Figure:
    """Both sides' utilities per run, one colour per scenario, with mean no-deal points."""
    figure, ax = figure_and_axes(ax, (6.5, 6))
    first, second = list(parties)[:2]
    runs = table[table["kind"] == "run"]
    sns.scatterplot(
        data=runs,
        x=f"utility.{first}",
        y=f"utility.{second}",
        hue="scenario",
        hue_order=list(colours),
        palette=colours,
        s=7,
        alpha=0.35,
        linewidth=0,
        ax=ax,
    )
    for _, mark in table[table["kind"] != "run"].iterrows():
        ax.scatter(
            mark[f"utility.{first}"],
            mark[f"utility.{second}"],
            marker="X",
            s=170,
            color=colours[mark["scenario"]],
            edgecolor="black",
            zorder=3,
        )
    ax.set(
        xlim=(0, 1),
        ylim=(0, 1),
        xlabel=f"{parties[first]} utility (0-1)",
        ylabel=f"{parties[second]} utility (0-1)",
        title="Utilities per run (X: mean no-deal point)",
    )
    ax.legend(loc="lower left", fontsize="small", markerscale=2)
    return figure


def all_charts(results: list[ResultSet]) -> dict[str, Figure]:
    """The comparison charts, by file name."""
    colours = scenario_colours([r.label for r in results])
    issues = {name: results[0].issues[name] for name in common_issues(results)}
    parties = {party: results[0].parties[party] for party in common_parties(results)}
    charts = {
        "issue_distributions.png": plot_issue_distributions(
            outcomes_table(results), issues, colours
        ),
        "deal_probability.png": plot_deal_probabilities(deal_probability_table(results), colours),
        "time_to_deal.png": plot_time_to_deal(time_to_deal_table(results), colours),
    }
    if len(parties) >= 2:
        charts["utilities.png"] = plot_utilities(utilities_table(results), parties, colours)
    return charts


# Differences --------------------------------------------------------------------------------


def holm(p_values: list[float] | np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of p-values (missing values stay missing).

    Examples:
        >>> holm([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
        [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, dtype=float)
    adjusted = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid], kind="stable")]
    count = len(order)
    scaled = p[order] * (count - np.arange(count))
    adjusted[order] = np.minimum(1.0, np.maximum.accumulate(scaled))
    return adjusted


def proportion_test(
    deals_reference: int, runs_reference: int, deals: int, runs: int
) -> tuple[str, float]:
    """Two-sided test of equal deal probabilities: chi-square, or Fisher's exact test if sparse.

    Examples:
        >>> name, p = proportion_test(50, 100, 50, 100)
        >>> name, round(p, 3)
        ('chi-square', 1.0)
    """
    from scipy import stats

    table = np.array([[deals_reference, runs_reference - deals_reference], [deals, runs - deals]])
    if stats.contingency.expected_freq(table).min() < 5:
        return "Fisher exact", float(stats.fisher_exact(table).pvalue)
    return "chi-square", float(stats.chi2_contingency(table).pvalue)


def _percentile_interval(draws: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    low, high = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def bootstrap_difference(
    reference: np.ndarray,
    other: np.ndarray,
    statistic,
    resamples: int = RESAMPLES,
    rng: np.random.Generator | None = None,
) -> tuple[float, float]:
    """Percentile-bootstrap interval of ``statistic(other) - statistic(reference)``.

    Args:
        reference: Values of the reference scenario.
        other: Values of the other scenario.
        statistic: A numpy reduction taking ``axis`` (``np.median``, ``np.mean``).
        resamples: Bootstrap resamples.
        rng: Random generator of the resampling.

    Returns:
        The interval at ``LEVEL``; NaNs when either side has fewer than two values.
    """
    from scipy import stats

    if len(reference) < 2 or len(other) < 2:
        return (math.nan, math.nan)

    def difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
        return statistic(y, axis=axis) - statistic(x, axis=axis)

    result = stats.bootstrap(
        (reference, other),
        difference,
        n_resamples=resamples,
        batch=max(1, 2_000_000 // max(len(reference), len(other))),
        vectorized=True,
        method="percentile",
        confidence_level=LEVEL,
        rng=rng,
    )
    interval = result.confidence_interval
    return (float(interval.low), float(interval.high))


def _p_value(p: float, equal: bool) -> float:
    """A test's p-value; 1 when the test is undefined because both samples are one same value."""
    return 1.0 if math.isnan(p) and equal else p


def _deal_row(reference: ResultSet, other: ResultSet, resamples: int, rng) -> dict[str, Any]:
    runs_r, deals_r = len(reference.table), int(reference.table["agreed"].sum())
    runs_o, deals_o = len(other.table), int(other.table["agreed"].sum())
    p_r, p_o = deals_r / runs_r, deals_o / runs_o
    draws = (
        rng.binomial(runs_o, p_o, resamples) / runs_o
        - rng.binomial(runs_r, p_r, resamples) / runs_r
    )
    low, high = _percentile_interval(100 * draws)
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
        p = _p_value(float(stats.mannwhitneyu(x, y).pvalue), median_x == median_y)
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
    p = _p_value(float(stats.ttest_ind(x, y, equal_var=False).pvalue), mean_x == mean_y)
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
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
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


def _difference_text(row: pd.Series) -> str:
    unit = " points" if row["measure"] == "deal probability" else ""
    return f"{row['difference']:+.3g}{unit}"


def display_differences(differences: pd.DataFrame) -> pd.DataFrame:
    """The differences table as display strings (for Markdown and the report)."""
    rows = []
    for _, row in differences.iterrows():
        percent = row["measure"] == "deal probability"
        value = (lambda v: f"{v:.1f}%") if percent else number
        rows.append(
            {
                "scenario": row["scenario"],
                "measure": row["measure"] + ("" if percent else f" ({row['unit']})"),
                "reference": value(row["reference_value"]),
                "scenario value": value(row["value"]),
                "difference": _difference_text(row),
                "95% interval": f"{number(row['low'])} to {number(row['high'])}",
                "test": row["test"],
                "p": p_text(row["p_value"]),
                "p (Holm)": p_text(row["p_holm"]),
                "significant": "yes" if row["significant"] else "no",
            }
        )
    return pd.DataFrame(rows)


def display_deal_probability(table: pd.DataFrame) -> pd.DataFrame:
    """The deal probability table as display strings."""
    return pd.DataFrame(
        {
            "scenario": table["scenario"],
            "runs": table["runs"].map("{:,}".format),
            "deals": table["deals"].map("{:,}".format),
            "deal probability": table["deal_probability"].map("{:.1%}".format),
            "95% interval (Wilson)": [
                f"{low:.1%} to {high:.1%}"
                for low, high in zip(table["low"], table["high"], strict=True)
            ],
        }
    )


def comparison_notes(results: list[ResultSet], resamples: int, seed: int) -> list[str]:
    """How the statistics were computed, including any subsampling."""
    notes = [
        f"Differences are scenario minus reference ({results[0].label}); intervals are "
        f"percentile-bootstrap {LEVEL:.0%} intervals with {resamples:,} resamples.",
        "Deal probability: every run; test: chi-square on the 2x2 table of deals "
        "(Fisher's exact test when an expected count is below 5).",
        "Issues: median among deals, test Mann-Whitney U; utilities: mean over all runs, "
        "test Welch's t. 'significant': Holm-adjusted p below 5% over the measures of one "
        "scenario.",
    ]
    for result in results:
        if len(result.sample) < len(result.table):
            notes.append(
                f"{result.label}: issue and utility statistics use a random subsample of "
                f"{len(result.sample):,} of its {len(result.table):,} runs (seed {seed})."
            )
    return notes


def describe_comparison(deal: pd.DataFrame, differences: pd.DataFrame) -> str:
    """A short account of a comparison for the terminal."""
    reference = deal.iloc[0]
    lines = [
        f"Reference: {reference['scenario']}, deal probability "
        f"{reference['deal_probability']:.1%} ({reference['runs']:,} runs)."
    ]
    for scenario, rows in differences.groupby("scenario", sort=False):
        significant = int(rows["significant"].sum())
        lines.append(
            f"{scenario}: {significant} of {len(rows)} measures differ significantly "
            "(Holm-adjusted p < 0.05):"
        )
        for _, row in rows.iterrows():
            mark = "*" if row["significant"] else " "
            lines.append(
                f"  {mark} {row['measure']}: {_difference_text(row)} "
                f"[{number(row['low'])}, {number(row['high'])}], p {p_text(row['p_value'])}"
            )
    return "\n".join(lines)


def comparison_markdown(
    results: list[ResultSet],
    deal: pd.DataFrame,
    differences: pd.DataFrame,
    notes: list[str],
    charts: list[str],
) -> str:
    """The contents of ``comparison.md``."""
    inputs = pd.DataFrame(
        {
            "scenario": [r.label for r in results],
            "folder": [str(r.directory) for r in results],
            "runs": [f"{len(r.table):,}" for r in results],
            "seed": [str(r.manifest.get("seed", "-")) for r in results],
        }
    )
    parts = [
        f"# Comparison: {' vs '.join(r.label for r in results)}",
        "## Result folders",
        markdown_table(inputs),
        "## Deal probability",
        markdown_table(display_deal_probability(deal)),
        f"## Differences from {results[0].label}",
        markdown_table(display_differences(differences)),
        "\n".join(f"- {note}" for note in notes),
        "## Charts",
        "\n\n".join(f"![{CHARTS.get(name, name)}]({name})" for name in charts),
    ]
    return "\n\n".join(parts) + "\n"


# The command --------------------------------------------------------------------------------


def default_folder(directories: list[Path]) -> Path:
    """``results/compare-<a>-vs-<b>...`` from the names of the compared folders."""
    names = [d.name or d.resolve().name for d in directories]
    return DEFAULT_RESULTS / ("compare-" + "-vs-".join(names))


def _input_record(result: ResultSet) -> dict[str, Any]:
    manifest = result.manifest
    return {
        "label": result.label,
        "directory": str(result.directory),
        "scenario_name": result.summary["scenario"],
        "runs": len(result.table),
        "seed": manifest.get("seed"),
        "scenario_sha256": manifest.get("scenario_sha256"),
        "negsim_version": manifest.get("negsim_version"),
        "created": manifest.get("created"),
        "scenario": manifest.get("scenario", {}),
    }


def compare(
    directories: list[str | Path],
    out: str | Path | None = None,
    *,
    force: bool = False,
    report: bool = True,
    resamples: int = RESAMPLES,
    max_rows: int = MAX_ROWS,
    seed: int = SAMPLE_SEED,
) -> Comparison:
    """Compare result folders of ``negsim run`` and write charts, tables and a report.

    The folder (by default ``results/compare-<a>-vs-<b>/``) receives ``comparison.md``,
    ``differences.csv``, ``deal_probability.csv``, the charts (``CHARTS``), ``comparison.json``,
    ``manifest.json`` and, unless ``report`` is false, ``report.html``.

    Args:
        directories: Result folders; the first is the reference.
        out: Output folder.
        force: Replace ``out`` if it exists (otherwise refuse).
        report: Also write ``report.html``.
        resamples: Bootstrap resamples per interval (keep at most a few thousand).
        max_rows: Runs per folder used for the issue and utility statistics.
        seed: Seed of the subsampling and of the bootstrap.

    Returns:
        The folder written, the tables and a short text.

    Raises:
        UsageError: Fewer than two folders, a folder that is not a result folder, or an output
            folder that exists (without ``force``), is one of the inputs or cannot be written.
    """
    directories = [Path(d) for d in directories]
    if len(directories) < 2:
        raise UsageError("compare needs at least two result folders")
    for directory in directories:
        check_result_folder(directory)
    out = Path(out) if out is not None else default_folder(directories)
    if any(out.resolve() == directory.resolve() for directory in directories):
        raise UsageError(f"the output folder {out} is one of the compared folders; pick another")
    check_destination(out, force)
    results = load_results(directories, max_rows, seed)
    deal = deal_probability_table(results)
    differences = differences_table(results, resamples, seed)
    text = describe_comparison(deal, differences)
    notes = comparison_notes(results, resamples, seed)
    figures = all_charts(results)
    title = "Comparison: " + " vs ".join(r.label for r in results)
    description = {
        "kind": "comparison",
        "title": title,
        "subtitle": f"Reference: {results[0].label}",
        "text": text,
        "notes": notes,
        "tables": [
            display_table(
                "Deal probability", display_deal_probability(deal), "deal_probability.csv"
            ),
            display_table(
                f"Differences from {results[0].label}",
                display_differences(differences),
                "differences.csv",
            ),
        ],
        "charts": [{"file": name, "caption": CHARTS[name]} for name in figures],
    }
    manifest = {
        "kind": "comparison",
        **provenance(),
        "reference": results[0].label,
        "inputs": [_input_record(result) for result in results],
        "settings": {
            "resamples": resamples,
            "max_rows": max_rows,
            "seed": seed,
            "confidence_level": LEVEL,
            "alpha": ALPHA,
        },
    }
    with staged_folder(out, manifest, force) as folder:
        save_figures(figures, folder)
        deal.to_csv(folder / "deal_probability.csv", index=False)
        differences.to_csv(folder / "differences.csv", index=False)
        write_text(
            folder / "comparison.md",
            comparison_markdown(results, deal, differences, notes, list(figures)),
        )
        write_json(folder / "comparison.json", description)
        if report:
            write_report(folder)
    return Comparison(out, deal, differences, text)
