"""Bargaining closed forms: alternating offers, Nash, Kalai-Smorodinsky and Pareto frontiers."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.maths.closed_forms import finite_horizon_shares, rubinstein_share
from sim.maths.frontier import (
    pareto_frontier,
    pareto_frontier_linear,
    pareto_frontier_linear_packages,
)
from sim.maths.solutions import (
    distance_to_point,
    kalai_smorodinsky_solution,
    nash_product,
    nash_solution,
)
from sim.maths.utility import normalise_weights, utility

unit = st.floats(0, 1)
discounts = st.floats(0, 0.95)
# Utilities on a coarse grid, so that ties and duplicates are common.
coarse = st.integers(0, 6).map(lambda k: k / 6)


def point_clouds(min_size=0, max_size=30):
    return st.integers(min_size, max_size).flatmap(lambda m: arrays(float, (m, 2), elements=coarse))


def dominates(a, b):
    return bool(np.all(a >= b) and np.any(a > b))


def polyline_u2(vertices, u1):
    """u2 on the frontier through vertices ordered from side 1's best (u1 non-increasing)."""
    return np.interp(u1, vertices[::-1, 0], vertices[::-1, 1])


def below_polyline(vertices, u1, u2, tolerance=1e-9):
    """Whether some frontier point is at least (u1, u2) up to the tolerance in each coordinate.

    Slack in u1 too keeps the check well conditioned on near-vertical segments.
    """
    return u2 <= polyline_u2(vertices, u1 - tolerance) + tolerance


def polyline_u1(vertices, u2):
    return np.interp(u2, vertices[:, 1], vertices[:, 0])


def quadratic_frontier(u):
    return 1.0 - u**2


# --- alternating offers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta_1", "delta_2", "expected"), [(0.9, 0.8, 5 / 7), (0.9, 0.9, 1 / 1.9)]
)
def test_rubinstein_share_pins(delta_1, delta_2, expected):
    assert rubinstein_share(delta_1, delta_2) == pytest.approx(expected, abs=1e-3)


@given(discounts, discounts)
def test_rubinstein_share_is_a_share_and_stationary(delta_1, delta_2):
    first = rubinstein_share(delta_1, delta_2)
    second = rubinstein_share(delta_2, delta_1)
    assert 0 <= first <= 1
    # the responder accepts exactly its discounted share as next proposer
    assert first == pytest.approx(1 - delta_2 * second)


@pytest.mark.parametrize(("rounds", "expected"), [(1, 1.0), (2, 0.1), (3, 0.91), (4, 0.181)])
def test_finite_horizon_pins_common_discount(rounds, expected):
    assert finite_horizon_shares(rounds, 0.9, 0.9)[0] == pytest.approx(expected, abs=1e-3)


def test_finite_horizon_last_round_gives_responder_its_discounted_disagreement_value():
    share = finite_horizon_shares(1, 0.95, 0.95, disagreement_first=0.0, disagreement_second=0.3)
    assert share[0] == pytest.approx(1 - 0.95 * 0.3, abs=1e-3)
    assert share[0] == pytest.approx(0.715, abs=1e-3)


def test_finite_horizon_sequence_is_the_backward_induction():
    assert finite_horizon_shares(4, 0.9, 0.9) == pytest.approx([0.181, 0.91, 0.1, 1.0], abs=1e-3)


def test_finite_horizon_needs_a_round():
    with pytest.raises(ValueError, match="rounds"):
        finite_horizon_shares(0, 0.9, 0.9)


@given(discounts, st.integers(1, 40))
def test_finite_horizon_common_discount_closed_form(delta, rounds):
    # zero disagreement: x_T = 1 - delta x_(T-1), x_1 = 1  =>  x_T = (1 - (-delta)^T) / (1 + delta)
    expected = (1 - (-delta) ** rounds) / (1 + delta)
    assert finite_horizon_shares(rounds, delta, delta)[0] == pytest.approx(expected, abs=1e-9)


@st.composite
def finite_games(draw, max_rounds=40):
    """Discount factors and a disagreement point inside the unit pie (d1 + d2 <= 1)."""
    d_first = draw(unit)
    d_second = draw(st.floats(0, 1 - d_first))
    return draw(st.integers(1, max_rounds)), draw(discounts), draw(discounts), d_first, d_second


