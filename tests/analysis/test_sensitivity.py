"""negsim sensitivity: quantile functions, the model at given values, Sobol indices, charts."""

import argparse
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.noise import noise_share
from sim.analysis.sensitivity import round_samples, run_design
from sim.cli.analysis import add_commands
from sim.errors import UsageError
from sim.model.negotiation import NegotiationModel
from sim.model.parameters import Parameters
from sim.params.distributions import Beta, Choice, Lognormal, Normal, Triangular, Uniform
from sim.params.quantiles import quantile
from sim.pipelines.sensitivity import sensitivity
from sim.scenario.loading import load_scenario
from sim.scenario.schema import uncertain_parameters
from tests.conftest import BASELINE
from tests.scenarios import toy, write

DISTRIBUTIONS = [
    Uniform(dist="uniform", low=0.3, high=0.9),
    Normal(dist="normal", mean=7, sd=1.5, low=5, high=10),
    Normal(dist="normal", mean=0, sd=1),
    Beta(dist="beta", a=3, b=2, low=0, high=2),
    Triangular(dist="triangular", low=10, mode=20, high=25),
    Lognormal(dist="lognormal", mu=3.2, sigma=0.2),
    Choice(dist="choice", values=[28, 21, 24], weights=[1, 1, 2]),
]


@pytest.mark.parametrize("distribution", DISTRIBUTIONS, ids=lambda d: d.dist)
def test_quantiles_follow_the_distribution(distribution):
    u = (np.arange(20_000) + 0.5) / 20_000
    values = quantile(distribution, u)
    low, high = distribution.support()
    assert np.all(np.diff(values) >= 0)
    assert values.min() >= low and values.max() <= high
    draws = distribution.sample(np.random.default_rng(0), 20_000)
    assert stats.ks_2samp(values, draws).pvalue > 0.001


def test_choice_quantile_uses_the_weights():
    choice = Choice(dist="choice", values=[28, 21, 24], weights=[1, 1, 2])
    values = quantile(choice, (np.arange(4000) + 0.5) / 4000)
    shares = pd.Series(values).value_counts(normalize=True)
    assert shares.to_dict() == {24.0: 0.5, 21.0: 0.25, 28.0: 0.25}


def test_given_values_reproduce_a_batch_with_drawn_values():
    scenario = load_scenario(BASELINE).scenario
    drawn = NegotiationModel(scenario, 300, 4)
    drawn.run_model()
    given = NegotiationModel(
        scenario, 300, 4, parameters=Parameters(scenario, 300, values=drawn.parameters.drawn)
    )
    given.run_model()
    pd.testing.assert_frame_equal(pd.DataFrame(drawn.results()), pd.DataFrame(given.results()))


def test_design_points_of_a_base_sample_share_the_model_randomness():
    scenario = load_scenario(BASELINE).scenario
    parameters = uncertain_parameters(scenario)
    step = len(parameters) + 2
    fixed = {path: np.full(3 * step, float(np.mean(p.support()))) for path, p in parameters.items()}
    fixed["protocol.breakdown_per_day"] = np.full(3 * step, 0.3)
    table = run_design(scenario, fixed, seed=9)
    endings = table["ended_by"].to_numpy().reshape(3, step)
    # Same values: the points of A and AB_i end alike; B draws its own random numbers.
    assert (endings[:, :-1] == endings[:, :1]).all()


@pytest.fixture(scope="module")
def baseline_indices(tmp_path_factory):
    out = tmp_path_factory.mktemp("sensitivity") / "baseline"
    return out, sensitivity(BASELINE, samples=256, seed=3, out=out)


def test_sensitivity_ranks_the_parameters_and_finds_the_tariff_driver(baseline_indices):
    _, result = baseline_indices
    indices = result.indices
    parameters = uncertain_parameters(load_scenario(BASELINE).scenario)
    assert set(indices["parameter"]) == set(parameters)
    tariff = indices[indices["output"] == "issue.tariff"].sort_values("rank")
    assert tariff["rank"].tolist() == list(range(1, len(parameters) + 1))
    top = tariff.iloc[0]
    tariff_related = {
        "negotiators.us.preferences.tariff.ideal",
        "negotiators.us.preferences.tariff.weight",
        "negotiators.korea.preferences.tariff.weight",
    }
    assert top["parameter"] in tariff_related
    assert top["ST"] > 0.2 and top["ST"] - top["ST_conf"] > 0
    deal = indices[indices["output"] == "agreed"].sort_values("rank")
    assert deal["rank"].tolist() == list(range(1, len(parameters) + 1))
    assert "US tariff on Korean goods: us.tariff.ideal" in result.text


