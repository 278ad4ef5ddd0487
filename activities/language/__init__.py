"""Which language a message is written in, from lingua's bundled models."""
