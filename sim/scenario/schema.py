"""The typed scenario: what a YAML file must contain once loaded, and what each field means.

Validation happens here, once; past this boundary the objects are trusted.
``sim.scenario.loading`` reads the YAML, follows ``extends:`` and turns the errors raised here
into messages with file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import typing
from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, FiniteFloat, StringConstraints

from sim.params.distributions import DistributionBase
from sim.params.numbers import Number, Param, Probability, support
from sim.players import acceptance, strategies

MAX_MEETINGS = 5_000
"""Most rounds a scenario may have, extension included."""
CALENDAR_DAYS = (dt.date(100, 1, 1), dt.date(9900, 12, 31))
"""First and last day a calendar may reach (longest extension included): dates further out
cannot be computed, stored or drawn with room to spare."""

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
            if not isinstance(name, str) or name not in registry:
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
    bounds: tuple[FiniteFloat, FiniteFloat]
    """Lowest and highest value any package may give this issue."""
    no_deal: Number()
    """Value that holds if the talks end without agreement (e.g. the tariff snaps back to 25%)."""


class Preference(_Strict):
    """A negotiator's stance on one issue."""

    ideal: Number()
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
    discount_per_round: Number(gt=0, le=1) | None = None
    """This negotiator's own discount factor per round; the protocol's when not given."""
    audience_cost: Number(ge=0, le=1) = 0.0
    """Utility its leader loses at home by backing down from public threats, that is by agreeing
    to any deal (Fearon 1994). It raises the reservation utility the negotiator bargains with
    and is subtracted from its utility of a deal."""
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


class Summit(_Strict):
    """A scheduled meeting of the leaders that may or may not take place."""

    date: dt.date
    probability: Probability = 1.0
    """Chance that it takes place (drawn once per run)."""
    concession: Number(ge=0, le=1) = 0.0
    """Share of its remaining room each side concedes at the first meeting after the summit."""
    rapport: Number(ge=-1, le=1) = 0.0
    """Change of the leaders' rapport (see ``Events.rapport``)."""


class Shock(_Strict):
    """A random event that may strike in any round (at most once per run) and shifts priorities."""

    probability_per_round: Probability
    negotiator: Name
    """Whose priorities it shifts."""
    issue: Name
    """The issue whose salience weight changes."""
    weight_change: Number(ge=-1, le=1)
    """Added to the negotiator's (normalised) weight on the issue; weights are then renormalised."""


class Events(_Strict):
    """Summits, shocks and the leaders' rapport."""

    rapport: Number(ge=-1, le=1) = 0.0
    """Utility both leaders attach to reaching a deal, from their personal relationship: it lowers
    both sides' reservation utility (a negative value raises it)."""
    summits: dict[Name, Summit] = Field(default_factory=dict)
    shocks: dict[Name, Shock] = Field(default_factory=dict)


class Retaliation(_Strict):
    """A third party that may retaliate against one negotiator, more likely the higher an issue."""

    kind: Literal["retaliation"]
    label: str
    target: Name
    """The negotiator who bears the cost."""
    issue: Name
    """The issue whose final value drives the risk (e.g. alignment with US China policy)."""
    base_probability: Probability = 0.0
    probability_per_unit: Number(ge=0, le=100) = 0.0
    """Added to the probability per unit of the issue's final value above its lower bound."""
    cost: Number(ge=0, le=1) = 0.0
    """Utility the target loses if retaliation comes."""


class Ratification(_Strict):
    """A legislature that must ratify a deal.

    It ratifies if its utility of the deal reaches its threshold (the win-set of Putnam 1988);
    otherwise the no-deal values hold.
    """

    kind: Literal["ratification"]
    label: str
    ratifies_for: Name
    """The negotiator whose legislature it is."""
    threshold: Number(ge=0, le=1)
    preferences: dict[Name, Preference]
    """Its ideal point and weight on each issue (all issues, like a negotiator's)."""


ThirdParty = Annotated[Retaliation | Ratification, Field(discriminator="kind")]


