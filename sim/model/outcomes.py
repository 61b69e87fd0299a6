"""The outcome of every run as columns: how it ended, the values, utilities and solutions.

``sim.columns`` documents each column. These functions read a finished ``NegotiationModel``.
"""

from __future__ import annotations

import numpy as np

from sim.columns import ENDING_NAMES, Ending
from sim.maths.calendar import round_day
from sim.maths.frontier import pareto_frontier_linear
from sim.maths.solutions import kalai_smorodinsky_point, nash_point, pareto_gap


def outcome_columns(model) -> dict[str, np.ndarray]:
    """One column per outcome field, one row per run."""
    agreed = model.ending == Ending.AGREEMENT
    start = np.datetime64(model.scenario.calendar.start, "D")
    end_day = round_day(model.end_round, model.interval)
    end_date = start + end_day.astype("timedelta64[D]")
    delay = model.end_round + ~agreed  # no deal takes effect one round after the last one
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
    for negotiator in model.negotiators:
        outside = np.where(agreed, 0.0, negotiator.outside_option)
        value = negotiator.utility(model.outcome) + outside - losses[negotiator.party]
        columns[f"utility.{negotiator.party}"] = value
        columns[f"reservation.{negotiator.party}"] = negotiator.reservation
        columns[f"discounted_utility.{negotiator.party}"] = value * negotiator.discount**delay
    columns |= model.events.columns()
    columns |= solution_columns(model)
    for path, values in model.parameters.drawn.items():
        columns[f"drawn.{path}"] = values
    return columns


def frontier(model) -> np.ndarray:
    """Each run's Pareto frontier of the two negotiators' utilities, first proposer first."""
    first, second = model.negotiators
    return pareto_frontier_linear(
        first.weights, first.ideal, second.weights, second.ideal, model.low, model.high
    )


def solution_columns(model) -> dict[str, np.ndarray]:
    """Per-run columns comparing each outcome with the bargaining solutions.

    Utilities are those of the packages (before outside options and retaliation); the
    disagreement point is the pair of reservation utilities.
    """
    first, second = model.negotiators
    frontiers = frontier(model)
    disagreement = np.column_stack([first.reservation, second.reservation])
    outcome = np.column_stack([first.utility(model.outcome), second.utility(model.outcome)])
    nash = nash_point(frontiers, disagreement)
    fair = kalai_smorodinsky_point(frontiers, disagreement)
    gains = outcome - disagreement
    return {
        f"nash.{first.party}": nash[:, 0],
        f"nash.{second.party}": nash[:, 1],
        f"kalai_smorodinsky.{first.party}": fair[:, 0],
        f"kalai_smorodinsky.{second.party}": fair[:, 1],
        "nash_product": gains[:, 0] * gains[:, 1],
        "distance_to_nash": np.hypot(*(outcome - nash).T),
        "pareto_gap": pareto_gap(frontiers, outcome),
    }
