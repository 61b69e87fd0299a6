"""How the talks pass through their deadlines: the paths the issue on deadlines tabulates.

For each scenario: P(deal before the original deadline), P(extended), P(deal during an
extension), P(deal in the last week before the deadline in force), the deadline-effect share
(deals in the last 10% of the time to the deadline in force) and the median tariff; then the
same for a sweep of the true extension probability and of both sides' belief in it.

Usage: python benchmarks/deadline_paths.py [SCENARIO ...] [--runs N]
"""

import argparse

import sim
from sim.scenario.variants import build_variant

SWEEP = (0.0, 0.25, 0.5, 0.75, 1.0)


def paths(table) -> dict[str, float]:
    """The figures of one batch, as shares of all runs (the deadline effect: of deals)."""
    deals = table[table["agreed"]]
    extended = table["extended"]
    return {
        "deal": table["agreed"].mean(),
        "deal_before_deadline": (table["agreed"] & ~extended).mean(),
        "extended": extended.mean(),
        "deal_in_extension": (table["agreed"] & extended).mean(),
        "deal_last_week": (table["agreed"] & (table["days_before_deadline_in_force"] < 7)).mean(),
        "deadline_effect": (deals["time_to_deadline_elapsed"] >= 0.9).mean(),
        "median_tariff": deals["issue.tariff"].median()
        if "issue.tariff" in deals
        else float("nan"),
    }


def line(name: str, figures: dict[str, float]) -> str:
    cells = [f"{value:8.1%}" for key, value in figures.items() if key != "median_tariff"]
    return f"{name:<44}" + "".join(cells) + f"{figures['median_tariff']:8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenarios", nargs="*", default=["scenarios/korea_us_2025.yaml"])
    parser.add_argument("--runs", type=int, default=20_000)
    arguments = parser.parse_args()
    header = ["deal", "pre-dl", "ext'd", "in ext", "last wk", "dl eff", "tariff"]
    print(f"{'scenario':<44}" + "".join(f"{h:>8}" for h in header))
    for path in arguments.scenarios:
        loaded = sim.load_scenario(path)
        seed = loaded.scenario.seed
        table = sim.run_batch(loaded.scenario, runs=arguments.runs, seed=seed)
        print(line(loaded.scenario.name, paths(table)))
    loaded = sim.load_scenario(arguments.scenarios[0])
    parties = list(loaded.scenario.negotiators)
    for value in SWEEP:
        truth = build_variant(loaded.resolved, {"calendar.extension.probability": value})
        table = sim.run_batch(truth, runs=arguments.runs, seed=loaded.scenario.seed)
        print(line(f"  extension probability {value:g}", paths(table)))
    for value in SWEEP:
        belief = {f"negotiators.{p}.beliefs.extension.probability": value for p in parties}
        table = sim.run_batch(
            build_variant(loaded.resolved, belief), runs=arguments.runs, seed=loaded.scenario.seed
        )
        print(line(f"  belief in an extension {value:g}", paths(table)))


if __name__ == "__main__":
    main()
