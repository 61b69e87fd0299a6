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


RENAMED = {"trade_off": "logrolling"}
"""Strategy names of earlier versions, and what they are called now."""


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
            if isinstance(name, str) and name in RENAMED:
                raise ValueError(f"{kind} {name!r} is now called {RENAMED[name]!r}")
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
    negotiable: bool = True
    """False keeps the issue off the table: every offer leaves it at its no-deal value."""


class Preference(_Strict):
    """A negotiator's stance on one issue."""

    ideal: Number()
    """Value the negotiator would most like, in the issue's unit (its opening position)."""
    weight: Number(ge=0)
    """Salience; the weights of a negotiator are normalised to sum to one in every run."""
    value: Literal["linear", "quadratic", "exponential"] = "linear"
    """Shape of the value of the issue as it moves away from the ideal (Keeney & Raiffa 1976):
    ``linear`` (each step costs the same), ``quadratic`` or ``exponential`` (concave: small
    departures from the ideal cost little, large ones much)."""
    curvature: Number(gt=0, le=50) = 2.0
    """Curvature of an ``exponential`` value (near 0: almost linear)."""


class AudienceCost(_Strict):
    """What a leader loses at home by backing down from a public threat (Fearon 1994)."""

    cost: Number(ge=0, le=10) = 0.0
    """Utility lost per unit of utility by which a deal falls short of the threatened package."""
    threat: dict[Name, FiniteFloat] = Field(default_factory=dict)
    """The publicly threatened position, by issue; issues not named: the negotiator's ideal."""


def _audience_cost(value: Any) -> Any:
    """A number or a distribution as ``audience_cost`` is its ``cost``."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return {"cost": value} if number or (isinstance(value, dict) and "dist" in value) else value


class ExtensionBelief(_Strict):
    """What a negotiator believes about extensions; unset fields take the calendar's values."""

    probability: Probability | None = None
    """The chance it believes a deadline reached without agreement is extended."""
    days: Number(ge=0, le=3650) | None = None
    """The length it believes an extension has, in days."""


class Beliefs(_Strict):
    """A negotiator's beliefs where they may differ from the truth (unset: it knows the truth)."""

    extension: ExtensionBelief = ExtensionBelief()
    recognition: Probability | None = None
    """With random recognition: the chance it believes it has to propose in each round. The two
    sides' beliefs may sum to more than 1: optimism about bargaining power (Yildiz 2004)."""


class Negotiator(_Strict):
    """A party at the table, with its payoffs and its way of bargaining."""

    label: str
    """Human-readable name, used in charts and reports."""
    preferences: dict[Name, Preference]
    """One entry per issue."""
    outside_option: Number(ge=-1, le=1) = 0.0
    """Value of walking away to the best alternative, over the no-deal outcome (BATNA): after
    rejecting an offer the negotiator may take it at once (Binmore, Shaked & Sutton 1989)."""
    no_deal_adjustment: Number(ge=-1, le=1) = 0.0
    """Utility added to the no-deal outcome's: moves the disagreement point (e.g. costs of a
    failed negotiation that the issue values do not capture)."""
    strategy: StrategySpec
    """How it makes offers: a strategy chosen by `name`, with its parameters."""
    acceptance: AcceptanceSpec = Field(
        default_factory=lambda: acceptance.REGISTRY["next"].parameters(name="next")
    )
    """When it accepts an offer: an acceptance rule chosen by `name`, with its parameters (default
    `next`)."""
    discount_per_day: Number(gt=0, le=1) | None = None
    """This negotiator's own discount factor per day; the protocol's when not given."""
    discount_per_round: Any = None
    """No longer read (per meeting); see ``discount_per_day``."""
    audience_cost: Annotated[AudienceCost, BeforeValidator(_audience_cost)] = AudienceCost()
    """The cost of backing down from its public threat; a number is the ``cost``."""
    beliefs: Beliefs = Beliefs()
    offer_rule: Literal["cheapest_first", "uniform"] = "cheapest_first"
    """How a target utility becomes a package: concede first on the issues that cost the
    negotiator least (``cheapest_first``), or the same share on every issue (``uniform``)."""


class Extension(_Strict):
    """Possible extensions of the deadline, each decided at random when a deadline is reached.

    The deadline may be extended up to ``times`` times in a chain (2025: 9 April, then 9 July,
    then 1 August), each time with ``probability`` and by ``days``.
    """

    probability: Probability = 0.0
    """Chance that a deadline reached without agreement is extended (again)."""
    days: Number(ge=0, le=3650) = 0.0
    """Length of each extension in days; the meetings continue on the same rhythm."""
    times: int = Field(default=1, ge=0, le=20)
    """Most extensions in the chain."""


