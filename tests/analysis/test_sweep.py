"""negsim sweep: settings, variants of the resolved scenario, a grid of batches, charts."""

import argparse
import json

import pandas as pd
import pytest

from sim.analysis.sweep import grid, heatmap_table
from sim.cli.analysis import add_commands
from sim.cli.arguments import parse_setting, split_values
from sim.errors import UsageError
from sim.pipelines.sweep import sweep
from sim.scenario.loading import load_scenario
from sim.scenario.variants import build_variant, set_path
from tests.conftest import BASELINE, SCENARIOS


@pytest.fixture(scope="module")
def resolved():
    return load_scenario(BASELINE).resolved


def test_settings_read_numbers_and_distributions():
    assert parse_setting("calendar.extension.probability=0,0.5,1") == (
        "calendar.extension.probability",
        [0, 0.5, 1],
    )
    _, values = parse_setting(
        "negotiators.us.strategy.beta={dist: uniform, low: 0.1, high: 0.3}, 0.5"
    )
    assert values == [{"dist": "uniform", "low": 0.1, "high": 0.3}, 0.5]
    assert split_values("[1, 2],'a,b'") == ["[1, 2]", "'a,b'"]
    assert grid({"a": [1, 2], "b": [3, 4]})[1] == {"a": 1, "b": 4}
    with pytest.raises(UsageError, match="expected PATH=V1,V2"):
        parse_setting("calendar.extension.probability")


def test_a_variant_changes_the_resolved_data_of_a_variant_file(resolved):
    hardline = load_scenario(SCENARIOS / "hardline_us.yaml").resolved
    scenario = build_variant(hardline, {"negotiators.us.strategy.beta": 2.0})
    assert scenario.negotiators["us"].strategy.beta == 2.0
    assert scenario.negotiators["us"].strategy.kappa == 0.0  # from hardline_us.yaml
    assert hardline["negotiators"]["us"]["strategy"]["beta"]["dist"] == "uniform"  # untouched
    scenario = build_variant(resolved, {"negotiators.us.outside_option": 0.1})  # a default field
    assert scenario.negotiators["us"].outside_option == 0.1
    belief = "negotiators.us.beliefs.extension.probability"  # a block the file leaves out
    assert (
        build_variant(resolved, {belief: 0.3}).negotiators["us"].beliefs.extension.probability
        == 0.3
    )
    changed = set_path(resolved, "negotiators.us.strategy.beta.high", 0.5)
    assert changed["negotiators"]["us"]["strategy"]["beta"] == {
        "dist": "uniform",
        "low": 0.3,
        "high": 0.5,
    }


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (
            "calendar.extension.probabilty",
            0.5,
            "unknown key 'probabilty'.*did you mean 'probability'",
        ),
        ("negotiators.usa.strategy.beta", 1, "unknown key 'usa'.*did you mean 'us'"),
        ("protocol.discount_per_day.low", 1, "is 0.998565, not a mapping"),
        ("calendar.extension.probability", 1.5, "calendar.extension.probability"),
        ("negotiators.us.strategy.beta", "{dist: uniform, low: 1}", "high"),
    ],
)
def test_bad_paths_and_values_are_usage_errors(resolved, path, value, message):
    with pytest.raises(UsageError, match=message):
        build_variant(resolved, {path: value if not isinstance(value, str) else _yaml(value)})


def _yaml(text):
    import yaml

    return yaml.safe_load(text)


HOLDING_OUT = """extends: {baseline}
name: holding_out
negotiators:
  us: {{no_deal_adjustment: {{dist: uniform, low: 0, high: 0.45}}}}
  korea: {{no_deal_adjustment: {{dist: uniform, low: 0, high: 0.45}}}}
"""


def test_sweep_of_the_extension_probability(tmp_path):
    # both sides value no deal more, so that some runs reach the deadline
    variant = tmp_path / "holding_out.yaml"
    variant.write_text(HOLDING_OUT.format(baseline=BASELINE.resolve()))
    out = tmp_path / "extension"
    result = sweep(variant, {"calendar.extension.probability": [0, 1]}, 3000, 5, out)
    points = result.points.set_index("set.calendar.extension.probability")
    # Same seed at both points: runs that reach the deadline get an extension only at 1.
    assert points.loc[1.0, "deal_probability"] >= points.loc[0.0, "deal_probability"]
    table = pd.read_parquet(out / "runs.parquet")
    assert len(table) == 6000
    extended = table.groupby("set.calendar.extension.probability")["extended"].mean()
    assert extended[0.0] == 0 and extended[1.0] > 0
    assert "drawn.calendar.extension.probability" not in table  # fixed at every grid point
    assert table["drawn.calendar.extension.days"].notna().all()
    for name in ["points.csv", "sweep.md", "deal_probability.png", "issue_medians.png"]:
        assert (out / name).stat().st_size > 0, name
    assert not (out / "deal_probability_heatmap.png").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["settings"] == {"calendar.extension.probability": [0, 1]}
    assert manifest["completed"] is True


def test_two_parameter_sweep_draws_a_heatmap(tmp_path):
    out = tmp_path / "two"
    result = sweep(
        BASELINE,
        {
            "negotiators.us.strategy.beta": ["{dist: uniform, low: 0.1, high: 0.3}", 2],
            "protocol.breakdown_per_day": [0, 0.1],
        },
        runs=1000,
        seed=1,
        out=out,
    )
    assert len(result.points) == 4
    assert (out / "deal_probability_heatmap.png").stat().st_size > 0
    heat = heatmap_table(
        result.points, "set.negotiators.us.strategy.beta", "set.protocol.breakdown_per_day"
    )
    assert heat.shape == (2, 2)
    assert heat.loc[0.1].mean() < heat.loc[0.0].mean()  # breakdowns cost deals
    assert list(heat.columns) == ["{dist: uniform, low: 0.1, high: 0.3}", "2"]


def parser():
    parser = argparse.ArgumentParser(prog="negsim")
    add_commands(parser.add_subparsers(dest="command"))
    return parser


def test_sweep_command(tmp_path, capsys):
    out = tmp_path / "cmd"
    arguments = parser().parse_args(
        [
            "sweep",
            str(BASELINE),
            "--set",
            "calendar.extension.days=0,28",
            "--runs",
            "500",
            "--out",
            str(out),
        ]
    )
    assert arguments.handler(arguments) == 0
    assert "2 grid points x 500 runs" in capsys.readouterr().out
    assert (out / "runs.parquet").is_file()
    arguments = parser().parse_args(
        ["sweep", str(BASELINE), "--set", "calendar.extention.days=0", "--out", str(out)]
    )
    with pytest.raises(UsageError, match="did you mean 'extension'"):
        arguments.handler(arguments)
