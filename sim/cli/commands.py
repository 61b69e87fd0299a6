"""The ``negsim`` command line: ``run``, ``validate``, ``schema``, ``trace``, analysis commands.

The analysis commands (``compare``, ``sweep``, ``sensitivity``, ``report``) live in
``sim.cli.analysis``.

Mistakes a user can make (a bad scenario file, a bad option, an output folder that exists) are
reported in one short message on standard error with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sim.cli.analysis import HANDLERS, add_commands
from sim.cli.arguments import add_engine_options, add_output_options, count, engine_of, seed
from sim.columns import COLUMN_SETS
from sim.errors import (
    BatchFailed,
    FolderBusy,
    ForeignFolder,
    Interrupted,
    OutputExists,
    ResumeMismatch,
    ScenarioError,
    UsageError,
    describe_os_error,
)

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
STOPPING_SIGNALS = ("SIGTERM", "SIGHUP")
"""Signals that stop a command as Ctrl-C does (``kill``, a closed terminal)."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``negsim``."""
    parser = argparse.ArgumentParser(
        prog="negsim",
        description="Monte Carlo simulation of bilateral multi-issue negotiations.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_run(commands)
    _add_trace(commands)
    _add_explore(commands)
    validate = commands.add_parser("validate", help="check scenario files")
    validate.add_argument("scenarios", type=Path, nargs="+", metavar="SCENARIO")
    _add_schema(commands)
    add_commands(commands)
    return parser


def _add_run(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("run", help="run a Monte Carlo batch of a scenario")
    run.add_argument("scenario", type=Path, help="scenario YAML file")
    run.add_argument("--runs", type=count("runs"), help="number of runs (default: the scenario's)")
    run.add_argument("--seed", type=seed, help="master seed (default: the scenario's)")
    add_output_options(run, "results/<scenario name>/")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    add_engine_options(run)
    run.add_argument(
        "--resume", action="store_true", help="finish an interrupted batch with the same settings"
    )
    run.add_argument(
        "--chunk-runs",
        type=count("runs per chunk"),
        default=None,
        metavar="N",
        help="runs simulated side by side per chunk (default 25,000); part of the seeding, "
        "so a different value gives different draws",
    )
    run.add_argument(
        "--trace-rounds",
        type=count("traced runs", 0),
        default=0,
        metavar="K",
        help="also write rounds.parquet with every round of the first K runs",
    )
    run.add_argument(
        "--columns",
        choices=COLUMN_SETS,
        default="all",
        help="all: every column the analysis commands need (default); lean: runs.parquet "
        "without the drawn parameters and the per-run bargaining solutions, about a quarter "
        "of the size (discover, sensitivity and the solution charts then lack their data)",
    )


def _add_trace(commands: argparse._SubParsersAction) -> None:
    trace = commands.add_parser(
        "trace", help="replay one run of a batch round by round, with a chart"
    )
    trace.add_argument(
        "scenario",
        type=Path,
        help="scenario YAML file, or a result folder of negsim run (its manifest then gives the "
        "scenario, seed, runs and chunk size)",
    )
    trace.add_argument("--seed", type=seed, help="master seed of the batch (default: scenario's)")
    trace.add_argument("--run", type=count("run index", 0), default=0, help="which run (default 0)")
    trace.add_argument("--runs", type=count("runs"), help="batch size (default: the scenario's)")
    add_output_options(trace, "results/<name>-run-<I>/")


def _add_explore(commands: argparse._SubParsersAction) -> None:
    explore = commands.add_parser(
        "explore", help="open a local page to tweak a scenario and watch its charts change"
    )
    explore.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        default=Path("scenarios/korea_us_2025.yaml"),
        help="scenario YAML file (default: scenarios/korea_us_2025.yaml)",
    )
    explore.add_argument(
        "--port", type=count("port", 1, 65_535), help="port on 127.0.0.1 (default: a free one)"
    )
    explore.add_argument(
        "--runs",
        type=count("runs", 1_000, 100_000),
        default=1_000,
        help="runs the page starts with (1,000 to 100,000; default 1,000)",
    )
    explore.add_argument(
        "--save-dir", type=Path, help="folder for saved variants (default: the scenario's)"
    )


def _add_schema(commands: argparse._SubParsersAction) -> None:
    schema = commands.add_parser(
        "schema", help="print the JSON Schema of scenario files, for editors"
    )
    schema.add_argument(
        "--variant",
        action="store_true",
        help="the looser schema of a file that starts with extends: (every key optional)",
    )


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
    _show_notes()
    with _stop_on_signals() as stopped:
        return _dispatch(arguments, stopped)


def _dispatch(arguments: argparse.Namespace, stopped: dict[str, int]) -> int:
    """Run the command; turn the errors a user or the machine can cause into an exit status."""
    try:
        handlers = {
            "run": _run,
            "trace": _trace,
            "explore": _explore,
            "validate": _validate,
            "schema": _schema,
            **HANDLERS,
        }
        return handlers[arguments.command](arguments)
    except (ScenarioError, UsageError) as error:
        print(f"negsim: error: {error}{_remedy(error)}", file=sys.stderr)
        return EXIT_USAGE
    except Interrupted as error:
        print(f"negsim: {error}{_remedy(error)}", file=sys.stderr)
        return 128 + stopped.get("signal", signal.SIGINT)
    except KeyboardInterrupt:
        print("negsim: interrupted; nothing was written", file=sys.stderr)
        return 128 + stopped.get("signal", signal.SIGINT)
    except BrokenPipeError:  # output piped into a command that stopped reading (| head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as error:  # the machine, not the user: a full disk, a file system gone
        print(f"negsim: error: {describe_os_error(error)}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print("negsim: error: out of memory", file=sys.stderr)
        return EXIT_USAGE


@contextmanager
def _stop_on_signals() -> Iterator[dict[str, int]]:
    """Make TERM and HUP stop a command as Ctrl-C does; let a file-size limit fail a write.

    Yields:
        Filled with ``signal``, the number of the signal that stopped the command, if any.
    """
    stopped: dict[str, int] = {}

    def stop(number: int, frame) -> None:
        stopped["signal"] = number
        raise KeyboardInterrupt

    wanted = {getattr(signal, name): stop for name in STOPPING_SIGNALS if hasattr(signal, name)}
    if hasattr(signal, "SIGXFSZ"):  # over `ulimit -f`: an EFBIG error rather than a core dump
        wanted[signal.SIGXFSZ] = signal.SIG_IGN
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {number: signal.signal(number, handler) for number, handler in wanted.items()}
    try:
        yield stopped
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _show_notes() -> None:
    """Print what the library reports on the way (e.g. a folder restored) as ``negsim: ...``."""
    logger = logging.getLogger("sim")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("negsim: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


REMEDIES = {
    OutputExists: "; pass --force to replace it, or --out to write elsewhere",
    ForeignFolder: "; pass --out to write elsewhere",
    FolderBusy: "; wait for it to finish, or pass --out to write elsewhere",
    ResumeMismatch: "; run without --resume to start afresh",
    BatchFailed: ". Once that is fixed, rerun the same command with --resume to finish the batch",
    Interrupted: ": rerun the same command with --resume to finish the batch",
}
"""What the command line adds to a library error: which option fixes it."""


def _remedy(error: Exception) -> str:
    return next((text for kind, text in REMEDIES.items() if isinstance(error, kind)), "")


def _run(arguments: argparse.Namespace) -> int:
    from sim.batch.plan import DEFAULT_CHUNK_RUNS
    from sim.scenario.loading import load_scenario

    loaded = load_scenario(arguments.scenario)
    runs = arguments.runs or loaded.scenario.runs
    chunk_runs = arguments.chunk_runs or DEFAULT_CHUNK_RUNS
    engine = engine_of(arguments, -(-runs // chunk_runs))
    if hasattr(engine, "warm"):  # a process pool loads the simulator beside these imports
        engine.warm()
    from sim.pipelines.run import run_scenario
    from sim.report.run import describe

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
        columns=arguments.columns,
    )
    seconds = time.perf_counter() - started
    if not arguments.quiet:
        print(describe(result.summary))
        print(
            f"Wrote {result.directory}/ ({result.summary['runs']:,} runs in {seconds:.1f} s, "
            f"{engine.name} engine, {_workers(engine.workers)})."
        )
    return 0


def _workers(workers: int | None) -> str:
    """``1 worker``, ``4 workers``, or ``workers unknown``."""
    if workers is None:
        return "workers unknown"
    return f"{workers} worker{'s' if workers != 1 else ''}"


def _trace(arguments: argparse.Namespace) -> int:
    from sim.pipelines.trace import trace_folder, trace_scenario

    if arguments.scenario.is_dir():  # a result folder: its manifest says which batch
        given = [name for name in ("seed", "runs") if getattr(arguments, name) is not None]
        if given:
            raise UsageError(
                f"--{given[0]} goes with a scenario file; a result folder's manifest gives it"
            )
        trace, out = trace_folder(
            arguments.scenario, run=arguments.run, out=arguments.out, force=arguments.force
        )
    else:
        trace, out = trace_scenario(
            arguments.scenario,
            seed=arguments.seed,
            run=arguments.run,
            runs=arguments.runs,
            out=arguments.out,
            force=arguments.force,
        )
    print(trace.rounds.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    outcome = trace.outcome
    print(
        f"Run {arguments.run} ended by {outcome['ended_by']} in round {outcome['end_round']}; "
        f"wrote {out}/ (trace.png, rounds.csv)."
    )
    return 0


def _explore(arguments: argparse.Namespace) -> int:
    from sim.explore.server import HOST, check_installed, free_port, serve
    from sim.scenario.loading import load_scenario

    check_installed()
    loaded = load_scenario(arguments.scenario)
    port = arguments.port or free_port()
    print(f"negsim explore: {loaded.scenario.name} at http://{HOST}:{port}/ (Ctrl-C to stop)")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the page is stopped
        serve(arguments.scenario, port, arguments.save_dir, arguments.runs)
    print("negsim explore: stopped")
    return 0


def _validate(arguments: argparse.Namespace) -> int:
    from sim.scenario.loading import load_scenario

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


def _schema(arguments: argparse.Namespace) -> int:
    from sim.scenario.json_schema import schema_text

    print(schema_text(variant=arguments.variant), end="")
    return 0
