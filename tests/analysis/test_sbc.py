"""Simulation-based calibration of the rejection ABC (Talts, Betancourt, Simpson, Vehtari & Gelman
2018, "Validating Bayesian inference algorithms with simulation-based calibration").

If the ABC posterior is right, then for a truth drawn from the prior and an observation simulated
with it, the truth's rank among the posterior draws is uniform, and a 90% credible interval
covers it 90% of the time. On ``sbc_split.yaml`` (two uncertain parameters):

- ``REPETITIONS`` observations: the runs of one batch, each with its own drawn truth (a run's
  ``drawn.*`` values are the truth it was simulated with);
- one reference batch of ``REFERENCE_RUNS`` prior runs (another child of the seed), shared by
  every calibration (``sim.analysis.calibration.calibrate_table`` with ``DEFAULT_ACCEPT``);
- coverage of each parameter's 90% interval within the binomial 3-sigma band around 0.9
  (``0.9 +- 3 sqrt(0.9 * 0.1 / 300)``, 0.848 to 0.952); the ranks' histogram (10 bins) passes a
  chi-square test of uniformity at the 0.1% level; and the posterior is narrower than the prior
  on average (the observation identifies the parameters).

The reference batch is shared, so the repetitions' errors are not fully independent; the band is
a check, not an exact test. A negative control shows the check can fail: the central 70%
interval, claimed as 90%, falls outside the band.

What SBC cannot test: rejection ABC is calibrated with any distance (its posterior is that of the
parameters given the distance's summary of the outcome), so a distance that weighs the wrong
things passes; SBC checks the acceptance, the weights and the intervals. The distance is pinned
by its own tests in ``test_calibration.py``. About 2 s.
"""

import math

import numpy as np
import pytest
from scipy import stats

from sim.analysis.calibration import CREDIBLE_LEVEL, DRAWN, calibrate_table, target_of_run
from sim.analysis.posterior import weighted_quantiles, weighted_rank
from sim.batch.chunks import run_batch
from sim.scenario.loading import load_scenario
from sim.seeds import child
from tests.conftest import ROOT

SCENARIO = ROOT / "tests" / "analysis" / "sbc_split.yaml"
SEED = 2018
REPETITIONS = 300
REFERENCE_RUNS = 4000
BINS = 10


@pytest.fixture(scope="module")
def sbc():
    scenario = load_scenario(SCENARIO).scenario
    reference = run_batch(scenario, REFERENCE_RUNS, child(SEED, 0))
    truths = run_batch(scenario, REPETITIONS, child(SEED, 1))
    covered, ranks, shrinkage, narrow = {}, {}, {}, {}
    for _, row in truths.iterrows():
        calibration = calibrate_table(reference, scenario, target_of_run(row, scenario))
        kept = calibration.weights > 0
        for parameter in calibration.parameters:
            truth = row[DRAWN + parameter.path]
            low, high = parameter.interval
            covered.setdefault(parameter.path, []).append(low <= truth <= high)
            draws = reference[DRAWN + parameter.path].to_numpy(float)[kept]
            rank = weighted_rank(truth, draws, calibration.weights[kept])
            ranks.setdefault(parameter.path, []).append(rank)
            shrinkage.setdefault(parameter.path, []).append(parameter.shrinkage)
            low, high = weighted_quantiles(draws, calibration.weights[kept], [0.15, 0.85])
            narrow.setdefault(parameter.path, []).append(low <= truth <= high)
    return covered, ranks, shrinkage, narrow


def test_the_scenario_has_two_uncertain_parameters(sbc):
    covered, _, _, _ = sbc
    assert sorted(covered) == ["calendar.extension.probability", "protocol.breakdown_per_day"]


def test_credible_intervals_cover_the_truth_as_often_as_they_claim(sbc):
    covered, _, _, _ = sbc
    band = 3 * math.sqrt(CREDIBLE_LEVEL * (1 - CREDIBLE_LEVEL) / REPETITIONS)
    for path, hits in covered.items():
        coverage = float(np.mean(hits))
        assert abs(coverage - CREDIBLE_LEVEL) <= band, (path, coverage, band)


def test_ranks_of_the_truth_are_uniform(sbc):
    _, ranks, _, _ = sbc
    for path, values in ranks.items():
        counts = np.histogram(values, bins=BINS, range=(0, 1))[0]
        assert stats.chisquare(counts).pvalue > 0.001, (path, counts.tolist())


def test_the_observation_narrows_the_parameters(sbc):
    _, _, shrinkage, _ = sbc
    for path, values in shrinkage.items():
        assert np.mean(values) > 0.05, (path, np.mean(values))


def test_an_interval_too_narrow_for_its_claim_fails_the_band(sbc):
    """The negative control: the central 70% interval, claimed as 90%, is caught."""
    _, _, _, narrow = sbc
    band = 3 * math.sqrt(CREDIBLE_LEVEL * (1 - CREDIBLE_LEVEL) / REPETITIONS)
    for path, hits in narrow.items():
        assert CREDIBLE_LEVEL - float(np.mean(hits)) > band, (path, float(np.mean(hits)))
