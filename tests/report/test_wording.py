"""The accounts read as English: one day, articles, flat sweeps, calendars without extension."""

import json
import re

import pandas as pd

from sim.cli.commands import main
from sim.columns import with_article
from sim.report.run import describe
from sim.report.sweep import describe_sweep
from sim.report.tables import days
from tests.conftest import SCENARIOS


def test_one_day_is_singular():
    assert (days(1), days(0.6), days(2), days(-1)) == ("1 day", "1 day", "2 days", "-1 day")


def test_a_possessive_label_takes_no_article():
    assert with_article("Korea's yearly payment for US forces") == (
        "Korea's yearly payment for US forces"
    )
    assert with_article("US tariff on Korean goods") == "the US tariff on Korean goods"


def test_a_calendar_without_extension_is_not_described_with_one(tmp_path, capsys):
    out = tmp_path / "firm"
    assert (
        main(["run", str(SCENARIOS / "firm_deadline.yaml"), "--runs", "500", "--out", str(out)])
        == 0
    )
    text = capsys.readouterr().out
    assert "the calendar allows no extension" in text
    assert "during an extension" not in text and "were extended" not in text


def test_a_median_of_one_day_reads_one_day(tmp_path, capsys):
    out = tmp_path / "base"
    assert (
        main(["run", str(SCENARIOS / "korea_us_2025.yaml"), "--runs", "500", "--out", str(out)])
        == 0
    )
    capsys.readouterr()
    summary = json.loads((out / "summary.json").read_text())
    summary["time_to_deal"]["days_before_deadline"]["q50"] = 1.0
    text = describe(summary)
    assert "a median 1 day before the deadline" in text
    assert "during an extension" in text  # the baseline's calendar can extend


def test_a_flat_sweep_says_the_probability_does_not_change():
    points = pd.DataFrame({"set.x": [1, 2, 3], "deal_probability": [0.93, 0.93, 0.9301]})
    text = describe_sweep(points, ["set.x"], 100)
    assert "does not change across the grid: 93.0% at every point" in text
    assert "from 93.0% to 93.0%" not in text


def test_the_report_shows_no_markdown_asterisk(tmp_path, capsys):
    out = tmp_path / "base"
    assert (
        main(["run", str(SCENARIOS / "korea_us_2025.yaml"), "--runs", "500", "--out", str(out)])
        == 0
    )
    assert main(["report", str(out)]) == 0
    capsys.readouterr()
    page = (out / "report.html").read_text()
    page = re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    assert "*" not in page