@given(finite_games())
def test_finite_horizon_shares_are_shares(game):
    shares = finite_horizon_shares(*game)
    assert np.all((shares >= 0) & (shares <= 1))


@given(st.integers(1, 20), unit, unit, unit, unit)
def test_finite_horizon_shares_stay_shares_without_surplus(rounds, delta_1, delta_2, d_1, d_2):
    shares = finite_horizon_shares(rounds, delta_1, delta_2, d_1, d_2)
    assert np.all((shares >= 0) & (shares <= 1))


@given(finite_games())
def test_finite_horizon_converges_to_rubinstein(game):
    rounds, delta_1, delta_2, _, _ = game
    # the gap to Rubinstein shrinks by delta_1 delta_2 every two rounds, from at most 1
    gap = abs(finite_horizon_shares(*game)[0] - rubinstein_share(delta_1, delta_2))
    assert gap <= (delta_1 * delta_2) ** ((rounds - 1) // 2) + 1e-12


@settings(max_examples=50)
@given(discounts, discounts, st.floats(0, 0.5), st.floats(0, 0.5))
def test_finite_horizon_long_game_is_rubinstein(delta_1, delta_2, d_1, d_2):
    share = finite_horizon_shares(400, delta_1, delta_2, d_1, d_2)[0]
    assert share == pytest.approx(rubinstein_share(delta_1, delta_2), abs=1e-6)


@given(finite_games(max_rounds=12), st.data())
def test_finite_horizon_round_t_is_the_subgame_from_t(game, data):
    rounds, delta_1, delta_2, d_1, d_2 = game
    t = data.draw(st.integers(0, rounds - 1))
    first_moves = t % 2 == 0
    subgame = (delta_1, delta_2, d_1, d_2) if first_moves else (delta_2, delta_1, d_2, d_1)
    expected = finite_horizon_shares(rounds - t, *subgame)[0]
    assert finite_horizon_shares(*game)[t] == pytest.approx(expected, abs=1e-12)


def test_finite_horizon_is_vectorised_over_runs():
    delta_1 = np.array([0.5, 0.9, 0.95])
    d_2 = np.array([[0.0], [0.3]])
    shares = finite_horizon_shares(5, delta_1, 0.8, 0.1, d_2)
    assert shares.shape == (2, 3, 5)
    for i, j in itertools.product(range(2), range(3)):
        expected = finite_horizon_shares(5, delta_1[j], 0.8, 0.1, d_2[i, 0])
        assert shares[i, j] == pytest.approx(expected)


# --- helpers --------------------------------------------------------------------------------------


def test_nash_product_and_distance():
    assert nash_product(0.55, 0.45, 0.2, 0.1) == pytest.approx(0.1225)
    assert nash_product(0.1, 0.05, 0.2, 0.1) == 0.0  # worse than disagreement for both
    assert distance_to_point(np.array([0.2, 0.5]), 0.5, [0.5, 0.9]) == pytest.approx([0.5, 0.4])


# --- Pareto frontier of sampled points ------------------------------------------------------------


@settings(max_examples=50)
@given(point_clouds())
def test_pareto_mask_keeps_exactly_the_non_dominated_points(points):
    mask = pareto_frontier(points[:, 0], points[:, 1])
    assert mask.shape == (len(points),)
    for i, point in enumerate(points):
        dominated = any(dominates(other, point) for other in points)
        assert mask[i] == (not dominated)


@settings(max_examples=50)
@given(st.integers(1, 4), st.integers(0, 12), st.data())
def test_pareto_mask_is_vectorised_over_rows(rows, size, data):
    points = data.draw(arrays(float, (rows, size, 2), elements=coarse))
    mask = pareto_frontier(points[..., 0], points[..., 1])
    for row, row_points in zip(mask, points, strict=True):
        assert row.tolist() == pareto_frontier(row_points[:, 0], row_points[:, 1]).tolist()


# --- Nash and Kalai-Smorodinsky solutions ---------------------------------------------------------


LINE = np.linspace(0.0, 1.0, 11)


@pytest.mark.parametrize("solution", [nash_solution, kalai_smorodinsky_solution])
def test_line_frontier_pins(solution):
    expected = [0.55, 0.45]
    assert solution(LINE, 1.0 - LINE, (0.2, 0.1)) == pytest.approx(expected, abs=1e-3)
    assert solution((0.0, 1.0), lambda u: 1.0 - u, (0.2, 0.1)) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("solution", "expected"),
    [(nash_solution, [0.5774, 0.6667]), (kalai_smorodinsky_solution, [0.6180, 0.6180])],
)
def test_quadratic_frontier_pins(solution, expected):
    closed_form = solution((0.0, 1.0), quadratic_frontier, (0.0, 0.0))
    assert closed_form == pytest.approx(expected, abs=1e-3)
    u1 = np.linspace(0.0, 1.0, 2001)
    sampled = solution(u1, quadratic_frontier(u1), (0.0, 0.0))
    assert sampled == pytest.approx(expected, abs=1e-3)


