"""A small batch end to end: `negsim run` of 1,000 baseline runs, wall time, imports and charts.

    python benchmarks/small_batch.py               # median of 5
    python benchmarks/small_batch.py --runs 1000 --repeats 9

Printed: the median wall time of the command (a fresh process each time, as a user runs it), the
time its imports take (``python -X importtime``, the largest top-level packages named), the
median wall time of a process that only imports the libraries the command loads (the same
modules, the project's own left out: the least the command could take on this machine), and,
measured in this process, how long drawing and saving the four PNG charts takes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from baseline_run import BASELINE, baseline_run


def wall_times(runs: int, repeats: int, out: Path) -> list[float]:
    """Wall time of each of ``repeats`` runs of the command, in seconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(baseline_run(runs, out), check=True)
        times.append(time.perf_counter() - started)
    return times


def import_times(runs: int, out: Path) -> tuple[float, dict[str, float], list[str]]:
    """Seconds spent importing during one run of the command, in all and by package.

    Each module's own import time (without the modules it imports) is counted to its top-level
    package, so the packages' times add up to the total. Also returned: the modules imported
    that are neither the standard library's nor the project's, in the order they were.
    """
    done = subprocess.run(
        baseline_run(runs, out, python=("-X", "importtime")),
        check=True,
        capture_output=True,
        text=True,
    )
    packages: dict[str, float] = {}
    libraries: list[str] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, _, name = line.removeprefix("import time:").split("|")
        if not own.strip().isdigit():
            continue  # the header
        name = name.strip()
        package = name.split(".")[0]
        packages[package] = packages.get(package, 0.0) + int(own) / 1e6
        if package != "sim" and package not in sys.stdlib_module_names:
            libraries.append(name)
    return sum(packages.values()), packages, libraries


def import_floor(libraries: list[str], repeats: int) -> list[float]:
    """Wall times of fresh processes that import ``libraries`` and nothing of the project.

    A module that cannot be imported on its own (one its package loads only from inside) is
    skipped: its package's import has loaded it already, or the floor is that much lower.
    """
    script = (
        "import importlib\n"
        f"for name in {libraries!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        pass\n"
    )
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", script], check=True)
        times.append(time.perf_counter() - started)
    return times


def chart_seconds(folder: Path) -> float:
    """Seconds to draw and save the charts of the batch in ``folder``."""
    import pandas as pd

    from sim.charts.figures import save_figures
    from sim.charts.run import all_charts
    from sim.scenario.loading import load_scenario

    table = pd.read_parquet(folder / "runs.parquet")
    scenario = load_scenario(BASELINE).scenario
    save_figures(all_charts(table, scenario), folder)  # warm up fonts and caches
    started = time.perf_counter()
    save_figures(all_charts(table, scenario), folder)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "batch"
        times = wall_times(arguments.runs, arguments.repeats, out)
        total, imports, libraries = import_times(arguments.runs, out)
        floor = import_floor(libraries, arguments.repeats)
        charts = chart_seconds(out)
    print(f"negsim run {BASELINE.name} --runs {arguments.runs:,}, {arguments.repeats} times:")
    print(
        f"  wall time: median {statistics.median(times):.3f} s "
        f"(min {min(times):.3f} s, max {max(times):.3f} s)"
    )
    largest = sorted(imports.items(), key=lambda item: -item[1])[:8]
    named = ", ".join(f"{name} {seconds:.2f}" for name, seconds in largest)
    print(f"  imports (one run, -X importtime): {total:.2f} s; largest: {named}")
    print(
        f"  importing only the {len(libraries)} library modules it loads: median "
        f"{statistics.median(floor):.3f} s (min {min(floor):.3f} s)"
    )
    print(f"  drawing and saving the four charts (in process): {charts:.3f} s")


if __name__ == "__main__":
    main()
