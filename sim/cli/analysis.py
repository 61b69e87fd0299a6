"""The analysis commands of ``negsim``: from compare to backtest and calibrate, report, export.

``add_commands(subparsers)`` adds them to the ``negsim`` parser; each sets ``handler``, a function
taking the parsed arguments and returning the exit status. Mistakes a user can make raise
``UsageError`` (or ``ScenarioError``), which the main command line prints as one line with exit
status 2. The simulation and plotting libraries are imported only when a command runs.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

from sim.cli.arguments import (
    add_engine_options,
    add_output_options,
    count,
    engine_of,
    parse_setting,
    seed,
)
from sim.errors import UsageError

MAX_SAMPLES = 1 << 20


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the analysis commands to ``negsim``'s subcommands."""
    _add_compare(subparsers)
    _add_sweep(subparsers)
    _add_sensitivity(subparsers)
    _add_discover(subparsers)
    _add_backtest(subparsers)
    _add_calibrate(subparsers)
    _add_report(subparsers)
    _add_export(subparsers)


def _add_compare(subparsers: argparse._SubParsersAction) -> None:
    compare = subparsers.add_parser(
        "compare",
        help="compare result folders of negsim run: charts, differences, report",
        description="Compare result folders of negsim run against the first one: overlaid "
        "charts, a table of differences with bootstrap 95% intervals and tests "
        "(comparison.md) and report.html.",
    )
    compare.add_argument(
        "directories",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="result folders of negsim run (at least two); the first is the reference",
    )
    add_output_options(compare, "results/compare-<a>-vs-<b>/")
    compare.add_argument("--no-report", action="store_true", help="do not write report.html")
    compare.set_defaults(handler=compare_command)


def _scenario_command(
    subparsers: argparse._SubParsersAction, name: str, summary: str, description: str
) -> argparse.ArgumentParser:
    """The parser of a command whose first argument is a scenario file."""
    parser = subparsers.add_parser(name, help=summary, description=description)
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    return parser


def _add_sweep(subparsers: argparse._SubParsersAction) -> None:
    sweep = _scenario_command(
        subparsers,
        "sweep",
        "run a scenario over a grid of parameter values",
        "Run one batch per combination of the --set values and chart the deal probability and "
        "the issues against them.",
    )
    sweep.add_argument(
        "--set",
        dest="settings",
        action="append",
        required=True,
        metavar="PATH=V1,V2,...",
        help="a dotted path into the scenario and its values, e.g. "
        "calendar.extension.probability=0,0.5,1 or "
        "'negotiators.us.strategy.beta={dist: uniform, low: 0.1, high: 0.3},0.5' (repeatable)",
    )
    sweep.add_argument(
        "--runs", type=count("runs"), help="runs per grid point (default: scenario's)"
    )
    sweep.add_argument("--seed", type=seed, help="master seed (default: the scenario's)")
    add_output_options(sweep, "results/sweep-<name>/")
    add_engine_options(sweep)
    sweep.set_defaults(handler=sweep_command)


def _add_sensitivity(subparsers: argparse._SubParsersAction) -> None:
    sensitivity = _scenario_command(
        subparsers,
        "sensitivity",
        "Sobol indices: which uncertain parameters drive the outcomes",
        "Sobol sensitivity analysis (Saltelli design, SALib) of the scenario's uncertain "
        "parameters for the deal probability, each issue and each side's utility; given a "
        "result folder of negsim run instead, PAWN indices of its drawn parameters (no new "
        "runs).",
    )
    sensitivity.set_defaults()
    for action in sensitivity._actions:
        if action.dest == "scenario":
            action.help = "scenario YAML file, or a result folder of negsim run (PAWN, no runs)"
    sensitivity.add_argument(
        "--samples",
        type=count("samples", 1, MAX_SAMPLES),
        help="base samples N, rounded up to a power of two; N * (parameters + 2) runs "
        "(default: 1024)",
    )
    sensitivity.add_argument("--seed", type=seed, help="seed (default: the scenario's)")
    add_output_options(sensitivity, "results/sensitivity-<name>/")
    add_engine_options(sensitivity)
    sensitivity.set_defaults(handler=sensitivity_command)


