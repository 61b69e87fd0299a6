"""``negsim export RESULTS --format csv|xlsx``: the runs and the summary for a spreadsheet."""

import json
import sys

import pandas as pd
import pytest

from sim.cli.commands import main
from sim.pipelines.export import flat_summary
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "korea"
    arguments = ["run", str(SCENARIOS / "korea_us_2025.yaml"), "--runs", "500", "--quiet"]
    assert main([*arguments, "--out", str(out)]) == 0
    return out


def test_csv_holds_the_runs_and_the_flattened_summary(batch, tmp_path, capsys):
    out = tmp_path / "csv"
    assert main(["export", str(batch), "--out", str(out)]) == 0
    assert "500 runs" in capsys.readouterr().out
    runs = pd.read_csv(out / "runs.csv")
    parquet = pd.read_parquet(batch / "runs.parquet")
    assert list(runs.columns) == list(parquet.columns)
    assert runs["agreed"].tolist() == parquet["agreed"].tolist()
    assert runs["issue.tariff"].equals(parquet["issue.tariff"]) or (
        (runs["issue.tariff"] - parquet["issue.tariff"]).abs().max() < 1e-12
    )
    summary = pd.read_csv(out / "summary.csv").set_index("field")["value"]
    written = json.loads((batch / "summary.json").read_text())
    assert float(summary["deal_probability"]) == written["deal_probability"]
    assert float(summary["deal_probability_95ci.1"]) == written["deal_probability_95ci"][1]
    assert int(summary["endings.agreement"]) == written["endings"]["agreement"]


def test_xlsx_has_a_runs_and_a_summary_sheet(batch, tmp_path):
    out = tmp_path / "book.xlsx"
    assert main(["export", str(batch), "--format", "xlsx", "--out", str(out)]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["runs", "summary"]
    assert len(sheets["runs"]) == 500
    assert sheets["runs"]["agreed"].sum() == pd.read_parquet(batch / "runs.parquet")["agreed"].sum()
    assert "deal_probability" in set(sheets["summary"]["field"])
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_an_existing_file_is_kept_without_force(batch, tmp_path, capsys):
    out = tmp_path / "book.xlsx"
    out.write_text("mine")
    assert main(["export", str(batch), "--format", "xlsx", "--out", str(out)]) == 2
    assert "pass --force to replace it" in capsys.readouterr().err
    assert out.read_text() == "mine"
    assert main(["export", str(batch), "--format", "xlsx", "--out", str(out), "--force"]) == 0
    assert out.read_bytes()[:2] == b"PK"


def test_csv_goes_into_the_result_folder_by_default(batch, capsys):
    assert main(["export", str(batch), "--force"]) == 0
    assert (batch / "runs.csv").is_file() and (batch / "summary.csv").is_file()
    assert main(["export", str(batch)]) == 2
    assert "runs.csv already exists" in capsys.readouterr().err


def test_missing_openpyxl_says_which_extra_to_install(batch, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    assert main(["export", str(batch), "--format", "xlsx", "--out", str(tmp_path / "b.xlsx")]) == 2
    error = capsys.readouterr().err
    assert "install the xlsx extra: pip install 'negsim[xlsx]'" in error
    assert "Traceback" not in error


def test_a_folder_that_is_not_a_batch_is_refused(tmp_path, capsys):
    assert main(["export", str(tmp_path)]) == 2
    assert "is not a result folder of negsim run" in capsys.readouterr().err


def test_a_workbook_name_must_end_in_xlsx(batch, tmp_path, capsys):
    assert main(["export", str(batch), "--format", "xlsx", "--out", str(tmp_path / "b")]) == 2
    assert "ends in .xlsx" in capsys.readouterr().err


def test_flat_summary_joins_nested_keys_with_dots():
    table = flat_summary({"a": {"b": [1, 2]}, "c": "x"})
    assert table["field"].tolist() == ["a.b.0", "a.b.1", "c"]
