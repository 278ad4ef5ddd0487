"""PII detection and anonymization with presidio and clinic-specific recognizers."""

from .analyzer import PII_ENTITIES, build_analyzer
from .engine import PiiEngine, PiiFinding
from .operators import OPERATORS

__all__ = ["OPERATORS", "PII_ENTITIES", "PiiEngine", "PiiFinding", "build_analyzer"]
