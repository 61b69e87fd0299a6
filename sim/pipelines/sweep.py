"""Parameter sweeps: a grid of variants of one scenario, one Monte Carlo batch per grid point.

A setting names a dotted path into the scenario's YAML data (after ``extends:`` is resolved) and
the values it takes, e.g. ``calendar.extension.probability=0,0.5,1`` or
``negotiators.us.strategy.beta={dist: uniform, low: 0.1, high: 0.3},0.5``. Each value is read
with ``yaml.safe_load``, so numbers and distributions are written as in a scenario file. The grid
is every combination of the settings' values; each grid point is validated like a scenario file
before anything runs.

Every grid point runs with the same master seed, so parameters the sweep does not touch draw the
same random numbers at every point (common random numbers): differences between points come from
the swept parameters, not from sampling noise in the others.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
import yaml
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.summary import proportion_interval
from sim.batch.storage import provenance, staged_folder, write_json, write_text
from sim.charts.figures import figure_and_axes, save_figures
from sim.errors import UsageError
from sim.report.tables import display_table, markdown_table, number
from sim.scenario.schema import Scenario, did_you_mean, schema_fields

DEFAULT_RESULTS = Path("results")
PREFIX = "set."
"""Prefix of the swept parameters' columns in the sweep's ``runs.parquet``."""
MAX_POINTS = 1_000
"""Most grid points a sweep may have."""
CHARTS = {
    "deal_probability.png": "Deal probability at each grid point, with Wilson 95% bands.",
    "issue_medians.png": "Median of each issue among deals, with the interquartile range.",
    "deal_probability_heatmap.png": "Deal probability over the first two swept parameters "
    "(pooled over any others).",
}


@dataclass
class SweepResult:
    """What ``sweep`` produced.

    Attributes:
        directory: The folder written.
        points: One row per grid point: the swept values, deal probability with its Wilson
            interval, and the quartiles of each issue among deals.
        text: A short account for the terminal.
    """

    directory: Path
    points: pd.DataFrame
    text: str


# Settings -----------------------------------------------------------------------------------


def split_values(text: str) -> list[str]:
    """Split ``V1,V2,...`` at the commas outside brackets and quotes.

    Examples:
        >>> split_values("0, 0.5,{dist: uniform, low: 0, high: 1},[1, 2]")
        ['0', '0.5', '{dist: uniform, low: 0, high: 1}', '[1, 2]']
    """
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts


def parse_value(text: Any) -> Any:
    """A setting's value: YAML text is parsed safely; anything else is kept.

    Raises:
        UsageError: The text is not valid YAML, or is empty.
    """
    if not isinstance(text, str):
        return text
    if not text.strip():
        raise UsageError("empty value in a sweep setting; write PATH=V1,V2,...")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"cannot read the value {text!r}: {error}") from None


def parse_setting(text: str) -> tuple[str, list[Any]]:
    """Read ``PATH=V1,V2,...`` (as given to ``--set``).

    Examples:
        >>> parse_setting("calendar.extension.probability=0,1")
        ('calendar.extension.probability', [0, 1])

    Raises:
        UsageError: There is no ``=``, no path or no value.
    """
    path, equals, values = text.partition("=")
    path = path.strip()
    if not equals or not path:
        raise UsageError(
            f"--set {text!r}: expected PATH=V1,V2,... (e.g. calendar.extension.days=0,30)"
        )
    return path, [parse_value(value) for value in split_values(values)]


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


# Variants -----------------------------------------------------------------------------------


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of scenario data with the value at the dotted ``path`` replaced.

    A missing last key is added when the schema allows it there (an optional field left at its
    default); a list item is addressed by its index (``issues.tariff.bounds.1``).

    Examples:
        >>> set_path({"a": {"b": 1}}, "a.b", 2)
        {'a': {'b': 2}}

    Raises:
        UsageError: A key along the path does not exist (with a did-you-mean hint), or the path
            runs through a number.
    """
    data = copy.deepcopy(data)
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts):
        where = ".".join(parts[:depth]) or "the top level"
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise UsageError(f"{path}: {where} is a list of {len(node)}; expected an index")
            key: Any = int(part)
        elif isinstance(node, dict):
            key = part
            if part not in node:
                allowed = schema_fields(parts[:depth]) if "dist" not in node else set()
                if not (last and part in allowed):
                    choices = sorted(set(node) | allowed)
                    raise UsageError(
                        f"{path}: unknown key {part!r} in {where}"
                        + did_you_mean(part, choices)
                        + (f" (keys here: {', '.join(choices)})" if choices else "")
                    )
        else:
            raise UsageError(f"{path}: {where} is {node!r}, not a mapping with key {part!r}")
        if last:
            node[key] = value
        else:
            node = node[key]
    return data


