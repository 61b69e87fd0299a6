"""Types of command-line values, with messages that say what was expected."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.batch.engines import ENGINES
from sim.errors import UsageError

MAX_RUNS = 1_000_000_000


def count(what: str, smallest: int = 1, largest: int = MAX_RUNS) -> Callable[[str], int]:
    """A parser of whole numbers of ``what`` between ``smallest`` and ``largest`` (``1_000`` ok)."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a whole number of {what}, got {text!r}"
            ) from None
        if not smallest <= value <= largest:
            raise argparse.ArgumentTypeError(
                f"{what} must be between {smallest:,} and {largest:,}, got {value:,}"
            )
        return value

    return parse


def seed(text: str) -> int:
    """A master seed: a whole number from 0 to 2**63 - 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole-number seed, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"seed must be between 0 and 2**63 - 1, got {value}")
    return value


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


def parse_setting(text: str) -> tuple[str, list[Any]]:
    """Read ``PATH=V1,V2,...`` (as given to ``--set``), each value as YAML text.

    Examples:
        >>> parse_setting("calendar.extension.probability=0,1")
        ('calendar.extension.probability', [0, 1])

    Raises:
        UsageError: There is no ``=``, no path or no value, or a value is not valid YAML.
    """
    from sim.scenario.variants import parse_value  # imported here: YAML and the schema are slow

    path, equals, values = text.partition("=")
    path = path.strip()
    if not equals or not path:
        raise UsageError(
            f"--set {text!r}: expected PATH=V1,V2,... (e.g. calendar.extension.days=0,30)"
        )
    return path, [parse_value(value) for value in split_values(values)]


def add_output_options(parser: argparse.ArgumentParser, default: str) -> None:
    """Add ``--out`` (the output folder, ``default`` when not given) and ``--force``."""
    parser.add_argument("--out", type=Path, help=f"output folder (default: {default})")
    parser.add_argument(
        "--force", action="store_true", help="replace the output folder if it exists"
    )


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--engine``, ``--workers`` and ``--scheduler``: where the chunks of the runs go."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="where chunks run: a local process pool (process), this process (inprocess) or a "
        "Dask cluster (dask); auto = process pool, or this process for a one-chunk batch; "
        "the results are the same on every engine",
    )
    parser.add_argument(
        "--workers", type=count("workers", 1, 1024), help="worker processes (default: one per core)"
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="address of a running Dask scheduler (implies --engine dask); without it, "
        "--engine dask starts a local cluster on 127.0.0.1",
    )


def engine_of(arguments: argparse.Namespace, chunks: int):
    """The engine the ``add_engine_options`` options ask for, for ``chunks`` chunks of runs.

    Raises:
        UsageError: ``--scheduler`` is given with an engine other than dask.
    """
    from sim.batch.engines import make_engine

    if arguments.scheduler and arguments.engine not in ("auto", "dask"):
        raise UsageError("--scheduler goes with --engine dask")
    return make_engine(arguments.engine, arguments.workers, arguments.scheduler, chunks)
