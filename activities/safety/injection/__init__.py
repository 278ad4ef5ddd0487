"""Prompt-injection detection: patterns always, exemplar similarity when a model is loaded."""

from .detector import Calibration, InjectionDetector, InjectionFinding

__all__ = ["Calibration", "InjectionDetector", "InjectionFinding"]
