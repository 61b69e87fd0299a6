"""negsim: Monte Carlo simulation of bilateral multi-issue negotiations under deadline pressure.

The public API, for notebooks and scripts::

    import sim
    loaded = sim.load_scenario("scenarios/korea_us_2025.yaml")
    table = sim.run_batch(loaded.scenario, runs=1_000, seed=1)   # a pandas DataFrame
    figure = sim.plots.plot_deal_probability(table, loaded.scenario)
    result = sim.run_scenario("scenarios/korea_us_2025.yaml", out="results/demo")  # writes files
"""

from importlib.metadata import PackageNotFoundError, version

from sim import plots
from sim.batch import run_batch
from sim.errors import ScenarioError, UsageError
from sim.loading import load_scenario
from sim.model import NegotiationModel
from sim.pipeline import run_scenario
from sim.summary import summarise

try:
    __version__ = version("negsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    "NegotiationModel",
    "ScenarioError",
    "UsageError",
    "__version__",
    "load_scenario",
    "plots",
    "run_batch",
    "run_scenario",
    "summarise",
]
