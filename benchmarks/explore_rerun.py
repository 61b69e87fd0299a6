"""Time the page's rerun: a batch of the edited scenario with its summary and charts.

The baseline's batch is computed once per runs and seed and kept, so a change on the page costs
one batch, its summary and the charts' options with the baseline over them (the browser draws
them). Run on one core:

    taskset -c 0 .venv/bin/python benchmarks/explore_rerun.py [--runs 10000] [--repeat 3]
"""

import argparse
import time

from sim.explore.rerun import rerun
from sim.explore.state import Exploration
from sim.scenario.loading import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/korea_us_2025.yaml")
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    loaded = load_scenario(arguments.scenario)
    edited = Exploration.start(loaded).with_value("events.rapport", 0.1).scenario
    first = rerun(edited, loaded.scenario, arguments.runs, 1)
    timings = []
    for _ in range(arguments.repeat):
        started = time.perf_counter()
        result = rerun(edited, loaded.scenario, arguments.runs, 1, baseline_table=first.baseline)
        timings.append((time.perf_counter() - started, result.seconds))
    best = min(timings)
    print(f"{arguments.runs:,} runs, best of {arguments.repeat}: {best[0]:.2f} s per rerun")
    print(f"  of which batch + summary + charts of the edited scenario: {best[1]:.2f} s")
    print(f"  target 0.5 s: {'met' if best[0] <= 0.5 else 'not met'}")


if __name__ == "__main__":
    main()
