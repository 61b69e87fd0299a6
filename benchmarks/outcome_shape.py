"""Where the baseline's deals fall: deal probability, medians, shares at the bounds and at an
ideal point, how many issues are interior, and how much swapping the first proposer moves them.

Usage: python benchmarks/outcome_shape.py [SCENARIO] [RUNS]
"""

import json
import sys

import numpy as np

import sim
from sim.scenario.variants import build_variant


def shape(loaded, runs: int, seed: int) -> dict:
    scenario = loaded.scenario
    table = sim.run_batch(scenario, runs=runs, seed=seed)
    deals = table[table["agreed"]]
    result = {"deal_probability": round(float(table["agreed"].mean()), 4)}
    interior = []
    for name, issue in scenario.issues.items():
        low, high = issue.bounds
        values = deals[f"issue.{name}"].to_numpy()
        tolerance = 1e-6 * (high - low)
        at_ideal = np.zeros(len(values), dtype=bool)
        for party, negotiator in scenario.negotiators.items():
            column = f"drawn.negotiators.{party}.preferences.{name}.ideal"
            fixed = negotiator.preferences[name].ideal
            ideal = deals[column].to_numpy() if column in deals else fixed
            at_ideal |= np.isclose(values, ideal, atol=tolerance)
        at_low = np.isclose(values, low, atol=tolerance)
        at_high = np.isclose(values, high, atol=tolerance)
        inside = ~(at_low | at_high | at_ideal)
        interior.append(inside)
        result[name] = {
            "median": round(float(np.median(values)), 3),
            "at_low": round(float(at_low.mean()), 3),
            "at_high": round(float(at_high.mean()), 3),
            "at_an_ideal": round(float(at_ideal.mean()), 3),
            "interior": round(float(inside.mean()), 3),
        }
    count = np.sum(interior, axis=0)
    result["deals_by_number_of_interior_issues"] = {
        int(k): round(float((count == k).mean()), 3) for k in range(len(scenario.issues) + 1)
    }
    return result, deals


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "scenarios/korea_us_2025.yaml"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    loaded = sim.load_scenario(path)
    first = loaded.scenario.protocol.first_proposer
    other = next(party for party in loaded.scenario.negotiators if party != first)
    result, deals = shape(loaded, runs, seed=20250616)
    swapped = build_variant(loaded.resolved, {"protocol.first_proposer": other})
    table = sim.run_batch(swapped, runs=runs, seed=20250616)
    result["median_tariff_by_first_proposer"] = {
        first: round(float(deals["issue.tariff"].median()), 3),
        other: round(float(table.loc[table["agreed"], "issue.tariff"].median()), 3),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
