"""Emergency triage: phrase patterns with guards, a learned crisis classifier, and tiers."""

from .engine import TIERS, Triage, TriageConfig, TriageEngine
from .model import CATEGORIES

__all__ = ["CATEGORIES", "TIERS", "Triage", "TriageConfig", "TriageEngine"]
