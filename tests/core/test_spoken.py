"""What a voice reply says aloud, and which audio types the voice channel takes."""

from __future__ import annotations

from core.audio_types import MediaType, matches, parse_media_type, sniff
from core.spoken import spoken_text


def test_numbers_a_caller_dials_are_said_digit_by_digit() -> None:
    said = spoken_text("Call 911 now, or Poison Control at 1-800-222-1222. Text 988.")
    assert "9 1 1" in said and "9 8 8" in said
    assert "1, 8 0 0, 2 2 2, 1 2 2 2" in said
    # A street number or a price is not a phone number.
    assert "2911 Main St" in spoken_text("We are at 2911 Main St.")
    assert "$911" in spoken_text("The fee is $911.")


def test_citations_stay_on_screen_and_ranges_are_read_as_words() -> None:
    said = spoken_text("Saturday: 9:00 AM \u2013 1:00 PM\n(Source: Opening Hours)")
    assert said == "Saturday: 9:00 AM to 1:00 PM."
    assert (
        spoken_text("Sábado: 9:00 \u2013 13:00\n(Fuente: Horario)", "es") == "Sábado: 9:00 a 13:00."
    )


def test_accepted_media_types() -> None:
    assert parse_media_type("audio/wav") == MediaType("audio/wav", None)
    assert parse_media_type("Audio/L16; rate=8000") == MediaType("audio/l16", 8000)
    assert parse_media_type("audio/L16") == MediaType("audio/l16", 16000)
    assert parse_media_type("audio/L16; rate=11") is None
    assert parse_media_type("audio/mpeg") is None
    assert parse_media_type("") is None
    assert matches(MediaType("audio/webm", None), b"\x1a\x45\xdf\xa3rest")
    assert not matches(MediaType("audio/ogg", None), b"RIFF")
    assert not matches(MediaType("audio/l16", 16000), b"\x00")
    octet = parse_media_type("application/octet-stream")
    assert octet is not None and matches(octet, b"OggS....") and not matches(octet, b"ID3")
    assert sniff(b"RIFF....WAVE") == "audio/wav" and sniff(b"\xff\xfb") is None
