"""Benchmarks and quality evaluations: scripts that print a table and a summary line."""
