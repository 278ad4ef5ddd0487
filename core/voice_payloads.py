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


@dataclass
class HearInput:
    """A stretch of a live call's audio: raw 16-bit mono PCM at `rate`, by reference."""

    audio_ref: str
    rate: int
    # VAD only (is the caller speaking, and since when silent), or a transcript too.
    transcribe: bool = False
    language: str | None = None


@dataclass
class Heard:
    duration_s: float
    # Speech stretches in seconds from the start of the audio, as silero VAD finds them.
    spans: list[tuple[float, float]] = field(default_factory=list)
    text: str = ""
    confidence: float = 0.0
    language: str = "en"
    seconds: float = 0.0

    @property
    def speech_s(self) -> float:
        return sum(end - start for start, end in self.spans)

    @property
    def silence_after_s(self) -> float:
        """Silence since the last speech ended (the whole audio when none was heard)."""
        return self.duration_s - (self.spans[-1][1] if self.spans else 0.0)


@dataclass
class CallEvent:
    """What happened on a voice call, kept in its workflow: turns and interruptions."""

    kind: str  # utterance | turn | interrupted | error
    at_s: float
    turn_id: str | None = None
    detail: dict[str, float | int | str] = field(default_factory=dict)


@dataclass
class VoiceCallInput:
    tenant_id: int
    user_id: int
    voice_task_queue: str
    queue_wait_s: float = 20.0
    # A call nobody hangs up (a dropped API process) ends by itself after this long.
    max_call_s: float = 3600.0
