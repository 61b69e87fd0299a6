"""The negotiators: Mesa agents that each hold one parameter set per run of the batch."""

from __future__ import annotations

import mesa
import numpy as np

from sim import acceptance, strategies
from sim.acceptance import OfferContext
from sim.calendar import time_fraction
from sim.draws import Parameters
from sim.offers import OFFER_RULES, concession_costs, package
from sim.payoffs import normalise_weights, utility
from sim.scenario import Negotiator as NegotiatorSpec
from sim.tactics import target_utility


class Negotiator(mesa.Agent):
    """A party at the table, bargaining in all runs of the batch at once.

    Arrays have one row per run; package arrays have one column per issue.

    Args:
        model: The negotiation model (it owns the issues and the calendar).
        party: The negotiator's key in the scenario (``us``, ``korea``).
        spec: Its validated scenario block.
        parameters: The drawn parameters of the batch.
    """

    def __init__(self, model, party: str, spec: NegotiatorSpec, parameters: Parameters):
        super().__init__(model)
        self.party = party
        self.label = spec.label
        prefix = f"negotiators.{party}"
        issues = list(model.issue_names)
        self.ideal = np.column_stack(
            [parameters.array(f"{prefix}.preferences.{issue}.ideal") for issue in issues]
        )
        self.weights = normalise_weights(
            np.column_stack(
                [parameters.array(f"{prefix}.preferences.{issue}.weight") for issue in issues]
            )
        )
        self.strategy = _build(strategies.REGISTRY, spec.strategy, f"{prefix}.strategy", parameters)
        self.acceptance = _build(
            acceptance.REGISTRY, spec.acceptance, f"{prefix}.acceptance", parameters
        )
        self.shares_for = OFFER_RULES[spec.offer_rule]
        self.best = self.utility(self.ideal)
        no_deal_utility = self.utility(model.no_deal)
        outside = parameters.array(f"{prefix}.outside_option")
        self.reservation = np.clip(no_deal_utility + outside, None, self.best)
        self.concession_floor = np.zeros(parameters.runs)
        self.opponent: Negotiator | None = None

    def utility(self, packages: np.ndarray) -> np.ndarray:
        """This negotiator's utility of one package per run."""
        return utility(packages, self.ideal, self.weights, self.model.low, self.model.high)

    def concession(self, round_index: int) -> np.ndarray:
        """Share of its room conceded by round ``round_index``, never less than before."""
        fraction = time_fraction(round_index, self.model.last_round)
        return np.maximum(self.strategy.concession(fraction), self.concession_floor)

    def target(self, round_index: int) -> np.ndarray:
        """Utility this negotiator aims for in round ``round_index``."""
        return target_utility(self.concession(round_index), self.best, self.reservation)

    def propose(self, round_index: int) -> np.ndarray:
        """The package offered in round ``round_index`` in every run."""
        costs = concession_costs(
            self.ideal, self.opponent.ideal, self.weights, self.model.low, self.model.high
        )
        shares = self.shares_for(costs, self.best - self.target(round_index))
        return package(self.ideal, self.opponent.ideal, shares)

    def respond(self, offers: np.ndarray, round_index: int) -> np.ndarray:
        """True in the runs where this negotiator accepts the offer on the table."""
        context = OfferContext(
            offered_utility=self.utility(offers),
            next_target=self.target(round_index + 1),
            reservation=self.reservation,
            last_round=round_index >= self.model.last_round,
            time_fraction=time_fraction(round_index, self.model.last_round),
        )
        return self.acceptance.accepts(context)

    def hold_concession(self, runs: np.ndarray, round_index: int) -> None:
        """Keep the concession reached so far in ``runs`` (when their deadline is extended)."""
        self.concession_floor[runs] = self.concession(round_index)[runs]


def _build(registry: dict, spec, prefix: str, parameters: Parameters):
    """Instantiate the class that ``spec.name`` selects with its drawn parameters."""
    names = [field for field in type(spec).model_fields if field != "name"]
    return registry[spec.name](**{name: parameters[f"{prefix}.{name}"] for name in names})
