"""Lean runs tables: the optional wide column groups left out, everything else the same."""

from sim.batch.chunks import Chunk, run_chunk
from sim.pipelines.run import run_scenario
from tests.golden import ROOT

BASELINE = ROOT / "scenarios" / "korea_us_2025.yaml"
OPTIONAL = (
    "drawn.",
    "nash.",
    "kalai_smorodinsky.",
    "nash_product",
    "distance_to_nash",
    "pareto_gap",
)


def test_lean_table_is_the_full_table_without_the_optional_groups(baseline):
    full = run_chunk(baseline, 3, Chunk(0, 0, 300)).runs
    lean = run_chunk(baseline, 3, Chunk(0, 0, 300), columns="lean").runs
    kept = [name for name in full.columns if not name.startswith(OPTIONAL)]
    assert list(lean.columns) == kept
    assert lean.equals(full[kept])


def test_lean_batch_writes_a_smaller_file_and_the_same_summary(tmp_path):
    full = run_scenario(BASELINE, runs=500, seed=2, out=tmp_path / "full")
    lean = run_scenario(BASELINE, runs=500, seed=2, out=tmp_path / "lean", columns="lean")
    size = {name: (tmp_path / name / "runs.parquet").stat().st_size for name in ("full", "lean")}
    assert size["lean"] < size["full"] / 2
    assert lean.summary == full.summary
