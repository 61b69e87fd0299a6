"""Acceptance rules: one module each, registered by their YAML ``name``."""

from sim.acceptance.base import REGISTRY, AcceptanceParameters, AcceptanceRule, OfferContext
from sim.acceptance.combined import Combined
from sim.acceptance.constant import Constant
from sim.acceptance.next_offer import NextOffer
from sim.acceptance.time import Time

__all__ = [
    "REGISTRY",
    "AcceptanceParameters",
    "AcceptanceRule",
    "Combined",
    "Constant",
    "NextOffer",
    "OfferContext",
    "Time",
]
