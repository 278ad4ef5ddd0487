"""Intent classification: keyword rules plus MiniLM similarity to example utterances."""
