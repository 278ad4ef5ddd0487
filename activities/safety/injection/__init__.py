"""Prompt-injection detection: patterns always; exemplar similarity and a classifier over
the shared text features when the worker has loaded the encoders."""

from .detector import Calibration, InjectionDetector, InjectionFinding
from .model import InjectionModel

__all__ = ["Calibration", "InjectionDetector", "InjectionFinding", "InjectionModel"]
