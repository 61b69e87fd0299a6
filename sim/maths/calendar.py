"""The negotiation calendar: rounds are working-level meetings at a fixed interval of days.

Round ``t`` (from 0) is held ``t * interval`` days after the start. The last round before the
deadline is the last meeting on or before the deadline day; an extension of ``days`` adds the
meetings that then fit before the new deadline.
"""

from __future__ import annotations

import numpy as np


def last_round(days_to_deadline: float, interval_days) -> np.ndarray:
    """Index of the last meeting held on or before the deadline.

    Examples:
        >>> int(last_round(22, 7))
        3
    """
    return np.floor(days_to_deadline / np.asarray(interval_days, dtype=float)).astype(np.int64)


def round_day(round_index, interval_days) -> np.ndarray:
    """Whole days from the start to the meeting of round ``round_index``."""
    return np.floor(np.asarray(round_index) * np.asarray(interval_days, dtype=float)).astype(
        np.int64
    )


def time_fraction(round_index, horizon) -> np.ndarray:
    """Elapsed share ``t / T`` of a horizon of ``T`` rounds after the first (1 when ``T`` is 0)."""
    horizon = np.asarray(horizon, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(horizon > 0, np.minimum(round_index / horizon, 1.0), 1.0)
