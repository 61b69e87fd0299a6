"""The fast per-run solutions agree with the general ones (sim.maths.solutions)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.maths.frontier import pareto_frontier_linear
from sim.maths.solutions import (
    kalai_smorodinsky_point,
    kalai_smorodinsky_solution,
    nash_point,
    nash_solution,
    pareto_gap,
)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 5))
def test_fast_solutions_match_the_general_ones(seed, issues):
    rng = np.random.default_rng(seed)
    runs = 50
    low, high = np.zeros(issues), np.ones(issues)
    frontier = pareto_frontier_linear(
        rng.dirichlet(np.ones(issues), runs),
        rng.random((runs, issues)),
        rng.dirichlet(np.ones(issues), runs),
        rng.random((runs, issues)),
        low,
        high,
    )
    disagreement = rng.random((runs, 2)) * 0.6
    expected_nash = nash_solution(frontier[..., 0], frontier[..., 1], disagreement)
    expected_fair = kalai_smorodinsky_solution(frontier[..., 0], frontier[..., 1], disagreement)
    np.testing.assert_allclose(nash_point(frontier, disagreement), expected_nash, atol=1e-9)
    np.testing.assert_allclose(
        kalai_smorodinsky_point(frontier, disagreement), expected_fair, atol=1e-9
    )


def test_pareto_gap_is_zero_on_the_frontier_and_positive_below_it():
    frontier = np.array([[[1.0, 0.0], [0.5, 0.8], [0.0, 1.0]]] * 2)
    gap = pareto_gap(frontier, np.array([[0.5, 0.8], [0.2, 0.2]]))
    assert gap[0] == 0.0
    assert gap[1] > 0.3
