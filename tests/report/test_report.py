"""report.html: one self-contained page per result folder, and the analyst's whole workflow."""

import argparse
import base64
import json
import re
import shutil

import pytest

from sim.cli.analysis import add_commands
from sim.errors import UsageError
from sim.pipelines.compare import compare
from sim.pipelines.run import run_scenario
from sim.pipelines.sensitivity import sensitivity
from sim.pipelines.sweep import sweep
from sim.report.html import write_report
from tests.conftest import BASELINE
from tests.scenarios import toy, write

EXTERNAL = re.compile(r"https?://|<script|<link|@import|url\(", re.IGNORECASE)


def check_self_contained(html: str, folder) -> None:
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) == len(list(folder.glob("*.png"))) > 0
    for source in images:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "baseline"
    run_scenario(BASELINE, runs=2000, seed=5, out=out)
    return out


def test_report_of_a_run_is_self_contained(run_folder):
    path = write_report(run_folder)
    assert path == run_folder / "report.html"
    html = path.read_text()
    check_self_contained(html, run_folder)
    assert "korea_us_2025: 2,000 runs" in html
    assert "How the talks ended" in html and "Issues among deals" in html
    assert "<td>negotiators.us.strategy.beta</td><td>uniform(low=0.3, high=0.9)</td>" in html
    assert "&#34;seed&#34;: 5" in html  # the manifest


def test_report_of_sweep_and_sensitivity_folders(tmp_path):
    scenario = write(
        tmp_path,
        toy(protocol__breakdown_per_day={"dist": "uniform", "low": 0, "high": 0.2}),
    )
    folders = [
        sweep(scenario, {"protocol.first_proposer": ["a", "b"]}, 200, 1, tmp_path / "sw").directory,
        sensitivity(scenario, samples=32, out=tmp_path / "se").directory,
    ]
    for folder, title in zip(folders, ["Sweep of toy", "Sensitivity of toy"], strict=True):
        html = write_report(folder).read_text()
        check_self_contained(html, folder)
        assert f"<h1>{title}</h1>" in html


def test_report_refuses_other_folders(tmp_path):
    with pytest.raises(UsageError, match=r"has no manifest\.json"):
        write_report(tmp_path)
    with pytest.raises(UsageError, match="is not a folder"):
        write_report(tmp_path / "missing")
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "mystery"}))
    with pytest.raises(UsageError, match="unknown kind 'mystery'"):
        write_report(tmp_path)


def test_report_command(run_folder, capsys):
    parser = argparse.ArgumentParser(prog="negsim")
    add_commands(parser.add_subparsers(dest="command"))
    arguments = parser.parse_args(["report", str(run_folder)])
    assert arguments.handler(arguments) == 0
    assert f"Wrote {run_folder / 'report.html'}" in capsys.readouterr().out


VARIANT = """extends: korea_us_2025.yaml
name: no_breakdown
protocol: {breakdown_per_day: 0.0}
"""


def test_workflow_variant_of_the_baseline_run_compare_report(tmp_path):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copy(BASELINE, scenarios / BASELINE.name)
    (scenarios / "no_breakdown.yaml").write_text(VARIANT)
    results = tmp_path / "results"
    for name in ("korea_us_2025", "no_breakdown"):
        run_scenario(scenarios / f"{name}.yaml", runs=2000, seed=1, out=results / name)
    comparison = compare([results / "korea_us_2025", results / "no_breakdown"], results / "cmp")
    deal = comparison.differences.set_index("measure").loc["deal probability"]
    assert deal["difference"] > 0 and deal["significant"]  # no breakdowns, more deals
    html = (results / "cmp" / "report.html").read_text()
    check_self_contained(html, results / "cmp")
    assert "Comparison: korea_us_2025 vs no_breakdown" in html
    assert (
        "<td>protocol.breakdown_per_day</td><td>uniform(low=0.0, high=0.0058)</td><td>0.0</td>"
        in html
    )
