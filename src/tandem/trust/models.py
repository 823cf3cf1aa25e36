"""Trust's rows. Each capability keeps its models in a module of its own (``models_*.py``),
imported here so Django finds them."""

from tandem.trust.models_postmortems import (
    Postmortem,
    PostmortemAction,
    PostmortemEntry,
    PostmortemEvent,
)
from tandem.trust.models_track import PhaseSuggestion, TrustPolicy
from tandem.trust.models_way_out import Referral, WayOut

__all__ = [
    "PhaseSuggestion",
    "Postmortem",
    "PostmortemAction",
    "PostmortemEntry",
    "PostmortemEvent",
    "Referral",
    "TrustPolicy",
    "WayOut",
]
