"""The numbers of a parameter sweep: its grid, its tables and the statistics at each grid point.

A sweep's settings map dotted paths into a scenario's data to the values each takes
(``sim.scenario.variants``); the grid is every combination of those values. The runs of every
grid point are one table with a ``set.<path>`` column per swept parameter; ``points_table``
reduces it to one row per grid point.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.inference import proportion_interval
from sim.errors import UsageError
from sim.scenario.schema import Scenario
from sim.scenario.variants import parse_value, value_label

PREFIX = "set."
"""Prefix of the swept parameters' columns in the sweep's tables."""
MAX_POINTS = 1_000
"""Most grid points a sweep may have."""


def checked_settings(settings: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Settings with YAML text parsed and repeated values dropped.

    Examples:
        >>> checked_settings({"a": ["0", 0, "{dist: uniform, low: 0, high: 1}"]})
        {'a': [0, {'dist': 'uniform', 'low': 0, 'high': 1}]}

    Raises:
        UsageError: No settings, a setting without values, or too many grid points.
    """
    if not settings:
        raise UsageError("a sweep needs at least one setting (PATH=V1,V2,...)")
    checked = {}
    for path, values in settings.items():
        parsed = [parse_value(value) for value in values]
        unique = {value_label(value): value for value in parsed}
        if not unique:
            raise UsageError(f"{path}: no values to sweep")
        checked[path] = list(unique.values())
    size = math.prod(len(values) for values in checked.values())
    if size > MAX_POINTS:
        raise UsageError(f"{size:,} grid points; at most {MAX_POINTS:,} are allowed")
    return checked


def grid(settings: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the settings' values, the last setting varying fastest.

    Examples:
        >>> grid({"a": [1, 2], "b": [0]})
        [{'a': 1, 'b': 0}, {'a': 2, 'b': 0}]
    """
    paths = list(settings)
    return [
        dict(zip(paths, values, strict=True)) for values in itertools.product(*settings.values())
    ]


def parameter_columns(settings: dict[str, list[Any]]) -> dict[str, str]:
    """The column of each swept path in the sweep's tables (``set.<path>``).

    Examples:
        >>> parameter_columns({"calendar.extension.days": [0, 30]})
        {'calendar.extension.days': 'set.calendar.extension.days'}
    """
    return {path: PREFIX + path for path in settings}


def column_value(values: list[Any], value: Any) -> float | str:
    """A swept value in its column: a float if all the setting's values are numbers, else text.

    Examples:
        >>> column_value([0, 1], 1), column_value([0, {"dist": "beta", "a": 2, "b": 2}], 0)
        (1.0, '0')
    """
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    return float(value) if numeric else value_label(value)


def drawn_columns(variants: list[Scenario]) -> list[str]:
    """The ``drawn.<path>`` columns of every variant, in the order the scenarios list them."""
    from sim.params.distributions import DistributionBase
    from sim.scenario.schema import iter_params

    paths = [
        path
        for scenario in variants
        for path, param in iter_params(scenario)
        if isinstance(param, DistributionBase)
    ]
    return [f"drawn.{path}" for path in dict.fromkeys(paths)]


def point_runs(
    table: pd.DataFrame,
    settings: dict[str, list[Any]],
    assignment: dict[str, Any],
    drawn: list[str],
    index: int,
) -> pd.DataFrame:
    """The runs table of one grid point as it goes into the sweep's runs table.

    Args:
        table: The grid point's runs (``sim.columns``).
        settings: The sweep's settings.
        assignment: The grid point's value of each swept path.
        drawn: The ``drawn.<path>`` columns of the whole sweep (``drawn_columns``); those of
            parameters fixed at this grid point are left empty.
        index: The grid point's number, stored as ``variant``.

    Returns:
        The table with every ``drawn`` column, a ``set.<path>`` column per swept path and
        ``variant``.
    """
    fixed = [column for column in table.columns if not column.startswith("drawn.")]
    table = table.reindex(columns=fixed + drawn)
    for path, column in parameter_columns(settings).items():
        table[column] = column_value(settings[path], assignment[path])
    table["variant"] = index
    return table


def points_table(table: pd.DataFrame, columns: list[str], issues: list[str]) -> pd.DataFrame:
    """Deal probability and issue quartiles at each grid point of a sweep's runs table.

    Args:
        table: Runs with one column per swept parameter (``set.<path>``).
        columns: Those columns.
        issues: Issue keys.

    Returns:
        One row per grid point: the swept values, ``runs``, ``deals``, ``deal_probability``,
        ``low`` and ``high`` (Wilson 95%), and ``<issue>.q25``, ``<issue>.median``,
        ``<issue>.q75`` among deals (missing when there were none).
    """
    rows = []
    for key, group in table.groupby(columns, sort=False):
        values = key if isinstance(key, tuple) else (key,)
        runs, deals = len(group), int(group["agreed"].sum())
        low, high = proportion_interval(deals, runs)
        row = dict(zip(columns, values, strict=True))
        row.update(runs=runs, deals=deals, deal_probability=deals / runs, low=low, high=high)
        agreed = group[group["agreed"]]
        for issue in issues:
            quartiles = (
                np.quantile(agreed[f"issue.{issue}"], [0.25, 0.5, 0.75])
                if deals
                else [math.nan] * 3
            )
            for name, q in zip(("q25", "median", "q75"), quartiles, strict=True):
                row[f"{issue}.{name}"] = float(q)
        rows.append(row)
    return pd.DataFrame(rows)


def heatmap_table(points: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """Deal probability over two swept columns, pooling the runs of any other swept columns.

    Returns:
        A frame indexed by the values of ``y`` with one column per value of ``x``.
    """
    pooled = points.groupby([y, x], sort=False)[["deals", "runs"]].sum()
    share = (pooled["deals"] / pooled["runs"]).rename("deal_probability").reset_index()
    table = share.pivot(index=y, columns=x, values="deal_probability")
    return table.reindex(index=points[y].unique(), columns=points[x].unique())  # grid order
