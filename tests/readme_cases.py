"""The README's cross-case backtest: the tables it shows, made from the folder its command writes.

The "## Backtesting" section of the README holds a ``negsim backtest --case ...`` command and,
between the markers ``<!-- cases: begin -->`` and ``<!-- cases: end -->``, what that command
produces: the table across cases (as in its ``backtest.md``) and the calibration view (the PIT
histogram's counts and the reliability table, from its ``backtest.json``). After changing a
case, run the command and then ``python -m tests.readme_cases results/backtest-cases`` to print
the block to paste; ``tests/test_readme_cases.py`` reruns the command and compares.
"""

from __future__ import annotations

import itertools
import json
import shlex
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.scores import reliability_table
from sim.report.tables import markdown_table, number

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BEGIN, END = "<!-- cases: begin -->", "<!-- cases: end -->"
BINS = 5


def backtesting_section(readme: str) -> str:
    """The README's "## Backtesting" section."""
    return readme.split("## Backtesting", 1)[1].split("\n## ", 1)[0]


def cases_command(readme: str) -> list[str]:
    """The arguments of the section's ``negsim backtest --case ...`` command (after ``negsim``)."""
    for line in backtesting_section(readme).splitlines():
        if line.startswith("$ ") and "backtest --case" in line:
            return shlex.split(line[2:])[1:]
    raise LookupError("the README's Backtesting section has no negsim backtest --case command")


def shown_block(readme: str) -> str:
    """The block between the markers, as the README shows it."""
    section = backtesting_section(readme)
    return section.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def _percent(p: float) -> str:
    return f"{100 * p:.0f}%"


def block(folder: Path) -> str:
    """The tables of a cross-case backtest folder, as the README shows them."""
    markdown = (folder / "backtest.md").read_text()
    across = markdown.split("## Across cases\n\n", 1)[1].split("\n\n", 1)[0]
    view = json.loads((folder / "backtest.json").read_text())["results"]["calibration"]
    pit = np.array([entry["pit"] for entry in view["pit"]], dtype=float)
    edges = np.linspace(0, 1, BINS + 1)
    counts = np.histogram(pit, bins=edges)[0]
    histogram = pd.DataFrame(
        [["issues", *map(str, counts)]],
        columns=["PIT", *(f"{low:g} to {high:g}" for low, high in itertools.pairwise(edges))],
    )
    events = pd.DataFrame(view["events"])
    rows = reliability_table(events["probability"], events["happened"].astype(float), BINS)
    reliability = pd.DataFrame(
        [
            {
                "forecast probability": f"{_percent(row['low'])} to {_percent(row['high'])}",
                "mean forecast": number(row["forecast"]),
                "share that happened": number(row["observed"]),
                "events": str(row["events"]),
            }
            for row in rows
        ]
    )
    return "\n\n".join(
        [
            across,
            f"PIT of the {len(pit)} observed issue values among deals (flat if calibrated):",
            markdown_table(histogram),
            f"Reliability of the {len(events)} event forecasts:",
            markdown_table(reliability),
        ]
    )


if __name__ == "__main__":
    print(block(Path(sys.argv[1] if len(sys.argv) > 1 else "results/backtest-cases")))
