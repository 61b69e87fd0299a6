"""``negsim sensitivity``: Sobol indices of a scenario's uncertain parameters, written to a folder.

The design, the runs and the indices are ``sim.analysis.sensitivity``; the tornado charts
``sim.charts.sensitivity``; the text and tables ``sim.report.sensitivity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis.sensitivity import (
    CONFIDENCE_RESAMPLES,
    DEFAULT_SAMPLES,
    METHOD,
    design,
    noise_shares,
    outputs,
    round_samples,
    run_design_and_repeat,
    sobol_table,
)
from sim.batch.engines import InProcessEngine, engine_record
from sim.batch.storage import check_destination, scenario_record
from sim.charts.sensitivity import chart_name, plot_tornado
from sim.errors import UsageError
from sim.params.distributions import DistributionBase
from sim.pipelines.output import DEFAULT_RESULTS, analysis_folder, write_document
from sim.report.sensitivity import distribution_text, sensitivity_document
from sim.scenario.loading import LoadedScenario, load_scenario
from sim.scenario.schema import Scenario, uncertain_parameters

__all__ = ["DEFAULT_SAMPLES", "SensitivityResult", "default_folder", "sensitivity"]


@dataclass
class SensitivityResult:
    """What ``sensitivity`` produced.

    Attributes:
        directory: The folder written.
        indices: One row per output and parameter (see ``sim.analysis.sensitivity.sobol_table``).
        text: A short account for the terminal.
    """

    directory: Path
    indices: pd.DataFrame
    text: str


def default_folder(scenario: Scenario) -> Path:
    """``results/sensitivity-<scenario name>``."""
    return DEFAULT_RESULTS / f"sensitivity-{scenario.name}"


def _manifest(
    loaded: LoadedScenario,
    parameters: dict[str, DistributionBase],
    samples: int,
    runs: int,
    seed: int,
) -> dict[str, Any]:
    """What ``manifest.json`` records besides its kind and negsim's provenance."""
    return {
        **scenario_record(loaded),
        "method": METHOD,
        "samples": samples,
        "runs": runs,
        "seed": seed,
        "parameters": {path: distribution_text(d) for path, d in parameters.items()},
        "outputs": outputs(loaded.scenario),
        "confidence_resamples": CONFIDENCE_RESAMPLES,
    }


def sensitivity(
    scenario_path: str | Path,
    samples: int = DEFAULT_SAMPLES,
    seed: int | None = None,
    out: str | Path | None = None,
    *,
    force: bool = False,
    engine=None,
) -> SensitivityResult:
    """Sobol indices of the scenario's uncertain parameters, with tables and tornado charts.

    The folder (by default ``results/sensitivity-<scenario name>/``) receives
    ``sensitivity.csv`` and ``sensitivity.parquet`` (the indices), ``sensitivity.md``,
    ``samples.parquet`` (the runs of the design, its parameter values in ``drawn.<path>``),
    a tornado chart ``sobol_<output>.png`` per output, ``sensitivity.json`` and
    ``manifest.json``.

    Args:
        scenario_path: A scenario file with uncertain parameters.
        samples: Base samples N, rounded up to a power of two; the model runs ``N * (D + 3)``
            times for ``D`` uncertain parameters (``N`` of them repeat matrix A with other
            random numbers, for the share of the variance from the model's own randomness).
        seed: Seed of the design, the model and the confidence intervals; the scenario's
            ``seed`` when ``None``.
        out: Output folder.
        force: Replace ``out`` if it exists (otherwise refuse).
        engine: Where the design's runs go (``sim.batch.engines``, not entered); in this process
            when ``None``. The indices are the same on every engine.

    Returns:
        The folder, the indices and a short text.

    Raises:
        ScenarioError: The scenario file is not valid.
        UsageError: The scenario has no uncertain parameter, ``samples`` is below 1, or the
            output folder exists (without ``force``) or cannot be written.
    """
    loaded = load_scenario(scenario_path)
    scenario = loaded.scenario
    parameters = uncertain_parameters(scenario)
    if not parameters:
        raise UsageError(
            f"{scenario_path} has no uncertain parameters: give some a distribution "
            "(e.g. beta: {dist: uniform, low: 0.3, high: 0.9}) to analyse their effect"
        )
    requested, samples = samples, round_samples(samples)
    seed = scenario.seed if seed is None else seed
    out = Path(out) if out is not None else default_folder(scenario)
    check_destination(out, force)
    problem, values = design(parameters, samples, seed)
    with engine or InProcessEngine() as running:
        table, repeat = run_design_and_repeat(scenario, values, seed, running)
        ran_on = engine_record(running)
    labels = outputs(scenario)
    indices = sobol_table(problem, table, labels, seed)
    noise = noise_shares(table, repeat, labels, len(parameters))
    charts = {output: chart_name(output) for output in labels}
    figures = {
        name: plot_tornado(indices, output, noise=noise[output]) for output, name in charts.items()
    }
    document = sensitivity_document(
        scenario, indices, len(table) + len(repeat), samples, charts, requested, noise
    )
    manifest = _manifest(loaded, parameters, samples, len(table) + len(repeat), seed)
    manifest["noise_share"] = noise
    manifest.update(ran_on)
    with analysis_folder(out, "sensitivity", manifest, force) as folder:
        write_document(folder, document, figures)
        indices.to_parquet(folder / "sensitivity.parquet", index=False)
        table.to_parquet(folder / "samples.parquet", index=False)
    return SensitivityResult(out, indices, document.text)
