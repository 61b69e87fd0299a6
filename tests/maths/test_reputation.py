"""The Abreu & Gul (2000) war of attrition: closed forms checked against the paper's logic.

Abreu & Gul (2000), "Bargaining and reputation", Econometrica 68(1): 85-117, section 3.
"""

import numpy as np
import pytest

from sim.maths.reputation import (
    concession_rate,
    concession_time,
    immediate_concession,
    rational_payoff,
    reputation_time,
    round_concession_probability,
    survival,
)


def equilibrium(demands, rates, priors):
    """Rates, reputation times and immediate concessions of both sides."""
    (a1, a2), (r1, r2), (z1, z2) = demands, rates, priors
    lambdas = concession_rate(a1, a2, r2), concession_rate(a2, a1, r1)
    concessions = (
        immediate_concession(z1, lambdas[0], z2, lambdas[1]),
        immediate_concession(z2, lambdas[1], z1, lambdas[0]),
    )
    return lambdas, concessions


def test_symmetric_sides_never_concede_at_once():
    (l1, l2), (c1, c2) = equilibrium((0.7, 0.7), (0.1, 0.1), (0.2, 0.2))
    assert l1 == pytest.approx(0.1 * 0.3 / 0.4, abs=1e-12)
    assert l1 == pytest.approx(l2, abs=1e-12)
    assert (c1, c2) == (0.0, 0.0)
    assert reputation_time(0.2, l1) == pytest.approx(np.log(5) / 0.075, abs=1e-3)


def test_asymmetric_case_by_hand():
    # lambda_1 = 0.2 * 0.4 / 0.3, lambda_2 = 0.1 * 0.3 / 0.3; T_1 = ln 10 / lambda_1 = 8.634,
    # T_2 = ln 5 / lambda_2 = 16.094, so side 2 is weaker: c_2 = 1 - 0.2 exp(0.1 * 8.634).
    (l1, l2), (c1, c2) = equilibrium((0.6, 0.7), (0.1, 0.2), (0.1, 0.2))
    assert (float(l1), float(l2)) == pytest.approx((0.26667, 0.1), abs=1e-3)
    assert float(reputation_time(0.1, l1)) == pytest.approx(8.6347, abs=1e-3)
    assert float(reputation_time(0.2, l2)) == pytest.approx(16.0944, abs=1e-3)
    assert c1 == 0.0
    assert float(c2) == pytest.approx(1 - 0.2 * np.exp(0.1 * 8.6347), abs=1e-3)
    assert float(c2) == pytest.approx(0.52573, abs=1e-3)


def test_both_reputations_reach_one_together():
    (l1, l2), (c1, c2) = equilibrium((0.6, 0.7), (0.1, 0.2), (0.1, 0.2))
    start = min(reputation_time(0.1, l1), reputation_time(0.2, l2))
    # the posterior that a side is obstinate is z / survival: 1 at T_0 for both
    assert 0.1 / survival(start, c1, l1, 0.1) == pytest.approx(1.0, abs=1e-9)
    assert 0.2 / survival(start, c2, l2, 0.2) == pytest.approx(1.0, abs=1e-9)
    assert 0.2 / survival(0.5 * start, c2, l2, 0.2) < 1.0


def test_the_rate_makes_the_opponent_indifferent_about_when_to_concede():
    # Side 2 conceding at time t gets alpha_2 if side 1 concedes first, else 1 - alpha_1 at t,
    # discounted at r_2: the same for every t up to T_0, and what the payoff formula says.
    demands, rates, priors = (0.6, 0.7), (0.1, 0.2), (0.05, 0.5)
    (l1, l2), (c1, c2) = equilibrium(demands, rates, priors)
    assert c1 > 0 and c2 == 0  # here side 1 is the weaker one
    start = float(min(reputation_time(0.05, l1), reputation_time(0.5, l2)))
    grid = np.linspace(0.0, start, 100_001)
    left = survival(grid, c1, l1, 0.05)  # side 1 still holding out
    gain = np.exp(-0.2 * grid) * 0.7 * l1 * left  # side 1 concedes at the rate l1 meanwhile
    gained = np.concatenate([[0.0], np.cumsum(np.diff(grid) * (gain[1:] + gain[:-1]) / 2)])
    payoff = c1 * 0.7 + gained + np.exp(-0.2 * grid) * left * (1 - 0.6)
    assert payoff[[0, 25_000, 50_000, 75_000, -1]] == pytest.approx(
        float(rational_payoff(0.7, 0.6, c1)), abs=1e-3
    )


