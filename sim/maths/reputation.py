"""Reputational bargaining: the war of attrition between obstinate postures (pure numpy functions).

Abreu & Gul (2000), "Bargaining and reputation", Econometrica 68(1): 85-117, section 3 (the
continuous-time war of attrition that is the limit of any frequent-offers protocol). Side ``i``
publicly demands the share ``alpha_i`` of a unit pie, with ``alpha_1 + alpha_2 > 1``; with the
common prior probability ``z_i`` it is an obstinate type that never accepts less and never
concedes. A rational type mimics the obstinate one and concedes (accepts the opponent's demand)
at a random time. Side ``i`` discounts at the rate ``r_i`` per unit of time: a share ``x`` at
time ``t`` is worth ``exp(-r_i t) x``.

In the unique equilibrium each side's concession time has, from the opponent's point of view
(obstinate types included), a hazard rate ``lambda_i`` that keeps the opponent indifferent
between conceding and waiting (:func:`concession_rate`). Conceding at the constant rate raises
the posterior that ``i`` is obstinate as ``z_i exp(lambda_i t)``, which reaches 1 at the time
``T_i`` of :func:`reputation_time`. Both reputations must reach 1 at the same time
``T_0 = min(T_1, T_2)``, so the side that would take longer (the weaker one) concedes at once
with the probability of :func:`immediate_concession`. Time here can be any unit: with rates per
round, times are in rounds.

With a deadline: Fanning (2016), "Reputational bargaining and deadlines", Econometrica 84(3):
1131-1179: rational types still imitate the obstinate demands, deals are made at time zero or
close to the deadline, and some talks reach it without a deal.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def concession_rate(
    own_demand: ArrayLike, other_demand: ArrayLike, other_rate: ArrayLike
) -> NDArray:
    """Rate ``lambda_i = r_j (1 - alpha_i) / (alpha_i + alpha_j - 1)`` at which side ``i`` concedes.

    The opponent ``j`` is indifferent between conceding now, which gives it ``1 - alpha_i``, and
    waiting a moment ``dt`` more. Waiting costs it ``r_j (1 - alpha_i) dt`` and gains it, with
    the probability ``lambda_i dt`` that ``i`` concedes meanwhile, the difference between its own
    demand and the concession, ``alpha_j - (1 - alpha_i)``. Setting the two equal gives the rate
    (Abreu & Gul 2000, section 3): it depends on the opponent's impatience and on
    what the opponent would get by conceding, not on ``i``'s own impatience.

    Args:
        own_demand: ``alpha_i``, the share of the pie side ``i`` demands, in (0, 1].
        other_demand: ``alpha_j``, the opponent's demand; ``alpha_i + alpha_j > 1``.
        other_rate: ``r_j``, the opponent's discount rate per unit of time (at least 0).

    Returns:
        ``lambda_i`` per unit of time, broadcast over the inputs; ``inf`` where the demands are
        compatible (sum at most 1), since there is then nothing to wait for.

    Examples:
        >>> round(float(concession_rate(0.6, 0.6, 0.2)), 4)  # 0.2 * 0.4 / 0.2
        0.4
        >>> round(float(concession_rate(0.6, 0.6, 0.1)), 4)
        0.2
    """
    own_demand = np.asarray(own_demand, dtype=float)
    excess = own_demand + np.asarray(other_demand, dtype=float) - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.asarray(other_rate, dtype=float) * (1.0 - own_demand) / excess
    return np.where(excess > 0, rate, np.inf)


def reputation_time(prior: ArrayLike, rate: ArrayLike) -> NDArray:
    """Time ``T_i = -ln(z_i) / lambda_i`` by which side ``i``'s rational type has surely conceded.

    Conceding at the rate ``lambda_i`` from the prior ``z_i`` (with no concession at time 0), the
    posterior that ``i`` is obstinate is ``z_i exp(lambda_i t)``; it reaches 1 at ``T_i``.

    Args:
        prior: ``z_i``, the prior probability that side ``i`` is obstinate, in [0, 1].
        rate: ``lambda_i``, its concession rate (at least 0).

    Returns:
        ``T_i``, broadcast over the inputs: 0 for a surely obstinate side, ``inf`` for a surely
        rational one or one that never concedes.

    Examples:
        >>> round(float(reputation_time(0.1, 0.4)), 4)  # ln 10 / 0.4
        5.7565
        >>> float(reputation_time(1.0, 0.0)), float(reputation_time(0.0, 0.4))
        (0.0, inf)
    """
    prior = np.asarray(prior, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        time = -np.log(prior) / np.asarray(rate, dtype=float)
    return np.where(prior >= 1.0, 0.0, time)


def immediate_concession(
    prior: ArrayLike, rate: ArrayLike, other_prior: ArrayLike, other_rate: ArrayLike
) -> NDArray:
    """Probability ``c_i = 1 - z_i exp(lambda_i T_0)`` that side ``i`` concedes at time 0.

    Both reputations reach 1 at ``T_0 = min(T_1, T_2)`` (Abreu & Gul 2000, section 3): the
    side with the larger ``T_i`` concedes at once with the probability that brings its posterior
    to ``z_i / (1 - c_i) = exp(-lambda_i T_0)``; for the other side ``T_0 = T_i`` and ``c_i = 0``.
    The formula covers both. With equal priors the weaker side is the one that concedes more
    slowly (smaller ``lambda_i``): ``c_i = 1 - z^(1 - lambda_i / lambda_j)``.

    Args:
        prior: ``z_i``, side ``i``'s prior probability of being obstinate, in [0, 1].
        rate: ``lambda_i``, its concession rate.
        other_prior: ``z_j``, the opponent's prior.
        other_rate: ``lambda_j``, the opponent's concession rate.

    Returns:
        ``c_i`` in [0, 1], broadcast over the inputs (0 where neither reputation ever reaches 1).

    Examples:
        >>> round(float(immediate_concession(0.1, 0.2, 0.1, 0.4)), 4)  # 1 - 0.1 ** 0.5
        0.6838
        >>> float(immediate_concession(0.1, 0.4, 0.1, 0.2))
        0.0
        >>> round(float(immediate_concession(0.1, 0.3, 0.1, 0.3)), 4)  # symmetric: nobody
        0.0
    """
    own_time = reputation_time(prior, rate)
    start = np.minimum(own_time, reputation_time(other_prior, other_rate))
    with np.errstate(divide="ignore", invalid="ignore"):
        exponent = np.log(np.asarray(prior, dtype=float)) + np.where(
            start < own_time, np.asarray(rate, dtype=float) * start, -np.log(prior)
        )
    exponent = np.where(np.isnan(exponent), 0.0, np.minimum(exponent, 0.0))
    return 0.0 - np.expm1(exponent)  # not -expm1: no -0.0


def survival(time: ArrayLike, immediate: ArrayLike, rate: ArrayLike, prior: ArrayLike) -> NDArray:
    """Probability ``max((1 - c_i) exp(-lambda_i t), z_i)`` that ``i`` has not conceded by ``t``.

    That is over both its types, as the opponent sees it, just after time ``t`` (so at ``t = 0``
    after the immediate concession): it falls at the rate ``lambda_i`` until ``T_0``, where it
    reaches ``z_i`` and only the obstinate type is left.

    Args:
        time: ``t``, at least 0.
        immediate: ``c_i``, the probability of conceding at time 0.
        rate: ``lambda_i``, the concession rate.
        prior: ``z_i``, the prior probability of the obstinate type.

    Returns:
        The probability in [z_i, 1 - c_i], broadcast over the inputs.

    Examples:
        >>> round(float(survival(1.0, 0.0, 0.4, 0.1)), 4)  # exp(-0.4)
        0.6703
        >>> round(float(survival(1.0, 0.6838, 0.2, 0.1)), 4)  # 0.3162 exp(-0.2)
        0.2589
        >>> float(survival(20.0, 0.0, 0.4, 0.1))  # past T_0 only the obstinate type is left
        0.1
    """
    decay = np.exp(-np.asarray(rate, dtype=float) * np.asarray(time, dtype=float))
    return np.maximum((1.0 - np.asarray(immediate, dtype=float)) * decay, prior)


def round_concession_probability(rate: ArrayLike, interval: ArrayLike = 1.0) -> NDArray:
    """Probability ``1 - exp(-lambda_i Delta)`` that side ``i`` concedes in a round ``Delta`` long.

    Conditional on not having conceded before the round, for rounds that end before ``T_0``.

    Args:
        rate: ``lambda_i`` per unit of time.
        interval: ``Delta``, the length of a round in the same unit.

    Returns:
        The probability in [0, 1], broadcast over the inputs.

    Examples:
        >>> round(float(round_concession_probability(0.4)), 4)  # 1 - exp(-0.4)
        0.3297
        >>> round(float(round_concession_probability(0.1, 7.0)), 4)  # a weekly round
        0.5034
    """
    return -np.expm1(-np.asarray(rate, dtype=float) * np.asarray(interval, dtype=float))


def concession_time(
    uniform: ArrayLike, immediate: ArrayLike, rate: ArrayLike, prior: ArrayLike
) -> NDArray:
    """When side ``i`` concedes, given a uniform draw ``u``: the inverse of :func:`survival`.

    ``u < c_i``: at time 0 (the rational type's immediate concession); ``u >= 1 - z_i``: never
    (the obstinate type, drawn with probability ``z_i``); otherwise at ``t`` with
    ``(1 - c_i) exp(-lambda_i t) = 1 - u``, which falls in ``(0, T_0]``. One draw per run thus
    sets both the type and the concession time with the equilibrium distribution.

    Args:
        uniform: ``u``, uniform on [0, 1).
        immediate: ``c_i``.
        rate: ``lambda_i``.
        prior: ``z_i``.

    Returns:
        The concession time, ``inf`` for the obstinate type, broadcast over the inputs.

    Examples:
        >>> concession_time(np.array([0.5, 0.95]), 0.6838, 0.2, 0.1).tolist()
        [0.0, inf]
        >>> round(float(concession_time(0.8, 0.6838, 0.2, 0.1)), 4)  # ln(0.3162 / 0.2) / 0.2
        2.2903
    """
    uniform = np.asarray(uniform, dtype=float)
    immediate = np.asarray(immediate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        time = np.log((1.0 - immediate) / (1.0 - uniform)) / np.asarray(rate, dtype=float)
    time = np.where(uniform < immediate, 0.0, np.maximum(time, 0.0))
    return np.where(uniform >= 1.0 - np.asarray(prior, dtype=float), np.inf, time)


def rational_payoff(
    own_demand: ArrayLike, other_demand: ArrayLike, other_immediate: ArrayLike
) -> NDArray:
    """A rational type's expected payoff ``c_j alpha_i + (1 - c_j) (1 - alpha_j)``.

    Being indifferent between conceding at any time up to ``T_0``, it is worth what conceding at
    once is: its demand if the opponent concedes at time 0, else the opponent's demand's rest.
    The weaker side (``c_j = 0``) thus gets ``1 - alpha_j``, what it would get by giving in.

    Args:
        own_demand: ``alpha_i``.
        other_demand: ``alpha_j``.
        other_immediate: ``c_j``, the opponent's probability of conceding at time 0.

    Returns:
        The payoff as a share of the pie, broadcast over the inputs.

    Examples:
        >>> round(float(rational_payoff(0.6, 0.6, 0.6838)), 4)  # 0.6838 * 0.6 + 0.3162 * 0.4
        0.5368
        >>> round(float(rational_payoff(0.6, 0.6, 0.0)), 4)
        0.4
    """
    other_immediate = np.asarray(other_immediate, dtype=float)
    own_demand = np.asarray(own_demand, dtype=float)
    return other_immediate * own_demand + (1.0 - other_immediate) * (1.0 - np.asarray(other_demand))
