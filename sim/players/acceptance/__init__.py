"""Acceptance rules: one module each, registered by their YAML ``name``."""

from sim.players.acceptance.base import REGISTRY, AcceptanceParameters, AcceptanceRule
from sim.players.acceptance.combined import Combined
from sim.players.acceptance.constant import Constant
from sim.players.acceptance.next_offer import NextOffer
from sim.players.acceptance.time import Time
from sim.players.views import OfferContext

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
