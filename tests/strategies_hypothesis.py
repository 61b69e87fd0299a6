"""Hypothesis strategies for valid scenarios, built as dicts the way ``tests/scenarios.py`` does.

Every number a scenario allows to be uncertain is sometimes a distribution whose whole support
lies inside the range the schema allows, so that every generated scenario passes validation.
"""

import datetime as dt

from hypothesis import strategies as st

PARTIES = ("a", "b")


def finite(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def interval(draw, low: float, high: float, min_width: float = 0.0) -> tuple[float, float]:
    """A sub-interval ``[first, last]`` of ``[low, high]`` at least ``min_width`` wide."""
    first = draw(finite(low, high - min_width))
    last = draw(finite(min(first + min_width, high), high))
    return first, last


@st.composite
def distribution(draw, low: float, high: float) -> dict:
    """A distribution whose draws all lie in ``[low, high]`` (``low < high``)."""
    kind = draw(st.sampled_from(["uniform", "normal", "beta", "triangular", "choice"]))
    first, last = draw(interval(low, high, min_width=(high - low) / 100))
    if kind == "uniform":
        return {"dist": "uniform", "low": first, "high": last}
    if kind == "normal":
        mean = draw(finite(low, high))
        sd = draw(finite((high - low) / 100, high - low))
        return {"dist": "normal", "mean": mean, "sd": sd, "low": first, "high": last}
    if kind == "beta":
        a, b = draw(finite(0.2, 5)), draw(finite(0.2, 5))
        return {"dist": "beta", "a": a, "b": b, "low": first, "high": last}
    if kind == "triangular":
        return {"dist": "triangular", "low": first, "mode": draw(finite(first, last)), "high": last}
    values = draw(st.lists(finite(low, high), min_size=1, max_size=4))
    weights = draw(st.none() | st.lists(finite(0.1, 3), min_size=len(values), max_size=len(values)))
    return {"dist": "choice", "values": values} | ({"weights": weights} if weights else {})


def parameter(low: float, high: float) -> st.SearchStrategy:
    """A fixed number or a distribution, within ``[low, high]``."""
    return finite(low, high) | distribution(low, high)


def largest(param) -> float:
    """The largest value a generated parameter can take."""
    if isinstance(param, float | int):
        return param
    return max(param["values"]) if param["dist"] == "choice" else param.get("high", float("inf"))


lognormal = st.builds(
    lambda mu, sigma: {"dist": "lognormal", "mu": mu, "sigma": sigma},
    finite(-2, 1),
    finite(0.05, 1),
)


@st.composite
def issue(draw) -> dict:
    low = draw(st.integers(-1000, 1000) | finite(-1000, 1000))
    high = low + draw(st.integers(1, 1000) | finite(0.01, 1000))
    return {
        "label": "Issue",
        "unit": "u",
        "bounds": [low, high],
        "no_deal": draw(parameter(low, high)),
        "negotiable": draw(st.sampled_from([True, True, True, False])),
    }


@st.composite
def strategy(draw) -> dict:
    """Any registered strategy, with its parameters."""
    name = draw(
        st.sampled_from(
            [
                "time_dependent",
                "time_dependent_exponential",
                "tit_for_tat",
                "logrolling",
                "equilibrium",
            ]
        )
    )
    if name == "equilibrium":
        return {"name": name}
    if name == "tit_for_tat":
        reciprocation = draw(st.sampled_from(["absolute", "relative"]))
        return {"name": name, "reciprocation": reciprocation, "kappa": draw(parameter(0, 1))}
    block = {"name": name, "beta": draw(parameter(0.05, 20)), "kappa": draw(parameter(0, 1))}
    if name == "logrolling":
        block["learning_floor"] = draw(parameter(0.01, 1))
    return block


@st.composite
def acceptance_rule(draw) -> dict:
    """Any registered acceptance rule, with its parameters."""
    name = draw(st.sampled_from(["next", "const", "time", "combi"]))
    if name == "next":
        return {"name": name, "scale": draw(finite(0.8, 1.2)), "margin": draw(finite(-0.1, 0.1))}
    if name == "const":
        return {"name": name, "threshold": draw(parameter(0, 1))}
    return {"name": name, "after": draw(parameter(0, 1))}


def preferences(draw, issues: dict) -> dict:
    """An ideal, a weight and a value shape per issue; at least one weight can be positive."""
    chosen = {}
    for name, spec in issues.items():
        chosen[name] = {
            "ideal": draw(parameter(*spec["bounds"])),
            "weight": draw(st.just(0.0) | parameter(0, 5) | lognormal),
            "value": draw(st.sampled_from(["linear", "quadratic", "exponential"])),
            "curvature": draw(parameter(0.1, 10)),
        }
    if all(largest(preference["weight"]) <= 0 for preference in chosen.values()):
        next(iter(chosen.values()))["weight"] = draw(finite(0.01, 5))
    return chosen


@st.composite
def negotiator(draw, issues: dict) -> dict:
    return {
        "label": "Party",
        "strategy": draw(strategy()),
        "acceptance": draw(acceptance_rule()),
        "outside_option": draw(st.just(0.0) | parameter(0, 1)),
        "no_deal_adjustment": draw(st.just(0.0) | parameter(-1, 1)),
        "audience_cost": draw(st.just(0.0) | parameter(0, 1)),
        "offer_rule": draw(st.sampled_from(["cheapest_first", "uniform"])),
        "preferences": preferences(draw, issues),
    }


@st.composite
def events(draw, start: str, issues: dict) -> dict:
    """Rapport, up to two summits and up to one shock."""
    first = dt.date.fromisoformat(start)
    summits = {
        f"summit_{index}": {
            "date": (first + dt.timedelta(days=draw(st.integers(0, 60)))).isoformat(),
            "probability": draw(parameter(0, 1)),
            "concession": draw(parameter(0, 1)),
            "rapport": draw(parameter(-0.2, 0.2)),
        }
        for index in range(draw(st.integers(0, 2)))
    }
    shocks = {}
    if draw(st.booleans()):
        shocks["shock"] = {
            "probability_per_round": draw(parameter(0, 1)),
            "negotiator": draw(st.sampled_from(PARTIES)),
            "issue": draw(st.sampled_from(sorted(issues))),
            "weight_change": draw(parameter(-1, 1)),
        }
    return {"rapport": draw(parameter(-0.2, 0.2)), "summits": summits, "shocks": shocks}


@st.composite
def third_parties(draw, issues: dict) -> dict:
    """Possibly a retaliating power and a legislature, anticipated or not."""
    parties = {}
    if draw(st.booleans()):
        parties["power"] = {
            "kind": "retaliation",
            "label": "Power",
            "target": draw(st.sampled_from(PARTIES)),
            "issue": draw(st.sampled_from(sorted(issues))),
            "base_probability": draw(parameter(0, 1)),
            "probability_per_unit": draw(parameter(0, 1)),
            "cost": draw(parameter(0, 0.5)),
        }
    if draw(st.booleans()):
        parties["legislature"] = {
            "kind": "ratification",
            "label": "Legislature",
            "ratifies_for": draw(st.sampled_from(PARTIES)),
            "anticipated": draw(st.booleans()),
            "threshold": draw(parameter(0, 1)),
            "preferences": preferences(draw, issues),
        }
    return parties


@st.composite
def calendar(draw) -> dict:
    """One to eight meetings before the deadline, and a chance of extension."""
    start = draw(st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)))
    interval_days = draw(st.integers(1, 14))
    meetings = draw(st.integers(1, 8))
    slack = draw(st.integers(0, interval_days - 1))
    deadline = start + dt.timedelta(days=(meetings - 1) * interval_days + slack)
    days = draw(
        parameter(0, 60)
        | st.lists(st.integers(0, 60), min_size=1, max_size=3).map(
            lambda values: {"dist": "choice", "values": values}
        )
    )
    return {
        "start": start.isoformat(),
        "deadline": deadline.isoformat(),
        "meeting_interval_days": interval_days,
        "extension": {"probability": draw(parameter(0, 1)), "days": days},
    }


@st.composite
def scenarios(draw) -> dict:
    """A valid two-party scenario with one to four issues, any strategies and acceptance rules,
    events and third parties."""
    issues = {f"issue_{index}": draw(issue()) for index in range(draw(st.integers(1, 4)))}
    dates = draw(calendar())
    return {
        "name": "generated",
        "runs": 10,
        "seed": 0,
        "calendar": dates,
        "protocol": {
            "first_proposer": draw(st.sampled_from(PARTIES)),
            "recognition": draw(st.sampled_from(["alternating", "random"])),
            "first_proposer_probability": draw(parameter(0, 1)),
            "breakdown_per_day": draw(parameter(0, 0.1)),
            "discount_per_day": draw(st.just(1.0) | finite(0.9, 1)),
        },
        "issues": issues,
        "negotiators": {party: draw(negotiator(issues)) for party in PARTIES},
        "events": draw(events(dates["start"], issues)),
        "third_parties": draw(third_parties(issues)),
    }
