"""The summary of a runs.parquet read piece by piece equals the summary of the table in memory."""

import math

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.analysis import summary
from sim.batch.chunks import run_batch
from sim.scenario.loading import load_scenario
from tests.conftest import BASELINE


def close(read, held, path=""):
    """Equal, floats to 1e-12 relative (pieces are summed in another order)."""
    if isinstance(held, dict):
        assert read.keys() == held.keys(), path
        for key in held:
            close(read[key], held[key], f"{path}.{key}")
    elif isinstance(held, float) and isinstance(read, float):
        assert math.isclose(read, held, rel_tol=1e-12, abs_tol=1e-15), path
    else:
        assert read == held, path


@pytest.mark.parametrize("piece_runs", [100, 250, 10_000])
def test_a_file_read_in_pieces_has_the_summary_of_the_table(tmp_path, monkeypatch, piece_runs):
    scenario = load_scenario(BASELINE).scenario
    table = run_batch(scenario, 1_000, 4, chunk_runs=100)
    path = tmp_path / "runs.parquet"
    table.to_parquet(path, row_group_size=100)
    assert pq.ParquetFile(path).num_row_groups == 10
    monkeypatch.setattr(summary, "PIECE_RUNS", piece_runs)
    close(summary.summarise(path, scenario), summary.summarise(table, scenario))


def test_pieces_are_whole_row_groups_of_about_piece_runs(tmp_path, monkeypatch):
    path = tmp_path / "runs.parquet"
    pd.DataFrame({"x": range(1_000)}).to_parquet(path, row_group_size=100)
    monkeypatch.setattr(summary, "PIECE_RUNS", 250)
    sizes = [len(frame) for frame in summary.Columns(path).frames(["x"])]
    assert sizes == [200, 300, 200, 300]
    assert summary.Columns(path).whole("x").tolist() == list(range(1_000))
