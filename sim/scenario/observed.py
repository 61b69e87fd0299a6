"""What happened in a negotiation: the observed-outcome files that a backtest holds scenarios to.

One file per case, ``scenarios/observed/<case>.yaml``. Every fact is a mapping with its value and
its ``source`` (``name``, ``date``, ``url``)::

    case: korea_us_2025
    scenario: ../korea_us_2025.yaml      # relative to this file
    as_of: 2025-06-16                    # the scenario's calendar.start
    ended_by: {value: agreement, source: {name: UPI, date: 2025-07-31, url: "https://..."}}
    agreement_date: {value: 2025-07-30, source: {...}}   # iff ended_by is agreement
    extensions: {value: 1, source: {...}}                # deadline moves after as_of
    deadline_in_force: {value: 2025-08-01, source: {...}}
    issues:
      tariff: {value: 15, source: {...}}                 # exact
      investment: {low: 300, high: 350, source: {...}}   # an interval where reports disagree
      troop_payment: {not_settled: true, source: {...}}  # the deal did not settle it

Files are read like scenario files (``sim.scenario.loading``: safe YAML, bounded size, the line
of every key) and every mistake is a ``ScenarioError`` naming the file, line and field. Observed
files are not scenarios: ``negsim validate`` and the shipped-scenario lists leave them out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    StringConstraints,
    ValidationError,
    model_validator,
)

from sim.columns import ENDINGS
from sim.errors import Problem, ScenarioError
from sim.scenario.loading import (
    LocatedData,
    located_problem,
    read_located,
    validation_problems,
)
from sim.scenario.schema import Name, Scenario, fields_at

OBSERVED_FOLDER = "observed"
"""The folder under ``scenarios/`` that holds observed-outcome files, not scenarios."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]


def _calendar_date(value: Any) -> Any:
    """Only a calendar date (``2025-07-30``): no times, no numbers of seconds since 1970."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError("expected a date written YYYY-MM-DD")


Date = Annotated[dt.date, BeforeValidator(_calendar_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a fact is reported."""

    name: Text
    """The publication or body (``UPI``, ``White House``)."""
    date: Date
    """When it was published."""
    url: Url
    """Where to read it."""


class EndingFact(_Strict):
    """How the talks ended: one of the endings of a run (``sim.columns.ENDINGS``)."""

    value: Literal[tuple(ENDINGS)]  # type: ignore[valid-type]
    source: Source


class DateFact(_Strict):
    """A date that happened, US time unless the scenario's calendar says otherwise."""

    value: Date
    source: Source


class CountFact(_Strict):
    """A number of times something happened."""

    value: int = Field(ge=0, le=1000)
    source: Source


class IssueFact(_Strict):
    """An issue's value in the deal: exact, an interval where reports disagree, or not settled."""

    value: FiniteFloat | None = None
    """The value, in the issue's unit."""
    low: FiniteFloat | None = None
    """Lowest reported value (with ``high``)."""
    high: FiniteFloat | None = None
    """Highest reported value (with ``low``)."""
    not_settled: Literal[True] | None = None
    """True when the deal left the issue out."""
    source: Source

    @model_validator(mode="after")
    def _one_kind(self) -> IssueFact:
        kinds = [self.value is not None, self.low is not None or self.high is not None]
        kinds.append(self.not_settled is not None)
        if sum(kinds) != 1:
            raise ValueError(
                "give exactly one of: value (exact), low and high (an interval), not_settled: true"
            )
        if kinds[1] and (self.low is None or self.high is None):
            raise ValueError("an interval needs both low and high")
        if kinds[1] and self.low > self.high:
            raise ValueError(f"low ({self.low:g}) must not be above high ({self.high:g})")
        return self

    @property
    def settled(self) -> bool:
        """True if the deal set the issue (exactly or within an interval)."""
        return self.not_settled is None

    @property
    def interval(self) -> tuple[float, float]:
        """``(low, high)``; both the value when it is exact."""
        if self.value is not None:
            return (self.value, self.value)
        if self.low is None or self.high is None:
            raise ValueError("an issue that was not settled has no value")
        return (self.low, self.high)


