"""negsim: Monte Carlo simulation of bilateral multi-issue negotiations under deadline pressure.

The public API, for notebooks and scripts::

    import sim
    loaded = sim.load_scenario("scenarios/korea_us_2025.yaml")
    table = sim.run_batch(loaded.scenario, runs=1_000, seed=1)   # a pandas DataFrame
    figure = sim.plots.plot_deal_probability(table, loaded.scenario)
    result = sim.run_scenario("scenarios/korea_us_2025.yaml", out="results/demo")  # writes files

Names are imported on first use, so that ``negsim --version`` or ``negsim validate`` do not pay
for the plotting and simulation libraries.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("negsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

_EXPORTS = {
    "NegotiationModel": "sim.model",
    "ScenarioError": "sim.errors",
    "UsageError": "sim.errors",
    "load_scenario": "sim.loading",
    "run_batch": "sim.batch",
    "run_scenario": "sim.pipeline",
    "summarise": "sim.summary",
}

__all__ = ["__version__", "plots", *_EXPORTS]


def __getattr__(name: str):
    if name == "plots":
        return import_module("sim.plots")
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
