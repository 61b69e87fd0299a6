"""``negsim backtest``: hold scenarios or result folders against what happened; write the folder.

Each case is a pair: a scenario file (a batch is run in this process) or a result folder of
``negsim run`` (its ``runs.parquet`` and the scenario in its manifest are used), and an
observed-outcome file (``sim.scenario.observed``). Everything is read and checked before anything
runs or is written; a bad file is a ``ScenarioError`` naming its file, line and field.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.analysis.backtest import CaseBacktest, backtest_case, calibration
from sim.analysis.folders import read_finished_manifest
from sim.analysis.results import check_result_folder
from sim.analysis.scores import reliability_table
from sim.batch.chunks import run_batch
from sim.batch.storage import check_destination, scenario_record
from sim.charts.backtest import (
    plot_issue_forecast,
    plot_pit_histogram,
    plot_reliability,
    plot_timing,
    timing_table,
)
from sim.errors import Problem, ScenarioError, UsageError
from sim.params.numbers import support
from sim.pipelines.output import DEFAULT_RESULTS, analysis_folder, write_document
from sim.report.backtest import backtest_document
from sim.scenario.loading import InvalidData, load_scenario, validate
from sim.scenario.observed import LoadedObserved, issue_problems, load_observed
from sim.scenario.schema import Scenario


@dataclass
class BacktestResult:
    """What ``backtest`` produced.

    Attributes:
        directory: The folder written.
        cases: The backtest of each case.
        text: A short account for the terminal.
    """

    directory: Path
    cases: list[CaseBacktest]
    text: str


@dataclass
class _Case:
    """One checked input pair, ready to run."""

    source: Path
    scenario: Scenario
    observed: LoadedObserved
    record: dict[str, Any]
    table: pd.DataFrame | None = None


def backtest(
    cases: list[tuple[str | Path, str | Path]],
    *,
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    force: bool = False,
    report: bool = True,
) -> BacktestResult:
    """Backtest each (scenario or result folder, observed file) pair and write one folder.

    The folder (by default ``results/backtest-<case>/``, or ``results/backtest-<n>-cases/``
    for several) receives ``backtest.md``, ``backtest.json`` (the tables and, under
    ``results``, every number), a chart per case and issue (``<case>-issue-<issue>.png``), a
    timing chart per case (``<case>-timing.png``), ``manifest.json`` and ``report.html``; with
    several cases also ``calibration-pit.png`` and ``calibration-reliability.png``.

    Args:
        cases: Pairs of a scenario file or result folder, and an observed-outcome file.
        runs: Runs per scenario file; the scenario's ``runs`` when ``None`` (a result folder
            is used whole).
        seed: Master seed of those batches; the scenario's ``seed`` when ``None``.
        out: Output folder.
        force: Replace ``out`` if it exists.
        report: Also write ``report.html``.

    Returns:
        The folder and the backtest of each case.

    Raises:
        ScenarioError: A scenario or observed file is not valid, or their issues differ.
        UsageError: No case, a result folder that cannot be used, or an output folder that
            exists (without ``force``) or cannot be written.
    """
    if not cases:
        raise UsageError("backtest needs at least one scenario and observed file")
    checked = [_check(Path(source), Path(observed)) for source, observed in cases]
    names = [case.observed.observed.case for case in checked]
    if len(set(names)) < len(names):
        raise UsageError(f"two observed files describe the same case: {', '.join(names)}")
    out = Path(out) if out is not None else _default_folder(names)
    check_destination(out, force)
    results = []
    for case in checked:
        table = case.table
        if table is None:
            table = run_batch(case.scenario, runs, seed)
            case.record.update(runs=len(table), seed=case.scenario.seed if seed is None else seed)
        case.table = table
        results.append(backtest_case(table, case.scenario, case.observed.observed))
    figures, captions = _charts(checked, results)
    document = backtest_document(results, captions)
    document.data = {
        "cases": [result.record() for result in results],
        **({"calibration": calibration(results)} if len(results) > 1 else {}),
    }
    manifest = {"inputs": [case.record for case in checked]}
    with analysis_folder(out, "backtest", manifest, force) as folder:
        write_document(folder, document, figures, report)
    return BacktestResult(out, results, document.text)


def _default_folder(names: list[str]) -> Path:
    if len(names) == 1:
        return DEFAULT_RESULTS / f"backtest-{names[0]}"
    return DEFAULT_RESULTS / f"backtest-{len(names)}-cases"


def _check(source: Path, observed_path: Path) -> _Case:
    """Read and check one pair: the observed file, the scenario or folder, their issues."""
    observed = load_observed(observed_path)
    record: dict[str, Any] = {
        "case": observed.observed.case,
        "observed_file": str(observed_path),
        "observed_sha256": hashlib.sha256(observed_path.read_bytes()).hexdigest(),
    }
    table = None
    if source.is_dir():
        scenario, table, folder_record = _from_folder(source)
        record.update(folder_record)
    else:
        loaded = load_scenario(source)
        scenario = loaded.scenario
        record.update(scenario_record(loaded))
    problems = issue_problems(observed, scenario)
    if problems:
        raise ScenarioError(problems)
    return _Case(source, scenario, observed, record, table)


def _from_folder(directory: Path) -> tuple[Scenario, pd.DataFrame, dict[str, Any]]:
    """The scenario, runs table and provenance of a result folder of ``negsim run``."""
    check_result_folder(directory)
    manifest = read_finished_manifest(directory)
    if manifest.get("kind", "run") != "run":
        raise UsageError(f"{directory} was written by negsim {manifest['kind']}, not by negsim run")
    try:
        scenario = validate(manifest.get("scenario", {}))
    except InvalidData as error:
        where, text = error.problems[0]
        path = directory / "manifest.json"
        raise ScenarioError([Problem(path, None, ".".join(("scenario", *where)), text)]) from None
    try:
        table = pd.read_parquet(directory / "runs.parquet")
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read {directory / 'runs.parquet'}: {error}") from None
    needed = [
        "ended_by",
        "agreed",
        "agreement_date",
        "extended",
        "extensions",
        "deadline_in_force",
        "days_before_deadline_in_force",
        *(f"issue.{name}" for name in scenario.issues),
    ]
    missing = [name for name in needed if name not in table]
    if missing:
        raise UsageError(
            f"{directory / 'runs.parquet'} has no column {missing[0]}; rerun the batch with "
            "this version of negsim"
        )
    record = {
        "result_folder": str(directory),
        "runs": len(table),
        "seed": manifest.get("seed"),
        "scenario_sha256": manifest.get("scenario_sha256"),
        "scenario": manifest.get("scenario", {}),
    }
    return scenario, table, record


def _charts(
    cases: list[_Case], results: list[CaseBacktest]
) -> tuple[dict[str, Figure], dict[str, str]]:
    """The figures by file name, and their captions."""
    figures: dict[str, Figure] = {}
    captions: dict[str, str] = {}
    for case in cases:
        scenario, observed, table = case.scenario, case.observed.observed, case.table
        assert table is not None
        name = f"{observed.case}-timing.png"
        date = observed.agreement_date.value if observed.agreement_date else None
        moved = observed.deadline_in_force.value if observed.extensions.value else None
        figures[name] = plot_timing(
            timing_table(table["agreement_date"], len(table)),
            date,
            scenario.calendar.deadline,
            moved,
        )
        captions[name] = f"{observed.case}: when the deal came in the runs, and when it did"
        deals = table.loc[table["agreed"], :]
        for issue, fact in observed.issues.items():
            spec = scenario.issues[issue]
            name = f"{observed.case}-issue-{issue}.png"
            figures[name] = plot_issue_forecast(
                deals[f"issue.{issue}"],
                spec.bounds,
                spec.label,
                spec.unit,
                fact.interval if fact.settled else None,
                None if fact.settled else float(np.mean(support(spec.no_deal))),
            )
            what = "observed value" if fact.settled else "no-deal value (not settled)"
            captions[name] = f"{observed.case}: {spec.label} among deals, with the {what}"
    if len(results) > 1:
        view = calibration(results)
        figures["calibration-pit.png"] = plot_pit_histogram(pd.DataFrame(view["pit"]))
        captions["calibration-pit.png"] = "PIT of the observed issue values across cases"
        events = pd.DataFrame(view["events"])
        reliability = pd.DataFrame(
            reliability_table(events["probability"], events["happened"].astype(float))
        )
        figures["calibration-reliability.png"] = plot_reliability(reliability)
        captions["calibration-reliability.png"] = "Reliability of the event forecasts across cases"
    return figures, captions
