"""Negotiation strategies: one module each, registered by their YAML ``name``."""

from sim.strategies.base import REGISTRY, Strategy, StrategyParameters
from sim.strategies.time_dependent import TimeDependent

__all__ = ["REGISTRY", "Strategy", "StrategyParameters", "TimeDependent"]
