"""The text of a scenario discovery: the account, the tables and its Document."""

from __future__ import annotations

import pandas as pd

from sim.analysis.discovery import MASS_MIN, PEEL_ALPHA, TREES, Discovery
from sim.report.document import Document, DocumentTable
from sim.report.tables import number

CHARTS = {
    "prim_trajectory.png": "PRIM's peeling trajectory: each box's coverage against its density; "
    "the chosen box circled, the base rate dotted.",
    "prim_box.png": "The chosen box: the range of each restricted parameter within the range "
    "drawn.",
    "feature_scores.png": "Feature scores: how much each drawn parameter helps predict the "
    "condition (extra-trees importance).",
}


def box_text(limits: pd.DataFrame) -> str:
    """The chosen box as a condition on the parameters.

    Examples:
        >>> limits = pd.DataFrame({"parameter": ["drawn.a.b"], "low": [0.1], "high": [0.25]})
        >>> box_text(limits)
        '0.1 <= a.b <= 0.25'
    """
    if limits.empty:
        return "(no restriction)"
    return " and ".join(
        f"{number(row['low'])} <= {row['parameter'].removeprefix('drawn.')} <= "
        f"{number(row['high'])}"
        for _, row in limits.iterrows()
    )


def describe_discovery(found: Discovery) -> str:
    """A short account: base rate, the chosen box, the densest leaf and the top scores."""
    box = found.trajectory.iloc[found.chosen]
    lines = [
        f"Condition: {found.condition}; it holds in {found.base_rate:.1%} of {found.runs:,} runs.",
        f"PRIM box {found.chosen} of {len(found.trajectory)}: density {box['density']:.1%} "
        f"(base rate {found.base_rate:.1%}), coverage {box['coverage']:.1%}, "
        f"{box['mass']:.1%} of the runs, {int(box['restricted'])} parameters restricted:",
    ]
    lines += [
        f"  {number(row['low'])} <= {row['parameter'].removeprefix('drawn.')} <= "
        f"{number(row['high'])} (drawn {number(row['drawn_low'])} to "
        f"{number(row['drawn_high'])})"
        for _, row in found.limits.iterrows()
    ]
    if len(found.tree):
        leaf = found.tree.iloc[0]
        lines.append(
            f"CART's densest leaf: density {leaf['density']:.1%}, coverage "
            f"{leaf['coverage']:.1%}: {leaf['limits']}"
        )
    top = ", ".join(
        f"{row['parameter'].removeprefix('drawn.')} ({row['score']:.2f})"
        for _, row in found.scores.head(3).iterrows()
    )
    lines.append(f"Highest feature scores: {top}.")
    return "\n".join(lines)


def discovery_document(found: Discovery, label: str) -> Document:
    """The discovery as a ``Document``: ``discovery.md``, ``discovery.json`` and the report."""
    trajectory = found.trajectory
    shown_trajectory = pd.DataFrame(
        {
            "box": trajectory["box"].astype(str),
            "coverage": trajectory["coverage"].map("{:.1%}".format),
            "density": trajectory["density"].map("{:.1%}".format),
            "share of runs": trajectory["mass"].map("{:.1%}".format),
            "parameters restricted": trajectory["restricted"].astype(str),
        }
    )
    limits = pd.DataFrame(
        {
            "parameter": found.limits["parameter"].str.removeprefix("drawn."),
            "box": [f"{number(a)} to {number(b)}" for a, b in found.limits[["low", "high"]].values],
            "drawn": [
                f"{number(a)} to {number(b)}"
                for a, b in found.limits[["drawn_low", "drawn_high"]].values
            ],
            "quasi-p": found.limits["qp_value"].map(number),
        }
    )
    tree = pd.DataFrame(
        {
            "leaf": found.tree["box"].astype(str),
            "density": found.tree["density"].map("{:.1%}".format),
            "coverage": found.tree["coverage"].map("{:.1%}".format),
            "share of runs": found.tree["mass"].map("{:.1%}".format),
            "box": found.tree["limits"],
        }
    )
    scores = found.scores.assign(parameter=found.scores["parameter"].str.removeprefix("drawn."))
    return Document(
        kind="discovery",
        title=f"Scenario discovery: {label}",
        subtitle=f"Where {found.condition}",
        text=describe_discovery(found),
        tables=[
            DocumentTable(f"PRIM box {found.chosen}", limits, found.limits, "prim_box.csv"),
            DocumentTable("PRIM peeling trajectory", shown_trajectory, trajectory, "prim.csv"),
            DocumentTable("CART leaves, densest first", tree, found.tree, "cart.csv"),
            DocumentTable(
                "Feature scores",
                scores.assign(score=scores["score"].map("{:.3f}".format)),
                found.scores,
                "feature_scores.csv",
            ),
        ],
        notes=[
            "Scenario discovery after Bryant & Lempert (2010) on the drawn parameters of the "
            "batch (no new runs), with the EMA Workbench.",
            f"PRIM (Friedman & Fisher 1999): peels {PEEL_ALPHA:.0%} of the box per step down to "
            f"{MASS_MIN:.0%} of the runs; its minimum density (threshold) is the base rate, "
            f"{found.base_rate:.1%}. The chosen box is the first whose density reaches halfway "
            "from the base rate to 100% (the densest if none does); --box picks another.",
            "Coverage: share of the condition's runs inside the box; density: share of the "
            "box's runs meeting the condition.",
            f"CART: classification tree with leaves of at least {MASS_MIN:.0%} of the runs. "
            f"Feature scores: extra-trees classifier with {TREES} trees.",
        ],
        charts=dict(CHARTS),
    )
