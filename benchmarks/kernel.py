"""The project against a minimal hand-written numpy kernel of the same game, in one process.

The game is ``scenarios/bench/time_dependent.yaml``: three linear issues, 52 weekly meetings to a
firm deadline, alternating offers, time-dependent tactics on both sides (Faratin, Sierra &
Jennings 1998, beta uniform in [0.2, 5], kappa 0), cheapest-first offers, AC_next acceptance
(Baarslag et al. 2011), no discounting, no breakdown, no events. The kernel below plays it with
plain numpy over all runs at once, as one would write it by hand for this game only: it reads
the scenario file for its numbers, draws its own betas, and works on every run in every round
(it does not skip runs that have ended). The two runs agree in distribution, not run by run
(their random numbers differ): the script prints both means as a check.

    python benchmarks/kernel.py                      # 100,000 runs, median of 5
    python benchmarks/kernel.py --runs 200000 --repeats 3

Printed: runs per second of each, and the ratio of the project's time to the kernel's
(below 1: the project is faster).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from sim.batch.chunks import run_batch
from sim.maths.calendar import last_round
from sim.scenario.loading import load_scenario

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "bench" / "time_dependent.yaml"
TIE = 1e-9


def kernel_inputs(scenario) -> dict:
    """The numbers of the game as plain arrays: ideals, weights, bounds, no deal, horizon."""
    sides = list(scenario.negotiators.values())
    issues = list(scenario.issues.values())
    low = np.array([issue.bounds[0] for issue in issues], dtype=float)
    high = np.array([issue.bounds[1] for issue in issues], dtype=float)
    ideal = np.array([[side.preferences[k].ideal for k in scenario.issues] for side in sides])
    weight = np.array([[side.preferences[k].weight for k in scenario.issues] for side in sides])
    weight = weight / weight.sum(axis=1, keepdims=True)
    calendar = scenario.calendar
    days = (calendar.deadline - calendar.start).days
    beta = sides[0].strategy.beta
    return {
        "low": low,
        "high": high,
        "ideal": ideal,
        "weight": weight,
        "scale": np.maximum(ideal - low, high - ideal),
        "no_deal": np.array([issue.no_deal for issue in issues], dtype=float),
        "last": int(last_round(days, calendar.meeting_interval_days)),
        "beta_range": (beta.low, beta.high),
    }


def kernel(game: dict, runs: int, seed: int) -> dict[str, np.ndarray]:
    """Play the game in ``runs`` runs with hand-written numpy; per-run end round and utilities."""
    rng = np.random.default_rng(seed)
    ideal, weight, scale, last = game["ideal"], game["weight"], game["scale"], game["last"]
    beta = rng.uniform(*game["beta_range"], size=(2, runs))

    def utility(side: int, packages: np.ndarray) -> np.ndarray:
        values = weight[side] * (1.0 - np.abs(packages - ideal[side]) / scale[side])
        return values[:, 0] + values[:, 1] + values[:, 2]

    best = np.array([utility(side, ideal[side][None, :])[0] for side in (0, 1)])
    reservation = np.array([utility(side, game["no_deal"][None, :])[0] for side in (0, 1)])
    # Cheapest-first offers: each side concedes the issues it values least first.
    cost = weight * np.abs(ideal[1] - ideal[0]) / scale
    order = np.argsort(cost, axis=1, kind="stable")
    sorted_cost = np.take_along_axis(cost, order, axis=1)
    spent_before = np.cumsum(sorted_cost, axis=1) - sorted_cost

    def target(side: int, round_index: int) -> np.ndarray:
        share = min(round_index / last, 1.0) ** (1.0 / beta[side])
        return np.maximum(best[side] - share * (best[side] - reservation[side]), reservation[side])

    agreed = np.zeros(runs, dtype=bool)
    ended = np.zeros(runs, dtype=bool)
    end_round = np.full(runs, last, dtype=np.int64)
    outcome = np.broadcast_to(game["no_deal"], (runs, 3)).copy()
    for round_index in range(last + 1):
        proposer = round_index % 2
        responder = 1 - proposer
        aim = target(proposer, round_index)
        need = best[proposer] - aim
        sorted_shares = np.clip(
            (need[:, None] - spent_before[proposer]) / sorted_cost[proposer], 0, 1
        )
        shares = np.empty_like(sorted_shares)
        shares[:, order[proposer]] = sorted_shares
        offer = ideal[proposer] + shares * (ideal[responder] - ideal[proposer])
        offered = utility(responder, offer) + TIE
        stands = utility(proposer, offer) + TIE >= np.maximum(aim, reservation[proposer])
        at_end = round_index >= last
        next_value = reservation[responder] if at_end else target(responder, round_index + 1)
        accepts = ((offered >= next_value) | at_end) & (offered >= reservation[responder])
        deal = accepts & stands & ~ended
        outcome[deal] = offer[deal]
        end_round[deal] = round_index
        agreed |= deal
        ended |= deal
    return {
        "agreed": agreed,
        "end_round": end_round,
        "utility.a": np.where(agreed, utility(0, outcome), reservation[0]),
        "utility.b": np.where(agreed, utility(1, outcome), reservation[1]),
    }


def timed(work) -> tuple[float, object]:
    """Wall time of one call, in seconds, and its result."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    scenario = load_scenario(SCENARIO).scenario
    game = kernel_inputs(scenario)
    runs = arguments.runs
    run_batch(scenario, runs=1_000, seed=0)  # warm up imports and caches
    kernel(game, 1_000, 0)

    project_times, kernel_times = [], []
    for repeat in range(arguments.repeats):  # alternate, so that both see the same load
        seconds, table = timed(lambda r=repeat: run_batch(scenario, runs, seed=r))
        project_times.append(seconds)
        seconds, columns = timed(lambda r=repeat: kernel(game, runs, seed=r))
        kernel_times.append(seconds)
    project, hand = statistics.median(project_times), statistics.median(kernel_times)

    print(f"benchmark game: {SCENARIO.relative_to(SCENARIO.parents[2])}, {runs:,} runs")
    print(f"  medians of {arguments.repeats}, alternating project and kernel in one process")
    print(
        f"  project (negsim batch, one Mesa model per chunk): {project:7.3f} s"
        f"  {runs / project:>11,.0f} runs/s"
    )
    print(
        f"  hand-written numpy kernel:                        {hand:7.3f} s"
        f"  {runs / hand:>11,.0f} runs/s"
    )
    print(f"  ratio project/kernel (time): {project / hand:.2f}x")
    print("  check, same game (last repeat; means differ only by sampling):")
    print(
        f"    agreed      project {table['agreed'].mean():.4f}  kernel "
        f"{columns['agreed'].mean():.4f}"
    )
    print(
        f"    end round   project {table['end_round'].mean():.3f}  kernel "
        f"{columns['end_round'].mean():.3f}"
    )
    for party in ("a", "b"):
        print(
            f"    utility.{party}   project {table[f'utility.{party}'].mean():.4f}  kernel "
            f"{columns[f'utility.{party}'].mean():.4f}"
        )


if __name__ == "__main__":
    main()
