"""``negsim sensitivity RESULTS``: PAWN indices on the runs of a result folder (no new runs)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.analysis.given_data import SLICES, pawn_table
from sim.analysis.results import check_result_folder
from sim.batch.storage import check_destination
from sim.charts.sensitivity import chart_name, plot_pawn
from sim.pipelines.output import DEFAULT_RESULTS, analysis_folder, write_document
from sim.report.document import Document, DocumentTable


@dataclass
class GivenDataResult:
    """What ``given_data_sensitivity`` produced.

    Attributes:
        directory: The folder written.
        indices: PAWN indices (``sim.analysis.given_data.pawn_table``).
        text: A short account for the terminal.
    """

    directory: Path
    indices: pd.DataFrame
    text: str


def _outputs(columns: list[str]) -> dict[str, str]:
    wanted = [c for c in columns if c == "agreed" or c.startswith(("issue.", "utility."))]
    return {c: "deal probability" if c == "agreed" else c for c in wanted}


def describe_pawn(indices: pd.DataFrame, runs: int) -> str:
    """The strongest driver of each output and how many parameters clear the chance level."""
    lines = [f"PAWN indices from the {runs:,} runs of the folder ({SLICES} slices; no new runs)."]
    for _, rows in indices.groupby("output", sort=False):
        best = rows.iloc[0]
        informative = int(rows["informative"].sum())
        lines.append(
            f"  {best['output_label']}: {best['parameter'].removeprefix('drawn.')} "
            f"(median {best['median']:.3f}); {informative} of {len(rows)} parameters above "
            f"the chance level {best['critical']:.3f}"
        )
    return "\n".join(lines)


def given_data_sensitivity(
    directory: str | Path, out: str | Path | None = None, *, force: bool = False, seed: int = 0
) -> GivenDataResult:
    """PAWN indices of the drawn parameters of a result folder, with charts and a table.

    The folder (by default ``results/sensitivity-<folder>-given-data/``) receives
    ``pawn.csv``, ``sensitivity.md``, a chart ``sobol_<output>.png`` per output,
    ``sensitivity.json``, ``manifest.json`` and ``report.html``.

    Raises:
        UsageError: Not a result folder, no varying drawn parameter, or the output folder exists.
    """
    import pyarrow.parquet as pq

    directory = Path(directory)
    check_result_folder(directory)
    out = (
        Path(out)
        if out is not None
        else DEFAULT_RESULTS / (f"sensitivity-{directory.resolve().name}-given-data")
    )
    check_destination(out, force)
    names = pq.ParquetFile(directory / "runs.parquet").schema_arrow.names
    outputs = _outputs(names)
    columns = [n for n in names if n.startswith("drawn.")] + list(outputs)
    table = pd.read_parquet(directory / "runs.parquet", columns=columns)
    indices = pawn_table(table, outputs, seed)
    charts = {o: chart_name(o) for o in indices["output"].unique()}
    figures = {name: plot_pawn(indices, output) for output, name in charts.items()}
    shown = indices.assign(
        parameter=indices["parameter"].str.removeprefix("drawn."),
        median=indices["median"].map("{:.3f}".format),
        maximum=indices["maximum"].map("{:.3f}".format),
    )[["output_label", "parameter", "median", "maximum", "informative", "rank"]]
    document = Document(
        kind="sensitivity",
        title=f"Given-data sensitivity of {directory.name}",
        subtitle=f"PAWN indices from {len(table):,} runs",
        text=describe_pawn(indices, len(table)),
        tables=[DocumentTable("PAWN indices", shown, indices, "pawn.csv")],
        notes=[
            "PAWN (Pianosi & Wagener 2015; SALib pawn.analyze): Kolmogorov-Smirnov distance "
            f"between the output's distribution in each of {SLICES} slices of a parameter's "
            "range and over all runs; the median over the slices ranks the parameters.",
            "Chance level: the two-sample KS critical value at 5% for one slice against all "
            "runs; a parameter below it cannot be told from one without effect.",
        ],
        charts={name: f"PAWN indices of the {output}." for output, name in charts.items()},
    )
    source = json.loads((directory / "manifest.json").read_text())
    manifest = {
        "input": str(directory),
        "method": "PAWN (SALib pawn.analyze), given data",
        "slices": SLICES,
        "runs": len(table),
        "seed": seed,
        "scenario": source.get("scenario", {}),
    }
    with analysis_folder(out, "sensitivity", manifest, force) as folder:
        write_document(folder, document, figures, report=True)
    return GivenDataResult(out, indices, document.text)
