"""Types of command-line values, with messages that say what was expected."""

from __future__ import annotations

import argparse
from collections.abc import Callable

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
