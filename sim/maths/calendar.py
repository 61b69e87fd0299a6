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


def expected_extension_days(probability, days, remaining) -> np.ndarray:
    """Days a chain of up to ``remaining`` extensions is expected to add to the deadline.

    Each extension comes with ``probability`` once the one before it has come:
    ``days * (p + p**2 + ... + p**remaining)``.

    Examples:
        >>> float(expected_extension_days(0.5, 24, 2))  # 24 * (0.5 + 0.25)
        18.0
        >>> float(expected_extension_days(1.0, 24, 2))
        48.0
    """
    p = np.asarray(probability, dtype=float)
    remaining = np.asarray(remaining)
    with np.errstate(divide="ignore", invalid="ignore"):
        chain = np.where(p < 1.0, p * (1.0 - p**remaining) / (1.0 - p), remaining)
    return np.asarray(days, dtype=float) * chain


def deadline_rounds(days_in_force, interval_days, extension_days, remaining, times: int):
    """The rounds at which the talks may end, deadline in force first, shape ``(times + 1, N)``.

    Row ``k`` is the last meeting before the deadline after ``k`` more extensions of
    ``extension_days``; rows beyond the ``remaining`` extensions repeat the last possible end.

    Examples:
        >>> deadline_rounds(22, 7, 24, 1, 2).ravel().tolist()
        [3, 6, 6]
    """
    more = np.minimum(np.arange(times + 1)[:, None], np.atleast_1d(remaining))
    days = np.atleast_1d(days_in_force) + more * np.atleast_1d(extension_days)
    return last_round(days, np.atleast_1d(interval_days))
