"""Negotiation strategies: one module each, registered by their YAML ``name``."""

from sim.strategies.base import REGISTRY, Strategy, StrategyParameters, StrategyView
from sim.strategies.equilibrium import Equilibrium
from sim.strategies.time_dependent import TimeDependent, TimeDependentExponential
from sim.strategies.tit_for_tat import TitForTat
from sim.strategies.trade_off import TradeOff

__all__ = [
    "REGISTRY",
    "Equilibrium",
    "Strategy",
    "StrategyParameters",
    "StrategyView",
    "TimeDependent",
    "TimeDependentExponential",
    "TitForTat",
    "TradeOff",
]
