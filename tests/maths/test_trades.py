"""Efficient concessions with concave values: closed forms, the need met, the frontier's error."""

import numpy as np
import pytest

from sim.maths.solutions import nash_point
from sim.maths.trades import Trade, _bisect, best_shares, efficient_shares, frontier_curve
from sim.maths.valuation import deal_value, utility_for
from sim.maths.values import SHAPES, marginal_loss, shaped_value

RNG = np.random.default_rng(0)
PAIRS = [(own, other) for own in range(3) for other in range(3)]


def random_trade(own_shape: int, other_shape: int, runs: int = 500, issues: int = 4) -> Trade:
    def draw(low, high):
        return RNG.uniform(low, high, (runs, issues))

    return Trade(
        draw(0, 1),
        draw(0.1, 1),
        np.full(issues, own_shape, np.int8),
        draw(0.5, 5),
        draw(0, 1),
        draw(0.1, 1),
        np.full(issues, other_shape, np.int8),
        draw(0.5, 5),
    )


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{SHAPES[p[0]]}-{SHAPES[p[1]]}")
def test_closed_forms_maximise_the_weighted_trade_like_bisection(pair):
    trade = random_trade(*pair)
    theta = RNG.uniform(0, np.pi / 2, 500)
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]

    def objective(shares):
        return cos * trade.gain(shares) - sin * trade.loss(shares)

    closed, searched = best_shares(trade, theta), _bisect(trade, cos, sin)
    assert (objective(closed) >= objective(searched) - 1e-12).all()
    if pair != (0, 0):  # linear on both sides: any share is optimal on a tie
        assert closed == pytest.approx(searched, abs=1e-9)


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{SHAPES[p[0]]}-{SHAPES[p[1]]}")
def test_efficient_shares_give_up_the_need_and_nothing_gives_the_other_side_more(pair):
    trade = random_trade(*pair, runs=200)
    total = trade.loss(np.ones_like(trade.own_reach)).sum(axis=1)
    need = RNG.uniform(0, 1, 200) * total
    shares = efficient_shares(trade, need)
    assert trade.loss(shares).sum(axis=1) == pytest.approx(need, abs=1e-6)
    assert (trade.loss(shares).sum(axis=1) <= need + 1e-15).all()  # never more than the need
    best = trade.gain(shares).sum(axis=1)
    for _ in range(200):  # random packages that cost no more never give more
        other = RNG.uniform(0, 1, shares.shape)
        cheap = trade.loss(other).sum(axis=1) <= need
        assert (trade.gain(other).sum(axis=1)[cheap] <= best[cheap] + 1e-6).all()


def test_the_sampled_frontier_finds_the_nash_solution_within_1e3():
    # One issue, quadratic values on both sides over the whole range: u1 = 1 - y^2,
    # u2 = 1 - (1 - y)^2, whose Nash solution with d = 0 is y = 1/2, (0.75, 0.75); and a
    # skewed exponential case checked against a dense search.
    square = Trade(*(np.ones((1, 1)), np.ones((1, 1)), np.array([1], np.int8), 1.0) * 2)
    losses, gains = frontier_curve(square)
    frontier = np.stack([1 - losses, gains], axis=-1)
    assert nash_point(frontier, np.zeros((1, 2)))[0] == pytest.approx([0.75, 0.75], abs=1e-3)
    skew = Trade(
        np.array([[0.7]]),
        np.ones((1, 1)),
        np.array([2], np.int8),
        4.0,
        np.array([[1.0]]),
        np.ones((1, 1)),
        np.array([1], np.int8),
        1.0,
    )
    losses, gains = frontier_curve(skew)
    frontier = np.stack([0.7 - losses, gains], axis=-1)
    y = np.linspace(0, 1, 200_001)[:, None]
    dense = (0.7 - skew.loss(y).ravel()) * skew.gain(y).ravel()
    found = np.prod(nash_point(frontier, np.zeros((1, 2)))[0])
    assert found == pytest.approx(dense.max(), abs=1e-3)


def test_value_shapes_run_from_one_at_the_ideal_to_zero_at_the_far_bound():
    distance = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    shapes = np.arange(3, dtype=np.int8)
    assert shaped_value(distance, shapes, 3.0).tolist() == [[1, 1, 1], [0, 0, 0]]
    middle = shaped_value(np.full(3, 0.5), shapes, 3.0)
    assert middle[0] == 0.5 and (middle[1:] > 0.5).all()  # concave shapes lie above the line
    step = 1e-6
    slope = (
        shaped_value(np.full(3, 0.3), shapes, 3.0)
        - shaped_value(np.full(3, 0.3 + step), shapes, 3.0)
    ) / step
    assert slope == pytest.approx(marginal_loss(np.full(3, 0.3), shapes, 3.0), rel=1e-4)


def test_utility_for_inverts_deal_value():
    utilities = np.linspace(0, 1, 11)
    values = deal_value(utilities, 0.8, 0.5, 0.1)
    assert utility_for(values, 0.8, 0.5, 0.1) == pytest.approx(utilities)
