"""Times in responses: always with their offset (RFC 3339), as the OpenAPI schema promises.

The database keeps naive UTC (SQLite cannot round-trip offsets); a response model marks
them UTC on the way out, so a client never has to guess the zone of "2026-12-05T14:53:46".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
