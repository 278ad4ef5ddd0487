"""Dialogue state across turns: picks from offered options, constraints, follow-ups."""
