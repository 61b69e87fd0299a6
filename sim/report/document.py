"""What an analysis command writes about its results: one ``Document`` for Markdown, JSON and HTML.

A comparison, sweep or sensitivity analysis describes its folder with a title, a text, display
tables (each with the CSV file holding its numbers), notes and captioned charts. The same
document becomes ``<kind>.md``, ``<kind>.json`` (which ``sim.report.html`` renders as
``report.html``) and the text printed on the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sim.report.tables import display_table, markdown_table


@dataclass
class DocumentTable:
    """A table of display strings, and optionally the numbers behind it.

    Attributes:
        title: Heading of the table.
        shown: The table as display strings.
        data: The numbers, written as ``csv`` (when both are given).
        csv: File name of the numbers.
    """

    title: str
    shown: pd.DataFrame
    data: pd.DataFrame | None = None
    csv: str | None = None


@dataclass
class Document:
    """The description of an analysis folder.

    Attributes:
        kind: ``comparison``, ``sweep`` or ``sensitivity``: the files are ``<kind>.md`` and
            ``<kind>.json``.
        title: Title of the page.
        subtitle: One line under the title.
        text: A short account, also printed on the terminal.
        tables: Display tables, in order.
        notes: How the numbers were computed.
        charts: Caption of each chart, by file name, in order.
        data: The numbers behind the tables, stored as ``results`` in ``<kind>.json``.
    """

    kind: str
    title: str
    subtitle: str
    text: str
    tables: list[DocumentTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def markdown(self) -> str:
        """The document as Markdown (``<kind>.md``), charts linked as images."""
        parts = [f"# {self.title}", *([self.subtitle] if self.subtitle else []), self.text]
        for table in self.tables:
            parts += [f"## {table.title}", markdown_table(table.shown)]
        if self.notes:
            parts.append("\n".join(f"- {note}" for note in self.notes))
        if self.charts:
            parts.append("## Charts")
            parts.append(
                "\n\n".join(
                    f"![{caption or name}]({name})" for name, caption in self.charts.items()
                )
            )
        return "\n\n".join(parts) + "\n"

    def description(self) -> dict[str, Any]:
        """The document as stored in ``<kind>.json`` for the HTML report."""
        description = {
            "kind": self.kind,
            "title": self.title,
            "subtitle": self.subtitle,
            "text": self.text,
            "notes": self.notes,
            "tables": [display_table(t.title, t.shown, t.csv) for t in self.tables],
            "charts": [{"file": name, "caption": caption} for name, caption in self.charts.items()],
        }
        return {**description, "results": self.data} if self.data else description