def build_variant(resolved: dict[str, Any], assignment: dict[str, Any]) -> Scenario:
    """The validated scenario at one grid point.

    Raises:
        UsageError: A path is wrong, or the values make the scenario invalid.
    """
    from pydantic import ValidationError

    from sim.scenario.schema import consistency_problems

    data = resolved
    for path, value in assignment.items():
        data = set_path(data, path, value)
    where = ", ".join(f"{path}={value_label(value)}" for path, value in assignment.items())
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(_data_location(data, first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        raise UsageError(f"with {where}: {location}: {message}") from None
    problems = consistency_problems(scenario)
    if problems:
        location, message = problems[0]
        raise UsageError(f"with {where}: {location}: {message}")
    return scenario


def _data_location(data: Any, location: tuple) -> list[str]:
    """The parts of a pydantic error location that are keys of the data.

    Pydantic adds the tag of the union member it tried (``time_dependent``, ``uniform``) to
    locations; those parts are dropped. A last part missing from the data is kept.
    """
    parts, node = [], data
    for index, part in enumerate(location):
        found = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        )
        if found:
            parts.append(str(part))
            node = node[part]
        elif index == len(location) - 1 or not isinstance(node, dict | list):
            parts.append(str(part))
    return parts


def value_label(value: Any) -> str:
    """A swept value as written in YAML flow style (numbers as numbers).

    Examples:
        >>> value_label({"dist": "uniform", "low": 0.1, "high": 0.3})
        '{dist: uniform, low: 0.1, high: 0.3}'
        >>> value_label(0.5), value_label("uniform")
        ('0.5', 'uniform')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, width=1_000)
        return text.strip().removesuffix("...").strip()
    return f"{value:g}"


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def parameter_columns(settings: dict[str, list[Any]]) -> dict[str, str]:
    """The column of each swept path in the sweep's tables (``set.<path>``)."""
    return {path: PREFIX + path for path in settings}


def _column_value(values: list[Any], value: Any) -> float | str:
    return float(value) if _numeric(values) else value_label(value)


# Tidy tables --------------------------------------------------------------------------------


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


# Charts -------------------------------------------------------------------------------------


def _series(points: pd.DataFrame, x: str) -> list[tuple[str, pd.DataFrame]]:
    """The grid points split into lines along ``x``: one per combination of the other columns."""
    others = [c for c in points.columns if c.startswith(PREFIX) and c != x]
    if not others:
        return [("", points)]
    lines = []
    for key, group in points.groupby(others, sort=False):
        values = key if isinstance(key, tuple) else (key,)
        label = ", ".join(
            f"{column.removeprefix(PREFIX)}={value_label(value)}"
            for column, value in zip(others, values, strict=True)
        )
        lines.append((label, group))
    return lines


def _positions(points: pd.DataFrame, x: str) -> tuple[dict[Any, float], bool]:
    """Positions on the x axis: the values of ``x`` themselves, or 0, 1, ... if not numbers."""
    values = list(dict.fromkeys(points[x]))
    numeric = pd.api.types.is_numeric_dtype(points[x])
    return ({v: float(v) for v in values} if numeric else {v: i for i, v in enumerate(values)}), (
        numeric
    )


def _draw_lines(
    ax: Axes, points: pd.DataFrame, x: str, middle: str, low: str, high: str, scale: float = 1
) -> None:
    positions, numeric = _positions(points, x)
    series = _series(points, x)
    colours = sns.color_palette("viridis", len(series)) if len(series) > 1 else ["#2a9d8f"]
    for (label, group), colour in zip(series, colours, strict=True):
        order = group.assign(_x=group[x].map(positions)).sort_values("_x")
        ax.plot(order["_x"], scale * order[middle], marker="o", color=colour, label=label or None)
        ax.fill_between(
            order["_x"],
            scale * order[low],
            scale * order[high],
            color=colour,
            alpha=0.25 if len(series) == 1 else 0.1,
        )
    if not numeric:
        ax.set_xticks(list(positions.values()), [str(v) for v in positions])
    ax.set_xlabel(x.removeprefix(PREFIX))
    if len(series) > 1:
        ax.legend(fontsize="small")


def plot_deal_probability(points: pd.DataFrame, x: str, ax: Axes | None = None) -> Figure:
    """Deal probability against the swept column ``x``, with Wilson 95% bands.

    Other swept columns give one line each.
    """
    figure, ax = figure_and_axes(ax, (7, 4.5))
    _draw_lines(ax, points, x, "deal_probability", "low", "high", scale=100)
    low, high = ax.get_ylim()
    ax.set(
        ylim=(max(low, 0), min(high, 100.5)),
        ylabel="% of runs ending in a deal (95% band)",
        title="Deal probability",
    )
    return figure


def plot_issue_median(
    points: pd.DataFrame, x: str, issue: str, label: str, unit: str, ax: Axes | None = None
) -> Figure:
    """Median of one issue among deals against ``x``, with the interquartile range as a band."""
    figure, ax = figure_and_axes(ax, (6, 4.2))
    _draw_lines(ax, points, x, f"{issue}.median", f"{issue}.q25", f"{issue}.q75")
    ax.set(ylabel=f"{unit} (median, IQR band)", title=label)
    return figure


def plot_issue_medians(points: pd.DataFrame, x: str, scenario: Scenario) -> Figure:
    """One panel per issue: its median among deals against ``x``."""
    issues = scenario.issues
    figure = Figure(figsize=(5.5 * len(issues), 4.4), layout="constrained")
    axes = np.atleast_1d(figure.subplots(1, len(issues)))
    for ax, (name, issue) in zip(axes, issues.items(), strict=True):
        plot_issue_median(points, x, name, issue.label, issue.unit, ax=ax)
    for ax in axes[1:]:
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    figure.suptitle("Outcome of each issue among deals")
    return figure


def plot_heatmap(points: pd.DataFrame, x: str, y: str, ax: Axes | None = None) -> Figure:
    """Heatmap of the deal probability over two swept columns."""
    table = 100 * heatmap_table(points, x, y)
    figure, ax = figure_and_axes(ax, (max(6.0, 3 + 1.1 * table.shape[1]), 2 + 0.6 * table.shape[0]))
    sns.heatmap(
        table,
        annot=True,
        fmt=".1f",
        cmap="viridis",
        cbar_kws={"label": "% of runs ending in a deal"},
        ax=ax,
    )
    ax.set(
        xlabel=x.removeprefix(PREFIX),
        ylabel=y.removeprefix(PREFIX),
        title="Deal probability (%)",
    )
    ax.set_xticklabels([value_label(v) for v in table.columns])
    ax.set_yticklabels([value_label(v) for v in table.index], rotation=0)
    return figure


def all_charts(points: pd.DataFrame, columns: list[str], scenario: Scenario) -> dict[str, Figure]:
    """The sweep's charts, by file name (the heatmap only with two or more swept parameters)."""
    charts = {
        "deal_probability.png": plot_deal_probability(points, columns[0]),
        "issue_medians.png": plot_issue_medians(points, columns[0], scenario),
    }
    if len(columns) >= 2:
        charts["deal_probability_heatmap.png"] = plot_heatmap(points, columns[0], columns[1])
    return charts


# The command --------------------------------------------------------------------------------


def display_points(points: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The grid points as display strings (for Markdown and the report)."""
    shown = pd.DataFrame(
        {c.removeprefix(PREFIX): points[c].map(value_label) for c in points if c.startswith(PREFIX)}
    )
    shown["runs"] = points["runs"].map("{:,}".format)
    shown["deal probability"] = points["deal_probability"].map("{:.1%}".format)
    shown["95% interval"] = [
        f"{a:.1%} to {b:.1%}" for a, b in zip(points["low"], points["high"], strict=True)
    ]
    for name, issue in scenario.issues.items():
        shown[f"median {name} ({issue.unit})"] = points[f"{name}.median"].map(number)
    return shown


def describe_sweep(points: pd.DataFrame, columns: list[str], runs: int) -> str:
    """A short account of a sweep for the terminal."""
    lowest = points.loc[points["deal_probability"].idxmin()]
    highest = points.loc[points["deal_probability"].idxmax()]

    def where(row: pd.Series) -> str:
        return ", ".join(f"{c.removeprefix(PREFIX)}={value_label(row[c])}" for c in columns)

    return (
        f"{len(points)} grid points x {runs:,} runs. Deal probability from "
        f"{lowest['deal_probability']:.1%} ({where(lowest)}) to "
        f"{highest['deal_probability']:.1%} ({where(highest)})."
    )


def default_folder(scenario: Scenario) -> Path:
    """``results/sweep-<scenario name>``."""
    return DEFAULT_RESULTS / f"sweep-{scenario.name}"


def sweep(
    scenario_path: str | Path,
    settings: dict[str, list[Any]],
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    *,
    force: bool = False,
) -> SweepResult:
    """Run one batch per grid point of ``settings`` and write tables and charts.

    The folder (by default ``results/sweep-<scenario name>/``) receives ``runs.parquet`` (every
    run of every grid point, with a ``set.<path>`` column per swept parameter and a ``variant``
    column numbering the grid points), ``points.csv`` (one row per grid point), ``sweep.md``,
    the charts (``CHARTS``), ``sweep.json`` and ``manifest.json``.

    Args:
        scenario_path: The scenario file to vary.
        settings: Per dotted path into the scenario data, the values it takes: numbers,
            distributions as mappings, or YAML text (parsed with ``yaml.safe_load``).
        runs: Runs per grid point; the scenario's ``runs`` when ``None``.
        seed: Master seed of every grid point; the scenario's ``seed`` when ``None``.
        out: Output folder.
        force: Replace ``out`` if it exists (otherwise refuse).

    Returns:
        The folder, the grid points table and a short text.

    Raises:
        ScenarioError: The scenario file is not valid.
        UsageError: A setting is malformed, names an unknown path or makes the scenario invalid;
            or the output folder exists (without ``force``) or cannot be written.
    """
    from sim.scenario.loading import load_scenario

    loaded = load_scenario(scenario_path)
    settings = _checked_settings(settings)
    assignments = grid(settings)
    variants = [build_variant(loaded.resolved, assignment) for assignment in assignments]
    base = loaded.scenario
    runs = base.runs if runs is None else runs
    seed = base.seed if seed is None else seed
    out = Path(out) if out is not None else default_folder(base)
    columns = list(parameter_columns(settings).values())
    manifest = _manifest(loaded, settings, len(assignments), runs, seed)
    with staged_folder(out, manifest, force) as folder:
        points = _run_grid(settings, assignments, variants, runs, seed, folder / "runs.parquet")
        figures = all_charts(points, columns, base)
        text = describe_sweep(points, columns, runs)
        shown = display_points(points, base)
        save_figures(figures, folder)
        points.to_csv(folder / "points.csv", index=False)
        title = f"Sweep of {base.name}"
        write_text(
            folder / "sweep.md",
            f"# {title}\n\n{text}\n\n{markdown_table(shown)}\n\n"
            + "\n\n".join(f"![{CHARTS[name]}]({name})" for name in figures)
            + "\n",
        )
        swept = "; ".join(
            f"{path} = {', '.join(value_label(v) for v in values)}"
            for path, values in settings.items()
        )
        write_json(
            folder / "sweep.json",
            {
                "kind": "sweep",
                "title": title,
                "subtitle": f"Swept: {swept}",
                "text": text,
                "notes": [
                    f"{runs:,} runs per grid point, all with seed {seed} (common random numbers).",
                    "Issue medians are among deals; bands are the interquartile range.",
                ],
                "tables": [display_table("Grid points", shown, "points.csv")],
                "charts": [{"file": name, "caption": CHARTS[name]} for name in figures],
            },
        )
    return SweepResult(out, points, text)


def _checked_settings(settings: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Settings with YAML text parsed and repeated values dropped.

    Raises:
        UsageError: No settings, a setting without values, or too many grid points.
    """
    if not settings:
        raise UsageError("a sweep needs at least one setting (--set PATH=V1,V2,...)")
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


def _manifest(loaded, settings: dict[str, list[Any]], size: int, runs: int, seed: int) -> dict:
    from sim.batch.chunks import DEFAULT_CHUNK_RUNS

    return {
        "kind": "sweep",
        **provenance(),
        "scenario_files": [str(path) for path in loaded.files],
        "scenario_sha256": loaded.sha256,
        "scenario": _json_ready(loaded.resolved),
        "settings": {path: [_json_ready(v) for v in values] for path, values in settings.items()},
        "grid_points": size,
        "runs_per_point": runs,
        "seed": seed,
        "chunk_runs": DEFAULT_CHUNK_RUNS,
        "seeding": "every grid point runs with the same master seed; chunk i uses "
        "numpy.random.SeedSequence(seed, spawn_key=(i,)) and each uncertain parameter draws from "
        "its own stream keyed by its dotted path (common random numbers across grid points)",
    }


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


def _run_grid(
    settings: dict[str, list[Any]],
    assignments: list[dict[str, Any]],
    variants: list[Scenario],
    runs: int,
    seed: int,
    path: Path,
) -> pd.DataFrame:
    """Run every grid point, append its runs to ``path`` and return the grid points table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.batch.chunks import run_batch

    columns = parameter_columns(settings)
    drawn = drawn_columns(variants)
    writer, frames = None, []
    for index, (assignment, scenario) in enumerate(zip(assignments, variants, strict=True)):
        table = run_batch(scenario, runs, seed)
        fixed = [column for column in table.columns if not column.startswith("drawn.")]
        table = table.reindex(columns=fixed + drawn)  # a parameter fixed here is left empty
        for setting, value in assignment.items():
            table[columns[setting]] = _column_value(settings[setting], value)
        table["variant"] = index
        frames.append(points_table(table, list(columns.values()), list(scenario.issues)))
        schema = None if writer is None else writer.schema
        arrow = pa.Table.from_pandas(table, schema=schema, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, arrow.schema, compression="zstd")
        writer.write_table(arrow)
    writer.close()
    return pd.concat(frames, ignore_index=True)


def _json_ready(value: Any) -> Any:
    """Scenario data with dates as text, as in a run's manifest."""
    import json

    return json.loads(json.dumps(value, default=str))
