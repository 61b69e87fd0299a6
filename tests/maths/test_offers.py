"""Turning a target utility into a package."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sim.maths.offers import (
    cheapest_first_shares,
    concession_costs,
    package,
    uniform_shares,
)
from sim.maths.utility import normalise_weights, utility

LOW = np.array([0.0, 1.0, 0.0])
HIGH = np.array([25.0, 10.0, 1.0])
RULES = [cheapest_first_shares, uniform_shares]


def test_cheapest_first_concedes_least_salient_issue_first():
    # Costs 0.2, 0.1, 0.4: giving up 0.2 moves issue 2 fully, issue 1 halfway, issue 3 not at all.
    shares = cheapest_first_shares(np.array([[0.2, 0.1, 0.4]]), np.array([0.2]))
    assert shares == pytest.approx(np.array([[0.5, 1.0, 0.0]]))


def test_issue_that_costs_nothing_is_given_away_at_once():
    shares = cheapest_first_shares(np.array([[0.0, 0.3]]), np.array([0.0]))
    assert shares.tolist() == [[1.0, 0.0]]


positions = arrays(float, (1, 3), elements=st.floats(0, 1))


@pytest.mark.parametrize("rule", RULES)
@given(
    own=positions,
    other=positions,
    raw=arrays(float, (1, 3), elements=st.floats(0.01, 1)),
    target=st.floats(0, 1),
)
def test_offer_hits_target_utility_when_reachable(rule, own, other, raw, target):
    own_ideal, opponent_ideal = LOW + own * (HIGH - LOW), LOW + other * (HIGH - LOW)
    weights = normalise_weights(raw)
    costs = concession_costs(own_ideal, opponent_ideal, weights, LOW, HIGH)
    need = np.array([1.0 - target])
    offer = package(own_ideal, opponent_ideal, rule(costs, need))
    achieved = utility(offer, own_ideal, weights, LOW, HIGH)
    floor = utility(opponent_ideal, own_ideal, weights, LOW, HIGH)
    assert np.all((offer >= LOW - 1e-9) & (offer <= HIGH + 1e-9))
    assert achieved == pytest.approx(max(target, floor[0]), abs=1e-9)
