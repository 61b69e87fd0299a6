"""Conditions on the columns of ``runs.parquet``, as an analyst writes them.

``agreed and issue.tariff <= 15`` names columns as they are spelled in the table (dots included);
the condition is evaluated by pandas after each column name is quoted.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sim.errors import UsageError

_NAME = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"|[A-Za-z_][\w.]*")
_WORDS = {"and", "or", "not", "True", "False", "in", "is"}


def referenced_columns(expression: str, columns: list[str]) -> list[str]:
    """The columns an expression names.

    Raises:
        UsageError: It names something that is not a column; the message lists the columns.

    Examples:
        >>> referenced_columns("agreed and issue.tariff <= 15", ["agreed", "issue.tariff"])
        ['agreed', 'issue.tariff']
    """
    names = []
    for match in _NAME.finditer(expression):
        token = match.group()
        if token[0] in "`'\"" or token in _WORDS:
            continue
        if token not in columns:
            raise UsageError(
                f"--where {expression!r}: {token!r} is not a column of runs.parquet; the "
                f"columns are: {', '.join(columns)}"
            )
        names.append(token)
    return list(dict.fromkeys(names))


def evaluate_condition(table: pd.DataFrame, expression: str) -> np.ndarray:
    """The runs where ``expression`` holds, as a boolean array.

    Raises:
        UsageError: It names an unknown column, is not valid, or does not give true/false.

    Examples:
        >>> frame = pd.DataFrame({"agreed": [True, True, False], "issue.tariff": [10, 20, 25]})
        >>> evaluate_condition(frame, "agreed and issue.tariff <= 15").tolist()
        [True, False, False]
    """
    columns = [str(c) for c in table.columns]
    referenced_columns(expression, columns)

    def quote(match: re.Match) -> str:
        token = match.group()
        return f"`{token}`" if token in columns else token

    quoted = _NAME.sub(quote, expression)
    try:
        result = table.eval(quoted, engine="python")
    except Exception as error:  # pandas raises many kinds for a bad expression
        raise UsageError(f"--where {expression!r} is not a valid condition: {error}") from None
    values = np.asarray(result)
    if values.shape != (len(table),) or values.dtype != bool:
        raise UsageError(
            f"--where {expression!r} must be true or false for each run "
            "(e.g. 'agreed and issue.tariff <= 15')"
        )
    return values