def test_sensitivity_writes_tables_and_tornado_charts(baseline_indices):
    out, _ = baseline_indices
    charts = ["sobol_deal.png", "sobol_tariff.png", "sobol_troop_payment.png"]
    charts += ["sobol_china_alignment.png", "sobol_utility_us.png", "sobol_utility_korea.png"]
    for name in [*charts, "sensitivity.csv", "sensitivity.parquet", "sensitivity.md"]:
        assert (out / name).stat().st_size > 0, name
    table = pd.read_csv(out / "sensitivity.csv")
    assert {"output", "parameter", "S1", "S1_conf", "ST", "ST_conf", "rank"} <= set(table.columns)
    samples = pd.read_parquet(out / "samples.parquet")
    assert len(samples) == 256 * (len(set(table["parameter"])) + 2)
    markdown = (out / "sensitivity.md").read_text()
    assert "| parameter | deal probability | US tariff on Korean goods |" in markdown


def test_small_designs_warn_and_the_model_randomness_is_measured(baseline_indices):
    out, result = baseline_indices
    assert "have an interval wider than the index it bounds" in result.text
    assert "raise --samples" in result.text
    noise = json.loads((out / "manifest.json").read_text())["noise_share"]
    assert set(noise) >= {"agreed", "issue.tariff", "utility.us"}
    assert all(0 <= share <= 1 for share in noise.values())
    # the deal depends mostly on chance events no parameter fixes (breakdown, extension)
    assert noise["agreed"] > noise["utility.korea"]
    assert "the model's own randomness:" in result.text


def test_noise_share_is_zero_without_randomness_and_one_without_parameters():
    rng = np.random.default_rng(1)
    x = rng.normal(size=5000)
    assert noise_share(x, x) == 0
    assert noise_share(rng.normal(size=5000), rng.normal(size=5000)) == pytest.approx(1, abs=0.05)


def test_samples_round_up_to_a_power_of_two():
    assert [round_samples(n) for n in (1, 3, 1000, 1024)] == [1, 4, 1024, 1024]
    with pytest.raises(UsageError):
        round_samples(0)


def test_a_scenario_without_uncertain_parameters_is_refused(tmp_path):
    path = write(tmp_path, toy())
    with pytest.raises(UsageError, match="no uncertain parameters"):
        sensitivity(path, out=tmp_path / "out")


def test_sensitivity_command(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="negsim")
    add_commands(parser.add_subparsers(dest="command"))
    scenario = write(
        tmp_path,
        toy(
            negotiators__a__strategy={
                "name": "time_dependent",
                "beta": {"dist": "uniform", "low": 0.2, "high": 3},
            },
            protocol__breakdown_per_day={"dist": "uniform", "low": 0, "high": 0.2},
        ),
    )
    out = tmp_path / "out"
    arguments = parser.parse_args(
        ["sensitivity", str(scenario), "--samples", "100", "--out", str(out)]
    )
    assert arguments.handler(arguments) == 0
    printed = capsys.readouterr().out
    assert "rounded up to 128" in printed
    assert "deal probability: protocol.breakdown_per_day" in printed
    assert "Price: does not vary" in printed  # the toy's symmetric talks always split at 50
    assert (out / "sobol_price.png").is_file()


def test_given_data_pawn_on_a_result_folder_ranks_a_planted_driver():
    from sim.analysis.given_data import ks_critical, pawn_table

    rng = np.random.default_rng(2)
    table = pd.DataFrame({"drawn.a": rng.uniform(size=4000), "drawn.b": rng.uniform(size=4000)})
    table["issue.x"] = table["drawn.a"] + 0.1 * rng.normal(size=4000)
    indices = pawn_table(table, {"issue.x": "x"})
    assert indices["parameter"].tolist() == ["drawn.a", "drawn.b"]
    assert indices["informative"].tolist() == [True, False]
    assert indices["critical"].iloc[0] == pytest.approx(ks_critical(4000))
    # An output constant up to rounding (an issue off the table) gets no indices.
    table["issue.fixed"] = 1.1 + np.where(rng.uniform(size=4000) < 0.5, 2.2e-16, 0.0)
    indices = pawn_table(table, {"issue.x": "x", "issue.fixed": "fixed"})
    assert set(indices["output"]) == {"issue.x"}


def test_negsim_sensitivity_of_a_result_folder(tmp_path, capsys):
    import sim.cli.commands
    from sim.pipelines.run import run_scenario

    folder = run_scenario(BASELINE, runs=2000, seed=4, out=tmp_path / "runs").directory
    out = tmp_path / "pawn"
    assert sim.cli.commands.main(["sensitivity", str(folder), "--out", str(out)]) == 0
    assert "PAWN indices from the 2,000 runs of the folder" in capsys.readouterr().out
    assert (out / "pawn.csv").is_file() and (out / "sobol_tariff.png").is_file()
    assert sim.cli.commands.main(["sensitivity", str(folder), "--samples", "8"]) == 2
