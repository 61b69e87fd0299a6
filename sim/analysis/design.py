"""Whether two result sets can be compared run by run (a paired design) or only as two samples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.results import ResultSet

PAIRED = "paired"
INDEPENDENT = "independent"
MATCHED_SETTINGS = ("seed", "chunk_runs", "runs")
"""Manifest entries that must agree for run i of both folders to share its random numbers."""


@dataclass(frozen=True)
class Design:
    """How a scenario is compared with the reference.

    Attributes:
        kind: ``paired`` (run i against run i) or ``independent`` (two samples).
        reason: Why, in words, for the notes.
    """

    kind: str
    reason: str

    @property
    def paired(self) -> bool:
        """True for a paired design."""
        return self.kind == PAIRED


def comparison_design(reference: ResultSet, other: ResultSet) -> Design:
    """Paired when both folders share seed, chunk size and number of runs, run for run.

    Seeds are derived per chunk and per parameter, so under those conditions run i of a variant
    draws the same value as run i of its baseline for every parameter the variant does not
    change (common random numbers).
    """
    different = [
        name
        for name in MATCHED_SETTINGS
        if reference.manifest.get(name) != other.manifest.get(name)
        or reference.manifest.get(name) is None
    ]
    if different:
        return Design(
            INDEPENDENT,
            f"{other.label} and {reference.label} differ in {', '.join(different)}, so their "
            "runs do not share random numbers: compared as independent samples",
        )
    runs = "run" in reference.table and "run" in other.table
    if not runs or not np.array_equal(reference.table["run"], other.table["run"]):
        return Design(
            INDEPENDENT,
            f"the runs of {other.label} and {reference.label} cannot be matched one to one: "
            "compared as independent samples",
        )
    return Design(
        PAIRED,
        f"{other.label} and {reference.label} share seed {reference.manifest['seed']}, chunk "
        f"size and {len(reference.table):,} runs, so run i of one is compared with run i of the "
        "other (common random numbers)",
    )
