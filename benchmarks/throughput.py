"""Throughput of the baseline scenario: runs per second, peak memory, and the ratio to simulating
one Mesa model per run (N = 1), measured in the same process.

    python benchmarks/throughput.py              # 10^4 and 10^5 runs
    python benchmarks/throughput.py --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import time
from pathlib import Path

import numpy as np
from baseline_run import BASELINE, baseline_run

from sim.batch.chunks import run_batch
from sim.model.negotiation import NegotiationModel
from sim.scenario.loading import load_scenario


def best_of(repeats: int, work) -> float:
    """Shortest wall time of ``repeats`` calls, in seconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def one_model_per_run(scenario, runs: int, seed: int) -> None:
    """The slow way: a separate single-run Mesa model per run, as mesa.batch_run users do."""
    for run in range(runs):
        model = NegotiationModel(scenario, 1, np.random.SeedSequence(seed, spawn_key=(run,)))
        model.run_model()
        model.results()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--slow-runs", type=int, default=500)
    parser.add_argument("--cli-runs", type=int, default=100_000)
    arguments = parser.parse_args()
    scenario = load_scenario(BASELINE).scenario
    run_batch(scenario, runs=1_000, seed=0)  # warm up imports and caches

    print(f"baseline scenario: {BASELINE.name}")
    vectorised = {}
    for size in arguments.sizes:
        seconds = best_of(3 if size <= 100_000 else 1, lambda s=size: run_batch(scenario, s, 1))
        vectorised[size] = size / seconds
        rate = size / seconds
        print(f"  vectorised batch, {size:>9,} runs: {seconds:7.3f} s  {rate:>12,.0f} runs/s")

    slow = arguments.slow_runs
    seconds = best_of(1, lambda: one_model_per_run(scenario, slow, 1))
    per_run = slow / seconds
    print(f"  one Mesa model per run, {slow:,} runs: {seconds:7.3f} s  {per_run:>12,.0f} runs/s")
    best = max(vectorised.values())
    print(f"  speed-up of the vectorised model: {best / per_run:,.0f}x")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process: {peak:,.0f} MiB")

    out = Path("/tmp/negsim-benchmark")
    command = baseline_run(arguments.cli_runs, out)
    seconds = best_of(1, lambda: subprocess.run(command, check=True))
    print(f"  command line, {arguments.cli_runs:,} runs with charts and files: {seconds:.2f} s")


if __name__ == "__main__":
    main()
