"""Concession curves of time-dependent negotiation tactics (pure functions over numpy arrays).

Faratin, Sierra & Jennings (1998), "Negotiation decision functions for autonomous agents",
Robotics and Autonomous Systems 24(3-4): 159-182, section 4.2.1. A tactic's concession
``alpha(t)`` runs from ``kappa`` at the start to 1 at the deadline; the agent's target is then
``best - alpha(t) * (best - reservation)``.
"""

from __future__ import annotations

import numpy as np


def polynomial_concession(time_fraction, kappa, beta) -> np.ndarray:
    """Polynomial concession ``alpha(t) = kappa + (1 - kappa) * (t / T) ** (1 / beta)``.

    Args:
        time_fraction: Elapsed share of the horizon, ``t / T``, in [0, 1].
        kappa: Initial concession in [0, 1].
        beta: Curvature: ``beta < 1`` Boulware (holds firm), ``1`` linear, ``> 1`` Conceder.

    Returns:
        The concession in [kappa, 1], broadcast over the inputs.

    Examples:
        >>> round(float(polynomial_concession(0.5, 0.1, 0.5)), 4)
        0.325
        >>> round(float(polynomial_concession(0.5, 0.1, 2.0)), 4)
        0.7364
    """
    time_fraction = np.clip(time_fraction, 0.0, 1.0)
    return kappa + (1.0 - kappa) * time_fraction ** (1.0 / np.asarray(beta, dtype=float))


def exponential_concession(time_fraction, kappa, beta) -> np.ndarray:
    """Exponential concession ``alpha(t) = exp((1 - t / T) ** beta * ln(kappa))``.

    Written as ``kappa ** ((1 - t / T) ** beta)``, which is the same for ``kappa > 0`` and gives
    ``kappa = 0`` its limit without warnings: 0 before the deadline, 1 at it.

    Args:
        time_fraction: Elapsed share of the horizon, ``t / T``, in [0, 1].
        kappa: Initial concession in [0, 1].
        beta: Curvature (positive): ``beta < 1`` Boulware (holds firm), ``> 1`` Conceder.

    Returns:
        The concession in [kappa, 1], broadcast over the inputs.

    Examples:
        >>> round(float(exponential_concession(0.5, 0.1, 0.5)), 4)
        0.1963
        >>> round(float(exponential_concession(0.5, 0.1, 2.0)), 4)
        0.5623
        >>> exponential_concession(np.array([0.0, 0.5, 1.0]), 0.0, 1.0).tolist()
        [0.0, 0.0, 1.0]
    """
    remaining = 1.0 - np.clip(time_fraction, 0.0, 1.0)
    return np.asarray(kappa, dtype=float) ** (remaining ** np.asarray(beta, dtype=float))


def target_utility(concession, best, reservation) -> np.ndarray:
    """Utility an agent aims for after conceding the share ``concession`` of its room.

    Args:
        concession: ``alpha(t)`` in [0, 1].
        best: Utility of the agent's ideal package.
        reservation: Utility below which the agent never goes.

    Returns:
        ``best - concession * (best - reservation)``, never below ``reservation``.
    """
    return np.maximum(best - concession * (best - reservation), reservation)
