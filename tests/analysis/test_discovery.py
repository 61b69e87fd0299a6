"""Scenario discovery: PRIM finds a planted box, CART and scores agree, the command writes it."""

import numpy as np
import pandas as pd
import pytest

import sim.cli.commands
from sim.analysis.discovery import choose_box, discover, parameter_table
from sim.analysis.expressions import evaluate_condition
from sim.errors import UsageError
from sim.pipelines.run import run_scenario
from tests.conftest import BASELINE

pytest.importorskip("ema_workbench")


@pytest.fixture(scope="module")
def planted():
    """The condition holds mostly where drawn.a > 0.7; drawn.b is noise."""
    rng = np.random.default_rng(5)
    table = pd.DataFrame(
        {
            "drawn.a": rng.uniform(0, 1, 4000),
            "drawn.b": rng.uniform(0, 1, 4000),
            "drawn.fixed": np.ones(4000),
        }
    )
    y = (table["drawn.a"] > 0.7) & (rng.random(4000) < 0.9)
    return table, y.to_numpy()


def test_prim_finds_the_planted_box_and_the_scores_rank_its_parameter_first(planted):
    table, y = planted
    x = parameter_table(table)
    assert list(x.columns) == ["drawn.a", "drawn.b"]  # a constant parameter is left out
    found = discover(x, y, "planted")
    assert found.threshold == pytest.approx(y.mean())  # PRIM's minimum density: the base rate
    box = found.trajectory.iloc[found.chosen]
    assert box["density"] >= found.base_rate + (1 - found.base_rate) / 2
    a = found.limits.set_index("parameter").loc["drawn.a"]
    assert 0.5 < a["low"] < 0.72 and a["high"] == pytest.approx(1, abs=0.01)
    limits = found.limits.set_index("parameter")
    if "drawn.b" in limits.index:  # noise: peeled a little at most
        assert limits.loc["drawn.b", "high"] - limits.loc["drawn.b", "low"] > 0.8
    assert found.scores["parameter"].iloc[0] == "drawn.a"
    assert found.tree["density"].iloc[0] > 0.8


def test_the_chosen_box_is_the_first_dense_enough():
    trajectory = pd.DataFrame({"coverage": [1.0, 0.6, 0.3], "density": [0.2, 0.5, 0.9]})
    assert choose_box(trajectory, 0.2) == 2
    assert choose_box(trajectory.iloc[:2], 0.2) == 1  # none dense enough: the densest


def test_a_condition_that_always_or_never_holds_is_refused(planted):
    table, _ = planted
    with pytest.raises(UsageError, match="holds in 0 of 4,000 runs"):
        discover(parameter_table(table), np.zeros(4000, dtype=bool), "never")


def test_conditions_name_columns_and_an_unknown_one_lists_them():
    frame = pd.DataFrame({"agreed": [True, False], "issue.tariff": [10.0, 25.0], "ended_by": "x"})
    assert evaluate_condition(frame, "agreed or ended_by == 'x'").tolist() == [True, True]
    with pytest.raises(UsageError, match=r"'issue\.tarif' is not a column.*issue\.tariff"):
        evaluate_condition(frame, "issue.tarif <= 15")
    with pytest.raises(UsageError, match="true or false"):
        evaluate_condition(frame, "issue.tariff + 1")


def test_negsim_discover_writes_the_box_tree_and_scores(tmp_path, capsys):
    folder = run_scenario(BASELINE, runs=3000, seed=3, out=tmp_path / "runs").directory
    out = tmp_path / "discovery"
    where = "agreed and issue.tariff <= 15"
    assert (
        sim.cli.commands.main(["discover", str(folder), "--where", where, "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    assert f"Condition: {where}; it holds in" in printed and "PRIM box" in printed
    for name in ["prim.csv", "prim_box.csv", "cart.csv", "feature_scores.csv", "report.html"]:
        assert (out / name).stat().st_size > 0, name
    for name in ["prim_trajectory.png", "prim_box.png", "feature_scores.png"]:
        assert (out / name).stat().st_size > 0, name
    status = sim.cli.commands.main(["discover", str(folder), "--where", "issue.nope > 1"])
    assert status == 2 and "the columns are: run, agreed" in capsys.readouterr().err
