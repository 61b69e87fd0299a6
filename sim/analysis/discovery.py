"""Scenario discovery: which ranges of the drawn parameters make an outcome likely.

After Bryant & Lempert (2010), on the ``drawn.*`` columns of an existing batch (no new runs):

- **PRIM** (Friedman & Fisher 1999) peels the parameter space down to a box where the outcome
  is dense. Its peeling trajectory trades coverage (the share of the outcome's runs inside the
  box) against density (the share of the box's runs with the outcome). PRIM's threshold is a
  minimum density: set from the base rate (the outcome's share of all runs), so the trajectory
  is never empty. The chosen box is the first on the trajectory whose density reaches halfway
  from the base rate to 1 (the densest if none does), unless the analyst picks another.
- **CART**: a classification tree; each leaf is a box with its coverage and density.
- **Feature scores**: the importance of each parameter in an extra-trees classifier.

The EMA Workbench (``pip install 'negsim[discover]'``) provides the three.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import UsageError

MASS_MIN = 0.05
"""Smallest share of the runs a PRIM or CART box may hold."""
PEEL_ALPHA = 0.05
"""Share of the box's runs PRIM peels away per step."""
TREES = 100
"""Trees of the extra-trees classifier behind the feature scores."""
INSTALL = "pip install 'negsim[discover]'"


@dataclass
class Discovery:
    """What scenario discovery found for one condition.

    Attributes:
        condition: The condition on the runs (``--where``).
        runs: Runs analysed.
        base_rate: Share of the runs where the condition holds.
        threshold: PRIM's minimum density (the base rate).
        trajectory: PRIM's peeling trajectory: ``box``, ``coverage``, ``density``, ``mass``,
            ``restricted`` (parameters restricted), one row per box.
        chosen: Index of the chosen box in the trajectory.
        limits: The chosen box: ``parameter``, ``low``, ``high``, ``drawn_low``, ``drawn_high``
            (the full range drawn) and ``qp_value`` (PRIM's quasi-p-value of the restriction).
        tree: CART's leaves: ``box``, ``coverage``, ``density``, ``mass``, ``limits`` (text).
        scores: Feature scores: ``parameter``, ``score``, highest first.
    """

    condition: str
    runs: int
    base_rate: float
    threshold: float
    trajectory: pd.DataFrame
    chosen: int
    limits: pd.DataFrame
    tree: pd.DataFrame
    scores: pd.DataFrame


def workbench() -> Any:
    """The EMA Workbench's analysis package.

    Raises:
        UsageError: It is not installed; the message says how to install it.
    """
    try:
        with warnings.catch_warnings():  # it warns about optional parallel back ends
            warnings.simplefilter("ignore")
            from ema_workbench import analysis
            from ema_workbench.analysis import cart, feature_scoring, prim  # noqa: F401
    except ImportError:
        raise UsageError(
            f"scenario discovery needs the EMA Workbench; install it with {INSTALL}"
        ) from None
    return analysis


def parameter_table(table: pd.DataFrame) -> pd.DataFrame:
    """The ``drawn.*`` columns that vary, as floats.

    Raises:
        UsageError: No drawn parameter varies.
    """
    columns = [c for c in table.columns if str(c).startswith("drawn.")]
    x = table[columns].astype(float)
    x = x.loc[:, x.nunique() > 1]
    if x.shape[1] == 0:
        raise UsageError("the batch has no uncertain parameter that varies (no drawn.* column)")
    return x.reset_index(drop=True)


def choose_box(trajectory: pd.DataFrame, base_rate: float) -> int:
    """The first box whose density reaches halfway from ``base_rate`` to 1, else the densest.

    Examples:
        >>> trajectory = pd.DataFrame({"coverage": [1, 0.8, 0.2], "density": [0.4, 0.75, 0.95]})
        >>> choose_box(trajectory, 0.4)
        1
    """
    density = trajectory["density"].to_numpy()
    reached = np.flatnonzero(density >= base_rate + (1 - base_rate) / 2)
    return int(reached[0]) if len(reached) else int(density.argmax())


