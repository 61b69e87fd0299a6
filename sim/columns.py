"""The columns of ``runs.parquet`` and the endings of a run: names only, no simulator.

One row per run, one naming scheme, units stated.

``<issue>`` stands for an issue key of the scenario (``tariff``), ``<party>`` for a negotiator key
(``us``), ``<path>`` for the dotted path of an uncertain parameter in the scenario.
"""

from __future__ import annotations

import re
from enum import IntEnum

COLUMN_SETS = ("all", "lean")
"""Which columns a runs table holds: ``all``, or ``lean``, without the optional wide groups
(``drawn.*``, the drawn parameters, and the per-run bargaining solutions ``nash.*``,
``kalai_smorodinsky.*``, ``nash_product``, ``distance_to_nash``, ``pareto_gap``), which analyses
of a batch by parameter (discover, sensitivity) and by solution need."""


class Ending(IntEnum):
    """How a run ended (``RUNNING`` while it has not)."""

    RUNNING = 0
    AGREEMENT = 1
    DEADLINE = 2
    BREAKDOWN = 3
    NOT_RATIFIED = 4
    OUTSIDE_OPTION = 5


ENDING_NAMES = [ending.name.lower() for ending in Ending]
"""The name of each ``Ending`` by its value, as written in the ``ended_by`` column."""
ENDINGS = ENDING_NAMES[1:]
"""The endings of a finished run, in the order tables and charts list them."""

COLUMNS: dict[str, str] = {
    "run": "Index of the run in the batch (0 to runs - 1); with the manifest's seed and chunk size "
    "it identifies the run's random streams.",
    "agreed": "True if the negotiators agreed on a package.",
    "ended_by": "How the run ended: agreement, deadline (no deal at the deadline, not extended), "
    "breakdown (talks collapsed before the deadline), not_ratified (a deal a legislature refused) "
    "or outside_option (a negotiator rejected an offer and walked away to its outside option).",
    "walked_away": "The negotiator who took its outside option; missing otherwise.",
    "end_round": "Round (meeting, from 0) in which the run ended; the agreement round when agreed.",
    "end_date": "Date of that meeting.",
    "agreement_date": "Date of agreement; empty (NaT) when there was no deal.",
    "days_before_deadline": "Days from the end of the run to the original deadline; negative when "
    "it ended during an extension.",
    "rounds_before_deadline": "Meetings from the end of the run to the last meeting before the "
    "original deadline (0 = the deadline meeting; negative = during an extension).",
    "extended": "True if the deadline was extended in this run.",
    "extensions": "How many times the deadline was extended in this run (0 when it was not).",
    "meetings_in_last_week": "Meetings the run held less than 7 days before the deadline in "
    "force at each (the denominator of the hazard of agreement in the last week).",
    "deadline_in_force": "The deadline in force when the run ended: the original one, or the "
    "last extension's.",
    "days_before_deadline_in_force": "Days from the end of the run to the deadline in force then "
    "(0 or more).",
    "time_to_deadline_elapsed": "Share of the time to the deadline in force that had passed when "
    "the run ended, counted from the start of the talks, or, during an extension, from the "
    "deadline it replaced (1 = at the deadline); the deadline effect is the share of deals above "
    "0.9.",
    "deal_proposed_by": "The negotiator whose offer was accepted; missing when there was no deal.",
    "issue.<issue>": "Final value of the issue, in the issue's unit: the agreed value, or the "
    "issue's no-deal value when there was no deal.",
    "utility.<party>": "The negotiator's value of how the run ended, less the cost of any "
    "retaliation it suffered. A deal: its utility of the package (0-1 scale), plus the leaders' "
    "rapport, less the audience cost of falling short of its public threat. No deal: its utility "
    "of the no-deal values plus its no_deal_adjustment, and its outside option if it walked away.",
    "reservation.<party>": "The value below which the negotiator does not agree: no deal, or its "
    "outside option where it has one.",
    "discounted_utility.<party>": "utility.<party> times the negotiator's discount factor per "
    "meeting (discount_per_day to the power of the days between meetings) to the power end_round "
    "(end_round + 1 when there was no deal and nobody walked away: no deal takes effect after "
    "the last round).",
    "event.<event>": "For a summit, True if it took place while the talks were on; for a shock, "
    "the round it struck (-1 if it did not).",
    "retaliated.<third party>": "True if the third party retaliated against its target.",
    "nash.<party>": "The negotiator's utility at the Nash bargaining solution of this run's "
    "Pareto frontier, with the reservation utilities as disagreement point (NaN when no package "
    "gives both sides more than that); the frontier is exact for linear values and sampled at 65 "
    "efficient packages otherwise (error below 1e-3 in utility).",
    "kalai_smorodinsky.<party>": "Likewise at the Kalai-Smorodinsky solution.",
    "nash_product": "(u1 - d1)(u2 - d2) of the outcome: the values over the reservation values, "
    "each gain counted as 0 when negative.",
    "distance_to_nash": "Euclidean distance in utility space from the final package to the Nash "
    "solution.",
    "pareto_gap": "Largest utility both sides could gain at once by moving to the Pareto "
    "frontier (0 when the outcome is efficient).",
    "drawn.<path>": "The value drawn in this run for the uncertain scenario parameter at <path>, "
    "in "
    "that parameter's unit.",
}


def documented(column: str) -> bool:
    """True if ``column`` matches one of the documented column names or patterns."""
    for name in COLUMNS:
        pattern = re.escape(name).replace(re.escape("<issue>"), r"[a-z][a-z0-9_]*")
        pattern = pattern.replace(re.escape("<party>"), r"[a-z][a-z0-9_]*")
        pattern = pattern.replace(re.escape("<path>"), r"[a-z0-9_.]+")
        pattern = pattern.replace(re.escape("<event>"), r"[a-z][a-z0-9_]*")
        pattern = pattern.replace(re.escape("<third party>"), r"[a-z][a-z0-9_]*")
        if re.fullmatch(pattern, column):
            return True
    return False


def with_article(label: str) -> str:
    """An output's label after "the", except one that starts with a possessive ("Korea's ...").

    Examples:
        >>> with_article("deal probability"), with_article("Korea's yearly payment")
        ('the deal probability', "Korea's yearly payment")
    """
    first = label.split(" ", 1)[0]
    return label if first.endswith(("'s", "s'")) else f"the {label}"
