"""Retry limits shared by the workflow (which sets them) and activities (which react to them)."""

# The generate activity answers offline on its last attempt, so a turn is never lost to an
# LLM outage.
LLM_MAX_ATTEMPTS = 3
