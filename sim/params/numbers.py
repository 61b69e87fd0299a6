"""Scenario parameters that are either a fixed number or a distribution drawn once per run.

``Number(ge=0)`` is the type of a parameter that must be at least zero; a distribution given for it
must have its whole support inside the allowed range, so that no draw can break the constraint.
"""

from __future__ import annotations

import math
import reprlib
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, TypeAdapter, ValidationError

from sim.params.distributions import DISTRIBUTION_NAMES, Distribution

Param = float | Distribution
"""A number, or a distribution to draw one number per run from."""

_distribution = TypeAdapter(Distribution)


def _parse(value: Any) -> Param:
    """Turn YAML input into a float or a distribution, with a message a user can act on."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a number or a distribution, got {value!r}")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an int beyond the float range
            number = math.inf
        if not math.isfinite(number):
            raise ValueError(f"expected a finite number, got {reprlib.repr(value)}")
        return number
    if isinstance(value, dict):
        if "dist" not in value:
            raise ValueError(
                "a distribution needs a 'dist' key, one of: " + ", ".join(DISTRIBUTION_NAMES)
            )
        _check_names(value)
        try:
            return _distribution.validate_python(value)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"][1:] if part != first["loc"][0])
            text = first["msg"].removeprefix("Value error, ")
            if first["type"] == "union_tag_invalid":
                text = f"unknown distribution {value['dist']!r}; expected one of: " + ", ".join(
                    DISTRIBUTION_NAMES
                )
            raise ValueError(f"{where}: {text}" if where else text) from None
    raise ValueError(f"expected a number or a distribution, got {type(value).__name__} {value!r}")


NAMES_ELSEWHERE = {
    "uniform": {"min": "low", "max": "high", "lower": "low", "upper": "high"},
    "normal": {"sigma": "sd", "std": "sd", "mu": "mean"},
}
"""Parameter names that other tools give a distribution, and what a scenario calls them."""
EXAMPLES = {
    "uniform": "{dist: uniform, low: 0.1, high: 0.3}",
    "normal": "{dist: normal, mean: 1, sd: 0.2}",
}


def _check_names(value: dict[str, Any]) -> None:
    """Refuse a parameter named as another tool names it (``min:`` on a uniform), saying ours."""
    dist = str(value["dist"])
    renames = NAMES_ELSEWHERE.get(dist, {})
    for key in value:
        if key in renames:
            raise ValueError(
                f"{key}: a {dist} distribution has no {key!r}; did you mean {renames[key]!r}? "
                f"(e.g. {EXAMPLES[dist]})"
            )


def support(param: Param) -> tuple[float, float]:
    """Interval of values the parameter can take."""
    return (param, param) if isinstance(param, float) else param.support()


def _within(ge: float | None, le: float | None, gt: float | None):
    def check(param: Param) -> Param:
        low, high = support(param)
        what = "the value" if isinstance(param, float) else "every draw of the distribution"
        if ge is not None and low < ge:
            raise ValueError(f"{what} must be >= {ge:g}, got {low:g}")
        if gt is not None and low <= gt:
            raise ValueError(f"{what} must be > {gt:g}, got {low:g}")
        if le is not None and high > le:
            raise ValueError(f"{what} must be <= {le:g}, got {high:g}")
        return param

    return check


@dataclass(frozen=True)
class Bounds:
    """The allowed range of a parameter, kept beside its validators for tools that show it.

    Attributes:
        ge: Smallest allowed value, if any.
        le: Largest allowed value, if any.
        gt: Value that every allowed value must exceed, if any.
    """

    ge: float | None = None
    le: float | None = None
    gt: float | None = None


def Number(*, ge: float | None = None, le: float | None = None, gt: float | None = None):
    """Type of a numeric parameter with optional bounds, fixed or drawn per run."""
    return Annotated[
        Param, BeforeValidator(_parse), AfterValidator(_within(ge, le, gt)), Bounds(ge, le, gt)
    ]


Probability = Number(ge=0, le=1)
"""A probability: a number or distribution within [0, 1]."""
