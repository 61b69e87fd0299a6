"""The text of a comparison: display tables, notes, a terminal account and its Document."""

from __future__ import annotations

import pandas as pd

from sim.analysis.compare import designs
from sim.analysis.inference import LEVEL
from sim.analysis.results import ResultSet
from sim.report.document import Document, DocumentTable
from sim.report.tables import number, p_text

CHARTS = {
    "issue_distributions.png": "Distribution of each issue's agreed value among deals "
    "(share of each scenario's deals per bin); beyond three scenarios, one row per scenario "
    "with the reference outlined in grey.",
    "deal_probability.png": "Deal probability with Wilson 95% intervals.",
    "time_to_deal.png": "Share of deals reached at least so many days before the original "
    "deadline (ECDF among deals; negative days: during an extension).",
    "utilities.png": "Both sides' utilities in the first 3,000 runs of each scenario, with its "
    "mean no-deal point.",
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
                "design": row["design"],
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


def comparison_notes(results: list[ResultSet], resamples: int) -> list[str]:
    """How the statistics were computed: the design of each comparison, the tests, the runs."""
    notes = [
        f"Differences are scenario minus reference ({results[0].label}); every run of every "
        f"folder is used. Intervals are percentile-bootstrap {LEVEL:.0%} intervals with "
        f"{resamples:,} resamples.",
    ]
    notes += [f"Design: {design.reason}." for design in designs(results)]
    kinds = {design.kind for design in designs(results)}
    if "paired" in kinds:
        notes.append(
            "Paired: deal probability tested with the exact McNemar test on the runs where only "
            "one side reached a deal; issues and utilities with the Wilcoxon signed-rank test of "
            "the per-run differences (issues: runs where both sides reached a deal); intervals "
            "from a paired bootstrap (the same runs drawn for both sides)."
        )
    if "independent" in kinds:
        notes.append(
            "Independent: deal probability tested with chi-square on the 2x2 table of deals "
            "(Fisher's exact test when an expected count is below 5); issues (median among "
            "deals) with Mann-Whitney U; utilities (mean over all runs) with Welch's t."
        )
    notes.append(
        "'significant': Holm-adjusted p below 5% over the measures of one scenario. An issue "
        "that only some scenarios have is shown for those that have it, without a test."
    )
    return notes


def _share(value: float) -> str:
    return "-" if pd.isna(value) else f"{value:.0%}"


def display_shapes(shapes: pd.DataFrame) -> pd.DataFrame:
    """Quantiles with the shares at the bounds and at the mode, as display strings."""
    return pd.DataFrame(
        {
            "scenario": shapes["scenario"],
            "issue": shapes["label"] + " (" + shapes["unit"] + ")",
            "deals": shapes["count"].map("{:,}".format),
            "5% / 25% / median / 75% / 95%": [
                " / ".join(number(row[q]) for q in ("q05", "q25", "median", "q75", "q95"))
                for _, row in shapes.iterrows()
            ],
            "at lower bound": [
                f"{_share(r['share_low'])} at {number(r['low'])}" for _, r in shapes.iterrows()
            ],
            "at upper bound": [
                f"{_share(r['share_high'])} at {number(r['high'])}" for _, r in shapes.iterrows()
            ],
            "mode": [
                f"{number(r['mode'])} ({_share(r['share_mode'])})" for _, r in shapes.iterrows()
            ],
        }
    )


def describe_shape(row: pd.Series) -> str:
    """One issue's distribution among deals in words: median, and the shares at bounds and mode.

    Examples:
        >>> row = pd.Series({"label": "Tariff", "unit": "%", "median": 12.0, "count": 10,
        ...     "low": 0.0, "high": 25.0, "share_low": 0.31, "share_high": 0.0,
        ...     "mode": 0.0, "share_mode": 0.31})
        >>> describe_shape(row)
        'Tariff: median 12 %; 31% of deals at the lower bound 0; 0% at the upper bound 25'
    """
    if not row["count"]:
        return f"{row['label']}: no deals"
    text = (
        f"{row['label']}: median {number(row['median'])} {row['unit']}; "
        f"{_share(row['share_low'])} of deals at the lower bound {number(row['low'])}; "
        f"{_share(row['share_high'])} at the upper bound {number(row['high'])}"
    )
    at_bound = min(abs(row["mode"] - row["low"]), abs(row["mode"] - row["high"])) < 1e-9
    if not at_bound:
        text += f"; mode {number(row['mode'])} ({_share(row['share_mode'])})"
    return text


def describe_comparison(
    deal: pd.DataFrame, differences: pd.DataFrame, shapes: pd.DataFrame | None = None
) -> str:
    """A short account of a comparison for the terminal: design, differences, shapes."""
    reference = deal.iloc[0]
    lines = [
        f"Reference: {reference['scenario']}, deal probability "
        f"{reference['deal_probability']:.1%} ({reference['runs']:,} runs, all used)."
    ]
    for scenario, rows in differences.groupby("scenario", sort=False):
        significant = int(rows["significant"].sum())
        design = rows["design"].iloc[0]
        how = "run by run" if design == "paired" else "as independent samples"
        lines.append(
            f"{scenario} ({design}: compared {how}): {significant} of {len(rows)} measures "
            "differ significantly (Holm-adjusted p < 0.05):"
        )
        for _, row in rows.iterrows():
            if row["test"].startswith("not an issue"):
                lines.append(
                    f"  - {row['measure']}: {number(row['reference_value'])} in the reference, "
                    f"{number(row['value'])} here ({row['test']}: no test)"
                )
                continue
            mark = " (significant)" if row["significant"] else ""
            lines.append(
                f"  - {row['measure']}: {_difference_text(row)} "
                f"[{number(row['low'])}, {number(row['high'])}], p {p_text(row['p_value'])}"
                f"{mark}"
            )
    if shapes is not None and len(shapes):
        lines.append("Among deals:")
        for scenario, rows in shapes.groupby("scenario", sort=False):
            lines.append(f"  {scenario}:")
            lines += [f"    {describe_shape(row)}" for _, row in rows.iterrows()]
    return "\n".join(lines)


def comparison_document(
    results: list[ResultSet],
    deal: pd.DataFrame,
    differences: pd.DataFrame,
    shapes: pd.DataFrame,
    resamples: int,
    charts: list[str],
) -> Document:
    """The comparison as a ``Document``: ``comparison.md``, ``comparison.json`` and the report."""
    inputs = pd.DataFrame(
        {
            "scenario": [r.label for r in results],
            "folder": [str(r.directory) for r in results],
            "runs": [f"{len(r.table):,}" for r in results],
            "seed": [str(r.manifest.get("seed", "-")) for r in results],
            "chunk size": [str(r.manifest.get("chunk_runs", "-")) for r in results],
        }
    )
    return Document(
        kind="comparison",
        title="Comparison: " + " vs ".join(r.label for r in results),
        subtitle=f"Reference: {results[0].label}",
        text=describe_comparison(deal, differences, shapes),
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
            DocumentTable(
                "Issues among deals: quantiles, shares at the bounds and the mode",
                display_shapes(shapes),
                shapes,
                "issue_shapes.csv",
            ),
        ],
        notes=comparison_notes(results, resamples),
        charts={name: CHARTS[name] for name in charts},
    )
