"""The audio formats the voice channel accepts, shared by the API (which refuses others
before storing anything) and the voice worker (which decodes them)."""

from __future__ import annotations

import re
from dataclasses import dataclass

RATE = 16_000
# Container types and the bytes their files start with.
CONTAINERS = {
    "audio/wav": b"RIFF",
    "audio/x-wav": b"RIFF",
    "audio/wave": b"RIFF",
    "audio/vnd.wave": b"RIFF",
    "audio/ogg": b"OggS",
    "audio/opus": b"OggS",
    "audio/webm": b"\x1a\x45\xdf\xa3",
}
# Raw 16-bit little-endian mono PCM: `audio/L16; rate=16000`.
PCM_TYPES = ("audio/l16", "audio/pcm")
PCM_RATES = (8_000, 16_000, 22_050, 24_000, 44_100, 48_000)


@dataclass(frozen=True)
class MediaType:
    base: str
    rate: int | None  # set for raw PCM only


def parse_media_type(value: str) -> MediaType | None:
    """The declared type, or None when it is not one the voice channel takes."""
    base, _, params = value.partition(";")
    base = base.strip().lower()
    if base == OCTET_STREAM:
        return MediaType(base, None)  # the container is told by its first bytes
    if base in CONTAINERS:
        return MediaType(base, None)
    if base not in PCM_TYPES:
        return None
    m = re.search(r"rate\s*=\s*(\d+)", params)
    rate = int(m.group(1)) if m else RATE
    return MediaType(base, rate) if rate in PCM_RATES else None


OCTET_STREAM = "application/octet-stream"


def sniff(data: bytes) -> str | None:
    """The container type the bytes start with, for a body sent as octet-stream."""
    for media_type in ("audio/wav", "audio/ogg", "audio/webm"):
        if data.startswith(CONTAINERS[media_type]):
            return media_type
    return None


def matches(kind: MediaType, data: bytes) -> bool:
    """Whether the bytes look like the declared type (a WAV body really starts with RIFF)."""
    if kind.rate is not None:
        return len(data) % 2 == 0
    if kind.base == OCTET_STREAM:
        return sniff(data) is not None
    return data.startswith(CONTAINERS[kind.base])
