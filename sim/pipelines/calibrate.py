"""``negsim calibrate``: condition a scenario's uncertain parameters on what happened.

One batch of the scenario is run; rejection ABC (``sim.analysis.calibration``) keeps the runs
nearest the observed outcome; a posterior scenario that ``extends:`` the original replaces each
uncertain parameter by a distribution fitted to the accepted draws; that scenario is rerun and
held against the observed outcome like ``negsim backtest`` (the posterior predictive check).
Everything is read and checked before anything runs or is written; a bad file is a
``ScenarioError`` naming its file, line and field.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from matplotlib.figure import Figure

from sim.analysis.backtest import CaseBacktest, backtest_case
from sim.analysis.calibration import (
    DEFAULT_ACCEPT,
    DRAWN,
    Calibration,
    calibrate_table,
    target_of,
)
from sim.analysis.posterior import fitted_density
from sim.batch.chunks import run_batch
from sim.batch.files import write_text
from sim.batch.storage import check_destination, scenario_record
from sim.charts.calibration import plot_prior_posterior, prior_posterior_table
from sim.errors import ScenarioError, UsageError
from sim.pipelines.output import DEFAULT_RESULTS, analysis_folder, write_document
from sim.report.calibration import calibration_document
from sim.scenario.loading import LoadedScenario, load_scenario
from sim.scenario.observed import LoadedObserved, issue_problems, load_observed
from sim.scenario.schema import Scenario, uncertain_parameters
from sim.scenario.variants import build_variant

POSTERIOR_FILE = "posterior.yaml"
"""The posterior scenario, in the output folder."""
ACCEPTED_FILE = "accepted.csv"
"""The accepted runs: their index, distance, weight and draws."""
POSTERIOR_SUFFIX = "_posterior"


@dataclass
class CalibrationResult:
    """What ``calibrate`` produced.

    Attributes:
        directory: The folder written.
        calibration: The ABC posterior.
        before: The backtest of the calibration batch (the prior).
        after: The backtest of the posterior scenario's batch (the predictive check).
        posterior: The posterior scenario, validated.
        text: A short account for the terminal.
    """

    directory: Path
    calibration: Calibration
    before: CaseBacktest
    after: CaseBacktest
    posterior: Scenario
    text: str

    @property
    def posterior_file(self) -> Path:
        """The posterior scenario file."""
        return self.directory / POSTERIOR_FILE


def calibrate(
    scenario: str | Path,
    observed: str | Path,
    *,
    runs: int | None = None,
    seed: int | None = None,
    accept: float = DEFAULT_ACCEPT,
    check_runs: int | None = None,
    out: str | Path | None = None,
    force: bool = False,
    report: bool = True,
) -> CalibrationResult:
    """Calibrate a scenario's uncertain parameters to an observed outcome and write one folder.

    The folder (by default ``results/<scenario name>-calibrate/``) receives ``posterior.yaml``
    (the posterior scenario: it ``extends:`` the original by its path relative to the folder, and
    runs ``check_runs`` runs with the seed used here, so ``negsim run`` of it repeats the check),
    ``calibration.md``, ``calibration.json`` (every number under ``results``), ``parameters.csv``,
    ``accepted.csv``, a chart per parameter (``parameter-<path>.png``), ``manifest.json`` and
    ``report.html``.

    Args:
        scenario: The scenario file.
        observed: The observed-outcome file.
        runs: Runs of the calibration batch; the scenario's ``runs`` when ``None``.
        seed: Master seed of both batches; the scenario's ``seed`` when ``None``.
        accept: Share of the runs accepted (above 0, at most 1).
        check_runs: Runs of the posterior predictive check; ``runs`` when ``None``.
        out: Output folder.
        force: Replace ``out`` if it exists.
        report: Also write ``report.html``.

    Returns:
        The folder, the posterior and the check.

    Raises:
        ScenarioError: The scenario or observed file is not valid, or their issues differ.
        UsageError: The scenario is a folder or has no uncertain parameter, ``accept`` is out of
            range, or the output folder exists (without ``force``) or cannot be written.
    """
    if not 0 < accept <= 1:
        raise UsageError(f"the share of runs to accept must be above 0 and at most 1, not {accept}")
    loaded_observed = load_observed(observed)
    scenario_path = Path(scenario)
    if scenario_path.is_dir():
        raise UsageError(
            f"{scenario_path} is a folder; calibrate needs a scenario file (the posterior "
            "scenario extends it)"
        )
    loaded = load_scenario(scenario_path)
    problems = issue_problems(loaded_observed, loaded.scenario)
    if problems:
        raise ScenarioError(problems)
    spec = loaded.scenario
    if not uncertain_parameters(spec):
        raise UsageError(
            f"{scenario_path}: the scenario has no uncertain parameter to calibrate (give one a "
            "distribution, e.g. {dist: uniform, low: 0.1, high: 0.3})"
        )
    out = Path(out) if out is not None else DEFAULT_RESULTS / f"{spec.name}-calibrate"
    check_destination(out, force)
    seed = spec.seed if seed is None else seed
    runs = spec.runs if runs is None else runs
    check_runs = runs if check_runs is None else check_runs
    observed_facts = loaded_observed.observed

    table = run_batch(spec, runs, seed)
    calibration = calibrate_table(table, spec, target_of(observed_facts), accept)
    overlay = _posterior_overlay(loaded, calibration, out, seed, check_runs)
    posterior = build_variant(loaded.resolved, _flat(overlay))
    check = run_batch(posterior, check_runs, seed)
    before = backtest_case(table, spec, observed_facts)
    after = backtest_case(check, posterior, observed_facts)

    figures, captions = _charts(table, calibration)
    document = calibration_document(
        observed_facts.case, calibration, before, after, POSTERIOR_FILE, captions
    )
    document.data = {
        "case": observed_facts.case,
        "calibration": calibration.record(),
        "posterior_file": POSTERIOR_FILE,
        "before": before.record(),
        "after": after.record(),
    }
    manifest = {
        "inputs": [_input_record(loaded, loaded_observed)],
        "runs": runs,
        "seed": seed,
        "accept": accept,
        "check_runs": check_runs,
    }
    with analysis_folder(out, "calibration", manifest, force) as folder:
        write_document(folder, document, figures, report)
        write_text(folder / POSTERIOR_FILE, _posterior_text(overlay, calibration, loaded_observed))
        _accepted(table, calibration).to_csv(folder / ACCEPTED_FILE, index=False)
    return CalibrationResult(out, calibration, before, after, posterior, document.text)


def _input_record(loaded: LoadedScenario, observed: LoadedObserved) -> dict[str, Any]:
    return {
        "case": observed.observed.case,
        "observed_file": str(observed.path),
        "observed_sha256": hashlib.sha256(observed.path.read_bytes()).hexdigest(),
        **scenario_record(loaded),
    }


def _posterior_overlay(
    loaded: LoadedScenario, calibration: Calibration, out: Path, seed: int, runs: int
) -> dict[str, Any]:
    """The posterior scenario's own data: ``extends``, name, runs, seed and each fitted prior."""
    name = loaded.scenario.name[: 40 - len(POSTERIOR_SUFFIX)] + POSTERIOR_SUFFIX
    overlay: dict[str, Any] = {
        "extends": Path(os.path.relpath(Path(loaded.files[0]).resolve(), out.resolve())).as_posix(),
        "name": name,
        "description": f"{loaded.scenario.name} with its uncertain parameters calibrated to "
        "what happened (negsim calibrate: rejection ABC, distributions fitted by moments).",
        "runs": runs,
        "seed": seed,
    }
    for path, fitted in calibration.fitted().items():
        node = overlay
        *parents, last = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = fitted
    return overlay


