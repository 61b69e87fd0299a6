"""Closed forms of alternating-offers bargaining over a unit pie (pure functions over numpy arrays).

- Infinite horizon: Rubinstein (1982), "Perfect equilibrium in a bargaining model",
  Econometrica 50(1): 97-109.
- Finite horizon, solved by backward induction: Ståhl (1972), "Bargaining theory".
"""

from __future__ import annotations

import numpy as np


def rubinstein_share(delta_proposer, delta_responder) -> np.ndarray:
    """First proposer's share of a unit pie in Rubinstein's infinite-horizon game.

    The unique subgame-perfect split is ``(1 - delta_2) / (1 - delta_1 delta_2)`` for the first
    proposer (discount factor ``delta_1``) and the rest for the responder (``delta_2``).

    Args:
        delta_proposer: Per-round discount factor of the first proposer, in [0, 1].
        delta_responder: Per-round discount factor of the first responder, in [0, 1]; the
            product of the two must be below 1.

    Returns:
        The share in [0, 1], broadcast over the inputs.

    Examples:
        >>> round(float(rubinstein_share(0.9, 0.8)), 4)  # 5 / 7
        0.7143
        >>> round(float(rubinstein_share(0.9, 0.9)), 4)  # 1 / 1.9
        0.5263
    """
    delta_proposer = np.asarray(delta_proposer, dtype=float)
    return (1.0 - delta_responder) / (1.0 - delta_proposer * delta_responder)


def finite_horizon_shares(
    rounds: int, delta_first, delta_second, disagreement_first=0.0, disagreement_second=0.0
) -> np.ndarray:
    """Proposer's subgame-perfect share in each round of a finite alternating-offers game.

    The two sides split a unit pie. The first side proposes in rounds 0, 2, 4, ..., the second in
    rounds 1, 3, ...; an agreement on a share ``x`` in round ``t`` is worth ``delta ** t * x`` to a
    side. If the offer of the last round (``rounds - 1``) is rejected, each side gets its
    disagreement value one round later, in round ``rounds``, discounted like an agreement then:
    ``delta ** rounds * disagreement``. Breaking off is thus one more round of waiting, so a
    responder of the last round accepts any offer worth ``delta * disagreement`` to it, and with
    zero disagreement values the last proposer takes the whole pie.

    Backward induction: the responder of round ``t`` accepts at least what rejecting gives it, its
    discounted value of round ``t + 1``, and the proposer demands the rest. When that rest is less
    than the proposer's own value of rejection (no surplus, which needs disagreement values that
    sum to more than the pie), it waits instead, and its share is that value of waiting.

    Args:
        rounds: Number of rounds, at least 1.
        delta_first: Per-round discount factor of the first proposer, in [0, 1].
        delta_second: Per-round discount factor of the second side, in [0, 1].
        disagreement_first: The first proposer's value of no agreement, in [0, 1].
        disagreement_second: The second side's value of no agreement, in [0, 1].

    Returns:
        Shares in [0, 1] of shape ``broadcast(inputs) + (rounds,)``: entry ``t`` is what the
        proposer of round ``t`` demands, as a share of the pie of round ``t``, in the subgame that
        starts there; its responder gets the rest. Entry 0 is the first proposer's share of the
        equilibrium split, agreed at once when the disagreement values sum to at most 1; for long
        horizons it tends to :func:`rubinstein_share`.

    Raises:
        ValueError: If ``rounds`` is below 1.

    Examples:
        >>> finite_horizon_shares(4, 0.9, 0.9).round(4).tolist()
        [0.181, 0.91, 0.1, 1.0]
        >>> round(float(finite_horizon_shares(1, 0.95, 0.95, 0.0, 0.3)[0]), 4)  # 1 - 0.95 * 0.3
        0.715
    """
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    delta = [np.asarray(delta_first, dtype=float), np.asarray(delta_second, dtype=float)]
    value = [
        np.asarray(disagreement_first, dtype=float),
        np.asarray(disagreement_second, dtype=float),
    ]
    shares = np.empty((*np.broadcast_shapes(*(x.shape for x in delta + value)), rounds))
    for t in reversed(range(rounds)):
        proposer, responder = t % 2, 1 - t % 2
        value[responder] = delta[responder] * value[responder]
        value[proposer] = np.maximum(1.0 - value[responder], delta[proposer] * value[proposer])
        shares[..., t] = value[proposer]
    return shares


def breakdown_share(breakdown, delta=1.0, disagreement_first=0.0, disagreement_second=0.0):
    """First proposer's share of a unit pie with a risk of breakdown after each rejection.

    Binmore, Rubinstein & Wolinsky (1986), "The Nash bargaining solution in economic modelling",
    RAND Journal of Economics 17(2): 176-188: after a rejection the talks break down with
    probability ``p`` (each side then gets its breakdown payoff ``b_i``) and go on a round later
    otherwise. The stationary subgame-perfect split solves
    ``x = 1 - delta (p b_2 + (1 - p) z)`` and ``z = 1 - delta (p b_1 + (1 - p) x)``, ``z`` being
    the second side's share when it proposes. As ``p -> 0`` with ``delta = 1`` the split tends to
    the Nash bargaining solution with the breakdown payoffs as disagreement point,
    ``(1 + b_1 - b_2) / 2``.

    Examples:
        >>> round(float(breakdown_share(0.5)), 4)  # 1 / (2 - p)
        0.6667
        >>> round(float(breakdown_share(1e-6, 1.0, 0.2, 0.1)), 4)  # Nash: (1 + 0.2 - 0.1) / 2
        0.55
    """
    p, delta = np.asarray(breakdown, dtype=float), np.asarray(delta, dtype=float)
    b1, b2 = disagreement_first, disagreement_second
    going_on = delta * (1.0 - p)
    return (1.0 - going_on - delta * p * b2 + delta * p * going_on * b1) / (1.0 - going_on**2)


def outside_option_share(delta, option) -> np.ndarray:
    """First proposer's share of a unit pie when the responder may opt out after rejecting.

    Binmore, Shaked & Sutton (1989), "An outside option experiment", Quarterly Journal of
    Economics 104(4): 753-770, and Osborne & Rubinstein (1990), Bargaining and Markets,
    section 3.12 (the outside option principle): the second side may, after rejecting an offer,
    leave with ``option`` at once. An option worth less than what it gets in Rubinstein's game,
    ``delta / (1 + delta)``, changes nothing; a larger one gives it exactly the option.

    Examples:
        >>> round(float(outside_option_share(0.9, 0.3)), 4)  # 1 / 1.9: the option is not used
        0.5263
        >>> round(float(outside_option_share(0.9, 0.6)), 4)  # 1 - 0.6
        0.4
    """
    delta, option = np.asarray(delta, dtype=float), np.asarray(option, dtype=float)
    return np.where(option <= delta / (1.0 + delta), 1.0 / (1.0 + delta), 1.0 - option)


def random_proposer_share(recognition, delta) -> np.ndarray:
    """Share of a unit pie a side demands when recognised, each round at random.

    In each round the first side proposes with probability ``q`` (Baron & Ferejohn 1989,
    "Bargaining in legislatures", American Political Science Review 83(4): 1181-1206, with two
    players and unanimity). Its expected share is ``q`` whatever ``delta``; when recognised it
    demands ``1 - delta (1 - q)``.

    Examples:
        >>> round(float(random_proposer_share(0.5, 0.9)), 4)
        0.55
    """
    return 1.0 - np.asarray(delta, dtype=float) * (1.0 - np.asarray(recognition, dtype=float))
