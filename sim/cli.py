"""The ``negsim`` command line: ``negsim run``, ``negsim validate``.

Mistakes a user can make (a bad scenario file, a bad option, an output folder that exists) are
reported in one short message on standard error with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.engines import ENGINES
from sim.errors import Interrupted, ScenarioError, UsageError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
MAX_RUNS = 1_000_000_000


def _positive_runs(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of runs, got {text!r}") from None
    if not 1 <= value <= MAX_RUNS:
        raise argparse.ArgumentTypeError(f"runs must be between 1 and {MAX_RUNS:,}, got {value:,}")
    return value


def _positive_int(text: str) -> int:
    value = _whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    value = _whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {value}")
    return value


def _whole_number(text: str) -> int:
    try:
        return int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole-number seed, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"seed must be between 0 and 2**63 - 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``negsim``."""
    parser = argparse.ArgumentParser(
        prog="negsim",
        description="Monte Carlo simulation of bilateral multi-issue negotiations.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="run a Monte Carlo batch of a scenario")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--runs", type=_positive_runs, help="number of runs (default: the scenario's)")
    run.add_argument("--seed", type=_seed, help="master seed (default: the scenario's)")
    run.add_argument("--out", type=Path, help="output folder (default: results/<scenario name>/)")
    run.add_argument("--force", action="store_true", help="replace the output folder if it exists")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    run.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="where chunks run: a local process pool (process), this process (inprocess) or a "
        "Dask cluster (dask); auto = process pool, or this process for a one-chunk batch",
    )
    run.add_argument(
        "--workers", type=_positive_int, help="worker processes (default: one per core)"
    )
    run.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="address of a running Dask scheduler (implies --engine dask); without it, "
        "--engine dask starts a local cluster on 127.0.0.1",
    )
    run.add_argument(
        "--resume", action="store_true", help="finish an interrupted batch with the same settings"
    )
    run.add_argument(
        "--chunk-runs",
        type=_positive_int,
        default=None,
        metavar="N",
        help="runs simulated side by side per chunk (default 25,000); part of the seeding, "
        "so a different value gives different draws",
    )
    run.add_argument(
        "--trace-rounds",
        type=_non_negative_int,
        default=0,
        metavar="K",
        help="also write rounds.parquet with every round of the first K runs",
    )

    validate = commands.add_parser("validate", help="check scenario files")
    validate.add_argument("scenarios", type=Path, nargs="+", metavar="SCENARIO")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``negsim`` console script; returns the exit status."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.version:
        from sim import __version__

        print(f"negsim {__version__}")
        return 0
    if arguments.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return {"run": _run, "validate": _validate}[arguments.command](arguments)
    except (ScenarioError, UsageError) as error:
        print(f"negsim: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Interrupted as error:
        print(f"negsim: {error}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        print("negsim: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(arguments: argparse.Namespace) -> int:
    from sim.batch import DEFAULT_CHUNK_RUNS
    from sim.engines import make_engine
    from sim.loading import load_scenario
    from sim.pipeline import run_scenario
    from sim.summary import describe

    loaded = load_scenario(arguments.scenario)
    runs = arguments.runs or loaded.scenario.runs
    chunk_runs = arguments.chunk_runs or DEFAULT_CHUNK_RUNS
    engine = make_engine(
        arguments.engine, arguments.workers, arguments.scheduler, -(-runs // chunk_runs)
    )
    started = time.perf_counter()
    result = run_scenario(
        loaded,
        runs=runs,
        seed=arguments.seed,
        out=arguments.out,
        force=arguments.force,
        resume=arguments.resume,
        engine=engine,
        trace_rounds=arguments.trace_rounds,
        progress=not arguments.quiet,
        chunk_runs=chunk_runs,
    )
    seconds = time.perf_counter() - started
    if not arguments.quiet:
        print(describe(result.summary))
        print(
            f"Wrote {result.directory}/ ({result.summary['runs']:,} runs in {seconds:.1f} s, "
            f"{engine.name} engine, {engine.workers} worker{'s' if engine.workers > 1 else ''})."
        )
    return 0


def _validate(arguments: argparse.Namespace) -> int:
    from sim.loading import load_scenario

    failed = False
    for path in arguments.scenarios:
        try:
            loaded = load_scenario(path)
        except ScenarioError as error:
            print(f"negsim: error: {error}", file=sys.stderr)
            failed = True
        else:
            print(f"{path}: ok ({loaded.scenario.name})")
    return EXIT_USAGE if failed else 0


if __name__ == "__main__":
    sys.exit(main())