def _flat(overlay: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The overlay's values by dotted path (a distribution is one value), without ``extends``."""
    flat: dict[str, Any] = {}
    for key, value in overlay.items():
        if key == "extends":
            continue
        if isinstance(value, dict) and "dist" not in value:
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _posterior_text(
    overlay: dict[str, Any], calibration: Calibration, observed: LoadedObserved
) -> str:
    header = [
        f"# The posterior of the scenario it extends, conditioned on {observed.path.name}",
        f"# (case {observed.observed.case}) by rejection ABC (negsim calibrate): "
        f"{calibration.accepted:,} of {calibration.runs:,} runs accepted,",
        f"# tolerance {calibration.tolerance:.4g}, effective sample size "
        f"{calibration.effective_sample_size:.4g}. Each uncertain parameter below is fitted by",
        "# moments to the weighted accepted draws, on its prior's support; calibration.md says",
        "# how. runs and seed are those of the posterior predictive check.",
    ]
    body = yaml.safe_dump(
        overlay, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    return "\n".join(header) + "\n" + body


def _accepted(table: pd.DataFrame, calibration: Calibration) -> pd.DataFrame:
    """The accepted runs, nearest first: run, distance, weight and every draw."""
    kept = calibration.weights > 0
    drawn = [column for column in table.columns if column.startswith(DRAWN)]
    accepted = table.loc[kept, ["run", *drawn]].copy()
    accepted.insert(1, "distance", calibration.distance[kept])
    accepted.insert(2, "weight", calibration.weights[kept])
    return accepted.sort_values("distance", kind="stable")


def _charts(
    table: pd.DataFrame, calibration: Calibration
) -> tuple[dict[str, Figure], dict[str, str]]:
    """A prior-versus-posterior chart per parameter, by file name, and the captions."""
    figures: dict[str, Figure] = {}
    captions: dict[str, str] = {}
    for parameter in calibration.parameters:
        name = f"parameter-{parameter.path}.png"
        draws = table[DRAWN + parameter.path].to_numpy(float)
        figures[name] = plot_prior_posterior(
            prior_posterior_table(draws, calibration.weights),
            parameter.path,
            fitted_density(parameter.fitted),
            parameter.interval,
        )
        captions[name] = f"{parameter.path}: prior and posterior draws, fitted posterior"
    return figures, captions
