"""Large batches end to end: `negsim run` of the baseline at several sizes, on a process pool.

    python benchmarks/end_to_end.py                         # 10^5 and 10^6 runs, 2 workers
    python benchmarks/end_to_end.py --sizes 100000 1000000 10000000

For each size, the command runs in a fresh process (charts, summary and files included) and the
script prints its wall time, runs per second, the ratio of its runs per second to the first
size's (time linear in runs: all near 1), the peak resident memory of the largest process (the
command or one of its workers, from ``resource.getrusage(RUSAGE_CHILDREN)`` in a process that
runs only that command), and the size of ``runs.parquet`` in bytes per run, by column group.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from baseline_run import BASELINE, baseline_run

GROUPS = {
    "drawn parameters": ("drawn.",),
    "per-run solutions": (
        "nash.",
        "kalai_smorodinsky.",
        "nash_product",
        "distance_to_nash",
        "pareto_gap",
    ),
}


def measure(runs: int, workers: int, out: Path) -> dict:
    """Run the command once in a child process; its wall time and the largest peak RSS."""
    command = baseline_run(runs, out, "--engine", "process", "--workers", str(workers))
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"seconds": seconds, "peak_bytes": peak}


def bytes_by_group(path: Path) -> dict[str, int]:
    """Compressed bytes of ``runs.parquet`` by column group (from the file's metadata)."""
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    sizes: dict[str, int] = {}
    for group in range(metadata.num_row_groups):
        row_group = metadata.row_group(group)
        for index in range(row_group.num_columns):
            column = row_group.column(index)
            name = column.path_in_schema
            kind = next(
                (label for label, prefixes in GROUPS.items() if name.startswith(prefixes)),
                "everything else",
            )
            sizes[kind] = sizes.get(kind, 0) + column.total_compressed_size
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a single measurement
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        print(json.dumps(measure(arguments.one, arguments.workers, arguments.out)))
        return

    print(f"negsim run {BASELINE.name}, process pool of {arguments.workers} workers:")
    first_rate = None
    with tempfile.TemporaryDirectory() as scratch:
        for runs in arguments.sizes:
            out = Path(scratch) / f"batch-{runs}"
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    str(runs),
                    "--out",
                    str(out),
                    "--workers",
                    str(arguments.workers),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(done.stdout)
            rate = runs / figures["seconds"]
            first_rate = first_rate or rate
            size = (out / "runs.parquet").stat().st_size
            print(
                f"  {runs:>11,} runs: {figures['seconds']:8.2f} s  {rate:>10,.0f} runs/s  "
                f"x{rate / first_rate:.2f} of the first  peak RSS "
                f"{figures['peak_bytes'] / 2**20:,.0f} MiB  runs.parquet {size / runs:.0f} B/run"
            )
            groups = bytes_by_group(out / "runs.parquet")
            parts = ", ".join(f"{name} {total / runs:.0f}" for name, total in groups.items())
            print(f"      bytes per run by column group: {parts}")


if __name__ == "__main__":
    main()
