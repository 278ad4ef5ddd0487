"""Voice: word error rate and real-time factor per whisper model on LJSpeech; end of speech to
first reply audio and barge-in over /ws/voice on a stack as `make run` starts it; worker RSS.

    .venv/bin/python bench/eval_voice.py [--calls 6] [--skip-line]

WER: the 31 LJSpeech clips with a transcript, against the normalised transcript (numbers
spelled out, as the corpus writes them). Both sides are lower-cased, hyphens become spaces,
other punctuation goes, and digits the model writes are spelled out the same way (four-digit
numbers from 1100 to 1999 as years, "fourteen fifty-five"). Beam size 1, int8, 2 threads:
the settings the voice worker uses.

Line: the caller is devstack/voice_client.py playing the recordings in tests/fixtures/voice
at real time (each ends with 0.5 s of silence after the last word). "End of speech -> first
audio" is measured by the client, from its last word to the first binary reply frame; the
knowledge turns run on the offline responder. Barge-in plays the emergency recording over
the reply 0.3 s after its first audio: "heard" is from the caller's first word to the
`interrupted` frame, "stop" is what the server reports from that decision to its last frame.

Goals (the voice issue): WER <= 0.10 tiny.en, <= 0.07 base; end of speech -> first audio
<= 1.0 s p50 on 2 cores; barge-in stops within 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from activities.voice.audio import decode  # noqa: E402
from activities.voice.stt import SpeechToText  # noqa: E402
from bench.http_stack import http_stack  # noqa: E402
from bench.memory import memory_mb  # noqa: E402
from devstack.voice_client import pcm16k, run_call  # noqa: E402

LJ = ROOT.parent / "shared/datasets/speech/ljspeech"
FIXTURES = ROOT / "tests/fixtures/voice"
QUESTIONS = ("question_hours.wav", "question_parking.wav", "question_insurance.wav")
PAD_S = 0.5  # silence after the last word in each fixture

_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_100(n: int) -> str:
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")


def say_number(n: int) -> str:
    if 1100 <= n <= 1999:
        high, low = divmod(n, 100)
        tail = "hundred" if low == 0 else ("oh " + _ONES[low] if low < 10 else _below_100(low))
        return f"{_below_100(high)} {tail}"
    if n < 100:
        return _below_100(n)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {_below_100(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{say_number(thousands)} thousand"
    return head + (f" {say_number(rest)}" if rest else "")


def normalise(text: str) -> list[str]:
    text = re.sub(r"\d+", lambda m: " " + say_number(int(m.group())) + " ", text.lower())
    text = re.sub(r"[-\u2013\u2014]", " ", text)
    return re.sub(r"[^a-z' ]+", " ", text).replace(" '", " ").split()


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def wer_table() -> tuple[list[tuple[str, float, float, float, float]], int, float]:
    """Per model: WER, RTF, load seconds, median seconds per clip; and clips, audio seconds."""
    rows = list(csv.reader((LJ / "metadata.csv").open(), delimiter="|", quoting=csv.QUOTE_NONE))
    out = []
    for name in ("tiny.en", "base"):
        began = time.perf_counter()
        model = SpeechToText(name, ROOT / "data" / "models" / "whisper")
        load_s = time.perf_counter() - began
        errors = words = 0
        busy = audio_s = 0.0
        per_clip = []
        for clip_id, _raw, spoken in rows:
            audio = decode((LJ / "wavs" / f"{clip_id}.wav").read_bytes(), "audio/wav", 60)
            t0 = time.perf_counter()
            heard = model.transcribe(audio, "en").text
            took = time.perf_counter() - t0
            busy += took
            audio_s += len(audio) / 16_000
            per_clip.append(took)
            ref = normalise(spoken)
            errors += edit_distance(ref, normalise(heard))
            words += len(ref)
        out.append((name, errors / words, busy / audio_s, load_s, statistics.median(per_clip)))
    return out, len(rows), audio_s


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def line_figures(calls: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {
        k: [] for k in ("first_audio", "server", "to_final", "turn", "to_audio", "heard", "stop")
    }
    async with http_stack({"WORKER_ROLE": "all"}) as stack:
        url = stack.base_url.replace("http://", "ws://") + "/ws/voice"
        key = stack.keys["harborview-patient-1"]
        emergency = pcm16k((FIXTURES / "emergency_chest.wav").read_bytes())
        questions = [pcm16k((FIXTURES / q).read_bytes()) for q in QUESTIONS]
        await run_call(url, key, questions[0])  # warm-up: first turn, first synthesis
        for n in range(calls):
            log = await run_call(url, key, questions[n % len(questions)])
            end = log.speech_end - PAD_S
            final, accepted, done = log.at("final"), log.at("accepted"), log.at("done")
            if log.first_audio is not None and final and accepted and done:
                found["first_audio"].append(log.first_audio - end)
                found["to_final"].append(final - end)
                found["turn"].append(done - accepted)
                found["to_audio"].append(log.first_audio - min(done, log.at("text_delta") or done))
            header = log.first("audio")
            if header is not None:
                found["server"].append(header["since_end_of_speech_ms"] / 1000)
        for n in range(max(2, calls // 2)):
            log = await run_call(
                url, key, questions[n % len(questions)], barge_in=emergency, barge_after_s=0.3
            )
            stopped, at = log.first("interrupted"), log.at("interrupted")
            if stopped is None or at is None or log.barge_start is None:
                print(f"  barge-in {n}: no interruption", file=sys.stderr)
                continue
            found["heard"].append(at - (log.barge_start + PAD_S))
            found["stop"].append(stopped["stop_ms"] / 1000)
        rss, peak = memory_mb(stack.procs["worker"].pid)
        found["worker_rss"], found["worker_peak"] = [rss], [peak]
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=6)
    parser.add_argument("--skip-line", action="store_true", help="WER and RTF only")
    args = parser.parse_args()
    table, clips, audio_s = wer_table()
    print(f"## Speech to text on LJSpeech ({clips} clips, {audio_s:.0f} s, one human reader)")
    print(f"{'model':<8} {'WER':>6} {'RTF':>6} {'load s':>7} {'s/clip p50':>11}  goal")
    goals = {"tiny.en": 0.10, "base": 0.07}
    for name, wer, rtf, load, clip in table:
        ok = "ok" if wer <= goals[name] else "MISSED"
        print(
            f"{name:<8} {wer:>6.3f} {rtf:>6.3f} {load:>7.2f} {clip:>11.2f}  <= {goals[name]} {ok}"
        )
    summary = " | ".join(f"WER {n} {w:.3f} RTF {r:.3f}" for n, w, r, _, _ in table)
    if not args.skip_line:
        f = asyncio.run(line_figures(args.calls))
        print(f"\n## Voice line (/ws/voice, tiny.en + piper, {args.calls} knowledge calls)")
        print(f"{'measure':<36} {'p50':>7} {'p95':>7} {'n':>3}  goal")
        for label, key, goal in (
            ("end of speech -> first audio (s)", "first_audio", "<= 1.0 p50"),
            ("  as the server measured it (s)", "server", ""),
            ("  end of speech -> final transcript", "to_final", ""),
            ("  turn: accepted -> done", "turn", ""),
            ("  first text -> first audio", "to_audio", ""),
            ("barge-in: first word -> stop (s)", "heard", ""),
            ("barge-in: decision -> last frame (s)", "stop", "<= 0.150"),
        ):
            v = f[key]
            print(f"{label:<36} {_pct(v, 0.5):>7.3f} {_pct(v, 0.95):>7.3f} {len(v):>3}  {goal}")
        rss, peak = f["worker_rss"][0], f["worker_peak"][0]
        print(f"worker RSS {rss:.0f} MB (peak {peak:.0f} MB), voice models loaded")
        summary += (
            f" | first audio p50 {_pct(f['first_audio'], 0.5):.2f} s"
            f" | barge-in heard p50 {_pct(f['heard'], 0.5):.2f} s,"
            f" stop p95 {_pct(f['stop'], 0.95) * 1000:.0f} ms"
            f" | worker RSS {f['worker_rss'][0]:.0f} MB"
        )
    print(f"\nSUMMARY {summary}")


if __name__ == "__main__":
    main()