class Calendar(_Strict):
    """When the working-level meetings (rounds) take place."""

    start: dt.date
    """Date of the first meeting."""
    deadline: dt.date
    """Last day for agreement (the tariff pause expiry); the last round is the last meeting on or
    before it."""
    meeting_interval_days: Number(ge=1, le=365) = 7.0
    """Days between two meetings (rounds)."""
    extension: Extension = Extension()


class Protocol(_Strict):
    """Rules of the bargaining game: who proposes, the risk of breakdown, impatience."""

    first_proposer: Name
    """The negotiator who proposes first (with random recognition: the one
    `first_proposer_probability` is about)."""
    recognition: Literal["alternating", "random"] = "alternating"
    """Who proposes: the two sides in turn from ``first_proposer`` (Rubinstein 1982), or a
    random draw each round (Baron & Ferejohn 1989)."""
    first_proposer_probability: Probability = 0.5
    """With random recognition: the chance that ``first_proposer`` proposes in a round."""
    recognition_persistence: Probability = 0.0
    """With random recognition: the chance that the proposer of a round keeps the initiative in
    the next (otherwise it is drawn afresh with ``first_proposer_probability``): durable
    bargaining power (Simsek & Yildiz 2016)."""
    breakdown_per_day: Probability = 0.0
    """Hazard per day that talks collapse for good after a rejected offer (no deal)."""
    discount_per_day: Number(gt=0, le=1) = 1.0
    """Factor by which a day of delay discounts both sides' values."""
    breakdown_probability: Any = None
    """No longer read (per meeting); see ``breakdown_per_day``."""
    discount_per_round: Any = None
    """No longer read (per meeting); see ``discount_per_day``."""


class Summit(_Strict):
    """A scheduled meeting of the leaders that may or may not take place."""

    date: dt.date
    """Day of the summit."""
    probability: Probability = 1.0
    """Chance that it takes place (drawn once per run)."""
    concession: Number(ge=0, le=1) = 0.0
    """Share of its remaining room each side concedes at the first meeting after the summit."""
    rapport: Number(ge=-1, le=1) = 0.0
    """Change of the leaders' rapport (see ``Events.rapport``)."""


class Shock(_Strict):
    """A random event that may strike in any round (at most once per run) and shifts priorities."""

    probability_per_round: Probability
    """Chance that the shock strikes in a round (at most once per run)."""
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
    """Leaders' meetings that may take place, by key."""
    shocks: dict[Name, Shock] = Field(default_factory=dict)
    """Random events that shift a negotiator's priorities, by key."""


class Retaliation(_Strict):
    """A third party that may retaliate against one negotiator, more likely the higher an issue."""

    kind: Literal["retaliation"]
    label: str
    """Human-readable name, used in reports."""
    target: Name
    """The negotiator who bears the cost."""
    issue: Name
    """The issue whose final value drives the risk (e.g. alignment with US China policy)."""
    base_probability: Probability = 0.0
    """Chance of retaliation when the issue is at its lower bound."""
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
    """Human-readable name, used in reports."""
    anticipated: bool = True
    """Both negotiators know the win-set: they neither offer nor accept a deal it excludes."""
    ratifies_for: Name
    """The negotiator whose legislature it is."""
    threshold: Number(ge=0, le=1)
    """Utility of a deal (0-1) that the legislature needs to ratify it."""
    preferences: dict[Name, Preference]
    """Its ideal point and weight on each issue (all issues, like a negotiator's)."""


ThirdParty = Annotated[Retaliation | Ratification, Field(discriminator="kind")]


