"""What crosses Temporal for voice: references to encrypted audio, never the audio itself."""

from __future__ import annotations

from dataclasses import dataclass, field

# Activity failure types: the audio is wrong, so a retry cannot help (typed 4xx in the API).
AUDIO_ERRORS = ("BadAudio", "SilentAudio", "AudioTooLong")


@dataclass
class TranscribeInput:
    audio_ref: str
    content_type: str
    # None: detected (whisper base); tiny.en is English only.
    language: str | None = None
    max_seconds: float = 60.0


@dataclass
class Word:
    word: str
    start: float
    end: float
    probability: float


@dataclass
class Transcript:
    text: str
    language: str
    duration_s: float
    speech_s: float
    # Mean probability of the words (0..1): how sure the model is of what it heard.
    confidence: float
    model: str
    seconds: float
    words: list[Word] = field(default_factory=list)


@dataclass
class SynthesizeInput:
    text: str
    language: str = "en"


@dataclass
class Speech:
    """`available` False: the TTS extra is not installed here, the reply stays text."""

    available: bool
    audio_ref: str | None = None
    sample_rate: int = 0
    duration_s: float = 0.0
    seconds: float = 0.0
    sentences: int = 0
    # Why there is no audio: "tts_not_installed", "tts_off" or "no_voice_for_language".
    reason: str | None = None