def test_quadratic_frontier_exact_values():
    nash = nash_solution((0.0, 1.0), quadratic_frontier, (0.0, 0.0))
    assert nash == pytest.approx([3**-0.5, 2 / 3], abs=1e-6)
    ks = kalai_smorodinsky_solution((0.0, 1.0), quadratic_frontier, (0.0, 0.0))
    assert ks == pytest.approx([(5**0.5 - 1) / 2] * 2, abs=1e-6)


@pytest.mark.parametrize("solution", [nash_solution, kalai_smorodinsky_solution])
def test_no_point_dominates_disagreement_gives_nan(solution):
    assert np.isnan(solution(LINE, 1.0 - LINE, (0.7, 0.6))).all()
    assert np.isnan(solution((0.0, 1.0), lambda u: 1.0 - u, (0.7, 0.6))).all()


@pytest.mark.parametrize("solution", [nash_solution, kalai_smorodinsky_solution])
def test_disagreement_on_the_frontier_is_the_solution(solution):
    # no gains from trade: the solution is the disagreement point, not lost to rounding
    assert solution(LINE, 1.0 - LINE, (0.3, 0.7)) == pytest.approx([0.3, 0.7], abs=1e-12)
    assert solution((0.0, 1.0), lambda u: 1.0 - u, (0.3, 0.7)) == pytest.approx([0.3, 0.7])


def test_kalai_smorodinsky_on_points_maximises_the_smaller_relative_gain():
    # ideal (1, 1): smaller relative gains 0, 0.45, 0.3, 0
    u1, u2 = np.array([0.0, 0.6, 0.3, 1.0]), np.array([1.0, 0.45, 0.7, 0.0])
    solution = kalai_smorodinsky_solution(u1, u2, (0.0, 0.0), interpolate=False)
    assert solution.tolist() == [0.6, 0.45]
    # on the polyline through them, the crossing with the diagonal
    solution = kalai_smorodinsky_solution(u1, u2, (0.0, 0.0))
    assert solution[0] == pytest.approx(solution[1])
    assert solution == pytest.approx([5.7 / 11, 5.7 / 11])  # on (0.3, 0.7)-(0.6, 0.45)


@settings(max_examples=50)
@given(point_clouds(min_size=1), st.tuples(coarse, coarse))
def test_nash_on_points_maximises_the_product_over_the_points(points, disagreement):
    solution = nash_solution(points[:, 0], points[:, 1], disagreement, interpolate=False)
    rational = np.all(points >= disagreement, axis=1)
    if not rational.any():
        assert np.isnan(solution).all()
        return
    assert any(np.array_equal(solution, point) for point in points[rational])
    best = np.max(np.prod(points[rational] - disagreement, axis=1))
    assert np.prod(solution - disagreement) == pytest.approx(best, abs=1e-12)


@settings(max_examples=50)
@given(st.integers(1, 4), st.integers(1, 10), st.data())
def test_solutions_are_vectorised_over_rows(rows, size, data):
    points = data.draw(arrays(float, (rows, size, 2), elements=coarse))
    disagreement = data.draw(arrays(float, (rows, 2), elements=st.floats(0, 0.5)))
    for solution in (nash_solution, kalai_smorodinsky_solution):
        together = solution(points[..., 0], points[..., 1], disagreement)
        for row, (row_points, d) in enumerate(zip(points, disagreement, strict=True)):
            alone = solution(row_points[:, 0], row_points[:, 1], d)
            np.testing.assert_allclose(together[row], alone, atol=1e-12)