def test_the_wrong_rate_breaks_the_indifference():
    # r_j (1 - alpha_j) / (alpha_1 + alpha_2 - 1) instead: waiting would then pay for side 2.
    wrong = 0.2 * (1 - 0.7) / 0.3
    right = float(concession_rate(0.6, 0.7, 0.2))
    assert wrong != pytest.approx(right, abs=1e-3)
    gain, cost = wrong * (0.7 - 0.4), 0.2 * 0.4
    assert gain != pytest.approx(cost, abs=1e-3)
    assert right * (0.7 - 0.4) == pytest.approx(cost, abs=1e-12)


def test_as_obstinacy_vanishes_the_slower_conceder_gives_in_at_once():
    # Equal priors z -> 0: c = 1 - z^(1 - lambda_i / lambda_j) -> 1 for the side with the
    # smaller rate, and the delay T_0 -> infinity is reached with vanishing probability.
    (l1, l2), _ = equilibrium((0.6, 0.6), (0.1, 0.2), (0.1, 0.1))
    assert l1 > l2  # side 1 faces the more impatient opponent: it is the stronger one
    previous = 0.0
    for prior in (1e-1, 1e-2, 1e-4, 1e-8):
        (_, _), (c1, c2) = equilibrium((0.6, 0.6), (0.1, 0.2), (prior, prior))
        assert c1 == 0.0
        assert float(c2) == pytest.approx(1 - prior ** (1 - float(l2 / l1)), abs=1e-9)
        assert c2 > previous
        previous = float(c2)
    assert previous == pytest.approx(1.0, abs=1e-3)
    assert float(rational_payoff(0.6, 0.6, previous)) == pytest.approx(0.6, abs=1e-3)


def test_concession_times_have_the_equilibrium_distribution():
    rng = np.random.default_rng(5)
    (l1, l2), (_, c2) = equilibrium((0.6, 0.7), (0.1, 0.2), (0.1, 0.2))
    times = concession_time(rng.random(200_000), c2, l2, 0.2)
    assert np.mean(times == 0) == pytest.approx(float(c2), abs=4e-3)
    assert np.mean(np.isinf(times)) == pytest.approx(0.2, abs=4e-3)
    assert np.mean(times > 3.0) == pytest.approx(float(survival(3.0, c2, l2, 0.2)), abs=4e-3)
    start = float(min(reputation_time(0.1, l1), reputation_time(0.2, l2)))
    assert times[np.isfinite(times)].max() <= start + 1e-9


def test_per_round_probability_is_the_hazard_over_the_round():
    assert round_concession_probability(0.2, 1.0) == pytest.approx(1 - np.exp(-0.2), abs=1e-12)
    assert survival(3.0, 0.0, 0.2, 0.0) / survival(2.0, 0.0, 0.2, 0.0) == pytest.approx(
        1 - round_concession_probability(0.2), abs=1e-12
    )


def test_edge_cases_give_numbers_not_warnings():
    with np.errstate(all="raise"):
        assert np.isinf(concession_rate(0.5, 0.4, 0.1))  # compatible demands
        assert immediate_concession(0.0, 0.2, 0.1, 0.3) == 1.0  # surely rational vs obstinacy
        assert immediate_concession(0.1, 0.2, 1.0, 0.3) == pytest.approx(0.9)  # vs surely obstinate
        assert immediate_concession(0.0, 0.2, 0.0, 0.3) == 0.0
        assert immediate_concession(0.1, 0.0, 0.1, 0.3) == pytest.approx(
            0.9
        )  # never concedes later
        assert np.isinf(concession_time(0.5, 0.0, 0.2, 1.0))
