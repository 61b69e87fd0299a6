"""Display tables: numbers as short strings, Markdown tables, tables as stored for the report."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def markdown_table(frame: pd.DataFrame) -> str:
    r"""A GitHub-flavoured Markdown table of a frame of display strings.

    Examples:
        >>> print(markdown_table(pd.DataFrame({"a": ["1"], "b": ["x|y"]})))
        | a | b |
        | --- | --- |
        | 1 | x\|y |
    """

    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(c) for c in frame.columns) + " |",
        "| " + " | ".join("---" for _ in frame.columns) + " |",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines)


def display_table(title: str, frame: pd.DataFrame, csv: str | None = None) -> dict[str, Any]:
    """A table of display strings as stored in ``<kind>.json`` for the report."""
    return {
        "title": title,
        "columns": [str(c) for c in frame.columns],
        "rows": [[str(v) for v in row] for row in frame.itertuples(False)],
        "csv": csv,
    }


def number(value: Any, digits: int = 3) -> str:
    """A number for a table: ``digits`` significant digits, thousands separated, ``-`` if missing.

    Examples:
        >>> [number(x) for x in (0.012345, 15.234, 1234.5, float("nan"), None)]
        ['0.0123', '15.2', '1,234', '-', '-']
    """
    if value is None or pd.isna(value):
        return "-"
    value = float(value)
    if abs(value) >= 10**digits:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def p_text(p: float) -> str:
    """A p-value for a table.

    Examples:
        >>> [p_text(p) for p in (0.0000001, 0.0123, 0.5, float("nan"))]
        ['<0.001', '0.012', '0.5', '-']
    """
    if math.isnan(p):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.2g}" if p >= 0.1 else f"{p:.3f}"


def days(count: float) -> str:
    """A number of days, rounded, with the noun in the singular for one.

    Examples:
        >>> days(1), days(1.2), days(0), days(14.6), days(-1)
        ('1 day', '1 day', '0 days', '15 days', '-1 day')
    """
    rounded = round(count)
    return f"{rounded:,} day{'' if abs(rounded) == 1 else 's'}"
