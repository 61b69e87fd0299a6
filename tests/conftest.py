import os
from pathlib import Path

import hypothesis
import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "korea_us_2025.yaml"


@pytest.fixture
def baseline():
    from sim.scenario.loading import load_scenario

    return load_scenario(BASELINE).scenario


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch):
    """Tests (and README doctests) use paths relative to the repository root."""
    monkeypatch.chdir(ROOT)
    os.environ.setdefault("MPLBACKEND", "Agg")


# Timings on a shared 2-core machine vary too much for per-example deadlines (a first call that
# imports scipy can take a second); property tests bound their work by example counts instead.
hypothesis.settings.register_profile("negsim", deadline=None)
hypothesis.settings.load_profile("negsim")
