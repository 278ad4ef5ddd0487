"""Markdown knowledge-base articles for the demo clinics, and their loader."""