class Scenario(_Strict):
    """A complete negotiation scenario; see ``scenarios/korea_us_2025.yaml`` for a commented one."""

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A copy with the values of ``changes`` at their dotted paths, validated like YAML.

        A loaded scenario is frozen; this is the way to vary it from Python (``negsim sweep``
        does the same with ``--set``).

        Args:
            changes: Values by dotted path, e.g. ``{"calendar.extension.probability": 0}`` or
                ``{"negotiators.us.strategy.beta": {"dist": "uniform", "low": 0.1, "high": 0.3}}``.

        Returns:
            The changed scenario; this one is unchanged.

        Raises:
            UsageError: A path does not exist or a value makes the scenario invalid.

        Examples:
            >>> from sim.scenario.loading import load_scenario
            >>> base = load_scenario("scenarios/korea_us_2025.yaml").scenario
            >>> firm = base.with_changes({"calendar.extension.probability": 0, "name": "firm"})
            >>> firm.name, firm.calendar.extension.probability, base.name
            ('firm', 0.0, 'korea_us_2025')
        """
        from sim.scenario.variants import build_variant  # variants validate with this schema

        return build_variant(self.model_dump(mode="json", exclude_unset=True), changes)

    name: Name
    """Identifier of the scenario: names its result folder and its charts."""
    description: str = ""
    """What the scenario assumes, in a sentence or two."""
    runs: int = Field(default=10_000, ge=1, le=1_000_000_000)
    """Default number of Monte Carlo runs (a batch may ask for another number)."""
    seed: int = Field(default=0, ge=0, le=2**63 - 1)
    """Default master seed (a batch may ask for another)."""
    calendar: Calendar
    protocol: Protocol
    issues: dict[Name, Issue] = Field(min_length=1, max_length=20)
    """The issues on (or off) the table, by key (1 to 20)."""
    negotiators: dict[Name, Negotiator] = Field(min_length=2, max_length=2)
    """The two parties at the table, by key."""
    events: Events = Events()
    third_parties: dict[Name, ThirdParty] = Field(default_factory=dict)
    """Third parties (a retaliating power, a ratifying legislature), by key."""


def schema_fields(location: list[str] | tuple[str, ...]) -> set[str]:
    """Field names the schema allows under a dotted location (empty where keys are free).

    Examples:
        >>> sorted(schema_fields(["calendar", "extension"]))
        ['days', 'probability', 'times']
        >>> schema_fields(["issues"])  # issue names are the scenario's own
        set()
    """
    return fields_at(Scenario, location)


def fields_at(root: type[BaseModel], location: list[str] | tuple[str, ...]) -> set[str]:
    """Field names a pydantic model allows under a dotted location (empty where keys are free).

    Examples:
        >>> sorted(fields_at(Calendar, ["extension"]))
        ['days', 'probability', 'times']
    """
    annotations: list[Any] = [root]
    for part in location:
        if typing.get_origin(annotations[0]) is dict:
            annotations = [typing.get_args(annotations[0])[1]]
            continue
        models = [m for a in annotations for m in _models_of(a) if part in m.model_fields]
        if not models:
            return set()
        annotations = [model.model_fields[part].annotation for model in models]
    if typing.get_origin(annotations[0]) is dict:
        return set()
    return {name for a in annotations for model in _models_of(a) for name in model.model_fields}


def _models_of(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation (all the kinds of a union of them)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in typing.get_args(annotation) for model in _models_of(argument)]


def uncertain_parameters(scenario: Scenario) -> dict[str, DistributionBase]:
    """The parameters drawn from distributions (once per run), by dotted path, in file order."""
    return {
        path: param for path, param in iter_params(scenario) if isinstance(param, DistributionBase)
    }


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
    """Most days the chain of extensions can add to the deadline."""
    return calendar.extension.times * support(calendar.extension.days)[1]


def consistency_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Problems that span several fields, as ``(dotted path, message)`` pairs."""
    problems = []
    calendar = scenario.calendar
    if calendar.deadline < calendar.start:
        problems.append(
            ("calendar.deadline", f"must not be before calendar.start ({calendar.start})")
        )
    longest = (calendar.deadline - calendar.start).days + longest_extension(calendar)
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
    problems += _per_meeting_problems(scenario)
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
        if support(negotiator.outside_option)[0] < 0:
            problems.append(
                (
                    f"negotiators.{party}.outside_option",
                    "a negative outside option would never be taken; to lower the value of "
                    "no deal, use no_deal_adjustment",
                )
            )
        for name, value in negotiator.audience_cost.threat.items():
            where = f"negotiators.{party}.audience_cost.threat.{name}"
            if name not in scenario.issues:
                problems.append(
                    (where, f"{name!r} is not an issue" + did_you_mean(name, scenario.issues))
                )
            else:
                problems += _outside(where, value, *scenario.issues[name].bounds)
    return problems


def _per_meeting_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Rates per meeting are refused, with the rate per day that replaces them."""
    interval = scenario.calendar.meeting_interval_days
    days = f"{interval:g}" if isinstance(interval, float) else "N"
    owners = [("protocol", scenario.protocol)] + [
        (f"negotiators.{party}", negotiator) for party, negotiator in scenario.negotiators.items()
    ]
    problems = []
    for owner, block in owners:
        for old, new in (
            ("discount_per_round", "discount_per_day"),
            ("breakdown_probability", "breakdown_per_day"),
        ):
            value = getattr(block, old, None)
            if value is None:
                continue
            discount = old == "discount_per_round"
            if isinstance(value, int | float) and isinstance(interval, float):
                kept = (value if discount else 1.0 - value) ** (1.0 / interval)
                example = f"{kept if discount else 1.0 - kept:.6g}"
            else:
                example = f"x ** (1/{days})" if discount else f"1 - (1 - x) ** (1/{days})"
            problems.append(
                (
                    f"{owner}.{old}",
                    f"rates are now per day, so that meeting more or less often does not change "
                    f"them: write {new}: {example} for a rate x per meeting every {days} days",
                )
            )
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
