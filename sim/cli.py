"""The ``negsim`` command line: ``negsim run``, ``negsim validate``.

Mistakes a user can make (a bad scenario file, a bad option, an output folder that exists) are
reported in one short message on standard error with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sim.errors import ScenarioError, UsageError

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
    except KeyboardInterrupt:
        print("negsim: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(arguments: argparse.Namespace) -> int:
    from sim.loading import load_scenario
    from sim.pipeline import run_scenario
    from sim.summary import describe

    loaded = load_scenario(arguments.scenario)
    started = time.perf_counter()
    result = run_scenario(
        loaded,
        runs=arguments.runs,
        seed=arguments.seed,
        out=arguments.out,
        force=arguments.force,
        progress=not arguments.quiet,
    )
    seconds = time.perf_counter() - started
    if not arguments.quiet:
        print(describe(result.summary))
        print(f"Wrote {result.directory}/ ({len(result.table):,} runs in {seconds:.1f} s).")
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