def _add_discover(subparsers: argparse._SubParsersAction) -> None:
    discover = subparsers.add_parser(
        "discover",
        help="scenario discovery: which parameter ranges make an outcome likely",
        description="PRIM (peeling trajectory and box), a CART tree and feature scores of a "
        "condition on the runs, over the drawn.* parameters of a result folder of negsim run "
        "(no new runs; needs the EMA Workbench: pip install 'negsim[discover]').",
    )
    discover.add_argument("directory", type=Path, metavar="DIR", help="a result folder")
    discover.add_argument(
        "--where",
        required=True,
        metavar="EXPRESSION",
        help="a condition on the columns of runs.parquet, e.g. 'agreed and issue.tariff <= 15'",
    )
    discover.add_argument(
        "--box",
        type=count("PRIM box", 0, 10_000),
        help="the box of the peeling trajectory to report (default: the first whose density "
        "reaches halfway from the base rate to 100%%)",
    )
    add_output_options(discover, "results/discover-<folder>-<condition>/")
    discover.set_defaults(handler=discover_command)


def _add_backtest(subparsers: argparse._SubParsersAction) -> None:
    backtest = subparsers.add_parser(
        "backtest",
        help="hold scenarios against what happened: event probabilities, proper scores",
        description="How much probability a scenario gave to what happened (an observed-outcome "
        "file, scenarios/observed/<case>.yaml), event by event and as a path, with proper "
        "scores against stated reference forecasts. SCENARIO may be a result folder of negsim "
        "run instead (its runs are used). Give several cases with --case SCENARIO OBSERVED "
        "(repeated) for a calibration view across them.",
    )
    backtest.add_argument(
        "scenario", type=Path, nargs="?", help="scenario YAML file or result folder"
    )
    backtest.add_argument("observed", type=Path, nargs="?", help="observed-outcome YAML file")
    backtest.add_argument(
        "--case",
        nargs=2,
        type=Path,
        action="append",
        default=[],
        metavar=("SCENARIO", "OBSERVED"),
        help="one more case (repeat for several)",
    )
    backtest.add_argument(
        "--runs", type=count("runs"), help="runs per scenario file (default: the scenario's)"
    )
    backtest.add_argument("--seed", type=seed, help="master seed (default: the scenario's)")
    add_output_options(backtest, "results/backtest-<case>/ or results/backtest-<n>-cases/")
    backtest.add_argument("--no-report", action="store_true", help="do not write report.html")
    backtest.set_defaults(handler=backtest_command)


