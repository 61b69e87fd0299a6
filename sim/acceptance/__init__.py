"""Acceptance rules: one module each, registered by their YAML ``name``."""

from sim.acceptance.base import REGISTRY, AcceptanceParameters, AcceptanceRule, OfferContext
from sim.acceptance.next_offer import NextOffer

__all__ = ["REGISTRY", "AcceptanceParameters", "AcceptanceRule", "NextOffer", "OfferContext"]
