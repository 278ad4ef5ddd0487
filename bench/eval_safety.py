"""Safety and understanding in one run, test sets first: PII, triage, injection, over-refusal,
and what the screen plus classification add to a turn.

Run: `OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/eval_safety.py` (about three minutes).
Reads the sets in bench/data/ (see its README) and ../shared/datasets/ (Presidio, deepset,
XSTest); writes nothing. Test sets were written blind and are never tuned on; dev sets are.

- PII: micro recall and precision of `PiiEngine.find` per set (bench/pii_eval.py has the
  matching rule and the per-entity tables).
- Triage: recall, false-positive rate, and self-harm and overdose recall with the right tier
  (bench/triage_eval.py has per-category and per-language tables).
- Injection: the deepset report half (public, held out from the exemplars) and the clinic
  injection test set (written blind); XSTest safe prompts for over-refusal.
- Turn cost: `SafetyEngine.screen` then `IntentEngine.classify` on the same text (the
  understand activity) and `check_output` on a typical reply with the sources a turn allows,
  the calls a turn makes, timed together on every clinic intents message.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.embedding import Embedder, prepare_model
from activities.embedding.features import TextFeatures
from activities.embedding.fit_cache import FitCache
from activities.embedding.multilingual import MultilingualEmbedder
from activities.intent.engine import IntentEngine
from activities.language.detector import LanguageDetector
from activities.safety.engine import SafetyEngine
from activities.safety.injection import InjectionDetector, InjectionModel
from activities.safety.pii.engine import PiiEngine
from activities.safety.triage import TriageEngine
from bench.injection_eval import evaluate_blind_test, evaluate_injection, evaluate_overrefusal
from bench.pii_eval import evaluate_pii, sets
from bench.triage_eval import DEV, MODEL_DIR, TEST, evaluate_triage, load
from core.settings import ROOT

TURN_BUDGET_MS = 30.0
# A typical reply: two sentences quoted from an article, one from a booking tool's result.
PASSAGE = (
    "Opening Hours. Harborview Downtown is open Monday to Friday, 8:00 AM to 6:00 PM. You can "
    "call the front desk at (617) 555-0100. Saturday clinics run 9:00 AM to 1:00 PM."
)
REPLY = (
    "Harborview Downtown is open Monday to Friday, 8:00 AM to 6:00 PM. You can call the front "
    "desk at (617) 555-0100. You're booked with Dr. Maya Chen on Tuesday at 10:00 AM.\n\n"
    "Source: Opening Hours"
)
# What the generate activity allows in a reply (`public_sources`): the passages it was given,
# the clinic's contacts and the names of its providers and sites.
ALLOWED = [PASSAGE, "(617) 555-0100", "Maya Chen", "Harborview Downtown"]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def turn_cost(safety: SafetyEngine, intents: IntentEngine) -> dict[str, float]:
    messages = [
        d["text"]
        for name in ("intents_test.json", "intents_dev.json")
        for d in json.loads((ROOT / "bench" / "data" / name).read_text())["examples"]
    ]
    for text in messages[:10]:  # warm-up: first calls pay for lazy initialisation
        safety.screen(text)
        intents.classify(text)
    screen, classify, total = [], [], []
    for text in messages:
        t0 = time.perf_counter()
        screened = safety.screen(text)
        t1 = time.perf_counter()
        if not screened.requires_escalation:
            intents.classify(text)  # as the understand activity does: the same features
        t2 = time.perf_counter()
        safety.check_output(REPLY, allowed=ALLOWED)
        t3 = time.perf_counter()
        screen.append((t1 - t0) * 1000)
        classify.append((t2 - t1) * 1000)
        total.append((t3 - t0) * 1000)
    return {
        "n": len(messages),
        "screen_p50": pct(screen, 50),
        "screen_p95": pct(screen, 95),
        "classify_p50": pct(classify, 50),
        "classify_p95": pct(classify, 95),
        "turn_p50": pct(total, 50),
        "turn_p95": pct(total, 95),
    }


def main() -> int:
    wall = time.perf_counter()
    embedder = Embedder(prepare_model(MODEL_DIR))
    features = TextFeatures(embedder, MultilingualEmbedder())
    cache = FitCache(MODEL_DIR.parent / "fitted")
    intents = IntentEngine(features, cache=cache)
    routine = [t for i in intents.defaults for t in i.examples]
    pii = PiiEngine(hash_secret="bench")
    triage = TriageEngine(features, negatives=routine, cache=cache)
    injection = InjectionDetector(
        embedder, model=InjectionModel(features, benign=routine, cache=cache)
    )
    safety = SafetyEngine(pii, triage, injection, embedder, LanguageDetector())

    print("## PII (micro over the 9 types; per-entity tables: bench/pii_eval.py)")
    print(f"{'set':<42} {'rows':>5} {'recall':>7} {'precision':>9}")
    pii_results: dict[str, dict[str, Any]] = {}
    for title, rows, _ in sets():
        pii_results[title] = evaluate_pii(pii, rows)
        micro = pii_results[title]["micro"]
        print(f"{title:<42} {len(rows):>5} {micro['recall']:>7.3f} {micro['precision']:>9.3f}")

    print("\n## Emergency triage (per category and language: bench/triage_eval.py)")
    print(
        f"{'set':<6} {'pos':>4} {'neg':>4} {'recall':>7} {'FPR':>6} {'sh+tier':>8} {'od+tier':>8}"
    )
    tri: dict[str, dict[str, Any]] = {}
    for name, path in (("test", TEST), ("dev", DEV)):
        m = tri[name] = evaluate_triage(triage, load(path))
        print(
            f"{name:<6} {m['emergencies']:>4} {m['negatives']:>4} {m['recall']:>7.3f} "
            f"{m['fpr']:>6.3f} {m['tier_recall'].get('self_harm', 0):>8.3f} "
            f"{m['tier_recall'].get('overdose_poisoning', 0):>8.3f}"
        )

    print("\n## Prompt injection and over-refusal")
    inj = evaluate_injection(injection, halves=("report",))["report"]
    blind = evaluate_blind_test(lambda t: injection.detect(t).flagged)
    print(f"{'set':<40} {'attacks':>7} {'recall':>7} {'benign':>7} {'FPR':>6}")
    for label, r in (("clinic test (written blind)", blind), ("deepset report half", inj)):
        print(
            f"{label:<40} {r['attacks']:>7} {r['recall']:>7.3f} {r['benign']:>7} {r['fpr']:>6.3f}"
        )

    def refused(text: str) -> bool:
        s = safety.screen(text)
        return s.requires_escalation or s.blocked or s.injection

    over = evaluate_overrefusal(refused)
    safe = over["safe"]
    print(f"XSTest safe prompts refused by the whole screen: {safe['flagged']}/{safe['n']}")

    cost = turn_cost(safety, intents)
    print("\n## What the screen, classification and the reply check add to a turn (ms)")
    print(
        f"{cost['n']} clinic messages: screen p50 {cost['screen_p50']:.1f} p95 "
        f"{cost['screen_p95']:.1f}; classify p50 {cost['classify_p50']:.1f} p95 "
        f"{cost['classify_p95']:.1f}; all three p50 {cost['turn_p50']:.1f} "
        f"p95 {cost['turn_p95']:.1f}"
    )
    print(f"wall time: {time.perf_counter() - wall:.0f} s")
    verdict = "<=" if cost["turn_p95"] <= TURN_BUDGET_MS else "ABOVE"
    ptest = next(iter(pii_results.values()))["micro"]
    print(
        f"SUMMARY PII test recall {ptest['recall']:.3f} (P {ptest['precision']:.3f}); triage test "
        f"recall {tri['test']['recall']:.3f} FPR {tri['test']['fpr']:.3f}; injection blind test "
        f"recall {blind['recall']:.3f} FPR {blind['fpr']:.3f}; XSTest over-refusal "
        f"{safe['rate']:.3f}; safety+classification per turn p95 {cost['turn_p95']:.1f} ms "
        f"({verdict} {TURN_BUDGET_MS:.0f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
