"""Speech to text with faster-whisper (CTranslate2, int8 on CPU), weights from packages."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel
from numpy.typing import NDArray

from core.voice_payloads import Transcript, Word

from .audio import RATE, require_speech
from .models import model_dir

# Languages the product answers in; whisper base may detect others, which are read as the
# first of these rather than answered in a language the clinic has no texts for.
_LANGUAGES = ("en", "es")


class SpeechToText:
    """Load once per process and share; one transcription at a time per model (CTranslate2
    uses both cores for one; two at once only slow each other down)."""

    def __init__(self, name: str, work_dir: Path, *, cpu_threads: int = 2) -> None:
        self.name = name
        self._model = WhisperModel(
            str(model_dir(name, work_dir)),
            device="cpu",
            compute_type="int8",
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
        self._lock = threading.Lock()

    @property
    def multilingual(self) -> bool:
        return not self.name.endswith(".en")

    def transcribe(
        self,
        audio: NDArray[np.float32],
        language: str | None = None,
        *,
        speech_s: float | None = None,
    ) -> Transcript:
        """`audio`: 16 kHz mono. Raises AudioProblem when no speech is heard. `speech_s`:
        the caller already ran VAD on this audio (a live call), so it is not run again."""
        began = time.perf_counter()
        speech = require_speech(audio) if speech_s is None else speech_s
        if not self.multilingual:
            language = "en"
        with self._lock:
            segments, info = self._model.transcribe(
                audio,
                language=language if language in _LANGUAGES else None,
                beam_size=1,
                word_timestamps=True,
                condition_on_previous_text=False,
                vad_filter=True,
            )
            segments = list(segments)
        words = [
            Word(w.word.strip(), round(w.start, 2), round(w.end, 2), round(w.probability, 3))
            for s in segments
            for w in (s.words or [])
        ]
        text = " ".join(s.text.strip() for s in segments).strip()
        confidence = float(np.mean([w.probability for w in words])) if words else 0.0
        detected = info.language if info.language in _LANGUAGES else _LANGUAGES[0]
        return Transcript(
            text=text,
            language=detected,
            duration_s=round(len(audio) / RATE, 2),
            speech_s=round(speech, 2),
            confidence=round(confidence, 3),
            model=self.name,
            seconds=round(time.perf_counter() - began, 3),
            words=words,
        )
