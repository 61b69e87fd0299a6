"""Scheduled summits and random shocks, drawn per run and applied as the rounds go by."""

from __future__ import annotations

import numpy as np

from sim.maths.calendar import round_day
from sim.model.parameters import Parameters
from sim.seeds import stream


class EventSchedule:
    """The events of a scenario in every run of a batch.

    A summit takes place with its probability (drawn once per run); at the first meeting on or
    after its date, each side concedes the summit's share of its remaining room and the leaders'
    rapport changes. A shock strikes each round with its probability, at most once per run,
    and shifts one negotiator's weight on one issue. Each event draws from its own random stream.

    Args:
        model: The negotiation model.
        parameters: The batch's parameters.
        seed: The seed of this group of runs.
    """

    def __init__(self, model, parameters: Parameters, seed: np.random.SeedSequence):
        self.model = model
        spec = model.scenario.events
        start = model.scenario.calendar.start
        self.summits = {}
        for name, summit in spec.summits.items():
            prefix = f"events.summits.{name}"
            takes_place = stream(seed, prefix).random(parameters.runs) < parameters.array(
                f"{prefix}.probability"
            )
            self.summits[name] = {
                "day": (summit.date - start).days,
                "takes_place": takes_place,
                "concession": parameters.array(f"{prefix}.concession"),
                "rapport": parameters.array(f"{prefix}.rapport"),
                "held_during_talks": np.zeros(parameters.runs, dtype=bool),
            }
        parties = [negotiator.party for negotiator in model.negotiators]
        self.shocks = {}
        for name, shock in spec.shocks.items():
            prefix = f"events.shocks.{name}"
            self.shocks[name] = {
                "negotiator": model.negotiators[parties.index(shock.negotiator)],
                "issue": model.issue_names.index(shock.issue),
                "probability": parameters.array(f"{prefix}.probability_per_round"),
                "change": parameters.array(f"{prefix}.weight_change"),
                "stream": stream(seed, prefix),
                "round": np.full(parameters.runs, -1, dtype=np.int64),
            }

    def apply(self, round_index: int, active: np.ndarray) -> None:
        """Apply the events due in ``round_index`` to the runs still negotiating."""
        day = round_day(round_index, self.model.interval)
        for summit in self.summits.values():
            due = (
                active
                & summit["takes_place"]
                & ~summit["held_during_talks"]
                & (day >= summit["day"])
            )
            if due.any():
                runs = np.flatnonzero(due)
                for negotiator in self.model.negotiators:
                    negotiator.concede_share(runs, summit["concession"])
                self.model.rapport[runs] += np.broadcast_to(summit["rapport"], due.shape)[runs]
                for negotiator in self.model.negotiators:
                    negotiator.refresh()
                summit["held_during_talks"] |= due
                self.model.changes += 1
        for shock in self.shocks.values():
            strikes = self.model.compaction.draw(shock["stream"]) < shock["probability"]
            hit = active & strikes & (shock["round"] < 0)
            if hit.any():
                runs = np.flatnonzero(hit)
                shock["negotiator"].shift_weight(
                    runs, shock["issue"], np.broadcast_to(shock["change"], hit.shape)
                )
                shock["round"][runs] = round_index
                self.model.changes += 1

    def columns(self) -> dict[str, np.ndarray]:
        """What happened in each run, as columns ``event.<name>``.

        For a summit: held while the talks were on; for a shock: the round it struck (-1 if not).
        """
        columns = {f"event.{name}": s["held_during_talks"] for name, s in self.summits.items()}
        columns |= {f"event.{name}": s["round"] for name, s in self.shocks.items()}
        return columns