class Scenario(_Strict):
    """A complete negotiation scenario; see ``scenarios/korea_us_2025.yaml`` for a commented one."""

    name: Name
    description: str = ""
    runs: int = Field(default=10_000, ge=1, le=1_000_000_000)
    """Default number of Monte Carlo runs (a batch may ask for another number)."""
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    """Default master seed (a batch may ask for another)."""
    calendar: Calendar
    protocol: Protocol
    issues: dict[Name, Issue] = Field(min_length=1, max_length=20)
    negotiators: dict[Name, Negotiator] = Field(min_length=2, max_length=2)
    events: Events = Events()
    third_parties: dict[Name, ThirdParty] = Field(default_factory=dict)


def schema_fields(location: list[str] | tuple[str, ...]) -> set[str]:
    """Field names the schema allows under a dotted location (empty where keys are free).

    Examples:
        >>> sorted(schema_fields(["calendar", "extension"]))
        ['days', 'probability']
        >>> schema_fields(["issues"])  # issue names are the scenario's own
        set()
    """
    annotation: Any = Scenario
    for part in location:
        if typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
            continue
        model = _model_of(annotation)
        if model is None or part not in model.model_fields:
            return set()
        annotation = model.model_fields[part].annotation
    if typing.get_origin(annotation) is dict:
        return set()
    model = _model_of(annotation)
    return set(model.model_fields) if model is not None else set()


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``Extension | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = _model_of(argument)
        if found is not None:
            return found
    return None


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


def longest_extension(calendar: Calendar) -> float:
    """Most days an extension can add to the deadline."""
    return support(calendar.extension.days)[1]


def consistency_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Problems that span several fields, as ``(dotted path, message)`` pairs."""
    problems = []
    calendar = scenario.calendar
    if calendar.deadline < calendar.start:
        problems.append(
            ("calendar.deadline", f"must not be before calendar.start ({calendar.start})")
        )
    longest = (calendar.deadline - calendar.start).days + support(calendar.extension.days)[1]
    meetings = math.floor(longest / support(calendar.meeting_interval_days)[0]) + 1
    if meetings > MAX_MEETINGS:
        problems.append(
            (
                "calendar.deadline",
                f"the calendar allows up to {meetings:,.0f} meetings; at most {MAX_MEETINGS:,} "
                "are simulated (bring the deadline closer or meet less often)",
            )
        )
    first, last = CALENDAR_DAYS
    if calendar.start < first or (calendar.deadline - last).days + longest_extension(calendar) > 0:
        problems.append(
            (
                "calendar",
                f"the calendar, with its longest extension, must lie between {first} and {last}",
            )
        )
    for name, issue in scenario.issues.items():
        low, high = issue.bounds
        if low >= high:
            problems.append(
                (f"issues.{name}.bounds", f"lower bound {low:g} must be below {high:g}")
            )
            continue
        if not math.isfinite(high - low):
            problems.append((f"issues.{name}.bounds", f"[{low:g}, {high:g}] is too wide"))
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
    problems += _reference_problems(scenario)
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


def _reference_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Events and third parties must name negotiators and issues of the scenario."""
    problems = []
    references = [
        (f"events.shocks.{name}", "negotiator", shock.negotiator, shock.issue)
        for name, shock in scenario.events.shocks.items()
    ]
    for name, party in scenario.third_parties.items():
        if isinstance(party, Retaliation):
            references.append((f"third_parties.{name}", "target", party.target, party.issue))
        else:
            references.append((f"third_parties.{name}", "ratifies_for", party.ratifies_for, None))
            missing = scenario.issues.keys() - party.preferences.keys()
            problems += [
                (f"third_parties.{name}.preferences", f"has no entry for issue {issue!r}")
                for issue in sorted(missing)
            ]
    for path, field, negotiator, issue in references:
        if negotiator not in scenario.negotiators:
            problems.append(
                (
                    f"{path}.{field}",
                    f"{negotiator!r} is not a negotiator; expected one of: "
                    + ", ".join(scenario.negotiators),
                )
            )
        if issue is not None and issue not in scenario.issues:
            problems.append(
                (
                    f"{path}.issue",
                    f"{issue!r} is not an issue; expected one of: "
                    + ", ".join(scenario.issues)
                    + did_you_mean(issue, scenario.issues),
                )
            )
    return problems
