"""The simulator reproduces closed forms: equilibrium players in scenarios/theory/ split the pie
as Rubinstein (1982), backward induction, Binmore, Rubinstein & Wolinsky (1986), Binmore, Shaked
& Sutton (1989) and Baron & Ferejohn (1989) say, in the first round, run through the CLI."""

import pandas as pd
import pytest

import sim
from sim.cli.commands import main
from sim.maths.closed_forms import (
    breakdown_share,
    outside_option_share,
    random_proposer_share,
    rubinstein_share,
)
from tests.conftest import SCENARIOS

CASES = {
    "rubinstein_09_08": float(rubinstein_share(0.9, 0.8)),
    "rubinstein_09_09": 1 / 1.9,
    "finite_horizon_1": 1.0,
    "finite_horizon_2": 0.1,
    "finite_horizon_3": 0.91,
    "finite_horizon_4": 0.181,
    "finite_horizon_disagreement": 1 - 0.95 * 0.3,
    "breakdown_nash": float(breakdown_share(0.01, 1.0, 0.2, 0.1)),
    "outside_option_small": float(outside_option_share(0.9, 0.3)),
    "outside_option_large": float(outside_option_share(0.9, 0.6)),
    "extension_uncertain": 1 - 0.9 * 0.8,
}


@pytest.mark.parametrize(("name", "share"), CASES.items())
def test_equilibrium_players_reach_the_closed_form_split_in_round_one(name, share, tmp_path):
    out = tmp_path / name
    status = main(["run", str(SCENARIOS / "theory" / f"{name}.yaml"), "--out", str(out), "--quiet"])
    assert status == 0
    table = pd.read_parquet(out / "runs.parquet")
    assert table["agreed"].all()
    assert (table["end_round"] == 0).all()
    assert (table["deal_proposed_by"] == "a").all()
    assert table["issue.share"].to_numpy() == pytest.approx(share, abs=1e-3)


def run_theory(name: str, tmp_path) -> pd.DataFrame:
    out = tmp_path / name
    status = main(["run", str(SCENARIOS / "theory" / f"{name}.yaml"), "--out", str(out), "--quiet"])
    assert status == 0
    return pd.read_parquet(out / "runs.parquet")


def test_the_outside_option_principle_holds_exactly():
    assert outside_option_share(0.9, 0.3) == pytest.approx(1 / 1.9, abs=1e-12)
    assert outside_option_share(0.9, 0.6) == pytest.approx(0.4, abs=1e-12)


def test_breakdown_risk_tends_to_the_nash_solution():
    # Binmore, Rubinstein & Wolinsky (1986): as the risk per round goes to 0 (no discounting),
    # the split tends to the Nash solution with the breakdown payoffs as disagreement point.
    assert breakdown_share(1e-4, 1.0, 0.2, 0.1) == pytest.approx(0.55, abs=1e-3)
    assert breakdown_share(1e-4, 1.0, 0.0, 0.0) == pytest.approx(0.5, abs=1e-3)
    assert abs(breakdown_share(0.2, 1.0, 0.2, 0.1) - 0.55) > 1e-2  # not a limit yet


def test_random_recognition_splits_the_pie_by_who_is_recognised(tmp_path):
    table = run_theory("random_proposer", tmp_path)
    assert table["agreed"].all()
    assert (table["end_round"] == 0).all()
    demand = float(random_proposer_share(0.5, 0.9))
    by_a = table["deal_proposed_by"] == "a"
    assert table.loc[by_a, "issue.share"].to_numpy() == pytest.approx(demand, abs=1e-3)
    assert table.loc[~by_a, "issue.share"].to_numpy() == pytest.approx(1 - demand, abs=1e-3)
    assert 0 < by_a.sum() < len(table)


def test_optimism_delays_agreement_to_a_firm_deadline(tmp_path):
    # Yildiz (2004): beliefs about recognition that sum to 1.4 leave no offer both accept before
    # the last round; there the proposer takes the pie.
    table = run_theory("optimism_firm_deadline", tmp_path)
    assert table["agreed"].all()
    assert (table["end_round"] == 10).all()
    assert set(table["issue.share"].round(6)) == {0.0, 1.0}


def test_with_a_common_prior_the_same_players_agree_at_once():
    scenario = sim.load_scenario(SCENARIOS / "theory" / "optimism_firm_deadline.yaml").scenario
    common = scenario.with_changes(
        {"negotiators.a.beliefs.recognition": 0.5, "negotiators.b.beliefs.recognition": 0.5}
    )
    table = sim.run_batch(common, runs=50, seed=1)
    assert table["agreed"].all()
    assert (table["end_round"] == 0).all()


def test_a_stochastic_deadline_removes_the_deadline_effect(tmp_path):
    # Yildiz (2004): when any round may be the last, optimists agree in the first round.
    table = run_theory("optimism_stochastic_deadline", tmp_path)
    assert table["agreed"].all()
    assert (table["end_round"] == 0).all()
    assert table["issue.share"].between(0.45, 0.55).all()
