"""The `negsim run` command line of the baseline that the end-to-end benchmarks time."""

from __future__ import annotations

import sys
from pathlib import Path

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "korea_us_2025.yaml"


def baseline_run(runs: int, out: Path, *options: str, python: tuple[str, ...] = ()) -> list[str]:
    """`negsim run` of the baseline: ``runs`` runs into ``out``, replaced, quietly.

    ``options`` follow the command (``--engine process``); ``python`` are the interpreter's own
    options (``-X importtime``).
    """
    command = [sys.executable, *python, "-m", "sim.cli", "run", str(BASELINE)]
    return [*command, "--runs", str(runs), "--out", str(out), "--force", "--quiet", *options]
