"""Given-data sensitivity: PAWN indices of the drawn parameters of an existing batch (no new runs).

PAWN (Pianosi & Wagener 2015, SALib ``pawn.analyze``) compares the distribution of an output
over all runs with its distributions within ``SLICES`` slices of one parameter's range: the
index summarises the Kolmogorov-Smirnov distances (median over the slices here). It needs no
design, so it works on the runs of ``negsim run``; unlike Sobol indices it also ranks a
parameter whose effect shows in the shape of the distribution rather than in its variance.

A parameter without effect still scores above zero, by chance: the two-sample KS critical value
at 5% for a slice against all runs (``ks_critical``) is the level below which an index says
nothing.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.errors import UsageError

SLICES = 10
"""Slices of each parameter's range."""


def ks_critical(runs: int, slices: int = SLICES, alpha: float = 0.05) -> float:
    """The KS distance a slice of ``runs / slices`` runs exceeds by chance with probability alpha.

    Examples:
        >>> round(ks_critical(20_000), 4)
        0.0319
    """
    part = runs / slices
    coefficient = math.sqrt(-math.log(alpha / 2) / 2)
    return coefficient * math.sqrt((part + runs) / (part * runs))


def pawn_table(table: pd.DataFrame, outputs: dict[str, str], seed: int = 0) -> pd.DataFrame:
    """PAWN indices of every varying ``drawn.*`` column for each output.

    Args:
        table: Runs with ``drawn.*`` columns and the outputs.
        outputs: Output columns and their labels.
        seed: Seed of SALib's slicing.

    Returns:
        One row per output and parameter: ``output``, ``output_label``, ``parameter``, ``median``,
        ``minimum``, ``maximum`` (over the slices), ``critical`` (``ks_critical``),
        ``informative`` (median above it) and ``rank`` (1 = largest median).

    Raises:
        UsageError: No drawn parameter varies.
    """
    from SALib.analyze import pawn

    names = [c for c in table.columns if str(c).startswith("drawn.") and table[c].nunique() > 1]
    if not names:
        raise UsageError("the batch has no uncertain parameter that varies (no drawn.* column)")
    x = table[names].to_numpy(dtype=float)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(x[:, i].min()), float(x[:, i].max())] for i in range(len(names))],
    }
    critical = ks_critical(len(table))
    frames = []
    for column, label in outputs.items():
        y = table[column].to_numpy(dtype=float)
        if not np.nanstd(y) > 1e-9 * max(1.0, abs(float(np.nanmean(y)))):
            continue  # constant up to rounding (an issue off the table): nothing to attribute
        found = pawn.analyze(problem, x, y, S=SLICES, seed=seed)
        frame = pd.DataFrame(
            {
                "output": column,
                "output_label": label,
                "parameter": names,
                "median": np.asarray(found["median"], dtype=float),
                "minimum": np.asarray(found["minimum"], dtype=float),
                "maximum": np.asarray(found["maximum"], dtype=float),
            }
        )
        frame["critical"] = critical
        frame["informative"] = frame["median"] > critical
        frame["rank"] = frame["median"].rank(ascending=False, method="first").astype(int)
        frames.append(frame.sort_values("rank"))
    return pd.concat(frames, ignore_index=True)
