"""Scaling of `negsim run` on the baseline: engines, workers, start-up, memory.

Each figure is a separate `negsim run` process, timed from outside, so imports and worker
start-up count. Run by hand; it takes a few minutes:

    python benchmarks/scaling.py                  # 10^6 runs: engines, workers, start-up
    python benchmarks/scaling.py --huge 10000000  # also peak memory of a 10^7-run batch
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "korea_us_2025.yaml"


def negsim_command(runs: int, *options: str) -> tuple[list[str], Path]:
    """The command of a `negsim run` of the baseline into a new folder, and that folder."""
    out = Path(tempfile.mkdtemp(prefix="negsim-bench-")) / "out"
    run = ["run", str(BASELINE), "--runs", str(runs), "--out", str(out), "--quiet"]
    return [sys.executable, "-m", "sim.cli", *run, *options], out


def negsim_run(runs: int, *options: str) -> tuple[float, Path]:
    """Wall time of one `negsim run` of the baseline, and its output folder."""
    command, out = negsim_command(runs, *options)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started, out


def dask_in_process(runs: int, malloc_trim: bool) -> float:
    """Wall time of a batch on a local Dask cluster, with or without the nanny's malloc trim."""
    code = (
        "import time, tempfile\n"
        "from sim.batch.engines import DaskEngine\n"
        "from sim.pipelines.run import run_scenario\n"
        "start = time.perf_counter()\n"
        f"run_scenario({str(BASELINE)!r}, runs={runs}, out=tempfile.mkdtemp() + '/o',\n"
        f"             engine=DaskEngine(2, malloc_trim={malloc_trim}))\n"
        "print(time.perf_counter() - start)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    return float(result.stdout.split()[-1])


def worker_start_up(start_method: str) -> float:
    """Seconds from creating a 2-worker pool to both workers having simulated a small chunk."""
    from sim.batch.chunks import plan_chunks
    from sim.batch.engines import ChunkTask, ProcessPoolEngine
    from sim.scenario.loading import load_scenario

    scenario = load_scenario(BASELINE).scenario
    started = time.perf_counter()
    with ProcessPoolEngine(2, start_method=start_method) as engine:
        list(engine.map(ChunkTask(scenario, 0, 0), plan_chunks(200, 100)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--huge", type=int, default=0, help="runs of the memory test (0: skip)")
    arguments = parser.parse_args()
    runs = arguments.runs

    seconds, _ = negsim_run(1_000)
    print(f"start-up: negsim run with 1,000 runs (charts and files included): {seconds:.2f} s")

    for method in ("forkserver", "spawn"):
        print(f"worker start-up, {method}: {worker_start_up(method):.2f} s for 2 workers")

    rows = [
        ("in-process, 1 worker", ("--engine", "inprocess")),
        ("process pool, 1 worker", ("--engine", "process", "--workers", "1")),
        ("process pool, 2 workers", ("--engine", "process", "--workers", "2")),
        ("dask local cluster, 2 workers", ("--engine", "dask", "--workers", "2")),
    ]
    rates = {}
    for label, options in rows:
        seconds, out = negsim_run(runs, *options)
        rates[label] = runs / seconds
        print(f"{label:>32}: {runs:,} runs in {seconds:6.1f} s = {runs / seconds:>9,.0f} runs/s")
    base = rates["in-process, 1 worker"]
    for label, rate in rates.items():
        print(f"{label:>32}: {rate / base:4.2f}x in-process")
    for trim in (False, True):
        seconds = dask_in_process(runs, malloc_trim=trim)
        state = "kept" if trim else "unset"
        print(f"dask, nanny's MALLOC_TRIM_THRESHOLD_ {state}: {runs / seconds:,.0f} runs/s")

    if arguments.huge:
        command, out = negsim_command(arguments.huge)
        started = time.perf_counter()
        process = subprocess.Popen(command)
        peak_process, peak_total = 0, 0
        while process.poll() is None:
            sizes = [rss_mib(pid) for pid in process_tree(process.pid)]
            peak_process, peak_total = max(peak_process, *sizes), max(peak_total, sum(sizes))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        size = (out / "runs.parquet").stat().st_size / 2**20
        completed = json.loads((out / "manifest.json").read_text())["completed"]
        print(
            f"{arguments.huge:,} runs: {seconds:.0f} s ({arguments.huge / seconds:,.0f} runs/s); "
            f"peak RSS of one process {peak_process:,.0f} MiB, of all its processes together "
            f"{peak_total:,.0f} MiB; runs.parquet {size:,.0f} MiB; completed: {completed}"
        )


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (from /proc)."""
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                queue += [int(child) for child in (task / "children").read_text().split()]
    return tree


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


if __name__ == "__main__":
    main()
