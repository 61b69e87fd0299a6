"""The negotiators: Mesa agents that each hold one parameter set per run of the batch."""

from __future__ import annotations

import mesa
import numpy as np

from sim.maths.calendar import time_fraction
from sim.maths.offers import OFFER_RULES, cheapest_first_shares, concession_costs, package
from sim.maths.utility import normalise_weights, utility, value_range
from sim.model.parameters import Parameters
from sim.players import acceptance, strategies
from sim.players.views import GameView, OfferContext, StrategyView
from sim.scenario.schema import Negotiator as NegotiatorSpec


class Negotiator(mesa.Agent):
    """A party at the table, bargaining in all runs of the batch at once.

    Arrays have one row per run; package arrays have one column per issue. Besides its
    parameters, a negotiator remembers its own last target and what it has seen of the
    opponent's offers, which behaviour-dependent strategies use.

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
        own_discount = f"{prefix}.discount_per_round"
        self.discount = parameters.array(
            own_discount if spec.discount_per_round is not None else "protocol.discount_per_round"
        )
        self.strategy = _build(strategies.REGISTRY, spec.strategy, f"{prefix}.strategy", parameters)
        self.acceptance = _build(
            acceptance.REGISTRY, spec.acceptance, f"{prefix}.acceptance", parameters
        )
        self.shares_for = OFFER_RULES[spec.offer_rule]
        self.scale = value_range(self.ideal, model.low, model.high)
        self.best = self.utility(self.ideal)
        self.outside_option = parameters.array(f"{prefix}.outside_option")
        self.audience_cost = parameters.array(f"{prefix}.audience_cost")
        self.update_reservation()
        self.target_ceiling = np.full(parameters.runs, np.inf)
        self.previous_target = self.best.copy()
        self.opponent_last = np.full(parameters.runs, np.nan)
        self.opponent_before = np.full(parameters.runs, np.nan)
        self.best_offered = np.full(parameters.runs, -np.inf)
        self.opponent_moved = np.zeros_like(self.ideal)
        self.opponent_offers = np.zeros(parameters.runs)
        self.opponent: Negotiator | None = None
        self.proposes_first = False

    def utility(self, packages: np.ndarray) -> np.ndarray:
        """This negotiator's utility of one package per run."""
        low, high = self.model.low, self.model.high
        return utility(packages, self.ideal, self.weights, low, high, self.scale)

    def update_reservation(self) -> None:
        """Recompute the reservation utility (after a change of weights or rapport).

        It is the utility of no deal plus the outside option, plus the audience cost of backing
        down, less the value of the leaders' rapport, and at most ``best``.
        """
        value = self.utility(self.model.no_deal) + self.outside_option
        self.reservation = np.minimum(value + self.audience_cost - self.model.rapport, self.best)

    def shift_weight(self, runs: np.ndarray, issue: int, change: np.ndarray) -> None:
        """Add ``change`` to the weight on ``issue`` in ``runs`` and renormalise (a shock)."""
        weights = self.weights[runs]
        weights[:, issue] = np.maximum(weights[:, issue] + change[runs], 0.0)
        self.weights[runs] = normalise_weights(weights)
        self.best = self.utility(self.ideal)
        self.update_reservation()

    def concede_share(self, runs: np.ndarray, round_index: int, share: np.ndarray) -> None:
        """Give up ``share`` of the remaining room at once in ``runs`` (after a summit)."""
        target = self.target(round_index)
        lowered = target - share * (target - self.reservation)
        self.target_ceiling[runs] = np.minimum(self.target_ceiling, lowered)[runs]

    def view(self, round_index: int) -> StrategyView:
        """What this negotiator knows when setting its target for ``round_index``."""
        with np.errstate(invalid="ignore", divide="ignore"):
            moved = self.opponent_moved / self.opponent_offers[:, None]
        return StrategyView(
            round_index=round_index,
            time_fraction=time_fraction(round_index, self.model.last_round),
            best=self.best,
            reservation=self.reservation,
            previous_target=self.previous_target,
            opponent_last=self.opponent_last,
            opponent_before=self.opponent_before,
            opponent_concessions=moved,
            game=self.game_view(),
        )

    def game_view(self) -> GameView:
        """The game as both sides know it now (``version`` counts the model's changes)."""
        opponent, model = self.opponent, self.model
        return GameView(
            version=model.changes,
            own_weights=self.weights,
            own_ideal=self.ideal,
            own_reservation=self.reservation,
            own_discount=self.discount,
            opponent_weights=opponent.weights,
            opponent_ideal=opponent.ideal,
            opponent_reservation=opponent.reservation,
            opponent_discount=opponent.discount,
            low=model.low,
            high=model.high,
            last_round=model.last_round,
            proposes_first=self.proposes_first,
        )

    def target(self, round_index: int, view: StrategyView | None = None) -> np.ndarray:
        """Utility this negotiator aims for in ``round_index``.

        Never more than its ceiling, which holds concessions made before a deadline extension
        or at a summit.
        """
        view = view or self.view(round_index)
        return np.minimum(self.strategy.target(view), self.target_ceiling)

    def propose(self, round_index: int) -> np.ndarray:
        """The package offered in ``round_index`` in every run."""
        view = self.view(round_index)
        target = self.target(round_index, view)
        low, high, theirs = self.model.low, self.model.high, self.opponent.ideal
        costs = concession_costs(self.ideal, theirs, self.weights, low, high)
        believed = self.strategy.believed_weights(view)
        if believed is None:
            shares = self.shares_for(costs, self.best - target)
        else:  # what the opponent gains from each concession, as believed
            gains = concession_costs(theirs, self.ideal, believed, low, high)
            shares = cheapest_first_shares(costs, self.best - target, gains)
        self.previous_target = target
        return package(self.ideal, theirs, shares)

    def observe(self, offers: np.ndarray, runs: np.ndarray) -> None:
        """Take note of the opponent's offers in the runs still negotiating."""
        offered = self.utility(offers)
        self.opponent_before = np.where(runs, self.opponent_last, self.opponent_before)
        self.opponent_last = np.where(runs, offered, self.opponent_last)
        self.best_offered = np.where(
            runs, np.maximum(self.best_offered, offered), self.best_offered
        )
        span = self.ideal - self.opponent.ideal
        with np.errstate(invalid="ignore", divide="ignore"):
            moved = np.where(span != 0, (offers - self.opponent.ideal) / span, 1.0)
        self.opponent_moved += np.where(runs[:, None], np.clip(moved, 0.0, 1.0), 0.0)
        self.opponent_offers += runs

    def respond(self, offers: np.ndarray, round_index: int) -> np.ndarray:
        """True in the runs where this negotiator accepts the offer on the table."""
        context = OfferContext(
            offered_utility=self.utility(offers),
            next_target=self.target(round_index + 1),
            reservation=self.reservation,
            last_round=round_index >= self.model.last_round,
            time_fraction=time_fraction(round_index, self.model.last_round),
            discount=self.discount,
            best_offered=self.best_offered,
        )
        return self.acceptance.accepts(context)

    def hold_concession(self, runs: np.ndarray, round_index: int) -> None:
        """Keep the concession reached so far in ``runs`` (when their deadline is extended)."""
        self.target_ceiling[runs] = self.target(round_index)[runs]


def _build(registry: dict, spec, prefix: str, parameters: Parameters):
    """Instantiate the class that ``spec.name`` selects with its drawn parameters."""
    names = [field for field in type(spec).model_fields if field != "name"]
    values = {name: parameters.get(f"{prefix}.{name}", getattr(spec, name)) for name in names}
    return registry[spec.name](**values)
