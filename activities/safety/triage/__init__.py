"""Emergency triage: phrase patterns, similarity to crisis exemplars, and category guidance."""

from .engine import CATEGORIES, Triage, TriageConfig, TriageEngine
from .guidance import GUIDANCE, guidance_for

__all__ = ["CATEGORIES", "GUIDANCE", "Triage", "TriageConfig", "TriageEngine", "guidance_for"]
