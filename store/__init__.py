"""Persistence: SQLModel tables, the async engine, migrations and the demo seed."""