class Observed(_Strict):
    """What happened in one case, fact by fact, each with its source."""

    case: Name
    """Identifier of the case (``korea_us_2025``)."""
    scenario: Text
    """The scenario file it checks, relative to the observed file."""
    as_of: Date
    """The date the scenario stands at (its ``calendar.start``)."""
    ended_by: EndingFact
    agreement_date: DateFact | None = None
    """The deal's date; present exactly when the talks ended by agreement."""
    extensions: CountFact
    """How many times the deadline moved after ``as_of``."""
    deadline_in_force: DateFact
    """The deadline in force when the talks ended."""
    issues: dict[Name, IssueFact]
    """One entry per issue of the scenario."""

    @model_validator(mode="after")
    def _dates(self) -> Observed:
        agreed = self.ended_by.value == "agreement"
        if agreed and self.agreement_date is None:
            raise ValueError("agreement_date: required when ended_by is agreement")
        if not agreed and self.agreement_date is not None:
            raise ValueError(
                f"agreement_date: only for talks that ended by agreement, not "
                f"{self.ended_by.value!r}"
            )
        if self.agreement_date is not None and self.agreement_date.value < self.as_of:
            raise ValueError(f"agreement_date: is before as_of ({self.as_of})")
        if self.deadline_in_force.value < self.as_of:
            raise ValueError(f"deadline_in_force: is before as_of ({self.as_of})")
        return self


def observed_fields(location: tuple[str, ...]) -> set[str]:
    """Field names an observed file allows under a location (empty where keys are free).

    Examples:
        >>> sorted(observed_fields(("ended_by",)))
        ['source', 'value']
        >>> sorted(observed_fields(("issues", "tariff")))
        ['high', 'low', 'not_settled', 'source', 'value']
    """
    return fields_at(Observed, location)


@dataclass
class LoadedObserved:
    """A validated observed file together with where it came from.

    Attributes:
        observed: The typed facts.
        path: The file.
        document: Its data and the line of every key, for messages about it.
    """

    observed: Observed
    path: Path
    document: LocatedData

    @property
    def scenario_path(self) -> Path:
        """The scenario file the observed file names, relative to it."""
        return self.path.parent / self.observed.scenario

    def problem(self, where: str, message: str) -> Problem:
        """A problem with the field at dotted path ``where``, with its line."""
        return located_problem(self.document, self.path, tuple(where.split(".")), message)


def load_observed(path: str | Path) -> LoadedObserved:
    """Read and validate an observed-outcome file.

    Args:
        path: A YAML observed-outcome file.

    Returns:
        The validated facts with their provenance.

    Raises:
        ScenarioError: The file cannot be read or breaks a rule of the format (each problem
            names the file, the line and the field).
    """
    path = Path(path)
    document = read_located(path, observed_fields, "an observed-outcome file")
    try:
        observed = Observed.model_validate(document.data)
    except ValidationError as error:
        problems = []
        for where, text in validation_problems(error, document.data, observed_fields):
            field, _, rest = text.partition(": ")
            if rest and field in Observed.model_fields and where == ():
                where, text = (field,), rest  # a rule across fields, said of the field it names
            problems.append(located_problem(document, path, where, text))
        raise ScenarioError(problems) from None
    return LoadedObserved(observed, path, document)


def issue_problems(loaded: LoadedObserved, scenario: Scenario) -> list[Problem]:
    """What keeps the observed file from fitting the scenario: an issue or a deadline.

    An issue missing on either side, or a deadline in force that the scenario's calendar would
    date otherwise. A scenario issue that the file lacks is reported at the line of ``issues``;
    an issue the scenario does not have, at its own line. With no extension observed, the
    deadline in force is the scenario's own deadline (the last day to agree): a file that dates
    it a day later would turn events such as "a deal in the last week" the wrong way.
    """
    facts = loaded.observed
    problems = []
    if facts.extensions.value == 0 and facts.deadline_in_force.value != scenario.calendar.deadline:
        problems.append(
            loaded.problem(
                "deadline_in_force.value",
                f"{facts.deadline_in_force.value} is not the scenario's deadline "
                f"({scenario.calendar.deadline}, the last day to agree), and no extension is "
                "observed: write the scenario's date, or the extension",
            )
        )
    observed = facts.issues
    problems += [
        loaded.problem(
            "issues",
            f"no entry for the scenario's issue {name!r} (give its value, low and high, or "
            "not_settled: true)",
        )
        for name in scenario.issues
        if name not in observed
    ]
    problems += [
        loaded.problem(
            f"issues.{name}",
            f"the scenario {scenario.name!r} has no issue {name!r} (its issues: "
            f"{', '.join(scenario.issues)})",
        )
        for name in observed
        if name not in scenario.issues
    ]
    return problems
