"""The negotiation as a Mesa model: one step is one round of alternating offers in every run."""

from __future__ import annotations

import mesa
import numpy as np

from sim.columns import Ending
from sim.maths.calendar import last_round, round_day
from sim.model.agents import Negotiator
from sim.model.compaction import Compaction
from sim.model.events import EventSchedule
from sim.model.outcomes import frontier, outcome_columns
from sim.model.parameters import Parameters
from sim.model.third_parties import Legislature, Retaliator
from sim.scenario.schema import Retaliation, Scenario
from sim.seeds import as_seed, stream

LAST_WEEK = 7
"""Days before a deadline that count as its last week."""


class NegotiationModel(mesa.Model):
    """Offers and counter-offers between two negotiators up to a deadline, for N runs at once.

    In round ``t`` the proposer offers a package; the proposer is the first proposer in even
    rounds and the other side in odd ones, or, with random recognition, drawn in each run. The
    responder accepts, rejects, or rejects and walks away to its outside option. After a
    rejection the talks may break down (the per-day hazard over the days to the next meeting).
    When the last round before the deadline passes without agreement, the deadline is extended
    with the scenario's probability (up to ``times`` times in a chain); otherwise the issues'
    ``no_deal`` values apply. With random recognition the proposer may keep the initiative from
    one round to the next (``recognition_persistence``).
    Runs that have ended are masked, and once enough have ended the model's arrays keep only the
    runs still negotiating (``sim.model.compaction``); the model stops when every run has ended,
    with every run's row back in place.

    Args:
        scenario: A validated scenario.
        runs: Number of runs simulated side by side (1 for a single inspectable run).
        seed: Seed of this group of runs: an int or a ``numpy.random.SeedSequence``.
        parameters: Parameter values to use instead of drawing them from the scenario's
            distributions (e.g. a sensitivity-analysis design); must hold ``runs`` runs.
        trace_runs: Record every round of the first ``trace_runs`` runs (see ``trace()``).
    """

    def __init__(
        self,
        scenario: Scenario,
        runs: int,
        seed: int | np.random.SeedSequence = 0,
        parameters: Parameters | None = None,
        trace_runs: int = 0,
    ):
        seed = as_seed(seed)
        super().__init__(rng=stream(seed, "model"))
        self.seed = seed
        """The seed of this group of runs; stochastic strategies draw from streams under it."""
        self.scenario = scenario
        self.runs = runs
        self.compaction = Compaction(runs)
        """Which runs the per-run arrays hold now: all of them, or the runs still negotiating."""
        self.parameters = parameters or Parameters(scenario, runs, seed)
        self.trace_runs = min(trace_runs, runs)
        self.trace_rows: list[dict[str, np.ndarray]] = []
        self.issue_names = tuple(scenario.issues)
        bounds = np.array([issue.bounds for issue in scenario.issues.values()], dtype=float)
        self.low, self.high = bounds[:, 0], bounds[:, 1]
        self.no_deal = np.column_stack(
            [self.parameters.array(f"issues.{name}.no_deal") for name in self.issue_names]
        )
        self.negotiable = np.array([issue.negotiable for issue in scenario.issues.values()])
        calendar = scenario.calendar
        self.interval = self.parameters.array("calendar.meeting_interval_days")
        days_to_deadline = (calendar.deadline - calendar.start).days
        self.deadline_round = last_round(days_to_deadline, self.interval)
        self.last_round = self.deadline_round.copy()
        """Index of the last meeting before the deadline in force, per run."""
        self.days_in_force = np.full(runs, float(days_to_deadline))
        """Days from the start to the deadline in force, per run."""
        self.extension_days = self.parameters.array("calendar.extension.days")
        self.extension_times = calendar.extension.times
        self.extension_granted = (
            self.rng.random((runs, self.extension_times))
            < (self.parameters.array("calendar.extension.probability")[:, None])
        )
        """Whether each extension of the chain would be granted, drawn up front per run."""
        self.extensions = np.zeros(runs, dtype=np.int64)
        """Extensions granted so far, per run."""
        self.phase_start = np.zeros(runs, dtype=np.int64)
        """Round from which the clock of the deadline in force runs: 0, or the last round
        before the deadline that the latest extension replaced."""
        hazard = self.parameters.array("protocol.breakdown_per_day")
        self.breakdown_per_round = -np.expm1(np.log1p(-np.minimum(hazard, 1.0)) * self.interval)
        """Chance that talks break down between two meetings: 1 - (1 - hazard) ** days."""
        self.rapport = self.parameters.array("events.rapport").copy()
        protocol = scenario.protocol
        self.random_recognition = protocol.recognition == "random"
        self.first_chance = self.parameters.array("protocol.first_proposer_probability")
        self.persistence = self.parameters.array("protocol.recognition_persistence")
        self.persists = bool(np.any(self.persistence > 0))
        """True if the proposer keeps the initiative with some chance in some run of the batch."""
        self.recognition_stream = stream(seed, "protocol.recognition")
        self.persistence_stream = stream(seed, "protocol.recognition_persistence")
        self.first_proposed = np.ones(runs, dtype=bool)

        first = scenario.protocol.first_proposer
        order = [first, *(party for party in scenario.negotiators if party != first)]
        self.negotiators = [
            Negotiator(self, party, scenario.negotiators[party], self.parameters) for party in order
        ]
        first_side, second_side = self.negotiators
        first_side.opponent, second_side.opponent = second_side, first_side
        first_side.recognition = self._recognition(first_side, first=True)
        second_side.recognition = self._recognition(second_side, first=False)
        self.events = EventSchedule(self, self.parameters, seed)
        self.retaliators, self.legislatures = [], []
        for name, spec in scenario.third_parties.items():
            if isinstance(spec, Retaliation):
                self.retaliators.append(Retaliator(self, name, spec, self.parameters, seed))
            else:
                self.legislatures.append(Legislature(self, name, spec, self.parameters))
        for legislature in self.legislatures:
            if legislature.anticipated:
                for negotiator in self.negotiators:
                    negotiator.win_sets.append(legislature)

        self.round = 0
        self.changes = 0
        """Counts changes of the game during the talks (extensions, summits, shocks)."""
        self.ending = np.full(runs, Ending.RUNNING, dtype=np.int8)
        self.end_round = np.full(runs, -1, dtype=np.int64)
        self.meetings_in_last_week = np.zeros(runs, dtype=np.int64)
        """Meetings held less than a week before the deadline in force, per run."""
        self.outcome = self.no_deal.copy()
        self.proposer_of_deal = np.full(runs, -1, dtype=np.int8)
        self.walked_away = np.full(runs, -1, dtype=np.int8)
        """Index of the negotiator who took its outside option (-1: nobody)."""

    @property
    def size(self) -> int:
        """Number of runs the per-run arrays hold now (the runs not yet put aside)."""
        return self.compaction.size

    @property
    def active(self) -> np.ndarray:
        """True for the runs still negotiating."""
        return self.ending == Ending.RUNNING

    @property
    def extended(self) -> np.ndarray:
        """True in the runs whose deadline has been extended."""
        return self.extensions > 0

    @property
    def extensions_left(self) -> np.ndarray:
        """How many more extensions the chain allows, per run."""
        return self.extension_times - self.extensions

    def _recognition(self, negotiator: Negotiator, first: bool):
        """The chance a side believes it has to propose in round ``t`` (its belief, if any)."""
        if self.random_recognition:
            if negotiator.believed_recognition is not None:
                return lambda t: negotiator.believed_recognition
            if first:
                return lambda t: self.first_chance
            return lambda t: 1.0 - self.first_chance
        return lambda t: float((t % 2 == 0) == first)

    def first_proposes(self, round_index: int) -> np.ndarray:
        """True in the runs where the first proposer proposes in ``round_index``.

        With random recognition the proposer is drawn each round; with persistence, the
        proposer of the previous round keeps the initiative with that chance.
        """
        if not self.random_recognition:
            return np.full(self.size, round_index % 2 == 0)
        first = self.compaction.draw(self.recognition_stream) < self.first_chance
        if round_index > 0 and self.persists:
            keeps = self.compaction.draw(self.persistence_stream) < self.persistence
            first = np.where(keeps, self.first_proposed, first)
        self.first_proposed = first
        return first

    def step(self) -> None:
        """One round in every active run: offer, answer, then breakdown and deadline checks."""
        t = self.round
        active = self.active
        if self.compaction.due(int(np.count_nonzero(active))):
            self._compact(active)
            active = self.active
        days_left = self.days_in_force - round_day(t, self.interval)
        self.meetings_in_last_week += active & (days_left < LAST_WEEK)
        self.events.apply(t, active)
        first_proposes = self.first_proposes(t)
        sides = list(zip(self.negotiators, (first_proposes, ~first_proposes), strict=True))
        offers = self.no_deal.copy()
        for proposer, turn in sides:
            if (active & turn).any():
                offers = np.where(turn[:, None], proposer.propose(t, active & turn), offers)
        accepted = np.zeros(self.size, dtype=bool)
        walks = np.zeros(self.size, dtype=bool)
        for index, (proposer, turn) in enumerate(sides):
            responder, mask = proposer.opponent, active & turn
            if mask.any():
                offered = responder.observe(offers, mask)
                accepts, leaves = responder.respond(offers, t, offered)
                accepted |= mask & accepts & proposer.stands
                walks |= mask & leaves
                self.walked_away[mask & leaves] = 1 - index
        if self.trace_runs:
            self._record(t, first_proposes, offers, accepted, active)
        ratified = accepted.copy()
        for legislature in self.legislatures:
            ratified &= legislature.ratifies(offers)
        self.outcome[ratified] = offers[ratified]
        self.proposer_of_deal[ratified] = np.where(first_proposes, 0, 1)[ratified]
        self._end(ratified, Ending.AGREEMENT)
        self._end(accepted & ~ratified, Ending.NOT_RATIFIED)
        self._end(walks, Ending.OUTSIDE_OPTION)

        broke = self.active & (self.compaction.draw(self.rng) < self.breakdown_per_round)
        self._end(broke, Ending.BREAKDOWN)

        at_deadline = self.active & (t >= self.last_round)
        self._end(at_deadline & ~self._extend(at_deadline), Ending.DEADLINE)

        self.round += 1
        self.running = bool(self.active.any())
        if not self.running:
            self.compaction.expand()

    def _compact(self, active: np.ndarray) -> None:
        """Keep only the runs still negotiating in every per-run array (``sim.model.compaction``).

        Negotiators keep their caches for the runs kept; strategies first drop what they cached
        about the runs they held.
        """
        kept = np.flatnonzero(active)
        for negotiator in self.negotiators:
            negotiator.keep(kept)
            negotiator.strategy.forget(self.size)
        holders = [self, self.events, *self.retaliators, *self.legislatures]
        for negotiator in self.negotiators:
            holders += [negotiator, negotiator.strategy, negotiator.acceptance]
        self.compaction.compact(holders, active)

    def _extend(self, at_deadline: np.ndarray) -> np.ndarray:
        """Extend the deadline where the chain grants it; the runs extended.

        Each side keeps the concession of its last offer and concedes from there over the new
        horizon.
        """
        left = self.extensions_left > 0
        step = np.minimum(self.extensions, self.extension_times - 1)
        granted = left & self.extension_granted[np.arange(self.size), step] if left.any() else left
        later = last_round(self.days_in_force + self.extension_days, self.interval)
        extend = at_deadline & granted & (later > self.last_round)
        if extend.any():
            runs = np.flatnonzero(extend)
            for negotiator in self.negotiators:
                negotiator.hold_concession(runs)
            self.phase_start[runs] = self.last_round[runs]
            self.days_in_force[runs] += self.extension_days[runs]
            self.last_round[runs] = later[runs]
            self.extensions[runs] += 1
            self.changes += 1
        return extend

    def _record(self, t: int, first_proposes, offers, accepted, active) -> None:
        """Keep this round's offer and answer in the traced runs that were still negotiating."""
        runs = np.flatnonzero(active & (self.compaction.index < self.trace_runs))
        parties = np.array([negotiator.party for negotiator in self.negotiators], dtype=object)
        row = {
            "run": self.compaction.index[runs],
            "round": np.full(len(runs), t),
            "proposer": np.where(first_proposes[runs], parties[0], parties[1]),
            "accepted": accepted[runs],
        }
        for index, name in enumerate(self.issue_names):
            row[f"offer.{name}"] = offers[runs, index]
        for negotiator in self.negotiators:
            row[f"utility.{negotiator.party}"] = negotiator.value(offers)[runs]
        self.trace_rows.append(row)

    def trace(self) -> dict[str, np.ndarray]:
        """One row per round of each traced run: the offer on the table and whether it was taken.

        Columns: ``run`` (index within this model), ``round``, ``proposer``, ``accepted``,
        ``offer.<issue>`` (the offer, in the issue's unit) and ``utility.<party>`` (each side's
        utility of the offer).
        """
        self.compaction.expand()
        if not self.trace_rows:
            return {}
        return {
            key: np.concatenate([row[key] for row in self.trace_rows]) for key in self.trace_rows[0]
        }

    def release(self) -> None:
        """Let the model be garbage-collected once its results are read.

        Mesa 3.3 keeps a reference to every model in ``mesa.Agent._ids`` (mesa issue #3179, fixed
        in later Mesa releases, which need Python 3.12), so a batch of many chunks would
        otherwise keep every chunk's arrays in memory.
        """
        for agent in list(self.agents):
            agent.remove()
        mesa.Agent._ids.pop(self, None)

    def _end(self, runs: np.ndarray, ending: Ending) -> None:
        self.ending[runs] = ending
        self.end_round[runs] = self.round

    def results(self, columns: str = "all") -> dict[str, np.ndarray]:
        """One column per outcome field, one row per run (``sim.columns`` says what each means).

        ``columns="lean"`` leaves out the optional wide groups (``sim.model.outcomes``).
        """
        self.compaction.expand()
        return outcome_columns(self, columns)

    def frontiers(self) -> np.ndarray:
        """Each run's Pareto frontier in utility space, first proposer first: ``(N, K + 1, 2)``."""
        self.compaction.expand()
        return frontier(self)
