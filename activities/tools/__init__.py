"""Clinic tools: a deterministic planner from intent and slots, and a scoped executor."""
