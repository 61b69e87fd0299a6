"""The simulator reproduces closed forms: equilibrium players in scenarios/theory/ split the pie
as Rubinstein (1982) and backward induction say, in the first round, run through the CLI."""

import pandas as pd
import pytest

from sim.cli.commands import main
from tests.conftest import SCENARIOS

CASES = {
    "rubinstein_09_08": 5 / 7,
    "rubinstein_09_09": 1 / 1.9,
    "finite_horizon_1": 1.0,
    "finite_horizon_2": 0.1,
    "finite_horizon_3": 0.91,
    "finite_horizon_4": 0.181,
    "finite_horizon_disagreement": 1 - 0.95 * 0.3,
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
