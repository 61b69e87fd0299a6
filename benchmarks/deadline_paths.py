"""How the talks pass through their deadlines.

For each scenario: P(no deal by the original deadline, one extension, a deal in its last week:
the path of the 2025 US-Korea talks), P(deal), P(deal before the original deadline),
P(extended), P(deal during an extension), P(deal in the last week before the deadline in
force), the deadline-effect share
(deals in the last 10% of the time to the deadline in force), the ratio of the daily hazard of
agreement in the last week before the deadline in force to that before, and the median tariff;
then the same for a sweep of the true extension probability and of both sides' belief in it.

With ``--judgements``, also the first scenario with each of the baseline's judgements on
deadlines taken back in turn, to see which drives which figure.

Usage: python benchmarks/deadline_paths.py [SCENARIO ...] [--runs N] [--judgements]
"""

import argparse

import sim
from sim.analysis.summary import summarise
from sim.scenario.variants import build_variant

SWEEP = (0.0, 0.25, 0.5, 0.75, 1.0)
JUDGEMENTS = {
    "Korea expects what the US knows": {
        "negotiators.korea.beliefs.extension.probability": {"dist": "beta", "a": 6, "b": 3}
    },
    "Korea a Conceder (beta 0.8-2.5)": {
        "negotiators.korea.strategy.beta": {"dist": "uniform", "low": 0.8, "high": 2.5}
    },
    "tariffs below 10% on the table": {
        "issues.tariff.bounds": [0, 25],
        "negotiators.korea.preferences.tariff.ideal": 0,
    },
    "troops on the table": {"issues.troop_payment.negotiable": True},
    "one extension, beta(3,2), 21-28 days": {
        "calendar.extension.probability": {"dist": "beta", "a": 3, "b": 2},
        "calendar.extension.days": {"dist": "choice", "values": [21, 24, 28], "weights": [1, 2, 1]},
        "calendar.extension.times": 1,
    },
}
"""The baseline's judgements on deadlines, each taken back on its own (``--judgements``)."""


def paths(table, scenario) -> dict[str, float]:
    """The figures of one batch, from its summary: shares of all runs (the deadline effect: of
    deals), the ratio of the daily hazard of agreement in the last week to that before."""
    summary = summarise(table, scenario)
    paths = summary["paths"]
    first = table["agreed"] & (table["extensions"] == 1)
    return {
        "deal_in_first_extension_last_week": (
            first & (table["days_before_deadline_in_force"] < 7)
        ).mean(),
        "deal": summary["deal_probability"],
        "deal_before_deadline": paths["deal_before_original_deadline"],
        "extended": summary["extended_share"],
        "deal_in_extension": paths["deal_during_extension"],
        "deal_last_week": paths["deal_in_last_week_before_deadline_in_force"],
        "deadline_effect": summary["deadline_effect"]["share_of_deals_in_last_10_percent_of_time"],
        "hazard_ratio": summary["agreement_hazard"]["ratio"] or float("nan"),
        "median_tariff": summary["issues_among_deals"].get("tariff", {}).get("q50") or float("nan"),
    }


def line(name: str, figures: dict[str, float]) -> str:
    cells = [f"{value:8.1%}" for value in list(figures.values())[:7]]
    return (
        f"{name:<40}"
        + "".join(cells)
        + f"{figures['hazard_ratio']:8.2f}"
        + (f"{figures['median_tariff']:8.1f}")
    )


def batch(scenario, runs: int) -> dict[str, float]:
    return paths(sim.run_batch(scenario, runs=runs, seed=scenario.seed), scenario)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenarios", nargs="*", default=["scenarios/korea_us_2025.yaml"])
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument(
        "--judgements", action="store_true", help="also take back each judgement in turn"
    )
    arguments = parser.parse_args()
    header = [
        "1x,lwk",
        "deal",
        "pre-dl",
        "ext'd",
        "in ext",
        "last wk",
        "dl eff",
        "hazard",
        "tariff",
    ]
    print(f"{'scenario':<40}" + "".join(f"{h:>8}" for h in header))
    for path in arguments.scenarios:
        scenario = sim.load_scenario(path).scenario
        print(line(scenario.name, batch(scenario, arguments.runs)))
    loaded = sim.load_scenario(arguments.scenarios[0])
    parties = list(loaded.scenario.negotiators)
    for value in SWEEP:
        truth = build_variant(loaded.resolved, {"calendar.extension.probability": value})
        print(line(f"  extension probability {value:g}", batch(truth, arguments.runs)))
    for value in SWEEP:
        belief = {f"negotiators.{p}.beliefs.extension.probability": value for p in parties}
        variant = build_variant(loaded.resolved, belief)
        print(line(f"  belief in an extension {value:g}", batch(variant, arguments.runs)))
    if arguments.judgements:
        for name, change in JUDGEMENTS.items():
            variant = build_variant(loaded.resolved, change)
            print(line(f"  without: {name}", batch(variant, arguments.runs)))


if __name__ == "__main__":
    main()
