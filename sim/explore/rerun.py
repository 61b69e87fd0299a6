"""Rerun the batch of an edited scenario beside its baseline's, with the same seed, and chart both.

Both batches use the same master seed and chunking, so every parameter left unchanged draws the
same numbers in both (common random numbers): a difference on the charts is what the change did,
not noise. The runs are those ``negsim run`` gives for the same scenario, runs and seed, in a lean
table (``PAGE_COLUMNS``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.analysis.summary import summarise
from sim.batch.chunks import run_batch
from sim.explore.echarts import Option, all_options
from sim.report.run import describe
from sim.scenario.schema import Scenario

PAGE_COLUMNS = "lean"
"""The page shows no drawn parameters or per-run bargaining solutions, so its batches leave
them out (``sim.columns.COLUMN_SETS``) and skip working the solutions out."""


class Cancelled(Exception):
    """The page asked to stop a batch before it finished."""


@dataclass(frozen=True)
class Rerun:
    """A batch of the edited scenario and its baseline's, with what the page shows of them.

    Attributes:
        table: The runs of the edited scenario.
        baseline: The runs of the baseline (same runs and seed).
        summary: ``summarise`` of ``table``.
        baseline_summary: ``summarise`` of ``baseline``.
        text: The summary paragraph of ``negsim run``.
        charts: The charts with the baseline drawn over them, as ECharts options, by name
            (``sim.explore.echarts.all_options``).
        seconds: Time spent on the edited scenario's batch, summary and charts.
    """

    table: pd.DataFrame
    baseline: pd.DataFrame
    summary: dict[str, Any]
    baseline_summary: dict[str, Any]
    text: str
    charts: dict[str, Option]
    seconds: float

    def deal_probability_text(self) -> str:
        """The deal probability against the baseline's, in words."""
        mine = self.summary["deal_probability"]
        base = self.baseline_summary["deal_probability"]
        return (
            f"Deal probability: {mine:.1%} (baseline {base:.1%}; "
            f"{100 * (mine - base):+.1f} percentage points)"
        )


def rerun(
    scenario: Scenario,
    baseline: Scenario,
    runs: int,
    seed: int,
    baseline_table: pd.DataFrame | None = None,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Rerun:
    """Run the edited scenario and its baseline with the same seed, and chart them together.

    Args:
        scenario: The edited scenario.
        baseline: The unchanged scenario.
        runs: Runs in each batch.
        seed: The master seed of both batches.
        baseline_table: The baseline's runs for these ``runs`` and ``seed``, if already known.
        progress: Called with the share of the work done after every chunk.
        cancelled: Asked after every chunk; when it says ``True`` the rerun stops.

    Returns:
        Both batches, their summaries and the charts.

    Raises:
        Cancelled: ``cancelled`` said so.
    """
    batches = 1 if baseline_table is not None else 2
    done = [0]

    def on_chunk(count: int) -> None:
        done[0] += count
        if progress is not None:
            progress(done[0] / (batches * runs))
        if cancelled is not None and cancelled():
            raise Cancelled

    if baseline_table is None:
        baseline_table = run_batch(baseline, runs, seed, on_chunk=on_chunk, columns=PAGE_COLUMNS)
    started = time.perf_counter()
    table = run_batch(scenario, runs, seed, on_chunk=on_chunk, columns=PAGE_COLUMNS)
    summary = summarise(table, scenario)
    charts = all_options(table, baseline_table, scenario)
    seconds = time.perf_counter() - started
    return Rerun(
        table,
        baseline_table,
        summary,
        summarise(baseline_table, baseline),
        describe(summary),
        charts,
        seconds,
    )
