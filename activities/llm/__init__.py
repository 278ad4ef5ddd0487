"""Reply generation: the offline grounded responder and LiteLLM-backed providers."""
