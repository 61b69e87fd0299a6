"""The Wilson interval written out is scipy's, to the last bit."""

import numpy as np
import pytest
from scipy import stats

from sim.analysis.inference import proportion_interval

RNG = np.random.default_rng(3)
TRIALS = [1, 2, 7, 100, 20_000, *RNG.integers(1, 10**7, 40).tolist()]


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
@pytest.mark.parametrize("trials", TRIALS)
def test_the_wilson_interval_is_scipys(trials, level):
    for successes in {
        0,
        1,
        trials // 3,
        trials // 2,
        trials - 1,
        trials,
        *RNG.integers(0, trials + 1, 5),
    }:
        interval = stats.binomtest(int(successes), trials).proportion_ci(level, method="wilson")
        assert proportion_interval(int(successes), trials, level) == (interval.low, interval.high)


def test_no_trials_know_nothing():
    assert proportion_interval(0, 0) == (0.0, 1.0)
