"""Negotiation strategies: one module each, registered by their YAML ``name``."""

from sim.players.strategies.base import REGISTRY, Strategy, StrategyParameters
from sim.players.strategies.equilibrium import Equilibrium
from sim.players.strategies.logrolling import Logrolling
from sim.players.strategies.reputational import Reputational
from sim.players.strategies.time_dependent import TimeDependent, TimeDependentExponential
from sim.players.strategies.tit_for_tat import TitForTat
from sim.players.views import StrategyView

__all__ = [
    "REGISTRY",
    "Equilibrium",
    "Logrolling",
    "Reputational",
    "Strategy",
    "StrategyParameters",
    "StrategyView",
    "TimeDependent",
    "TimeDependentExponential",
    "TitForTat",
]
