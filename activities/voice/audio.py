"""Audio in: the containers the API accepts, decoded to 16 kHz mono, checked before whisper.

Accepted (README, "Voice"): WAV (PCM), Ogg or WebM holding Opus, and raw 16-bit
little-endian PCM as `audio/L16; rate=N` (mono). The declared type must match the bytes.
Speech is found with silero VAD as bundled in faster-whisper, not with an energy threshold.
"""

from __future__ import annotations

import io
import wave

import numpy as np
from faster_whisper.audio import decode_audio
from faster_whisper.vad import VadOptions, get_speech_timestamps
from numpy.typing import NDArray

from core.audio_types import RATE, matches, parse_media_type

# Less speech than this is a cough or a click, not a question.
MIN_SPEECH_S = 0.25


class AudioProblem(ValueError):
    """`kind` is the activity failure type (core.voice_payloads.AUDIO_ERRORS)."""

    def __init__(self, kind: str, code: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.code, self.message = kind, code, message


def decode(data: bytes, content_type: str, max_seconds: float) -> NDArray[np.float32]:
    kind = parse_media_type(content_type)
    if kind is None:
        raise AudioProblem("BadAudio", "unsupported_audio", f"{content_type} is not accepted")
    if kind.rate is not None:
        if not matches(kind, data):
            raise AudioProblem("BadAudio", "bad_audio", "16-bit PCM has an even byte count")
        samples = np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0
        if len(samples) > max_seconds * kind.rate:
            raise _too_long(len(samples) / kind.rate, max_seconds)
        audio = _resample(samples, kind.rate)
    else:
        if not matches(kind, data):
            raise AudioProblem(
                "BadAudio", "bad_audio", f"The body is not {kind.base} (its first bytes say so)."
            )
        try:
            audio = decode_audio(io.BytesIO(data), sampling_rate=RATE)
        except Exception as err:  # av raises many kinds for truncated or foreign data
            raise AudioProblem("BadAudio", "bad_audio", "The audio could not be decoded.") from err
    if len(audio) == 0:
        raise AudioProblem("SilentAudio", "silent_audio", "The audio holds no samples.")
    if len(audio) > max_seconds * RATE:
        raise _too_long(len(audio) / RATE, max_seconds)
    return np.asarray(audio, dtype=np.float32)


def speech_spans(audio: NDArray[np.float32], pad_ms: int = 100) -> list[tuple[float, float]]:
    """Stretches of speech in seconds, as silero VAD hears them; pauses under 300 ms stay
    inside an utterance."""
    options = VadOptions(min_silence_duration_ms=300, speech_pad_ms=pad_ms)
    return [(s["start"] / RATE, s["end"] / RATE) for s in get_speech_timestamps(audio, options)]


def speech_seconds(audio: NDArray[np.float32]) -> float:
    return sum(end - start for start, end in speech_spans(audio, pad_ms=400))


def require_speech(audio: NDArray[np.float32]) -> float:
    speech = speech_seconds(audio)
    if speech < MIN_SPEECH_S:
        raise AudioProblem("SilentAudio", "silent_audio", "No speech was heard in the audio.")
    return speech


def _too_long(seconds: float, limit: float) -> AudioProblem:
    return AudioProblem(
        "AudioTooLong", "audio_too_long", f"The audio is {seconds:.0f} s; at most {limit:.0f} s."
    )


def pcm_audio(data: bytes, rate: int) -> NDArray[np.float32]:
    """Raw 16-bit mono PCM at `rate` as 16 kHz floats."""
    samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.float32)
    return _resample(samples / 32768.0, rate)


def _resample(samples: NDArray[np.float32], rate: int) -> NDArray[np.float32]:
    if rate == RATE:
        return samples
    n = round(len(samples) * RATE / rate)
    positions = np.linspace(0, len(samples) - 1, n, dtype=np.float64)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def wav_bytes(pcm16: bytes, sample_rate: int) -> bytes:
    """Mono 16-bit PCM in a WAV container."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm16)
    return out.getvalue()
