"""The page's run charts as ECharts options, which the browser draws.

The page redraws its charts after every change. Drawn as PNG images by matplotlib, the four
charts of a 10,000-run batch took about 0.55 s, more than the batch itself; as ECharts options
they are a few small lists (shares per ending, per meeting and per bin, and a sample of points),
built in milliseconds, and the browser draws them with Apache ECharts, which ``solara-assets``
ships so nothing is fetched from the network. They show what the charts of ``negsim run`` show,
from the same tidy tables (``sim.charts.run``), with the baseline drawn in black over each.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.charts.run import (
    ENDING_COLOURS,
    ENDING_LABELS,
    ISSUE_BINS,
    SCATTER_POINTS,
    TIMING_ORDER,
    endings_table,
    extended_deadlines,
    timing_table,
)
from sim.columns import ENDINGS
from sim.params.numbers import support
from sim.scenario.schema import Scenario

Option = dict[str, Any]
BASELINE = "#000000"
"""Colour of the baseline drawn over every chart."""
DIGITS = 3
"""Decimals kept of the numbers sent to the browser."""


def all_options(
    table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario
) -> dict[str, Option]:
    """The charts of a batch with its baseline over them, by name (one per issue last)."""
    options = {
        "deal_probability": deal_probability(table, baseline, scenario),
        "utilities": utilities(table, baseline, scenario),
        "agreement_timing": agreement_timing(table, baseline, scenario),
    }
    for issue in scenario.issues:
        options[f"issue.{issue}"] = issue_outcome(table, baseline, scenario, issue)
    return options


def deal_probability(table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario) -> Option:
    """How the talks ended: a bar per ending with its 95% interval, the baseline as a black tick."""
    data, base = endings_table(table), endings_table(baseline)
    shares = dict(zip(base["ended_by"], base["share"], strict=True))
    names = [ENDING_LABELS[ending] for ending in data["ended_by"]]
    bars = [
        {
            "value": _round(100 * row.share),
            "itemStyle": {"color": ENDING_COLOURS[row.ended_by]},
            "label": {
                "show": True,
                "position": "top",
                "formatter": f"{100 * row.share:.1f}% ({100 * row.low:.1f}-{100 * row.high:.1f})",
            },
        }
        for row in data.itertuples()
    ]
    ticks = [_round(100 * shares.get(ending, 0.0)) for ending in data["ended_by"]]
    return {
        **_frame(f"{scenario.name}: deal probability ({len(table):,} runs)"),
        "xAxis": {
            "type": "category",
            "data": names,
            "axisLabel": {"interval": 0, "width": 90, "overflow": "break"},
        },
        "yAxis": _axis("value", "% of runs (95% interval)", min=0, max=100),
        "series": [
            {
                "type": "bar",
                "name": "this scenario",
                "data": bars,
                "itemStyle": {"color": ENDING_COLOURS["agreement"]},
            },
            _baseline_ticks(ticks),
        ],
    }


def utilities(table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario) -> Option:
    """Both sides' utilities per run (a sample), by ending, with both batches' means."""
    first, second = scenario.negotiators
    columns = [f"utility.{first}", f"utility.{second}"]
    sample = table.sample(min(len(table), SCATTER_POINTS), random_state=0)
    endings = sample["ended_by"].astype(str).to_numpy()
    points = sample[columns].to_numpy(dtype=float)
    series: list[Option] = [
        {
            "type": "scatter",
            "name": ENDING_LABELS[ending],
            "data": _round(points[endings == ending]),
            "symbolSize": 4,
            "itemStyle": {"color": ENDING_COLOURS[ending], "opacity": 0.5},
            "large": True,
        }
        for ending in ENDINGS
        if (endings == ending).any()
    ]
    for data, name, symbol, colour in (
        (baseline, "baseline mean", "diamond", BASELINE),
        (table, "mean", "triangle", ENDING_COLOURS["agreement"]),
    ):
        mean = data[columns].mean().to_numpy(dtype=float)
        series.append(
            {
                "type": "scatter",
                "name": name,
                "data": [_round(mean)],
                "symbol": symbol,
                "symbolSize": 16,
                "itemStyle": {"color": colour, "borderColor": "#ffffff", "borderWidth": 1},
                "z": 4,
            }
        )
    labels = {party: spec.label for party, spec in scenario.negotiators.items()}
    # 0 to 1 unless the rapport or an audience cost takes values beyond (whole units then)
    both = np.concatenate(
        [table[columns].to_numpy(dtype=float), baseline[columns].to_numpy(dtype=float)]
    )
    low = float(np.floor(np.nanmin(both, initial=0.0)))
    high = float(np.ceil(np.nanmax(both, initial=1.0)))
    return {
        **_frame(f"{scenario.name}: utilities per run"),
        "xAxis": _axis("value", f"{labels[first]} utility", min=low, max=high),
        "yAxis": _axis("value", f"{labels[second]} utility", min=low, max=high),
        "series": series,
    }


def agreement_timing(table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario) -> Option:
    """When the talks ended: runs per meeting stacked by ending, the baseline's deals as a line.

    The original deadline is a dashed line; the extended deadlines runs ended under are dotted
    lines labelled with their share of runs.
    """
    start = pd.Timestamp(scenario.calendar.start)
    # ECharts stacks bars by their position in the data, so every ending gets every day.
    pivot = timing_table(table, scenario).pivot_table(
        index="day", columns="ended_by", values="percent", observed=True, fill_value=0
    )
    series: list[Option] = [
        {
            "type": "bar",
            "name": ENDING_LABELS[ending],
            "stack": "runs",
            "barMaxWidth": 8,
            "itemStyle": {"color": ENDING_COLOURS[ending]},
            "data": _dated(start, pivot.index, pivot[ending]),
        }
        for ending in TIMING_ORDER
        if ending in pivot.columns
    ]
    base = timing_table(baseline, scenario)
    deals = base[base["ended_by"] == "agreement"]
    marks = [_mark(scenario.calendar.deadline, "original deadline", "dashed")]
    for day, share in extended_deadlines(table, scenario).items():
        marks.append(_mark(start + pd.Timedelta(days=int(day)), f"{share:.0%}", "dotted"))
    series.append(
        {
            "type": "line",
            "name": "baseline: deals",
            "data": _dated(start, deals["day"], deals["percent"]),
            "symbolSize": 4,
            "itemStyle": {"color": BASELINE},
            "lineStyle": {"color": BASELINE, "width": 1.2},
            "markLine": {"symbol": "none", "data": marks, "silent": True},
        }
    )
    return {
        **_frame(f"{scenario.name}: when the talks ended"),
        "xAxis": _axis("time", "meeting date"),
        "yAxis": _axis("value", "% of runs ending at this meeting"),
        "series": series,
    }


def issue_outcome(
    table: pd.DataFrame, baseline: pd.DataFrame, scenario: Scenario, issue: str
) -> Option:
    """One issue among deals: a histogram, the baseline's as a black step, the no-deal value."""
    spec = scenario.issues[issue]
    low, high = spec.bounds
    edges = np.linspace(low, high, ISSUE_BINS + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    shares = [_histogram(data, issue, spec.bounds) for data in (table, baseline)]
    no_deal = float(np.mean(support(spec.no_deal)))
    deals = int(table["agreed"].sum())
    return {
        **_frame(f"{spec.label} ({deals:,} deals)"),
        "xAxis": _axis("value", spec.unit, min=low, max=high),
        "yAxis": _axis("value", "% of deals"),
        "series": [
            {
                "type": "bar",
                "name": "this scenario",
                "data": _round(np.column_stack([centres, shares[0]])),
                "barWidth": "100%",
                "itemStyle": {"color": ENDING_COLOURS["agreement"], "opacity": 0.75},
                "markLine": {
                    "symbol": "none",
                    "silent": True,
                    "data": [{"xAxis": _round(no_deal), "name": "no-deal value"}],
                    "lineStyle": {"color": ENDING_COLOURS["deadline"], "type": "dashed"},
                    "label": {"formatter": "no deal"},
                },
            },
            {
                "type": "line",
                "name": "baseline",
                "step": "middle",
                "showSymbol": False,
                "data": _round(np.column_stack([centres, shares[1]])),
                "lineStyle": {"color": BASELINE, "width": 1.2},
                "itemStyle": {"color": BASELINE},
            },
        ],
    }


def _histogram(data: pd.DataFrame, issue: str, bounds: tuple[float, float]) -> np.ndarray:
    """Percent of deals in each of the ``ISSUE_BINS`` bins of the issue's range."""
    deals = data.loc[data["agreed"], f"issue.{issue}"].to_numpy(dtype=float)
    counts, _ = np.histogram(deals, bins=ISSUE_BINS, range=bounds)
    return 100 * counts / max(len(deals), 1)


def _frame(title: str) -> Option:
    """Title, legend, tooltip and margins shared by the charts."""
    return {
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "legend": {"bottom": 0, "type": "scroll"},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 65, "right": 30, "top": 50, "bottom": 85},
        "animation": False,
    }


