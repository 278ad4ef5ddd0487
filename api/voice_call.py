"""One live call on /ws/voice: listen (VAD on the voice worker), transcribe, run the turn,
speak the reply sentence by sentence, and stop the moment the caller barges in.

Models stay on the voice worker: every look at the caller's audio is an update to the call's
workflow (workflows/voice_call.py) whose activity reads the audio from the encrypted blob
store. Times below are audio seconds at the client's real-time pace."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import time
import wave
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import WebSocket
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.workflow_streams import WorkflowStreamClient

from api.auth import Principal, charge
from api.deps import AppState
from api.errors import error_body
from api.routes.pipelines import prepare_turn
from api.schemas import PipelineRequest, PipelineResponse
from api.turns import start_turn, wait_until_started
from api.voice import blob_store
from core.payloads import PipelineResult, StreamEvent
from core.spoken import spoken_text
from core.voice_payloads import CallEvent, Heard, HearInput, Speech, SynthesizeInput
from core.workflow_refs import VOICE_HEAR, VOICE_NOTE, VOICE_SPEAK, pipeline_workflow_id

log = logging.getLogger("aurixa.api.voice_call")
# A sentence is complete at . ! ? or a line break followed by more text.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE = re.compile(r"[,:;]\s+")
_FIRST_CLAUSE_MIN = 15


@dataclass(frozen=True)
class CallTuning:
    check_every_s: float = 0.15  # how often the caller's audio is looked at
    end_silence_s: float = 0.5  # silence after speech that ends the caller's turn
    # Silence after which the final transcript is started, before the turn is known to have
    # ended: whisper takes about 0.4 s whatever the length, so it is ready when the end is.
    early_stt_s: float = 0.1
    partial_every_s: float = 1.0
    barge_window_s: float = 0.6  # audio looked at for speech while the reply plays
    barge_min_speech_s: float = 0.2
    chunk_s: float = 0.1  # reply audio per binary frame
    lead_s: float = 0.2  # how far ahead of real time reply audio is sent
    max_utterance_s: float = 30.0


def wav_pcm(wav_data: bytes) -> tuple[bytes, int]:
    with wave.open(io.BytesIO(wav_data)) as w:
        return w.readframes(w.getnframes()), w.getframerate()


def split_sentences(pending: str, *, first: bool = False) -> tuple[list[str], str]:
    """Complete sentences of a reply still arriving, and the unfinished rest. The reply's
    first sentence is cut at its first clause when long: it is synthesized alone, and the
    caller hears something sooner."""
    parts = _SENTENCE_END.split(pending)
    done = [p for p in parts[:-1] if p.strip()]
    if first and done and len(done[0]) > _FIRST_CLAUSE_MIN * 2:
        m = _CLAUSE.search(done[0], _FIRST_CLAUSE_MIN)
        if m is not None:
            done[0:1] = [done[0][: m.end()].strip(), done[0][m.end() :].strip()]
    return done, parts[-1]


class VoiceCall:
    def __init__(
        self,
        socket: WebSocket,
        state: AppState,
        who: Principal,
        client: Client,
        handle: WorkflowHandle[Any, Any],
        *,
        rate: int,
        session_id: str | None,
        patient_id: int | None,
        tuning: CallTuning,
    ) -> None:
        self.socket, self.state, self.who, self.client, self.handle = (
            socket,
            state,
            who,
            client,
            handle,
        )
        self.rate, self.session_id, self.patient_id, self.tuning = (
            rate,
            session_id,
            patient_id,
            tuning,
        )
        self.blobs = blob_store(state.settings)
        self.bps = rate * 2  # bytes of 16-bit mono PCM per second
        self.buf = bytearray()
        self.unchecked = 0
        self.checking: asyncio.Task[None] | None = None
        self.partial: asyncio.Task[None] | None = None
        self.reply: asyncio.Task[None] | None = None
        self.early: tuple[int, asyncio.Task[Heard]] | None = None
        self.last_partial = 0.0
        self.play_clock = 0.0
        self.turn_id: str | None = None
        self.began = time.perf_counter()
        self.closed = False
        self.speaking = False  # the reply's audio has started
        self._send = asyncio.Lock()

    # -- sending ------------------------------------------------------------------------------
    async def send_json(self, payload: dict[str, Any]) -> None:
        async with self._send:
            await self.socket.send_json(payload)

    async def _send_bytes(self, data: bytes) -> None:
        async with self._send:
            await self.socket.send_bytes(data)

    async def _note(self, kind: str, **detail: float | int | str) -> None:
        at = round(time.perf_counter() - self.began, 3)
        with contextlib.suppress(Exception):  # the record must never break the call
            await self.handle.signal(VOICE_NOTE, CallEvent(kind, at, self.turn_id, dict(detail)))

    # -- listening ----------------------------------------------------------------------------
    @property
    def replying(self) -> bool:
        return self.reply is not None and not self.reply.done()

    def on_audio(self, data: bytes) -> None:
        self.buf += data
        self.unchecked += len(data)
        due = self.unchecked >= self.tuning.check_every_s * self.bps
        if due and (self.checking is None or self.checking.done()):
            self.unchecked = 0
            self.checking = asyncio.create_task(self._check())

    async def _hear(self, pcm: bytes, transcribe: bool) -> Heard:
        ref = await asyncio.to_thread(self.blobs.put, pcm, kind="call")
        try:
            heard: Heard = await self.handle.execute_update(
                VOICE_HEAR, HearInput(ref, self.rate, transcribe), result_type=Heard
            )
            return heard
        finally:
            await asyncio.to_thread(self.blobs.delete, ref)

    def _keep_last(self, seconds: float) -> None:
        keep = int(seconds * self.rate) * 2
        if len(self.buf) > keep:
            del self.buf[: len(self.buf) - keep]

    async def _check(self) -> None:
        t = self.tuning
        try:
            if self.replying and not self.speaking:
                return  # the turn is thinking: its CPU is not shared; the audio waits here
            if self.replying:
                window = bytes(self.buf[-int(t.barge_window_s * self.rate) * 2 :])
                heard = await self._hear(window, False)
                if heard.speech_s >= t.barge_min_speech_s:
                    await self.interrupt("speech")
                else:
                    self._keep_last(t.barge_window_s)
                return
            pcm = bytes(self.buf)
            now = time.perf_counter()
            heard = await self._hear(pcm, False)
            if not heard.spans:
                self._keep_last(t.barge_window_s)  # silence: keep only what may start speech
                return
            # Partial transcripts run beside the VAD checks, never in their way: the end of
            # the caller's turn is noticed within one check.
            # Not once the caller pauses: the final transcript is about to need the model.
            speaking = heard.silence_after_s < t.early_stt_s
            partial_due = speaking and now - self.last_partial >= t.partial_every_s
            if partial_due and (self.partial is None or self.partial.done()):
                self.last_partial = now
                self.partial = asyncio.create_task(self._partial(pcm))
            silence = heard.silence_after_s
            if silence >= t.early_stt_s and self.early is None:
                self.early = (len(pcm), asyncio.create_task(self._hear(pcm, True)))
            if silence >= t.end_silence_s or heard.duration_s >= t.max_utterance_s:
                await self._end_of_utterance(pcm, heard)
        except Exception as err:
            if self.closed:
                return  # hung up mid-check
            log.error("voice check failed", extra={"exc_type": type(err).__name__})
            with contextlib.suppress(Exception):
                await self.send_json({"type": "error", **error_body("voice_failed", str(err))})

    async def _partial(self, pcm: bytes) -> None:
        # A partial transcript is a courtesy: one that fails or comes too late is skipped.
        with contextlib.suppress(Exception):
            heard = await self._hear(pcm, True)
            if heard.text and not self.replying:
                await self.send_json({"type": "partial", "text": heard.text})

    async def _end_of_utterance(self, pcm: bytes, heard: Heard) -> None:
        end_of_speech = time.perf_counter() - heard.silence_after_s
        del self.buf[: len(pcm)]  # what arrived meanwhile is the next utterance's start
        early, self.early = self.early, None
        if self.partial is not None:
            self.partial.cancel()  # the final transcript says it all
        speech_end = int(heard.spans[-1][1] * self.rate) * 2
        if early is not None and early[0] >= speech_end:
            final = await early[1]  # no speech since it started: its transcript is final
        else:
            if early is not None:
                early[1].cancel()
            final = await self._hear(pcm, True)
        if not final.text.strip():
            return
        await self.send_json({"type": "final", "text": final.text, "confidence": final.confidence})
        await self._note("utterance", speech_s=round(heard.speech_s, 2))
        self.speaking = False
        self.reply = asyncio.create_task(self._reply(final.text, final.language, end_of_speech))

    # -- replying -----------------------------------------------------------------------------
    async def _reply(self, text: str, language: str, end_of_speech: float) -> None:
        state, who = self.state, self.who
        await charge(state, who)
        body = PipelineRequest(
            prompt=text, session_id=self.session_id, patient_id=self.patient_id, channel="voice"
        )
        turn, session_id, echo = await prepare_turn(state, who, body, None, stream=True)
        self.session_id, self.turn_id = session_id, turn.turn_id
        handle = await start_turn(self.client, state.settings, turn, session_id)
        await self.send_json(
            {"type": "accepted", "session_id": session_id, "turn_id": turn.turn_id}
        )
        sentences: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
        speaker = asyncio.create_task(self._speak_all(sentences, end_of_speech))
        try:
            if isinstance(handle, PipelineResult):
                result = handle
                queued = False
            else:
                result, queued = await self._follow(session_id, turn.turn_id, language, sentences)
            if not queued:
                # No text streamed (an emergency's guidance, a tool's outcome): say it all,
                # sentence by sentence.
                done, rest = split_sentences(result.final_response + "\n", first=True)
                for sentence in [*done, rest]:
                    if sentence.strip():
                        await sentences.put((sentence, result.language))
            await self.send_json(
                {
                    "type": "done",
                    "result": PipelineResponse.from_result(result, echo).model_dump(),
                }
            )
            await sentences.put(None)
            await speaker
        finally:
            speaker.cancel()

    async def _follow(
        self,
        session_id: str,
        turn_id: str,
        language: str,
        sentences: asyncio.Queue[tuple[str, str] | None],
    ) -> tuple[PipelineResult, bool]:
        """Forwards the turn's text as it streams, queueing each finished sentence to be
        spoken in `language` (the caller's, as whisper heard it)."""
        settings = self.state.settings
        wf_id = pipeline_workflow_id(self.who.tenant_id, session_id, turn_id)
        await wait_until_started(self.client, wf_id, timeout_s=settings.turn_timeout_s)
        stream = WorkflowStreamClient.create(self.client, wf_id)
        pending, queued = "", False
        async for item in stream.subscribe(
            ["events"],
            from_offset=0,
            result_type=StreamEvent,
            poll_cooldown=timedelta(milliseconds=settings.stream_poll_ms),
        ):
            ev: StreamEvent = item.data
            if ev.event == "text_delta":
                await self.send_json({"type": "text_delta", "delta": ev.delta})
                done, pending = split_sentences(pending + ev.delta, first=not queued)
                for sentence in done:
                    await sentences.put((sentence, language))
                    queued = True
            elif ev.event == "reset":
                # The reply restarts elsewhere: what was not said yet is not said.
                while not sentences.empty():
                    sentences.get_nowait()
                pending, queued = "", False
                await self.send_json({"type": "reset"})
            elif ev.event == "done" and ev.result is not None:
                if queued and pending.strip():
                    await sentences.put((pending, ev.result.language))
                return ev.result, queued
        raise RuntimeError("the turn's stream ended without its result")

    async def _speak_all(
        self, sentences: asyncio.Queue[tuple[str, str] | None], end_of_speech: float
    ) -> None:
        """Plays the reply's sentences in order while the next one is being synthesized."""
        ready: asyncio.Queue[Speech | None] = asyncio.Queue(maxsize=2)

        async def synthesize() -> None:
            while (item := await sentences.get()) is not None:
                speech = await self._synth(*item)
                if speech is not None:
                    await ready.put(speech)
            await ready.put(None)

        producer = asyncio.create_task(synthesize())
        try:
            index = 0
            while (speech := await ready.get()) is not None:
                audio = await asyncio.to_thread(self._take, speech)
                if audio is None:
                    await self.send_json({"type": "speech_unavailable", "reason": speech.reason})
                    continue
                pcm, sample_rate = wav_pcm(audio)
                frame: dict[str, Any] = {
                    "type": "audio",
                    "sentence": index,
                    "sample_rate": sample_rate,
                }
                if index == 0:
                    since = time.perf_counter() - end_of_speech
                    frame["since_end_of_speech_ms"] = round(since * 1000)
                await self.send_json(frame)
                self.speaking = True
                await self._play(pcm, sample_rate)
                index += 1
        finally:
            producer.cancel()
            with contextlib.suppress(BaseException):
                await producer  # a cancelled update raises its own error; it is expected
            # Speech made but never played (a barge-in) is deleted, not left on disk.
            while not ready.empty():
                left = ready.get_nowait()
                if left is not None and left.audio_ref:
                    self.blobs.delete(left.audio_ref)

    async def _synth(self, text: str, language: str) -> Speech | None:
        said = spoken_text(text, language)
        if not said:
            return None
        speech: Speech = await self.handle.execute_update(
            VOICE_SPEAK, SynthesizeInput(said, language), result_type=Speech
        )
        return speech

    def _take(self, speech: Speech) -> bytes | None:
        if not speech.available or speech.audio_ref is None:
            return None
        try:
            return self.blobs.get(speech.audio_ref)
        finally:
            self.blobs.delete(speech.audio_ref)

    async def _play(self, pcm: bytes, sample_rate: int) -> None:
        """Frames at real-time pace, `lead_s` ahead: a barge-in leaves little unsaid audio
        in the client's buffer."""
        step = int(sample_rate * self.tuning.chunk_s) * 2
        for i in range(0, len(pcm), step):
            now = time.perf_counter()
            self.play_clock = max(self.play_clock, now)
            wait = self.play_clock - self.tuning.lead_s - now
            if wait > 0:
                await asyncio.sleep(wait)
            piece = pcm[i : i + step]
            await self._send_bytes(piece)
            self.play_clock += len(piece) / 2 / sample_rate

    async def interrupt(self, how: str) -> None:
        """Stops the reply: its pending audio and text are dropped; the turn itself is
        durable and stays answered in the conversation."""
        reply = self.reply
        if reply is None or reply.done():
            return
        began = time.perf_counter()
        reply.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reply
        stop_ms = round((time.perf_counter() - began) * 1000, 1)
        self.play_clock = 0.0
        await self.send_json({"type": "interrupted", "by": how, "stop_ms": stop_ms})
        await self._note("interrupted", by=how, stop_ms=stop_ms)

    async def close(self) -> None:
        self.closed = True
        early = self.early[1] if self.early else None
        tasks = [t for t in (self.checking, self.partial, self.reply, early) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
