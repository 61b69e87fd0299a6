"""The typed scenario: what a YAML file must contain once loaded, and what each field means.

Validation happens here, once; past this boundary the objects are trusted. ``sim.loading`` reads the
YAML, follows ``extends:`` and turns the errors raised here into messages with file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from sim import acceptance, strategies
from sim.distributions import DistributionBase
from sim.params import Number, Param, Probability, support

Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
"""Lower-case identifier used in column names (``issue.tariff``, ``utility.us``)."""


def did_you_mean(word: str, choices) -> str:
    """A ``did you mean 'x'?`` hint when ``word`` is a near miss of one of ``choices``."""
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _by_name(kind: str, registry: dict[str, type]):
    """Type of a YAML block ``{name: ..., <parameters>}`` selecting a class from ``registry``."""
    models = tuple(cls.parameters for cls in registry.values())

    def known_name(value: Any) -> Any:
        if isinstance(value, dict):
            name = value.get("name")
            if name is None:
                raise ValueError(f"needs a 'name': one of {', '.join(registry)}")
            if name not in registry:
                raise ValueError(
                    f"unknown {kind} {name!r}; expected one of: {', '.join(registry)}"
                    + did_you_mean(name, registry)
                )
        return value

    model = models[0] if len(models) == 1 else Annotated[Union[models], Field(discriminator="name")]  # noqa: UP007
    return Annotated[model, BeforeValidator(known_name)]


StrategySpec = _by_name("strategy", strategies.REGISTRY)
AcceptanceSpec = _by_name("acceptance rule", acceptance.REGISTRY)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Issue(_Strict):
    """A negotiated issue, in its own unit."""

    label: str
    """Human-readable name, used in chart titles."""
    unit: str
    """Unit of the values, e.g. ``%`` or ``USD bn / year``; used on chart axes."""
    bounds: tuple[float, float]
    """Lowest and highest value any package may give this issue."""
    no_deal: Param
    """Value that holds if the talks end without agreement (e.g. the tariff snaps back to 25%)."""


class Preference(_Strict):
    """A negotiator's stance on one issue."""

    ideal: Param
    """Value the negotiator would most like, in the issue's unit (its opening position)."""
    weight: Number(ge=0)
    """Salience; the weights of a negotiator are normalised to sum to one in every run."""


class Negotiator(_Strict):
    """A party at the table, with its payoffs and its way of bargaining."""

    label: str
    preferences: dict[Name, Preference]
    """One entry per issue."""
    outside_option: Number(ge=-1, le=1) = 0.0
    """Utility added to the no-deal outcome to give the reservation utility (BATNA)."""
    strategy: StrategySpec
    acceptance: AcceptanceSpec = Field(
        default_factory=lambda: acceptance.REGISTRY["next"].parameters(name="next")
    )
    offer_rule: Literal["cheapest_first", "uniform"] = "cheapest_first"
    """How a target utility becomes a package: concede first on the issues that cost the
    negotiator least (``cheapest_first``), or the same share on every issue (``uniform``)."""


class Extension(_Strict):
    """A possible extension of the deadline, decided at random when the deadline is reached."""

    probability: Probability = 0.0
    days: Number(ge=0, le=3650) = 0.0
    """Length of the extension in days; the meetings continue on the same rhythm."""


class Calendar(_Strict):
    """When the working-level meetings (rounds) take place."""

    start: dt.date
    """Date of the first meeting."""
    deadline: dt.date
    """Last day for agreement (the tariff pause expiry); the last round is the last meeting on or
    before it."""
    meeting_interval_days: Number(ge=1, le=365) = 7.0
    extension: Extension = Extension()


class Protocol(_Strict):
    """Rules of the alternating-offers game."""

    first_proposer: Name
    breakdown_probability: Probability = 0.0
    """Chance per round that talks collapse for good (no deal)."""
    discount_per_round: Number(gt=0, le=1) = 1.0
    """Factor applied per round of delay to the utility reported as ``discounted_utility``."""


class Scenario(_Strict):
    """A complete negotiation scenario; see ``scenarios/korea_us_2025.yaml`` for a commented one."""

    name: Name
    description: str = ""
    runs: int = Field(default=10_000, ge=1, le=1_000_000_000)
    """Default number of Monte Carlo runs (``--runs`` overrides)."""
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    """Default master seed (``--seed`` overrides)."""
    calendar: Calendar
    protocol: Protocol
    issues: dict[Name, Issue] = Field(min_length=1, max_length=20)
    negotiators: dict[Name, Negotiator] = Field(min_length=2, max_length=2)


def iter_params(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Param]]:
    """Every numeric parameter of a validated model, as ``(dotted path, number or distribution)``.

    Only ``float`` fields and distributions count; fixed settings such as issue bounds do not.
    """
    for field_name in type(model).model_fields:
        value = getattr(model, field_name)
        path = f"{prefix}{field_name}"
        if isinstance(value, float | DistributionBase):
            yield path, value
        elif isinstance(value, BaseModel):
            yield from iter_params(value, path + ".")
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    yield from iter_params(item, f"{path}.{key}.")


def consistency_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Problems that span several fields, as ``(dotted path, message)`` pairs."""
    problems = []
    calendar = scenario.calendar
    if calendar.deadline < calendar.start:
        problems.append(
            ("calendar.deadline", f"must not be before calendar.start ({calendar.start})")
        )
    for name, issue in scenario.issues.items():
        low, high = issue.bounds
        if low >= high:
            problems.append(
                (f"issues.{name}.bounds", f"lower bound {low:g} must be below {high:g}")
            )
            continue
        problems += _outside(f"issues.{name}.no_deal", issue.no_deal, low, high)
    if scenario.protocol.first_proposer not in scenario.negotiators:
        problems.append(
            (
                "protocol.first_proposer",
                f"{scenario.protocol.first_proposer!r} is not a negotiator; expected one of: "
                + ", ".join(scenario.negotiators)
                + did_you_mean(scenario.protocol.first_proposer, scenario.negotiators),
            )
        )
    for party, negotiator in scenario.negotiators.items():
        path = f"negotiators.{party}.preferences"
        for missing in scenario.issues.keys() - negotiator.preferences.keys():
            problems.append((path, f"has no entry for issue {missing!r}"))
        for name, preference in negotiator.preferences.items():
            if name not in scenario.issues:
                problems.append(
                    (
                        f"{path}.{name}",
                        f"{name!r} is not an issue; expected one of: "
                        + ", ".join(scenario.issues)
                        + did_you_mean(name, scenario.issues),
                    )
                )
                continue
            low, high = scenario.issues[name].bounds
            if low < high:
                problems += _outside(f"{path}.{name}.ideal", preference.ideal, low, high)
        if sum(support(p.weight)[1] for p in negotiator.preferences.values()) <= 0:
            problems.append((path, "at least one issue needs a positive weight"))
    return problems


def _outside(path: str, param: Param, low: float, high: float) -> list[tuple[str, str]]:
    """A problem when ``param`` can fall outside the issue bounds ``[low, high]``."""
    first, last = support(param)
    if first < low or last > high:
        what = f"value {first:g}" if first == last else f"range [{first:g}, {last:g}]"
        return [(path, f"{what} lies outside the issue bounds [{low:g}, {high:g}]")]
    return []
