"""The account of a calibration: the ABC, each parameter's prior and posterior, the check."""

from __future__ import annotations

import math

import pandas as pd

from sim.analysis.backtest import CaseBacktest
from sim.analysis.calibration import CREDIBLE_LEVEL, DEFAULT_WEIGHTS, Calibration
from sim.report.document import Document, DocumentTable
from sim.report.tables import number
from sim.scenario.variants import value_label


def _percent(p: float) -> str:
    return "-" if p is None or math.isnan(p) else f"{100 * p:.1f}%"


def abc_table(calibration: Calibration) -> pd.DataFrame:
    """The ABC's settings and how many runs it kept."""
    rows = [
        ("runs (prior draws)", f"{calibration.runs:,}"),
        ("share accepted (asked)", _percent(calibration.accept)),
        ("tolerance (distance at most)", number(calibration.tolerance, 4)),
        ("runs accepted", f"{calibration.accepted:,}"),
        ("acceptance rate", _percent(calibration.acceptance_rate)),
        ("effective sample size", number(calibration.effective_sample_size, 4)),
        ("distance components", ", ".join(calibration.components)),
    ]
    return pd.DataFrame(rows, columns=["", "value"])


def parameters_table(calibration: Calibration) -> pd.DataFrame:
    """Each parameter, most narrowed first: prior, means, credible interval, fitted posterior."""
    level = f"{CREDIBLE_LEVEL:.0%}"
    rows = []
    for parameter in sorted(
        calibration.parameters, key=lambda p: -p.shrinkage if not math.isnan(p.shrinkage) else 0
    ):
        low, high = parameter.interval
        rows.append(
            {
                "parameter": parameter.path,
                "prior": value_label(parameter.prior.model_dump()),
                "prior mean": number(parameter.prior_mean),
                "posterior mean": number(parameter.mean),
                f"{level} credible interval": f"{number(low)} to {number(high)}",
                "sd shrinkage": number(parameter.shrinkage, 2),
                "posterior (fitted)": value_label(parameter.fitted),
            }
        )
    return pd.DataFrame(rows)


def parameters_data(calibration: Calibration) -> pd.DataFrame:
    """The numbers of ``parameters_table``, one row per parameter in the scenario's order."""
    return pd.DataFrame(
        [
            {
                "parameter": parameter.path,
                "prior_mean": parameter.prior_mean,
                "prior_sd": parameter.prior_sd,
                "posterior_mean": parameter.mean,
                "posterior_sd": parameter.sd,
                "credible_low": parameter.interval[0],
                "credible_high": parameter.interval[1],
                "shrinkage": parameter.shrinkage,
            }
            for parameter in calibration.parameters
        ]
    )


def check_table(before: CaseBacktest, after: CaseBacktest) -> pd.DataFrame:
    """The probability of each observed fact and of the path under the prior and the posterior."""
    rows = []
    pairs = zip(
        [*before.events, before.path, before.path_and_terms],
        [*after.events, after.path, after.path_and_terms],
        strict=True,
    )
    for prior, posterior in pairs:
        label = prior.label if prior.key != "path" else "the path (every timing fact)"
        rows.append(
            {
                "what happened": label if prior.happened else f"not: {label}",
                "prior": _percent(prior.probability_of_outcome),
                "posterior": _percent(posterior.probability_of_outcome),
            }
        )
    return pd.DataFrame(rows)


def calibration_document(
    case: str,
    calibration: Calibration,
    before: CaseBacktest,
    after: CaseBacktest,
    posterior_file: str,
    charts: dict[str, str],
) -> Document:
    """The calibration as a document (``calibration.md``, ``calibration.json``)."""
    text = (
        f"{case}: rejection ABC kept {calibration.accepted:,} of {calibration.runs:,} runs "
        f"(tolerance {number(calibration.tolerance, 4)}, effective sample size "
        f"{number(calibration.effective_sample_size, 4)}). The path as it happened had "
        f"{_percent(before.path.probability)} under the prior and "
        f"{_percent(after.path.probability)} under the posterior scenario "
        f"({posterior_file}, {after.runs:,} runs); the path with the terms "
        f"{_percent(before.path_and_terms.probability)} and "
        f"{_percent(after.path_and_terms.probability)}."
    )
    weights = ", ".join(f"{name} {value:g}" for name, value in DEFAULT_WEIGHTS.items())
    notes = [
        "Distance of a run from what happened: the root mean square of components in [0, 1], "
        "weighted by kind (" + weights + "): the ending (0 same, 1 different); the days between "
        "the run's deal and the observed deal over the days the calendar can reach (1 without a "
        "deal); the difference in extensions over the most the calendar allows; the days between "
        "the deadline in force at the run's end and the observed one, over the same span; each "
        "issue's "
        "distance from its observed value or interval (or its no-deal value, if not settled) "
        "over the issue's range.",
        f"Tolerance: the {_percent(calibration.accept)} quantile of the distances; accepted runs "
        "are weighted by the Epanechnikov kernel 1 - (d / tolerance)^2 (Beaumont, Zhang & "
        "Balding 2002); effective sample size (sum w)^2 / sum w^2.",
        "The posterior scenario extends the original and replaces each uncertain parameter by a "
        "distribution fitted to its weighted accepted draws by moments, on the prior's support "
        "(a beta for a bounded prior, a normal for a normal, a lognormal for a lognormal, the "
        "same values reweighted for a choice). The parameters are fitted one by one: what the "
        "accepted draws say about their joint variation is not kept.",
        "Posterior predictive check: the posterior scenario rerun with the batch's seed (common "
        "random numbers), scored like negsim backtest; 'prior' is the calibration batch itself.",
        f"sd shrinkage = 1 - posterior sd / prior sd; the credible interval is central, from the "
        f"weighted quantiles of the accepted draws ({CREDIBLE_LEVEL:.0%}).",
    ]
    return Document(
        kind="calibration",
        title=f"Calibration: {case}",
        subtitle="The scenario's uncertain parameters conditioned on what happened "
        "(rejection ABC).",
        text=text,
        tables=[
            DocumentTable("ABC", abc_table(calibration)),
            DocumentTable(
                "Parameters",
                parameters_table(calibration),
                parameters_data(calibration),
                "parameters.csv",
            ),
            DocumentTable("Posterior predictive check", check_table(before, after)),
        ],
        notes=notes,
        charts=charts,
    )