def share(text: str) -> float:
    """A share of the runs: a number above 0 and at most 1 (``0.05``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share such as 0.05, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"the share must be above 0 and at most 1, got {text}")
    return value


def _add_calibrate(subparsers: argparse._SubParsersAction) -> None:
    calibrate = subparsers.add_parser(
        "calibrate",
        help="condition a scenario's uncertain parameters on what happened (rejection ABC)",
        description="Run one batch of the scenario, keep the runs nearest the observed outcome "
        "(rejection ABC: a distance over the ending, the deal's date, the extensions and each "
        "issue; the tolerance is the --accept quantile of the distances), and write a posterior "
        "scenario (posterior.yaml, which extends SCENARIO) with distributions fitted to the "
        "accepted draws, a prior-versus-posterior chart per parameter, the acceptance rate and "
        "effective sample size, and a posterior predictive check (the posterior scenario rerun "
        "and held against OBSERVED like negsim backtest).",
    )
    calibrate.add_argument("scenario", type=Path, help="scenario YAML file")
    calibrate.add_argument("observed", type=Path, help="observed-outcome YAML file")
    calibrate.add_argument(
        "--runs", type=count("runs"), help="runs of the calibration batch (default: scenario's)"
    )
    calibrate.add_argument("--seed", type=seed, help="master seed (default: the scenario's)")
    calibrate.add_argument(
        "--accept",
        type=share,
        metavar="SHARE",
        help="share of the runs accepted, nearest first (default: 0.05)",
    )
    calibrate.add_argument(
        "--check-runs",
        type=count("runs"),
        help="runs of the posterior predictive check (default: --runs)",
    )
    add_output_options(calibrate, "results/<name>-calibrate/")
    calibrate.add_argument("--no-report", action="store_true", help="do not write report.html")
    calibrate.set_defaults(handler=calibrate_command)


def _add_report(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report",
        help="write a self-contained report.html into a result folder",
        description="Write report.html (charts embedded, no network needed) into a folder "
        "written by negsim run, compare, sweep, sensitivity, discover, backtest or calibrate.",
    )
    report.add_argument(
        "directory",
        type=Path,
        metavar="DIR",
        help="a folder written by run or by one of the analysis commands",
    )
    report.set_defaults(handler=report_command)


def _add_export(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export",
        help="write a result folder's runs and summary as CSV files or an Excel workbook",
        description="Write the runs table and the summary of a result folder of negsim run: "
        "runs.csv and summary.csv (the summary's fields flattened to dotted names), or one "
        "workbook with a runs and a summary sheet (needs openpyxl: pip install 'negsim[xlsx]').",
    )
    export.add_argument("directory", type=Path, metavar="DIR", help="a result folder")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="default: csv")
    export.add_argument(
        "--out",
        type=Path,
        help="csv: the folder for runs.csv and summary.csv (default: DIR); "
        "xlsx: the workbook (default: DIR/<DIR name>.xlsx)",
    )
    export.add_argument("--force", action="store_true", help="replace files that exist")
    export.set_defaults(handler=export_command)


def compare_command(arguments: argparse.Namespace) -> int:
    """``negsim compare DIR_A DIR_B [...] [--out DIR] [--force] [--no-report]``."""
    from sim.pipelines.compare import compare

    started = time.perf_counter()
    result = compare(
        arguments.directories,
        arguments.out,
        force=arguments.force,
        report=not arguments.no_report,
    )
    _print_result(result, started)
    return 0


def sweep_command(arguments: argparse.Namespace) -> int:
    """``negsim sweep SCENARIO --set PATH=V1,V2,... [--runs N] [--seed S] [--out DIR]``."""
    from sim.pipelines.sweep import sweep

    settings: dict[str, list] = {}
    for text in arguments.settings:
        path, values = parse_setting(text)
        if path in settings:
            raise UsageError(f"--set {path} is given twice; list all its values in one --set")
        settings[path] = values
    started = time.perf_counter()
    points = 1
    for values in settings.values():
        points *= len(values)
    result = sweep(
        arguments.scenario,
        settings,
        runs=arguments.runs,
        seed=arguments.seed,
        out=arguments.out,
        force=arguments.force,
        engine=engine_of(arguments, points),
    )
    _print_result(result, started)
    return 0


def sensitivity_command(arguments: argparse.Namespace) -> int:
    """``negsim sensitivity SCENARIO [--samples N] [--seed S] [--out DIR] [--force]``."""
    from sim.pipelines.sensitivity import DEFAULT_SAMPLES, sensitivity

    started = time.perf_counter()
    if arguments.scenario.is_dir():  # a result folder: given-data indices, no new runs
        from sim.pipelines.given_data import given_data_sensitivity

        for name in ("samples", "workers", "scheduler"):
            if getattr(arguments, name) is not None:
                raise UsageError(f"--{name} goes with a scenario file, not a result folder")
        result = given_data_sensitivity(arguments.scenario, arguments.out, force=arguments.force)
        _print_result(result, started)
        return 0
    result = sensitivity(
        arguments.scenario,
        samples=arguments.samples or DEFAULT_SAMPLES,
        seed=arguments.seed,
        out=arguments.out,
        force=arguments.force,
        engine=engine_of(arguments, 2),  # a design has several blocks, each a batch
    )
    _print_result(result, started)
    return 0


def discover_command(arguments: argparse.Namespace) -> int:
    """``negsim discover DIR --where EXPRESSION [--box I] [--out DIR] [--force]``."""
    from sim.pipelines.discovery import discover_folder

    started = time.perf_counter()
    result = discover_folder(
        arguments.directory,
        arguments.where,
        arguments.out,
        force=arguments.force,
        box=arguments.box,
    )
    _print_result(result, started)
    return 0


def backtest_command(arguments: argparse.Namespace) -> int:
    """``negsim backtest SCENARIO OBSERVED [--case SCENARIO OBSERVED ...] [--runs N] ...``."""
    from sim.pipelines.backtest import backtest

    cases = [tuple(pair) for pair in arguments.case]
    if arguments.scenario is not None and arguments.observed is None:
        raise UsageError(f"backtest {arguments.scenario}: give the observed-outcome file too")
    if arguments.scenario is not None:
        cases.insert(0, (arguments.scenario, arguments.observed))
    if not cases:
        raise UsageError("backtest needs SCENARIO OBSERVED, or --case SCENARIO OBSERVED")
    started = time.perf_counter()
    result = backtest(
        cases,
        runs=arguments.runs,
        seed=arguments.seed,
        out=arguments.out,
        force=arguments.force,
        report=not arguments.no_report,
    )
    _print_result(result, started)
    return 0


def calibrate_command(arguments: argparse.Namespace) -> int:
    """``negsim calibrate SCENARIO OBSERVED [--runs N] [--seed S] [--accept SHARE] ...``."""
    from sim.analysis.calibration import DEFAULT_ACCEPT
    from sim.pipelines.calibrate import calibrate

    started = time.perf_counter()
    result = calibrate(
        arguments.scenario,
        arguments.observed,
        runs=arguments.runs,
        seed=arguments.seed,
        accept=DEFAULT_ACCEPT if arguments.accept is None else arguments.accept,
        check_runs=arguments.check_runs,
        out=arguments.out,
        force=arguments.force,
        report=not arguments.no_report,
    )
    _print_result(result, started)
    return 0


def report_command(arguments: argparse.Namespace) -> int:
    """``negsim report DIR``."""
    from sim.analysis.folders import read_finished_manifest, read_json_object, read_summary
    from sim.analysis.results import check_result_folder
    from sim.report.html import write_report

    directory = arguments.directory
    if not directory.is_dir():
        raise UsageError(f"{directory} is not a folder (expected a folder written by negsim)")
    kind = read_finished_manifest(directory).get("kind", "run")
    if kind == "run":
        check_result_folder(directory)
        read_summary(directory)
    elif isinstance(kind, str) and (directory / f"{kind}.json").is_file():
        read_json_object(directory / f"{kind}.json")
    try:
        path = write_report(directory)
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise UsageError(
            f"cannot make a report of {directory}: its files are not as negsim writes them "
            f"({type(error).__name__}: {error})"
        ) from None
    print(f"Wrote {path}")
    return 0


def export_command(arguments: argparse.Namespace) -> int:
    """``negsim export DIR [--format csv|xlsx] [--out PATH] [--force]``."""
    from sim.pipelines.export import export

    started = time.perf_counter()
    result = export(arguments.directory, arguments.format, arguments.out, force=arguments.force)
    names = ", ".join(str(path) for path in result.files)
    print(f"Wrote {names} ({result.runs:,} runs in {time.perf_counter() - started:.1f} s).")
    return 0


def _print_result(result, started: float) -> None:
    """Print an analysis's account and the folder it wrote, with the time it took."""
    print(result.text)
    print(f"Wrote {result.directory}/ in {time.perf_counter() - started:.1f} s.")


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "compare": compare_command,
    "sweep": sweep_command,
    "sensitivity": sensitivity_command,
    "discover": discover_command,
    "backtest": backtest_command,
    "calibrate": calibrate_command,
    "report": report_command,
    "export": export_command,
}
"""The handler of each command, by name."""
