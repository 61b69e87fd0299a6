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
    }


@st.composite
def negotiator(draw, issues: dict) -> dict:
    preferences = {
        name: {
            "ideal": draw(parameter(*spec["bounds"])),
            "weight": draw(st.just(0.0) | parameter(0, 5) | lognormal),
        }
        for name, spec in issues.items()
    }
    if all(largest(preference["weight"]) <= 0 for preference in preferences.values()):
        next(iter(preferences.values()))["weight"] = draw(finite(0.01, 5))
    return {
        "label": "Party",
        "strategy": {
            "name": "time_dependent",
            "beta": draw(parameter(0.05, 20)),
            "kappa": draw(parameter(0, 1)),
        },
        "outside_option": draw(st.just(0.0) | parameter(-1, 1)),
        "offer_rule": draw(st.sampled_from(["cheapest_first", "uniform"])),
        "preferences": preferences,
    }


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
    """A valid two-party scenario with one to four issues and the default acceptance rule."""
    issues = {f"issue_{index}": draw(issue()) for index in range(draw(st.integers(1, 4)))}
    return {
        "name": "generated",
        "runs": 10,
        "seed": 0,
        "calendar": draw(calendar()),
        "protocol": {
            "first_proposer": draw(st.sampled_from(PARTIES)),
            "breakdown_probability": draw(parameter(0, 0.5)),
            "discount_per_round": draw(st.just(1.0) | finite(0.5, 1)),
        },
        "issues": issues,
        "negotiators": {party: draw(negotiator(issues)) for party in PARTIES},
    }
