"""Reputational bargaining: demand a fixed share, and concede at the Abreu-Gul equilibrium times."""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from sim.maths.reputation import concession_rate, concession_time, immediate_concession
from sim.maths.subgame import best_given
from sim.params.numbers import Number, Probability
from sim.players.strategies.base import Strategy, StrategyParameters
from sim.players.views import GameView, Posture, StrategyView

FACELESS = Posture(demand=1.0, obstinate_probability=0.0)
"""How it times its concessions against an opponent that shows no posture: as against a surely
rational one that demands all its room."""


class ReputationalParameters(StrategyParameters):
    """YAML keys of ``reputational``."""

    name: Literal["reputational"]
    obstinate_probability: Probability = 0.1
    """Common prior that this side is obstinate: it never accepts less than its demand."""
    demand: Number(gt=0, le=1) = 0.75
    """Share of the room between its reservation and its best value that it demands publicly."""


class Reputational(Strategy):
    """Hold out for a public demand; the rational type gives in at the equilibrium hazard rate.

    Each run draws once whether this side is the obstinate type (probability ``z``, the
    ``obstinate_probability``) and, if not, when it concedes. It offers its demand until it
    concedes; the obstinate type never accepts less and never concedes, even at the deadline.
    The rational type mimics it and concedes as in the equilibrium of Abreu & Gul's (2000) war of
    attrition (``sim.maths.reputation``): at round 0 with its probability ``c_i`` of immediate
    concession, then with the probability ``1 - exp(-lambda_i)`` per round, surely by ``T_0``;
    and it concedes for sure at the last round it plans to (the deadline in force, or a later one
    it expects; see ``StrategyView.time_fraction``), where it accepts anything its acceptance
    rule finds worth more than no deal. Conceding means accepting the
    opponent's standing demand as responder, and offering it as proposer.

    The rates are per round: side ``i`` discounts at ``r_i = -ln(discount per round)``, which is
    its rate per day times the days between meetings. The demands ``alpha`` of the war of
    attrition are the two sides' ``demand`` shares: a side's share of its own room between its
    reservation and its best value. That is exact for a unit pie with the disagreement point at
    (0, 0), and for any linear frontier from one side's best to the other's (both at their
    reservations); on another frontier the rates are those of the straight line between those
    points, and a concession offers the frontier point where the opponent gets its demand. An
    opponent that shows no posture counts, for the timing, as surely rational and demanding all
    its room; its standing demand is its latest offer (before it has made one: all its room).

    With a deadline the concessions left at the last round make a mass of deals there, and
    talks between two obstinate types end at the deadline without a deal, as in Fanning (2016),
    whose rational types imitate the obstinate demands up to the deadline. This strategy keeps
    the Abreu-Gul rates and immediate concessions up to the deadline rather than Fanning's
    deadline-dependent ones.

    Names:
        - Reputational bargaining, obstinate types and the war of attrition: Abreu & Gul (2000),
          "Bargaining and reputation", Econometrica 68(1): 85-117.
        - Reputational bargaining with a deadline: Fanning (2016), "Reputational bargaining and
          deadlines", Econometrica 84(3): 1131-1179.
    """

    name = "reputational"
    citation = "Abreu & Gul (2000), Econometrica 68: 85-117; Fanning (2016), Econometrica 84"
    parameters = ReputationalParameters
    classifier: ClassVar[dict[str, object]] = {"stochastic": True, "uses_opponent_offers": False}

    def __init__(self, obstinate_probability=0.1, demand=0.75, rng=None):
        self.obstinate_probability = obstinate_probability
        self.demand = demand
        self.rng = rng
        self._draws: np.ndarray | None = None
        self._frontier: tuple[int, tuple[np.ndarray, np.ndarray]] | None = None

    def posture(self) -> Posture:  # noqa: D102
        return Posture(demand=self.demand, obstinate_probability=self.obstinate_probability)

    def draws(self, runs: int) -> np.ndarray:
        """One uniform draw per run, taken the first time it is needed: the type and timing.

        Below ``1 - z`` it is the rational type; :func:`sim.maths.reputation.concession_time`
        turns it into the time it concedes.
        """
        if self._draws is None:
            if self.rng is None:
                raise ValueError("a reputational strategy needs its generator, rng")
            self._draws = self.rng.random(runs)
        return self._draws

    def forget(self, runs: int) -> None:
        """Draw its types now, for all ``runs`` runs, and drop the cached frontier values.

        The draws are then those of the whole batch, whichever runs the model keeps later.
        """
        self.draws(runs)
        self._frontier = None

    def concession_round(self, view: StrategyView) -> np.ndarray:
        """The round in which it concedes in each run, from the equilibrium (``inf``: never)."""
        game = view.game
        other = game.opponent_posture or FACELESS
        own_rate = -np.log(game.own.discount)
        other_rate = -np.log(game.opponent.discount)
        lambda_own = concession_rate(self.demand, other.demand, other_rate)
        lambda_other = concession_rate(other.demand, self.demand, own_rate)
        prior, other_prior = self.obstinate_probability, other.obstinate_probability
        immediate = immediate_concession(prior, lambda_own, other_prior, lambda_other)
        time = concession_time(self.draws(len(view.best)), immediate, lambda_own, prior)
        return np.ceil(time)

    def conceded(self, view: StrategyView) -> np.ndarray:
        """Where it concedes by ``view.round_index``: its time, or its last planned round, has come.

        The last round it plans to is the deadline it believes in (``view.time_fraction`` 1).
        """
        rational = self.draws(len(view.best)) < 1.0 - np.asarray(self.obstinate_probability)
        last = view.time_fraction >= 1.0
        return (view.round_index >= self.concession_round(view)) | (rational & last)

    def demanded(self, view: StrategyView) -> np.ndarray:
        """Its demand as a value: its reservation plus the share ``demand`` of its room.

        The room reaches its best value on the frontier, not ``view.best``, which the
        concessions it holds at an extension lower: its public demand stays what it was.
        """
        best = self._frontier_values(view.game)[0]
        return view.reservation + self.demand * (best - view.reservation)

    def conceding(self, view: StrategyView) -> np.ndarray:
        """What it keeps by conceding: its value of the opponent's standing demand.

        That is the frontier point where the opponent gets its public demand (computed again
        only when the game's ``version`` changes) or, from an opponent without a posture, its
        latest offer; never less than its reservation.
        """
        game = view.game
        if game.opponent_posture is None:
            latest = np.nan_to_num(view.opponent_last, nan=-np.inf)
            return np.maximum(latest, view.reservation)
        return np.maximum(self._frontier_values(game)[1], view.reservation)

    def _frontier_values(self, game: GameView) -> tuple[np.ndarray, np.ndarray]:
        """Its best value on the frontier, and its value of yielding to the opponent's demand.

        Computed again only when the game's ``version`` changes.
        """
        if self._frontier is None or self._frontier[0] != game.version:
            best = game.frontier()[..., 0].max(axis=1)
            yielded = yielded_value(game) if game.opponent_posture is not None else best
            self._frontier = (game.version, (best, yielded))
        return self._frontier[1]

    def target(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        return np.where(self.conceded(view), self.conceding(view), self.demanded(view))

    def floor(self, view: StrategyView) -> np.ndarray:  # noqa: D102
        return np.where(self.conceded(view), -np.inf, self.demanded(view))


def yielded_value(game: GameView) -> np.ndarray:
    """A side's value on the frontier where its opponent gets its public demand.

    The opponent's demand is its reservation (no deal, or its outside option) plus its share
    ``demand`` of its room up to its best value on the frontier.
    """
    frontier = game.frontier()
    own, other = frontier[..., 0], frontier[..., 1]
    posture = game.opponent_posture
    terms = game.opponent
    reservation = np.maximum(terms.disagreement, terms.exit_value)
    best = other.max(axis=1)
    wanted = reservation + posture.demand * (best - reservation)
    return best_given(own, other, np.broadcast_to(wanted, best.shape))
