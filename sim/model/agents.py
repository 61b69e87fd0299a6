"""The negotiators: Mesa agents that each hold one parameter set per run of the batch."""

from __future__ import annotations

from dataclasses import replace

import mesa
import numpy as np

from sim.maths.calendar import (
    deadline_rounds,
    expected_extension_days,
    last_round,
    time_fraction,
)
from sim.maths.frontier import pareto_frontier_linear
from sim.maths.offers import Concessions, package, shares_in_order, uniform_shares
from sim.maths.subgame import Terms, rejection_value
from sim.maths.trades import (
    Trade,
    efficient_shares,
    frontier_curve,
    linear_order,
    uniform_shares_shaped,
)
from sim.maths.utility import issue_values, normalise_weights, utility, value_range
from sim.maths.valuation import deal_value, utility_for
from sim.maths.values import shape_codes
from sim.model.parameters import Parameters
from sim.players import acceptance, strategies
from sim.players.acceptance.base import TIE
from sim.players.views import GameView, OfferContext, StrategyView
from sim.scenario.schema import Negotiator as NegotiatorSpec
from sim.seeds import stream

SEARCH_STEPS = 30
"""Bisection steps when an offer is moved into a legislature's win-set."""


class Negotiator(mesa.Agent):
    """A party at the table, bargaining in all runs of the batch at once.

    Arrays have one row per run; package arrays have one column per issue. A negotiator values a
    deal by its utility, plus the leaders' rapport, less the audience cost of backing down from
    its public threat (``sim.maths.valuation``); no deal by the utility of the no-deal values
    (its disagreement value); walking away by that plus its outside option. It bargains and
    reports in those values alike. It remembers packages, not utilities (its own last offer and
    the opponent's last two), so that what it remembers keeps its meaning when its priorities
    change.

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

        def columns(key: str) -> np.ndarray:
            paths = [f"{prefix}.preferences.{issue}.{key}" for issue in issues]
            return np.column_stack([parameters.array(path) for path in paths])

        self.ideal = columns("ideal")
        self.weights = normalise_weights(columns("weight"))
        self.shape = shape_codes([spec.preferences[issue].value for issue in issues])
        self.curvature = columns("curvature")
        self.position = np.where(model.negotiable, self.ideal, model.no_deal)
        """Its opening position: the ideal on the issues on the table, no deal on the others."""
        per_day = f"{prefix}.discount_per_day"
        per_day = per_day if spec.discount_per_day is not None else "protocol.discount_per_day"
        self.discount = parameters.array(per_day) ** model.interval
        """Discount factor per round (per day, to the power of the days between meetings)."""
        self.strategy = _build(
            strategies.REGISTRY, spec.strategy, f"{prefix}.strategy", parameters, model.seed
        )
        self.acceptance = _build(
            acceptance.REGISTRY, spec.acceptance, f"{prefix}.acceptance", parameters
        )
        self.offer_rule = spec.offer_rule
        self.scale = value_range(self.ideal, model.low, model.high)
        self.outside_option = parameters.array(f"{prefix}.outside_option")
        self.no_deal_adjustment = parameters.array(f"{prefix}.no_deal_adjustment")
        self.audience_cost = parameters.array(f"{prefix}.audience_cost.cost")
        self.threat = self.ideal.copy()
        for issue, value in spec.audience_cost.threat.items():
            self.threat[:, issues.index(issue)] = value
        self.own_offer = self.position.copy()
        self.opponent_offer = np.full_like(self.ideal, np.nan)
        self.opponent_before = np.full_like(self.ideal, np.nan)
        self.best_offer = np.full_like(self.ideal, np.nan)
        self.opponent_moved = np.zeros_like(self.ideal)
        self.opponent_offers = np.zeros(parameters.runs)
        self.opponent_concessions = np.full_like(self.ideal, np.nan)
        """Mean share of the way the opponent has moved toward it per issue (NaN before any)."""
        self.held = np.zeros(parameters.runs)
        """Share of its room it has conceded for good (at an extension or a summit)."""
        beliefs = spec.beliefs
        self.believed_extension = parameters.array(
            f"{prefix}.beliefs.extension.probability"
            if beliefs.extension.probability is not None
            else "calendar.extension.probability"
        )
        """The chance it believes a deadline is extended (by default, the true chance)."""
        self.believed_extension_days = parameters.array(
            f"{prefix}.beliefs.extension.days"
            if beliefs.extension.days is not None
            else "calendar.extension.days"
        )
        self.believed_recognition = (
            None
            if beliefs.recognition is None
            else parameters.array(f"{prefix}.beliefs.recognition")
        )
        """With random recognition, the chance it believes it has to propose (``None``: the
        true chance)."""
        self.opponent: Negotiator | None = None
        self.win_sets: list = []
        """The legislatures whose win-set it respects (``Legislature``)."""
        self.recognition = None
        self.stands = np.ones(parameters.runs, dtype=bool)
        self._planned: tuple[int, np.ndarray] | None = None
        self._ends: tuple[int, np.ndarray] | None = None
        self._trade: tuple[int, Trade] | None = None
        """Its trade without a belief about the opponent, and the game version it holds for."""
        self._order: Concessions | None = None
        """The order of its efficient concessions in that trade, when it is linear."""
        self.refresh()

    # Values ------------------------------------------------------------------------------------

    def utility(self, packages: np.ndarray) -> np.ndarray:
        """This negotiator's utility of one package per run."""
        low, high = self.model.low, self.model.high
        return utility(
            packages, self.ideal, self.weights, low, high, self.scale, self.shape, self.curvature
        )

    def value(self, packages: np.ndarray) -> np.ndarray:
        """Its value of agreeing on one package per run: utility, rapport, audience cost."""
        return self.value_of_utility(self.utility(packages))

    def value_of_utility(self, utilities: np.ndarray) -> np.ndarray:
        """The deal value of deals with these utilities."""
        return deal_value(utilities, self.threat_utility, self.audience_cost, self.model.rapport)

    def refresh(self) -> None:
        """Recompute what follows from its values (after a change of weights or rapport)."""
        self.threat_utility = self.utility(self.threat)
        self.best_utility = self.utility(self.position)
        self.best = self.value_of_utility(self.best_utility)
        self.disagreement = self.utility(self.model.no_deal) + self.no_deal_adjustment
        has_option = self.outside_option > 0
        self.exit_value = np.where(has_option, self.disagreement + self.outside_option, -np.inf)
        self.reservation = self.disagreement + np.maximum(self.outside_option, 0.0)
        self.own_offer_value = self.value(self.own_offer)
        """Its value of its own last offer (kept with the offer, computed once per offer)."""
        self.opponent_offer_value = self.value(self.opponent_offer)
        self.opponent_before_value = self.value(self.opponent_before)
        self.best_offer_value = self.value(self.best_offer)

    def keep(self, rows: np.ndarray) -> None:
        """Keep what it cached in the runs ``rows`` only (as the model compacts its runs).

        The caches are those of the same game (``NegotiationModel.changes``), row by row, so
        picking their rows gives what working them out again for those runs would.
        """
        if self._planned is not None:
            self._planned = (self._planned[0], self._planned[1][rows])
        if self._ends is not None:
            self._ends = (self._ends[0], self._ends[1][:, rows])
        if self._trade is not None:
            self._trade = (self._trade[0], self._trade[1].of_runs(rows))
        if self._order is not None:
            self._order = self._order.of_runs(rows)

    def no_deal_value(self) -> np.ndarray:
        """What ending without this deal is worth now: no deal a round later, or walking away."""
        model = self.model
        return rejection_value(
            self.disagreement,
            self.discount,
            model.breakdown_per_round,
            self.disagreement,
            self.exit_value,
        )

    def terms(self) -> Terms:
        """Its disagreement value, outside option and discount factor, as the game has them."""
        return Terms(self.disagreement, self.exit_value, self.discount)

    def shift_weight(self, runs: np.ndarray, issue: int, change: np.ndarray) -> None:
        """Add ``change`` to the weight on ``issue`` in ``runs`` and renormalise (a shock)."""
        weights = self.weights[runs]
        weights[:, issue] = np.maximum(weights[:, issue] + change[runs], 0.0)
        self.weights[runs] = normalise_weights(weights)
        self.refresh()

    # Concessions held --------------------------------------------------------------------------

    def conceded(self) -> np.ndarray:
        """Share of its room between best and reservation that its last offer gave up."""
        room = self.best - self.reservation
        given = self.best - self.own_offer_value
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(room > 0, given / room, 0.0)
        return np.clip(np.maximum(share, self.held), 0.0, 1.0)

    def hold_concession(self, runs: np.ndarray) -> None:
        """Keep, in ``runs``, the concession of its last offer (when their deadline is extended)."""
        self.held[runs] = self.conceded()[runs]

    def concede_share(self, runs: np.ndarray, share: np.ndarray) -> None:
        """Give up at once ``share`` of the room its last offer left, in ``runs`` (a summit)."""
        conceded = self.conceded()
        self.held[runs] = (conceded + share * (1.0 - conceded))[runs]

    def ceiling(self) -> np.ndarray:
        """The most it may aim for now: its best value less the concessions held."""
        return self.best - self.held * (self.best - self.reservation)

    # The horizon it believes in --------------------------------------------------------------

    def planned_last_round(self) -> np.ndarray:
        """The last round it plans to: the deadline in force plus the extension it expects.

        Expected days of extension are its believed chance and length of each extension of the
        chain still possible (``sim.maths.calendar.expected_extension_days``). Computed again
        only when the game changes (``NegotiationModel.changes``).
        """
        model = self.model
        if self._planned is None or self._planned[0] != model.changes:
            expected = expected_extension_days(
                self.believed_extension, self.believed_extension_days, model.extensions_left
            )
            self._planned = (
                model.changes,
                last_round(model.days_in_force + expected, model.interval),
            )
        return self._planned[1]

    def elapsed(self, round_index: int) -> np.ndarray:
        """Elapsed share of the horizon it plans to, from the start of the deadline in force."""
        start = self.model.phase_start
        return time_fraction(round_index - start, self.planned_last_round() - start)

    def ends(self) -> np.ndarray:
        """The rounds after which it believes the talks may end, shape ``(E, N)``.

        Computed again only when the game changes (``NegotiationModel.changes``).
        """
        model = self.model
        if self._ends is None or self._ends[0] != model.changes:
            ends = deadline_rounds(
                model.days_in_force,
                model.interval,
                self.believed_extension_days,
                model.extensions_left,
                model.extension_times,
            )
            self._ends = (model.changes, ends)
        return self._ends[1]

    def next_chance(self, round_index: int) -> np.ndarray:
        """The chance it believes another round follows ``round_index``."""
        model = self.model
        ends = self.ends()
        extendable = ends[min(1, len(ends) - 1)] > ends[0]
        at_deadline = np.where(extendable, self.believed_extension, 0.0)
        return np.where(round_index < model.last_round, 1.0, at_deadline)

    # Decisions ---------------------------------------------------------------------------------

    def view(self, round_index: int) -> StrategyView:
        """What this negotiator knows when setting its target for ``round_index``."""
        return StrategyView(
            round_index=round_index,
            time_fraction=self.elapsed(round_index),
            best=self.ceiling(),
            reservation=self.reservation,
            previous_target=self.own_offer_value,
            opponent_last=self.opponent_offer_value,
            opponent_before=self.opponent_before_value,
            opponent_concessions=self.opponent_concessions,
            game=self.game_view(),
        )

    def game_view(self) -> GameView:
        """The game as both sides know it now (``version`` counts the model's changes)."""
        opponent, model = self.opponent, self.model
        return GameView(
            version=model.changes,
            frontier=self.value_frontier,
            own=self.terms(),
            opponent=opponent.terms(),
            opponent_weights=opponent.weights,
            breakdown=model.breakdown_per_round,
            ends=self.ends(),
            extension_chance=self.believed_extension,
            recognition=self.recognition,
            opponent_recognition=opponent.recognition,
            persistence=model.persistence,
            opponent_posture=opponent.strategy.posture(),
        )

    def target(self, view: StrategyView) -> np.ndarray:
        """Value this negotiator aims for in ``view.round_index``, never above its ceiling."""
        return np.minimum(self.strategy.target(view), self.ceiling())

    def propose(self, round_index: int, runs: np.ndarray) -> np.ndarray:
        """The package it offers in ``round_index`` in ``runs`` (where it is remembered).

        Packages are computed only in ``runs``; elsewhere the offer is its opening position.
        """
        view = self.view(round_index)
        trade = self.trade(self.strategy.believed_weights(view))
        target = self.target(view)
        wanted = utility_for(target, self.threat_utility, self.audience_cost, self.model.rapport)
        need = np.maximum(self.best_utility - wanted, 0.0)
        rows, wide = np.flatnonzero(runs), per_issue(runs, self.position.shape[1])
        if self.win_sets:
            offers = self.within_win_sets(trade, need, self.offer(trade, need))
        elif len(rows) == len(need):
            offers = self.offer(trade, need)
        elif self.in_order(trade):  # a pass over every run costs less than picking rows out
            offers = np.where(wide, self.offer(trade, need), self.position)
        else:
            offers = self.position.copy()
            offers[rows] = self.offer(trade, need[rows], rows)
        self.own_offer = np.where(wide, offers, self.own_offer)
        value = self.value(offers)
        self.own_offer_value[runs] = value[runs]
        value = value + 1e-9
        self.stands = (value >= target) & (value >= self.no_deal_value())
        """True where it would sign its offer: it reaches its target and beats no deal."""
        return offers

    def trade(self, believed: np.ndarray | None, knows: bool | None = None) -> Trade:
        """How its concessions trade its value for the opponent's, as it believes the opponent.

        Without a belief every issue is thought to matter as much to the opponent, linearly;
        a strategy that knows the opponent (or ``knows``) uses its true value functions.
        """
        model = self.model
        if believed is None and knows is None and self._trade and self._trade[0] == model.changes:
            return self._trade[1]
        opponent = self.opponent
        span = np.abs(opponent.position - self.position)
        cache = believed is None and knows is None
        knows = self.strategy.knows_opponent if knows is None else knows
        other_reach = span / opponent.scale
        if believed is None:  # the same gain from each issue conceded all the way
            with np.errstate(divide="ignore"):
                believed = np.where(span > 0, 1.0 / other_reach, 0.0)
        trade = Trade(
            own_weight=self.weights,
            own_reach=span / self.scale,
            own_shape=self.shape,
            own_curvature=self.curvature,
            other_weight=believed,
            other_reach=other_reach,
            other_shape=opponent.shape if knows else np.zeros_like(self.shape),
            other_curvature=opponent.curvature,
        )
        if cache:  # kept until the game changes (``NegotiationModel.changes``)
            self._trade = (model.changes, trade)
            self._order = linear_order(trade) if trade.linear else None
        return trade

    def uniform_offers(self) -> bool:
        """Whether it concedes the same share on every issue.

        That is its offer rule ``uniform``, unless it knows the opponent: its offers are then
        efficient.
        """
        return self.offer_rule == "uniform" and not self.strategy.knows_opponent

    def in_order(self, trade: Trade) -> bool:
        """Whether its offers in ``trade`` follow the order of concessions worked out with it.

        True for efficient offers in the linear trade it holds (``self.trade``): each is then a
        pass down that order, the same for every run.
        """
        return (
            not self.uniform_offers()
            and bool(self._trade)
            and trade is self._trade[1]
            and self._order is not None
        )

    def offer(self, trade: Trade, need: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """The package that gives up ``need`` utility by its offer rule.

        With ``rows``, ``need`` and the packages are those of these runs only.
        """
        if self.in_order(trade):
            order = self._order if rows is None else self._order.of_runs(rows)
            shares = shares_in_order(order, need)  # the order worked out with the trade
        else:
            part = trade if rows is None else trade.of_runs(rows)
            if not self.uniform_offers():
                shares = efficient_shares(part, need)
            elif trade.linear:
                shares = uniform_shares(part.own_weight * part.own_reach, need)
            else:
                shares = uniform_shares_shaped(part, need)
        if rows is None:
            return package(self.position, self.opponent.position, shares)
        return package(self.position[rows], self.opponent.position[rows], shares)

    def within_win_sets(self, trade: Trade, need: np.ndarray, offers: np.ndarray) -> np.ndarray:
        """Move offers a known legislature would not ratify into its win-set (Putnam 1988).

        Along its own path of concessions, a negotiator concedes no further than its own
        legislature ratifies, and concedes further, down to its reservation value, to meet the
        opponent's legislature. Where no such offer exists the offer stays as it was.
        """
        floor = utility_for(
            self.reservation, self.threat_utility, self.audience_cost, self.model.rapport
        )
        most = np.maximum(self.best_utility - floor, need)
        for legislature in self.win_sets:
            passes = legislature.ratifies(offers)
            if passes.all():
                continue
            own = legislature.ratifies_for == self.party
            low, high = (np.zeros_like(need), need) if own else (need, most)
            for _ in range(SEARCH_STEPS):
                middle = 0.5 * (low + high)
                ratified = legislature.ratifies(self.offer(trade, middle))
                moves_low = ratified if own else ~ratified
                low, high = np.where(moves_low, middle, low), np.where(moves_low, high, middle)
            moved = self.offer(trade, low if own else high)
            usable = legislature.ratifies(moved)
            offers = np.where((~passes & usable)[:, None], moved, offers)
        return offers

    def observe(self, offers: np.ndarray, runs: np.ndarray) -> np.ndarray:
        """Take note of the opponent's offers in the runs still negotiating; their values."""
        offered = self.value(offers)
        wide = per_issue(runs, offers.shape[1])
        self.opponent_before = np.where(wide, self.opponent_offer, self.opponent_before)
        self.opponent_before_value = np.where(
            runs, self.opponent_offer_value, self.opponent_before_value
        )
        self.opponent_offer = np.where(wide, offers, self.opponent_offer)
        self.opponent_offer_value = np.where(runs, offered, self.opponent_offer_value)
        better = runs & ~(self.best_offer_value >= offered)
        self.best_offer = np.where(per_issue(better, offers.shape[1]), offers, self.best_offer)
        self.best_offer_value = np.where(better, offered, self.best_offer_value)
        span = self.ideal - self.opponent.ideal
        with np.errstate(invalid="ignore", divide="ignore"):
            moved = np.where(span != 0, (offers - self.opponent.ideal) / span, 1.0)
        self.opponent_moved += np.where(wide, np.clip(moved, 0.0, 1.0), 0.0)
        self.opponent_offers += runs
        with np.errstate(invalid="ignore", divide="ignore"):
            self.opponent_concessions = self.opponent_moved / self.opponent_offers[:, None]
        return offered

    def respond(
        self, offers: np.ndarray, round_index: int, offered: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Where it accepts the offer on the table, and where, rejecting it, it walks away.

        ``offered`` is its value of the offers, when ``observe`` has just worked it out.

        It walks away to its outside option when that is worth more than going on (a round
        later, at the risk of breakdown; at a deadline, only if it is extended). Its last chance
        to agree, when it takes any offer worth more than no deal, is the last round it
        believes in.
        """
        model = self.model
        view = self.view(round_index)
        next_view = replace(  # the same knowledge, one round on
            view, round_index=round_index + 1, time_fraction=self.elapsed(round_index + 1)
        )
        next_value = np.minimum(self.strategy.continuation(next_view), self.ceiling())
        context = OfferContext(
            offered_utility=self.value(offers) if offered is None else offered,
            next_target=next_value,
            reservation=self.reservation,
            disagreement=self.disagreement,
            exit_value=self.exit_value,
            last_round=round_index >= self.planned_last_round(),
            time_fraction=self.elapsed(round_index),
            discount=self.discount,
            breakdown=model.breakdown_per_round,
            best_offered=self.best_offer_value,
            next_chance=self.next_chance(round_index),
        )
        accepts = self.acceptance.accepts(context)
        accepts &= context.offered_utility + TIE >= self.strategy.floor(view)
        for legislature in self.win_sets:
            accepts &= legislature.ratifies(offers)
        going_on = rejection_value(
            context.next_value(next_value),
            self.discount,
            model.breakdown_per_round,
            self.disagreement,
            -np.inf,
        )
        return accepts, ~accepts & (self.exit_value > going_on)

    # The frontier ------------------------------------------------------------------------------

    def frontier_utilities(self) -> tuple[np.ndarray, np.ndarray]:
        """Both sides' utilities at the vertices of their Pareto frontier, own first, ``(N, M)``.

        Exact (a polyline) when both sides' values are linear; otherwise sampled along the
        efficient packages (``sim.maths.trades.frontier_curve``).
        """
        opponent, model = self.opponent, self.model
        trade = self.trade(opponent.weights, knows=True)
        if trade.linear:
            table = model.negotiable
            fixed = [
                np.sum(side.weights * ~table * side.issue_values(model.no_deal), axis=-1)
                for side in (self, opponent)
            ]
            vertices = pareto_frontier_linear(
                self.weights * table,
                self.ideal,
                opponent.weights * table,
                opponent.ideal,
                model.low,
                model.high,
            )
            return vertices[..., 0] + fixed[0][:, None], vertices[..., 1] + fixed[1][:, None]
        losses, gains = frontier_curve(trade)
        start = opponent.utility(self.position)
        return self.best_utility[:, None] - losses, start[:, None] + gains

    def issue_values(self, packages: np.ndarray) -> np.ndarray:
        """Its value of each issue of the packages, shape ``(N, K)``."""
        low, high = self.model.low, self.model.high
        return issue_values(packages, self.ideal, low, high, self.scale, self.shape, self.curvature)

    def frontier_values(self) -> tuple[np.ndarray, np.ndarray]:
        """Its and its opponent's deal values along their Pareto frontier, ``(N, M)`` each."""
        rapport = self.model.rapport[:, None]
        return tuple(
            deal_value(u, side.threat_utility[:, None], side.audience_cost[:, None], rapport)
            for side, u in zip((self, self.opponent), self.frontier_utilities(), strict=True)
        )

    def value_frontier(self) -> np.ndarray:
        """The frontier of both sides' deal values, own first: what the two bargain over.

        Vertices ``(N, M, 2)`` (``frontier_values`` side by side).
        """
        return np.stack(self.frontier_values(), axis=-1)


def _build(registry: dict, spec, prefix: str, parameters: Parameters, seed=None):
    """Instantiate the class that ``spec.name`` selects with its drawn parameters.

    A stochastic class (``classifier["stochastic"]``) also gets ``rng``, the stream ``prefix``
    under ``seed`` (the seed of the runs), so the same scenario and seed give the same play.
    """
    names = [field for field in type(spec).model_fields if field != "name"]
    values = {name: parameters.get(f"{prefix}.{name}", getattr(spec, name)) for name in names}
    cls = registry[spec.name]
    if seed is not None and getattr(cls, "classifier", {}).get("stochastic"):
        values["rng"] = stream(seed, prefix)
    return cls(**values)


def per_issue(runs: np.ndarray, issues: int) -> np.ndarray:
    """A mask of runs repeated along the issues, shape ``(N, K)``.

    ``np.where`` reads a whole mask two to three times faster than one broadcast from
    ``runs[:, None]``, which pays for making it when it is used more than once a round.
    """
    return np.repeat(runs[:, None], issues, axis=1)