def _axis(kind: str, name: str, **limits: float) -> Option:
    """An axis of ``kind`` named along its middle, outside the tick labels."""
    return {"type": kind, "name": name, "nameLocation": "middle", "nameGap": 35, **limits}


def _baseline_ticks(values: list[float]) -> Option:
    """The baseline's value per category as a wide black tick."""
    return {
        "type": "scatter",
        "name": "baseline",
        "data": values,
        "symbol": "rect",
        "symbolSize": [50, 3],
        "itemStyle": {"color": BASELINE},
        "z": 4,
    }


def _dated(start: pd.Timestamp, days, percents) -> list[list]:
    """``[date, percent]`` pairs of days from ``start`` and their percents."""
    dates = (start + pd.to_timedelta(np.asarray(days), unit="D")).strftime("%Y-%m-%d")
    return [[date, _round(percent)] for date, percent in zip(dates, percents, strict=True)]


def _mark(date, label: str, style: str) -> Option:
    """A vertical line at ``date`` with a label."""
    return {
        "xAxis": pd.Timestamp(date).strftime("%Y-%m-%d"),
        "label": {"formatter": label, "fontSize": 9},
        "lineStyle": {"color": "#000000" if style == "dashed" else "#808080", "type": style},
    }


def _round(values):
    """Numbers as plain Python floats (lists for arrays), rounded to ``DIGITS`` decimals."""
    return np.round(values, DIGITS).tolist()
