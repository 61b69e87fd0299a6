"""Writing the output folder of an analysis command: one helper for every command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from sim.batch.storage import provenance, staged_folder, write_json, write_text
from sim.charts.figures import save_figures
from sim.report.document import Document
from sim.report.html import write_report

DEFAULT_RESULTS = Path("results")
"""Where output folders go unless another is given."""


@contextmanager
def analysis_folder(out: Path, kind: str, manifest: dict[str, Any], force: bool) -> Iterator[Path]:
    """A staging folder that replaces ``out`` when the block succeeds (``sim.batch.storage``).

    Its ``manifest.json`` holds ``kind``, the provenance of negsim and ``manifest``.
    """
    with staged_folder(out, {"kind": kind, **provenance(), **manifest}, force) as folder:
        yield folder


def write_document(
    folder: Path, document: Document, figures: dict[str, Figure], report: bool = False
) -> None:
    """Write an analysis's charts, CSV tables, ``<kind>.md``, ``<kind>.json`` and the report."""
    save_figures(figures, folder)
    for table in document.tables:
        if table.csv and table.data is not None:
            table.data.to_csv(folder / table.csv, index=False)
    write_text(folder / f"{document.kind}.md", document.markdown())
    write_json(folder / f"{document.kind}.json", document.description())
    if report:
        write_report(folder)
