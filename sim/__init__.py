"""negsim: Monte Carlo simulation of bilateral multi-issue negotiations under deadline pressure.

The public API, for notebooks and scripts::

    import sim
    loaded = sim.load_scenario("scenarios/korea_us_2025.yaml")
    table = sim.run_batch(loaded.scenario, runs=1_000, seed=1)   # a pandas DataFrame
    figure = sim.charts.plot_deal_probability(table, loaded.scenario)
    result = sim.run_scenario("scenarios/korea_us_2025.yaml", out="results/demo")  # writes files
    trace = sim.trace_run(loaded.scenario, seed=1, run=3, runs=1_000)
    figure = sim.plot_trace(trace)
    done = sim.calibrate("scenarios/cases/japan_us_2025.yaml",
                         "scenarios/observed/japan_us_2025.yaml", runs=5_000)  # writes files
    done.posterior_file  # a scenario that extends the original, with the fitted parameters

``sim.plots`` is the former name of ``sim.charts`` and still works. Names are imported on first
use, so that ``negsim --version`` or ``negsim validate`` do not pay for the plotting and
simulation libraries.
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("negsim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

_EXPORTS = {
    "NegotiationModel": "sim.model.negotiation",
    "ScenarioError": "sim.errors",
    "UsageError": "sim.errors",
    "load_scenario": "sim.scenario.loading",
    "run_batch": "sim.batch.chunks",
    "run_scenario": "sim.pipelines.run",
    "summarise": "sim.analysis.summary",
    "trace_run": "sim.pipelines.trace",
    "plot_trace": "sim.charts.trace",
    "backtest": "sim.pipelines.backtest",
    "calibrate": "sim.pipelines.calibrate",
}
_MODULES = {"charts": "sim.charts", "plots": "sim.charts"}

__all__ = ["__version__", *_MODULES, *_EXPORTS]


def __getattr__(name: str):
    if name in _MODULES:
        return import_module(_MODULES[name])
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
