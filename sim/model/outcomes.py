"""The outcome of every run as columns: how it ended, the values, utilities and solutions.

``sim.columns`` documents each column. These functions read a finished ``NegotiationModel``.
"""

from __future__ import annotations

import numpy as np

from sim.columns import COLUMN_SETS, ENDING_NAMES, Ending
from sim.maths.calendar import round_day
from sim.maths.solutions import nash_product, solutions

SOLUTION_BLOCK = 2_048
"""Runs whose bargaining solutions are worked out together: a block's candidate points (every
segment of every frontier) stay a few megabytes, in the processor's cache."""


def outcome_columns(model, columns: str = "all") -> dict[str, np.ndarray]:
    """One column per outcome field, one row per run (``columns``: one of ``COLUMN_SETS``).

    A ``lean`` table leaves out the optional groups, and the solutions are then not worked out.
    """
    if columns not in COLUMN_SETS:
        raise ValueError(f"columns must be one of {', '.join(COLUMN_SETS)}, not {columns!r}")
    values = final_values(model)
    table = outcome_table(model, values)
    if columns == "lean":
        return table
    table |= solution_columns(model, values)
    for path, drawn in model.parameters.drawn.items():
        table[f"drawn.{path}"] = drawn
    return table


def outcome_table(model, values: np.ndarray) -> dict[str, np.ndarray]:
    """The columns every runs table holds: how each run ended, its values and utilities.

    ``values`` are the sides' values of how each run ended (``final_values``).
    """
    agreed = model.ending == Ending.AGREEMENT
    start = np.datetime64(model.scenario.calendar.start, "D")
    end_day = round_day(model.end_round, model.interval)
    end_date = start + end_day.astype("timedelta64[D]")
    walked = model.ending == Ending.OUTSIDE_OPTION
    delay = model.end_round + ~(agreed | walked)  # no deal takes effect a round after the last
    columns = {
        "agreed": agreed,
        "ended_by": np.array(ENDING_NAMES)[model.ending],
        "end_round": model.end_round,
        "end_date": end_date,
        "agreement_date": np.where(agreed, end_date, np.datetime64("NaT")),
        "days_before_deadline": (
            (model.scenario.calendar.deadline - model.scenario.calendar.start).days - end_day
        ),
        "rounds_before_deadline": model.deadline_round - model.end_round,
        "extended": model.extended,
        "extensions": model.extensions,
        "meetings_in_last_week": model.meetings_in_last_week,
        **deadline_in_force_columns(model, end_day),
        "deal_proposed_by": np.where(
            agreed,
            np.array([n.party for n in model.negotiators], dtype=object)[model.proposer_of_deal],
            None,
        ),
    }
    for index, name in enumerate(model.issue_names):
        columns[f"issue.{name}"] = model.outcome[:, index]
    losses = {negotiator.party: 0.0 for negotiator in model.negotiators}
    for retaliator in model.retaliators:
        retaliated = retaliator.react(model.outcome)
        columns[f"retaliated.{retaliator.name}"] = retaliated
        losses[retaliator.target] = losses[retaliator.target] + retaliated * retaliator.cost
    columns["walked_away"] = np.where(
        walked,
        np.array([n.party for n in model.negotiators], dtype=object)[model.walked_away],
        None,
    )
    for negotiator, value in zip(model.negotiators, values.T, strict=True):
        value = value - losses[negotiator.party]
        columns[f"utility.{negotiator.party}"] = value
        columns[f"reservation.{negotiator.party}"] = negotiator.reservation
        columns[f"discounted_utility.{negotiator.party}"] = value * negotiator.discount**delay
    columns |= model.events.columns()
    return columns


def deadline_in_force_columns(model, end_day: np.ndarray) -> dict[str, np.ndarray]:
    """Where each run ended relative to the deadline in force then (original or extended).

    The clock of a deadline runs from the start of the talks, or, for an extension, from the
    deadline it replaced.
    """
    start = np.datetime64(model.scenario.calendar.start, "D")
    deadline_day = model.days_in_force
    clock_start = np.where(model.extended, deadline_day - model.extension_days, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        elapsed = (end_day - clock_start) / (deadline_day - clock_start)
    return {
        "deadline_in_force": start + deadline_day.astype("timedelta64[D]"),
        "days_before_deadline_in_force": deadline_day - end_day,
        "time_to_deadline_elapsed": np.where(np.isfinite(elapsed), np.minimum(elapsed, 1.0), 1.0),
    }


def final_values(model) -> np.ndarray:
    """Each side's value of how its run ended, before retaliation, shape ``(N, 2)``.

    A deal is worth its deal value (utility, rapport, audience cost); a side that walked away
    gets its outside option; otherwise the no-deal values hold.
    """
    agreed = model.ending == Ending.AGREEMENT
    values = []
    for index, negotiator in enumerate(model.negotiators):
        walked = (model.ending == Ending.OUTSIDE_OPTION) & (model.walked_away == index)
        no_deal = np.where(walked, negotiator.exit_value, negotiator.disagreement)
        values.append(np.where(agreed, negotiator.value(model.outcome), no_deal))
    return np.column_stack(values)


def frontier(model) -> np.ndarray:
    """Each run's Pareto frontier of the two negotiators' deal values, first proposer first."""
    return model.negotiators[0].value_frontier()


def solution_columns(model, values: np.ndarray) -> dict[str, np.ndarray]:
    """Per-run columns comparing each outcome with the bargaining solutions.

    Values are those the sides bargain over (``final_values``, before retaliation) on the
    frontier of deal values; the disagreement point is the pair of reservation values. Each run's
    solutions depend on its own frontier only; they are found block by block of runs.
    """
    first, second = model.negotiators
    first_values, second_values = first.frontier_values()
    disagreement = np.column_stack([first.reservation, second.reservation])
    outcome = values
    nash, fair, gap = np.empty_like(outcome), np.empty_like(outcome), np.empty(len(outcome))
    for start in range(0, len(outcome), SOLUTION_BLOCK):
        block = slice(start, start + SOLUTION_BLOCK)
        nash[block], fair[block], gap[block] = solutions(
            first_values[block], second_values[block], disagreement[block], outcome[block]
        )
    return {
        f"nash.{first.party}": nash[:, 0],
        f"nash.{second.party}": nash[:, 1],
        f"kalai_smorodinsky.{first.party}": fair[:, 0],
        f"kalai_smorodinsky.{second.party}": fair[:, 1],
        "nash_product": nash_product(*outcome.T, *disagreement.T),
        "distance_to_nash": np.hypot(*(outcome - nash).T),
        "pareto_gap": gap,
    }
