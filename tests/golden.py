"""Golden digests: the runs table and summary of every shipped scenario at a fixed seed.

They pin the model's numbers. A commit that changes them on purpose regenerates them with
``python -m tests.golden`` and says why in its message.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.observed import OBSERVED_FOLDER

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = Path(__file__).with_name("golden_digests.json")
RUNS = 3_000
CHUNK_RUNS = 1_000
SEED = 11


def shipped_scenarios() -> list[Path]:
    """Every scenario file the project ships, as paths relative to the repository root.

    Observed-outcome files (``scenarios/observed/``) are not scenarios and are left out.
    """
    folder = ROOT / "scenarios"
    files = sorted(folder.glob("*.yaml")) + sorted(
        path for path in folder.glob("*/*.yaml") if path.parent.name != OBSERVED_FOLDER
    )
    return [path.relative_to(ROOT) for path in files]


#: Low mantissa bits a float is rounded off at before hashing: 2**-32 relative, about 2e-10.
ROUNDED_BITS = 20


def rounded_floats(values: np.ndarray) -> np.ndarray:
    """Float64 values rounded to the nearest multiple of 2**ROUNDED_BITS units in the last place.

    numpy picks its ``exp``, ``log`` and ``power`` kernels by the processor's instruction set
    (AVX-512 or not), and they differ in the last bit: the same run on two machines can give
    utilities 1e-16 apart. Rounding the bits keeps the digest a test of the model's numbers,
    not of the processor.
    """
    half, mask = np.uint64(1 << (ROUNDED_BITS - 1)), ~np.uint64((1 << ROUNDED_BITS) - 1)
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)
    return (bits + half) & mask


def table_digest(table: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, types and values, floats rounded to about 2e-10.

    Integers, booleans and dates are hashed by their bytes, floats by their rounded bits
    (``rounded_floats``); text and categories by their values, whatever pandas version stores
    them (``object`` or ``str`` dtype).
    """
    digest = hashlib.sha256()
    for name in table.columns:
        column = table[name]
        kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else "text"
        if kind == "f":
            digest.update(f"{name}:{column.dtype}\n".encode())
            digest.update(rounded_floats(column.to_numpy()).tobytes())
        elif kind in "biucmM":
            digest.update(f"{name}:{column.dtype}\n".encode())
            digest.update(np.ascontiguousarray(column.to_numpy()).tobytes())
        else:
            digest.update(f"{name}:text\n".encode())
            digest.update("\x1f".join(map(str, column.astype(object))).encode())
    return digest.hexdigest()


def summary_digest(summary: dict) -> str:
    """SHA-256 of a summary as JSON, with its keys sorted."""
    return hashlib.sha256(json.dumps(summary, sort_keys=True, default=str).encode()).hexdigest()


def digest(path: str | Path) -> dict[str, str]:
    """The digests of one shipped scenario's runs table and summary (``path`` from the root)."""
    import sim

    scenario = sim.load_scenario(ROOT / path).scenario
    table = sim.run_batch(scenario, runs=RUNS, seed=SEED, chunk_runs=CHUNK_RUNS)
    return {
        "runs": table_digest(table),
        "summary": summary_digest(sim.summarise(table, scenario)),
    }


def digests() -> dict[str, dict[str, str]]:
    """The digests of every shipped scenario's runs table and summary."""
    return {path.as_posix(): digest(path) for path in shipped_scenarios()}


if __name__ == "__main__":
    DIGESTS.write_text(json.dumps(digests(), indent=2) + "\n")
    print(f"wrote {DIGESTS}")
