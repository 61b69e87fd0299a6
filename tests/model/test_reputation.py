"""Reputational players in scenarios/theory/, run through the CLI, against their papers.

Abreu & Gul (2000), "Bargaining and reputation", Econometrica 68(1): 85-117: immediate
concessions and concession hazards of the war of attrition, and the splits. Fanning (2016),
"Reputational bargaining and deadlines", Econometrica 84(3): 1131-1179: with a deadline, deals
at the start or at the deadline, and some talks that reach it without a deal.

Frequencies are checked to four binomial standard errors, ``4 sqrt(p (1 - p) / n)``: a correct
simulator fails one such check about once in 16,000.
"""

import numpy as np
import pandas as pd
import pytest

from sim.cli.commands import main
from sim.maths.reputation import (
    concession_rate,
    immediate_concession,
    reputation_time,
    round_concession_probability,
)
from tests.conftest import SCENARIOS

DEMANDS = {"a": 0.6, "b": 0.7}
PRIORS = {"a": 0.1, "b": 0.2}


def run_theory(name: str, tmp_path) -> pd.DataFrame:
    out = tmp_path / name
    status = main(["run", str(SCENARIOS / "theory" / f"{name}.yaml"), "--out", str(out), "--quiet"])
    assert status == 0
    return pd.read_parquet(out / "runs.parquet")


def equilibrium(discount_a: float, discount_b: float):
    """Abreu-Gul rates per round (one meeting a day), immediate concessions and ``T_0``."""
    rate_a, rate_b = -np.log(discount_a), -np.log(discount_b)
    lambda_a = float(concession_rate(DEMANDS["a"], DEMANDS["b"], rate_b))
    lambda_b = float(concession_rate(DEMANDS["b"], DEMANDS["a"], rate_a))
    c_a = float(immediate_concession(PRIORS["a"], lambda_a, PRIORS["b"], lambda_b))
    c_b = float(immediate_concession(PRIORS["b"], lambda_b, PRIORS["a"], lambda_a))
    start = float(
        min(reputation_time(PRIORS["a"], lambda_a), reputation_time(PRIORS["b"], lambda_b))
    )
    return (lambda_a, lambda_b), (c_a, c_b), start


def within(observed: float, expected: float, count: int) -> bool:
    return abs(observed - expected) <= 4 * np.sqrt(expected * (1 - expected) / count)


def conceded_by(table: pd.DataFrame) -> pd.Series:
    """Who gave in, by the split: A's demand means B conceded, B's demand means A did."""
    share = table["issue.share"]
    side = pd.Series("", index=table.index)
    side[table["agreed"] & np.isclose(share, DEMANDS["a"])] = "b"
    side[table["agreed"] & np.isclose(share, 1 - DEMANDS["b"])] = "a"
    return side


def test_abreu_gul_immediate_concessions_hazards_and_splits(tmp_path):
    table = run_theory("reputation_abreu_gul", tmp_path)
    runs = len(table)
    (lambda_a, lambda_b), (c_a, c_b), start = equilibrium(0.95, 0.9)
    assert (c_a, round(c_b, 4), round(start, 2)) == (0.0, 0.5364, 16.39)
    side = conceded_by(table)
    # Every deal is at the demand of the side conceded to.
    assert (side[table["agreed"]] != "").all()
    # Round 0: only the weaker side (B) gives in, with the probability c_B.
    at_start = table["end_round"] == 0
    assert (side[at_start] == "b").all()
    assert within(at_start.mean(), c_b, runs), (at_start.mean(), c_b)
    # Rounds 1 .. T_0 - 1: the proposer's concession is seen whatever the responder would have
    # done, so its hazard among the runs still talking is 1 - exp(-lambda) per daily round.
    for proposer, first, rate in (("a", 2, lambda_a), ("b", 1, lambda_b)):
        rounds = range(first, int(start), 2)
        alive = sum(int((table["end_round"] >= k).sum()) for k in rounds)
        gave_in = sum(int(((table["end_round"] == k) & (side == proposer)).sum()) for k in rounds)
        expected = float(round_concession_probability(rate))
        assert within(gave_in / alive, expected, alive), (proposer, gave_in / alive, expected)
    # Every rational type has conceded by T_0; two obstinate types never agree.
    assert table.loc[table["agreed"], "end_round"].max() == np.ceil(start)
    failed = ~table["agreed"]
    assert (table.loc[failed, "ended_by"] == "deadline").all()
    both_obstinate = PRIORS["a"] * PRIORS["b"]
    assert within(failed.mean(), both_obstinate, runs), (failed.mean(), both_obstinate)


def test_with_a_deadline_deals_come_at_once_or_at_the_deadline(tmp_path):
    table = run_theory("reputation_deadline", tmp_path)
    runs = len(table)
    _, (_, c_b), start = equilibrium(0.995, 0.99)
    last = 30
    assert start > last  # reputations would take far longer to build than the talks last
    deals = table.loc[table["agreed"], "end_round"].value_counts().reindex(range(last + 1))
    deals = deals.fillna(0)
    interior = deals.loc[1 : last - 1]
    assert deals[last] > interior.max()
    assert deals[last] + deals[0] > interior.sum()  # a U shape: at once or at the deadline
    assert deals[0] > 0
    assert within(deals[0] / runs, c_b, runs)
    # Talks between two obstinate types reach the deadline without a deal, and only those:
    # whoever is rational gives in at the last meeting.
    failed = ~table["agreed"]
    assert (table.loc[failed, "ended_by"] == "deadline").all()
    assert (table.loc[failed, "end_round"] == last).all()
    both_obstinate = PRIORS["a"] * PRIORS["b"]
    assert failed.mean() > 0
    assert within(failed.mean(), both_obstinate, runs), (failed.mean(), both_obstinate)


@pytest.mark.parametrize(
    ("value", "message"),
    [("1.5", "obstinate_probability"), ("-0.1", "obstinate_probability")],
)
def test_a_bad_prior_is_refused_with_a_message(value, message, tmp_path, capsys):
    source = (SCENARIOS / "theory" / "reputation_abreu_gul.yaml").read_text()
    path = tmp_path / "bad.yaml"
    path.write_text(source.replace("obstinate_probability: 0.1", f"obstinate_probability: {value}"))
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error
