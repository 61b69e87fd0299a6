"""The text of a comparison: display tables, notes, a terminal account and its Document."""

from __future__ import annotations

import pandas as pd

from sim.analysis.inference import LEVEL
from sim.analysis.results import ResultSet
from sim.report.document import Document, DocumentTable
from sim.report.tables import number, p_text

CHARTS = {
    "issue_distributions.png": "Distribution of each issue's agreed value among deals "
    "(share of each scenario's deals per bin).",
    "deal_probability.png": "Deal probability with Wilson 95% intervals.",
    "time_to_deal.png": "Share of deals reached at least so many days before the original "
    "deadline (ECDF among deals; negative days: during an extension).",
    "utilities.png": "Both sides' utilities per run, with each scenario's mean no-deal point.",
}


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


def comparison_document(
    results: list[ResultSet],
    deal: pd.DataFrame,
    differences: pd.DataFrame,
    resamples: int,
    seed: int,
    charts: list[str],
) -> Document:
    """The comparison as a ``Document``: ``comparison.md``, ``comparison.json`` and the report."""
    inputs = pd.DataFrame(
        {
            "scenario": [r.label for r in results],
            "folder": [str(r.directory) for r in results],
            "runs": [f"{len(r.table):,}" for r in results],
            "seed": [str(r.manifest.get("seed", "-")) for r in results],
        }
    )
    return Document(
        kind="comparison",
        title="Comparison: " + " vs ".join(r.label for r in results),
        subtitle=f"Reference: {results[0].label}",
        text=describe_comparison(deal, differences),
        tables=[
            DocumentTable("Result folders", inputs),
            DocumentTable(
                "Deal probability", display_deal_probability(deal), deal, "deal_probability.csv"
            ),
            DocumentTable(
                f"Differences from {results[0].label}",
                display_differences(differences),
                differences,
                "differences.csv",
            ),
        ],
        notes=comparison_notes(results, resamples, seed),
        charts={name: CHARTS[name] for name in charts},
    )