def _prim(analysis, x: pd.DataFrame, y: np.ndarray, threshold: float, chosen: int | None):
    box = analysis.prim.Prim(
        x, y, threshold=threshold, peel_alpha=PEEL_ALPHA, mass_min=MASS_MIN
    ).find_box()
    peeled = box.peeling_trajectory
    trajectory = pd.DataFrame(
        {
            "box": peeled["id"].astype(int),
            "coverage": peeled["coverage"],
            "density": peeled["density"],
            "mass": peeled["mass"],
            "restricted": peeled["res_dim"].astype(int),
        }
    ).reset_index(drop=True)
    chosen = choose_box(trajectory, threshold) if chosen is None else chosen
    if not 0 <= chosen < len(trajectory):
        raise UsageError(f"--box {chosen}: the trajectory has boxes 0 to {len(trajectory) - 1}")
    (_, limits), *_ = box.inspect(chosen, style="data")
    rows = []
    for parameter, values in limits.iterrows():
        rows.append(
            {
                "parameter": parameter,
                "low": float(values.iloc[0]),
                "high": float(values.iloc[1]),
                "drawn_low": float(x[parameter].min()),
                "drawn_high": float(x[parameter].max()),
                "qp_value": float(np.nanmin(values.iloc[2:].to_numpy(dtype=float)))
                if not np.isnan(values.iloc[2:].to_numpy(dtype=float)).all()
                else math.nan,
            }
        )
    columns = ["parameter", "low", "high", "drawn_low", "drawn_high", "qp_value"]
    return trajectory, chosen, pd.DataFrame(rows, columns=columns)


def _limits_text(limits: pd.DataFrame, x: pd.DataFrame) -> str:
    parts = []
    for parameter in limits.columns:
        low, high = float(limits[parameter].iloc[0]), float(limits[parameter].iloc[1])
        if low > x[parameter].min() or high < x[parameter].max():
            parts.append(f"{low:.3g} <= {parameter.removeprefix('drawn.')} <= {high:.3g}")
    return " and ".join(parts) or "(everything)"


def _tree(analysis, x: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    tree = analysis.cart.CART(x, y, mass_min=MASS_MIN)
    tree.build_tree()
    stats = tree.stats_to_dataframe()
    return pd.DataFrame(
        {
            "box": range(len(tree.boxes)),
            "coverage": stats["coverage"].to_numpy(),
            "density": stats["density"].to_numpy(),
            "mass": stats["mass"].to_numpy(),
            "limits": [_limits_text(box, x) for box in tree.boxes],
        }
    ).sort_values("density", ascending=False, ignore_index=True)


def _scores(analysis, x: pd.DataFrame, y: np.ndarray, seed: int) -> pd.DataFrame:
    scores, _ = analysis.feature_scoring.get_ex_feature_scores(
        x, y, nr_trees=TREES, random_state=seed
    )
    column = scores.columns[0]
    return (
        pd.DataFrame({"parameter": scores.index.astype(str), "score": scores[column].to_numpy()})
        .sort_values("score", ascending=False)
        .reset_index(drop=True)
    )


def discover(
    x: pd.DataFrame, y: np.ndarray, condition: str, chosen: int | None = None, seed: int = 0
) -> Discovery:
    """PRIM, CART and feature scores of the condition ``y`` over the parameters ``x``.

    Args:
        x: One column per drawn parameter, one row per run (``parameter_table``).
        y: True where the condition holds.
        condition: The condition in words, for the outputs.
        chosen: Index of the PRIM box to report (default: ``choose_box``).
        seed: Seed of the feature scoring's trees.

    Raises:
        UsageError: The condition holds in no run or in every run, or the Workbench is missing.
    """
    y = np.asarray(y, dtype=bool)
    base_rate = float(y.mean()) if len(y) else math.nan
    if not 0 < y.sum() < len(y):
        raise UsageError(
            f"--where {condition!r} holds in {int(y.sum()):,} of {len(y):,} runs; discovery "
            "needs a condition that holds in some runs and not in others"
        )
    analysis = workbench()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trajectory, chosen, limits = _prim(analysis, x, y, base_rate, chosen)
        tree = _tree(analysis, x, y)
        scores = _scores(analysis, x, y, seed)
    return Discovery(
        condition, len(y), base_rate, base_rate, trajectory, chosen, limits, tree, scores
    )
