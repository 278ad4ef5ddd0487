"""A command-line voice line: plays a WAV file through /ws/voice at real time, prints what
the server says, and saves the spoken reply.

    .venv/bin/python -m devstack.voice_client question.wav --key ak_... [--out reply.wav]
        [--barge-in other.wav --barge-after 0.5]

`--barge-in` speaks a second recording over the reply, `--barge-after` seconds after its
first audio arrives, as a caller who interrupts would. Used by the tests and
bench/eval_voice.py as the simulated client."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import sys
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import websockets

RATE = 16_000
FRAME_S = 0.1


def pcm16k(wav_data: bytes) -> bytes:
    """A WAV file as 16 kHz mono 16-bit PCM."""
    with wave.open(io.BytesIO(wav_data)) as w:
        rate, channels = w.getframerate(), w.getnchannels()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    if rate != RATE:
        n = round(len(samples) * RATE / rate)
        grid = np.linspace(0, len(samples) - 1, n)
        samples = np.interp(grid, np.arange(len(samples)), samples).astype(np.float32)
    return np.asarray(samples, dtype="<i2").tobytes()


@dataclass
class CallLog:
    events: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)
    sample_rate: int = 0
    speech_end: float = 0.0  # when the last frame of the question was sent
    barge_start: float | None = None
    first_audio: float | None = None
    last_audio: float | None = None
    audio_after_interrupt: int = 0  # reply bytes that arrived after `interrupted`

    def first(self, kind: str) -> dict[str, Any] | None:
        return next((e for _, e in self.events if e.get("type") == kind), None)

    def at(self, kind: str) -> float | None:
        return next((t for t, e in self.events if e.get("type") == kind), None)


async def run_call(
    url: str,
    key: str,
    question: bytes,
    *,
    barge_in: bytes | None = None,
    barge_after_s: float = 0.5,
    session_id: str | None = None,
    timeout_s: float = 60.0,
) -> CallLog:
    """`question` and `barge_in` are 16 kHz PCM; returns when the reply has finished (or was
    interrupted and the interruption's own turn is answered)."""
    log = CallLog()
    frame = int(RATE * FRAME_S) * 2
    silence = b"\x00" * frame
    async with websockets.connect(url, additional_headers={"X-API-Key": key}) as ws:
        start: dict[str, Any] = {"type": "start", "sample_rate": RATE}
        if session_id:
            start["session_id"] = session_id
        await ws.send(json.dumps(start))
        finished = asyncio.Event()
        heard_audio = asyncio.Event()

        async def speak() -> None:
            began = time.perf_counter()
            sent = 0.0

            async def send(pcm: bytes) -> None:
                nonlocal sent
                for i in range(0, len(pcm), frame):
                    await ws.send(pcm[i : i + frame])
                    sent += FRAME_S
                    await asyncio.sleep(max(0.0, began + sent - time.perf_counter()))

            await send(question)
            log.speech_end = time.perf_counter()
            # A microphone keeps sending after the caller stops talking.
            while not finished.is_set():
                if barge_in is not None and heard_audio.is_set() and log.barge_start is None:
                    assert log.first_audio is not None
                    wait = log.first_audio + barge_after_s - time.perf_counter()
                    if wait <= 0:
                        log.barge_start = time.perf_counter()
                        await send(barge_in)
                        continue
                await send(silence)

        speaker = asyncio.create_task(speak())
        interrupted = False
        try:
            async with asyncio.timeout(timeout_s):
                while True:
                    try:
                        message = await asyncio.wait_for(ws.recv(), timeout=2.0)
                    except TimeoutError:
                        if log.first("done") and (barge_in is None or interrupted):
                            break  # the reply's audio has ended
                        continue
                    now = time.perf_counter()
                    if isinstance(message, bytes):
                        log.audio += message
                        log.first_audio = log.first_audio or now
                        log.last_audio = now
                        heard_audio.set()
                        if interrupted:
                            log.audio_after_interrupt += len(message)
                        continue
                    event = json.loads(message)
                    log.events.append((now, event))
                    if event.get("type") == "audio":
                        log.sample_rate = event["sample_rate"]
                    if event.get("type") == "interrupted":
                        interrupted = True
                    if event.get("type") == "error":
                        break
        finally:
            finished.set()
            speaker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await speaker
            with contextlib.suppress(Exception):
                await ws.send(json.dumps({"type": "stop"}))
    return log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wav", type=Path)
    parser.add_argument("--key", required=True, help="an API key (see data/demo-keys.json)")
    parser.add_argument("--url", default="ws://127.0.0.1:3000/ws/voice")
    parser.add_argument("--out", type=Path, default=Path("reply.wav"))
    parser.add_argument("--barge-in", type=Path)
    parser.add_argument("--barge-after", type=float, default=0.5)
    args = parser.parse_args()
    barge = pcm16k(args.barge_in.read_bytes()) if args.barge_in else None
    log = asyncio.run(
        run_call(
            args.url,
            args.key,
            pcm16k(args.wav.read_bytes()),
            barge_in=barge,
            barge_after_s=args.barge_after,
        )
    )
    t0 = log.speech_end
    for t, event in log.events:
        shown = {k: v for k, v in event.items() if k != "result"}
        print(f"{t - t0:+7.2f}s {json.dumps(shown)[:160]}")
    if log.audio:
        with wave.open(str(args.out), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(log.sample_rate)
            w.writeframes(bytes(log.audio))
        print(f"reply audio: {len(log.audio) / 2 / log.sample_rate:.1f} s -> {args.out}")
    else:
        print("no reply audio", file=sys.stderr)


if __name__ == "__main__":
    main()
