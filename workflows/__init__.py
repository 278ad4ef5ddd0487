"""Temporal workflows only: deterministic, no I/O, no environment reads."""
