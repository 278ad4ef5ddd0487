"""FastAPI front: authenticates, validates, starts turns on Temporal and streams progress."""