curve_problems = st.tuples(st.floats(0.3, 4.0), st.floats(0, 1), st.floats(0, 0.9), unit)


def curve_problem(power, point, shrink, tilt):
    """Frontier u2 = 1 - u1^power and a disagreement point below its point at u1 = ``point``."""

    def frontier(u):
        return 1.0 - u**power

    return frontier, np.array([shrink * tilt * point, shrink * (1 - tilt) * frontier(point)])


@given(curve_problems)
def test_kalai_smorodinsky_equal_relative_gains_on_a_curve(problem):
    power = problem[0]
    frontier, d = curve_problem(*problem)
    ideal = np.array([(1 - d[1]) ** (1 / power), 1 - d[0] ** power])
    solution = kalai_smorodinsky_solution((0.0, 1.0), frontier, d)
    assert solution[1] == pytest.approx(frontier(solution[0]))
    relative = (solution - d) / (ideal - d)
    assert relative[0] == pytest.approx(relative[1], abs=1e-6)


@given(curve_problems)
def test_nash_on_a_curve_maximises_the_product(problem):
    frontier, d = curve_problem(*problem)
    solution = nash_solution((0.0, 1.0), frontier, d)
    u1 = np.linspace(0.0, 1.0, 1001)
    best = np.max(nash_product(u1, frontier(u1), *d))
    assert solution[1] == pytest.approx(frontier(solution[0]))
    assert nash_product(*solution, *d) >= best - 1e-9


# --- Pareto frontier of linear value functions ----------------------------------------------------


@st.composite
def linear_negotiations(draw, issues=None):
    """Two negotiators with linear value functions over K issues, and a no-deal package."""
    issues = issues or draw(st.integers(1, 3))
    vectors = draw(arrays(float, (7, issues), elements=unit))
    low = draw(arrays(float, issues, elements=st.floats(-5, 5)))
    high = low + 0.5 + 10 * vectors[0]
    ideal_1, ideal_2, no_deal = (low + share * (high - low) for share in vectors[1:4])
    weights_1, weights_2 = normalise_weights(vectors[4]), normalise_weights(vectors[5])
    return weights_1, ideal_1, weights_2, ideal_2, low, high, no_deal


def grid_packages(ideal_1, ideal_2, low, high, points=5):
    """Every package on a grid that holds both ideal points and the bounds."""
    values = [
        np.unique(np.concatenate([np.linspace(lo, hi, points), [a, b]]))
        for lo, hi, a, b in zip(low, high, ideal_1, ideal_2, strict=True)
    ]
    return np.array(list(itertools.product(*values)))


def frontier_and_grid(negotiation):
    weights_1, ideal_1, weights_2, ideal_2, low, high, no_deal = negotiation
    vertices = pareto_frontier_linear(weights_1, ideal_1, weights_2, ideal_2, low, high)
    grid = grid_packages(ideal_1, ideal_2, low, high)
    u1 = utility(grid, ideal_1, weights_1, low, high)
    u2 = utility(grid, ideal_2, weights_2, low, high)
    disagreement = np.array(
        [
            utility(no_deal, ideal_1, weights_1, low, high),
            utility(no_deal, ideal_2, weights_2, low, high),
        ]
    )
    return vertices, u1, u2, disagreement


def test_linear_frontier_worked_example():
    # Side 1 cares equally about two issues, side 2 mostly about the second: it gets that first.
    vertices = pareto_frontier_linear([0.5, 0.5], [0, 0], [0.2, 0.8], [10, 10], [0, 0], [10, 10])
    assert vertices == pytest.approx(np.array([[1.0, 0.0], [0.5, 0.8], [0.0, 1.0]]))
    nash = nash_solution(vertices[:, 0], vertices[:, 1], (0.0, 0.0))
    assert nash == pytest.approx([0.5, 0.8], abs=1e-3)  # the vertex: the best of both segments


