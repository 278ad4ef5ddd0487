"""Voice activities, served by workers polling the voice task queue (VOICE_TASK_QUEUE)."""

from __future__ import annotations

import logging
import time

from temporalio import activity
from temporalio.exceptions import ApplicationError

from core.blobs import BlobMissing, BlobStore
from core.voice_payloads import (
    Heard,
    HearInput,
    Speech,
    SynthesizeInput,
    TranscribeInput,
    Transcript,
)

from .audio import RATE, AudioProblem, decode, pcm_audio, speech_spans, wav_bytes
from .stt import SpeechToText
from .tts import TextToSpeech

log = logging.getLogger("aurixa.voice")
# The one voice the packages carry speaks English.
TTS_LANGUAGES = ("en",)


class VoiceActivities:
    def __init__(
        self, stt: SpeechToText, tts: TextToSpeech | None, blobs: BlobStore, *, tts_reason: str
    ) -> None:
        self.stt, self.tts, self.blobs = stt, tts, blobs
        self._tts_reason = tts_reason

    @activity.defn(name="voice_transcribe")
    def transcribe(self, req: TranscribeInput) -> Transcript:
        try:
            data = self.blobs.get(req.audio_ref)
        except BlobMissing as err:
            raise ApplicationError(
                "The audio is no longer available.", type="BadAudio", non_retryable=True
            ) from err
        try:
            audio = decode(data, req.content_type, req.max_seconds)
            transcript = self.stt.transcribe(audio, req.language)
        except AudioProblem as err:
            raise ApplicationError(
                err.message, err.code, type=err.kind, non_retryable=True
            ) from err
        # Lengths and timings only: what was said never reaches a log.
        log.info(
            "transcribed",
            extra={
                "model": transcript.model,
                "audio_s": transcript.duration_s,
                "seconds": transcript.seconds,
                "words": len(transcript.words),
            },
        )
        return transcript

    @activity.defn(name="voice_hear")
    def hear(self, req: HearInput) -> Heard:
        """A live call's audio so far: where the caller spoke, and optionally what they said."""
        began = time.perf_counter()
        try:
            audio = pcm_audio(self.blobs.get(req.audio_ref), req.rate)
        except BlobMissing:
            # The call moved on (a check cancelled, a hang-up) and took its audio back: nobody
            # waits for this answer.
            return Heard(duration_s=0.0)
        spans = [(round(a, 3), round(b, 3)) for a, b in speech_spans(audio)]
        heard = Heard(duration_s=round(len(audio) / RATE, 3), spans=spans)
        if req.transcribe and spans:
            t = self.stt.transcribe(audio, req.language, speech_s=heard.speech_s)
            heard.text, heard.confidence, heard.language = t.text, t.confidence, t.language
        heard.seconds = round(time.perf_counter() - began, 3)
        return heard

    @activity.defn(name="voice_synthesize")
    def synthesize(self, req: SynthesizeInput) -> Speech:
        if self.tts is None:
            return Speech(available=False, reason=self._tts_reason)
        if req.language not in TTS_LANGUAGES:
            return Speech(available=False, reason="no_voice_for_language")
        began = time.perf_counter()
        pieces = list(self.tts.speak(req.text))
        pcm = b"".join(pieces)
        if not pcm:
            return Speech(available=False, reason="nothing_to_say")
        ref = self.blobs.put(wav_bytes(pcm, self.tts.sample_rate), kind="speech")
        return Speech(
            available=True,
            audio_ref=ref,
            sample_rate=self.tts.sample_rate,
            duration_s=round(len(pcm) / 2 / self.tts.sample_rate, 2),
            seconds=round(time.perf_counter() - began, 3),
            sentences=len(pieces),
        )
