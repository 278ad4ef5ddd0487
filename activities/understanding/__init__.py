"""The turn's first step: screen the message and classify it on one set of features."""