@settings(max_examples=50)
@given(linear_negotiations())
def test_linear_frontier_vertices_are_the_utilities_of_their_packages(negotiation):
    weights_1, ideal_1, weights_2, ideal_2, low, high, _ = negotiation
    vertices = pareto_frontier_linear(weights_1, ideal_1, weights_2, ideal_2, low, high)
    packages = pareto_frontier_linear_packages(weights_1, ideal_1, weights_2, ideal_2, low, high)
    assert vertices.shape == (len(low) + 1, 2)
    assert np.all((packages >= low) & (packages <= high))
    u1 = utility(packages, ideal_1, weights_1, low, high)
    u2 = utility(packages, ideal_2, weights_2, low, high)
    np.testing.assert_allclose(vertices, np.stack([u1, u2], axis=1), atol=1e-12)
    assert np.all(np.diff(vertices[:, 0]) <= 1e-12)
    assert np.all(np.diff(vertices[:, 1]) >= -1e-12)


@settings(max_examples=50)
@given(linear_negotiations())
def test_linear_frontier_bounds_every_package_of_a_brute_force_grid(negotiation):
    vertices, u1, u2, _ = frontier_and_grid(negotiation)
    assert np.all(below_polyline(vertices, u1, u2))
    # and the frontier's vertices are packages of the grid: it is the grid's upper envelope
    grid_points = np.stack([u1, u2], axis=1)
    for vertex in vertices:
        assert np.min(np.abs(grid_points - vertex).sum(axis=1)) <= 1e-9


@settings(max_examples=50)
@given(linear_negotiations())
def test_nash_on_linear_frontier_beats_every_grid_package(negotiation):
    vertices, u1, u2, d = frontier_and_grid(negotiation)
    solution = nash_solution(vertices[:, 0], vertices[:, 1], d)
    assert below_polyline(vertices, *solution)
    assert not below_polyline(vertices, *(solution + 1e-6))
    assert np.all(solution >= d - 1e-12)
    assert nash_product(*solution, *d) >= np.max(nash_product(u1, u2, *d)) - 1e-12
    # and it agrees with a numerical search on the same frontier as a callable u2 = f(u1), which
    # cannot hold a vertical piece: compare where there is one only away from it
    if vertices[0, 0] - vertices[-1, 0] < 1e-6 or not below_polyline(vertices, *(d + 1e-6)):
        return
    on_curve = nash_solution(
        (vertices[-1, 0], vertices[0, 0]), lambda u: polyline_u2(vertices, u), d
    )
    assert nash_product(*on_curve, *d) == pytest.approx(nash_product(*solution, *d), abs=1e-4)


@settings(max_examples=50)
@given(linear_negotiations())
def test_kalai_smorodinsky_on_linear_frontier_has_equal_relative_gains(negotiation):
    vertices, _, _, d = frontier_and_grid(negotiation)
    ideal = np.array([polyline_u1(vertices, d[1]), polyline_u2(vertices, d[0])])
    solution = kalai_smorodinsky_solution(vertices[:, 0], vertices[:, 1], d)
    assert below_polyline(vertices, *solution)
    assert not below_polyline(vertices, *(solution + 1e-6))
    assert np.all(solution >= d - 1e-12)
    gains, room = solution - d, ideal - d
    # equal relative gains, gains[0] / room[0] == gains[1] / room[1], multiplied out
    assert gains[0] * room[1] == pytest.approx(gains[1] * room[0], abs=1e-9)


@settings(max_examples=50)
@given(
    st.integers(1, 3).flatmap(lambda k: st.lists(linear_negotiations(k), min_size=1, max_size=4))
)
def test_linear_frontier_is_vectorised_over_runs(runs):
    stacked = [np.stack(column) for column in zip(*runs, strict=True)][:6]
    vertices = pareto_frontier_linear(*stacked)
    packages = pareto_frontier_linear_packages(*stacked)
    assert vertices.shape == (len(runs), len(stacked[0][0]) + 1, 2)
    for run, negotiation in enumerate(runs):
        np.testing.assert_allclose(vertices[run], pareto_frontier_linear(*negotiation[:6]))
        np.testing.assert_allclose(packages[run], pareto_frontier_linear_packages(*negotiation[:6]))
    solutions = nash_solution(vertices[..., 0], vertices[..., 1], np.zeros((len(runs), 2)))
    assert solutions.shape == (len(runs), 2)
