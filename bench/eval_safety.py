"""Safety in one run: PII, triage, prompt injection, over-refusal, and what safety adds to a turn.

Run: `OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/eval_safety.py` (about two minutes). Reads
`../shared/datasets/` (Presidio synthetic PII, deepset prompt injections, XSTest) and the
hand-written sets in `bench/data/` (clinic PII, triage dev and test); writes nothing.

- PII: per entity precision/recall/F1 of `PiiEngine.find` (bench/pii_eval.py has the
  matching rule) on the Presidio set and the clinic set.
- Triage: recall, false-positive rate and self-harm recall of `TriageEngine.assess`, tuned
  on dev, held-out test reported beside it.
- Injection: deepset split into a fit half (exemplars, threshold) and a report half.
- Over-refusal: XSTest's 250 safe prompts through the whole screen; a prompt counts as
  refused when the screen escalates it, blocks it or flags it as an injection.
- Turn cost: `SafetyEngine.screen` on each message of the clinic dev set plus
  `check_output` on a typical reply, the two calls a turn makes, timed together.
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
from activities.safety.engine import SafetyEngine
from activities.safety.injection import InjectionDetector
from activities.safety.pii.engine import PiiEngine
from activities.safety.triage import TriageEngine
from bench.injection_eval import evaluate_injection, evaluate_overrefusal
from bench.pii_eval import CLINIC_SET, PRESIDIO_SET, evaluate_pii, format_table, load_rows
from bench.triage_eval import DEV, MODEL_DIR, TEST, evaluate_triage, load
from core.settings import ROOT

TURN_BUDGET_MS = 30.0
REPLY = (
    "Harborview Downtown is open Monday to Friday, 8:00 AM to 6:00 PM. You can call the front "
    "desk at (617) 555-0100. You're booked with Dr. Maya Chen on Tuesday at 10:00 AM.\n\n"
    "Source: Opening Hours"
)
KEY_ENTITIES = (
    "US_SSN",
    "CREDIT_CARD",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "PERSON",
    "STREET_ADDRESS",
)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def turn_cost(safety: SafetyEngine) -> dict[str, float]:
    messages = [
        d["text"]
        for d in json.loads((ROOT / "bench/data/clinic_intents_dev.json").read_text())["examples"]
    ]
    for text in messages[:10]:  # warm-up: first calls pay for lazy initialisation
        safety.screen(text)
    screen, check, total = [], [], []
    for text in messages:
        t0 = time.perf_counter()
        safety.screen(text)
        t1 = time.perf_counter()
        safety.check_output(REPLY, allowed=["(617) 555-0100", "Maya Chen", "Harborview Downtown"])
        t2 = time.perf_counter()
        screen.append((t1 - t0) * 1000)
        check.append((t2 - t1) * 1000)
        total.append((t2 - t0) * 1000)
    return {
        "n": len(messages),
        "screen_p50": pct(screen, 50),
        "screen_p95": pct(screen, 95),
        "check_p50": pct(check, 50),
        "check_p95": pct(check, 95),
        "turn_p50": pct(total, 50),
        "turn_p95": pct(total, 95),
    }


def print_triage(results: dict[str, dict[str, Any]]) -> None:
    print("\n## Emergency triage")
    print(
        f"{'set':<6} {'emerg':>5} {'neg':>5} {'recall':>7} {'FPR':>6} {'self-harm':>9} "
        f"{'cat-acc':>7} {'p50 ms':>7} {'p95 ms':>7}"
    )
    for name, m in results.items():
        print(
            f"{name:<6} {m['emergencies']:>5} {m['negatives']:>5} {m['recall']:>7.3f} "
            f"{m['fpr']:>6.3f} {m['self_harm_recall']:>9.3f} {m['category_accuracy']:>7.3f} "
            f"{m['p50_ms']:>7.2f} {m['p95_ms']:>7.2f}"
        )
    per = results["dev"]["per_category"]
    print("dev recall by category: " + ", ".join(f"{c} {v:.2f}" for c, v in per.items()))


def print_injection(inj: dict[str, Any], over: dict[str, Any]) -> None:
    print("\n## Prompt injection (deepset) and over-refusal (XSTest)")
    print(f"{'half':<28} {'attacks':>7} {'recall':>7} {'benign':>7} {'FPR':>6}")
    for half in ("report", "fit"):
        r = inj[half]
        label = "report (held out)" if half == "report" else "fit (exemplars come from it)"
        print(
            f"{label:<28} {r['attacks']:>7} {r['recall']:>7.3f} {r['benign']:>7} {r['fpr']:>6.3f}"
        )
    for label in ("safe", "unsafe"):
        o = over[label]
        print(
            f"XSTest {label:<6}: {o['flagged']}/{o['n']} refused by the whole screen "
            f"({o['rate']:.3f})"
        )


def main() -> int:
    missing = [
        p for p in (PRESIDIO_SET.parent, ROOT.parent / "shared/datasets/safety") if not p.exists()
    ]
    if missing:
        print(f"datasets not found: {missing}; nothing to evaluate.")
        return 0
    wall = time.perf_counter()
    embedder = Embedder(prepare_model(MODEL_DIR))
    pii, triage = PiiEngine(hash_secret="bench"), TriageEngine(embedder)
    injection = InjectionDetector(embedder)
    safety = SafetyEngine(pii, triage, injection, embedder)

    presidio = evaluate_pii(pii, load_rows(PRESIDIO_SET))
    clinic = evaluate_pii(pii, load_rows(CLINIC_SET))
    print(format_table("PII: Presidio synthetic set", presidio))
    print(format_table("PII: clinic set (hand-written)", clinic))
    triage_results = {
        "dev": evaluate_triage(triage, load(DEV)),
        "test": evaluate_triage(triage, load(TEST)),
    }
    print_triage(triage_results)
    inj = evaluate_injection(injection)

    def refused(text: str) -> bool:
        s = safety.screen(text)
        return s.requires_escalation or s.blocked or s.injection

    over = evaluate_overrefusal(refused)
    print_injection(inj, over)
    cost = turn_cost(safety)
    print("\n## What safety adds to a turn (ms, one message + one reply each)")
    print(
        f"{cost['n']} clinic messages: screen p50 {cost['screen_p50']:.1f} "
        f"p95 {cost['screen_p95']:.1f}; "
        f"check_output p50 {cost['check_p50']:.1f} p95 {cost['check_p95']:.1f}; "
        f"turn p50 {cost['turn_p50']:.1f} p95 {cost['turn_p95']:.1f}"
    )
    print(f"wall time: {time.perf_counter() - wall:.0f} s")
    ents = presidio["entities"]
    recalls = ", ".join(f"{e} {ents[e]['recall']:.3f}" for e in KEY_ENTITIES if e in ents)
    dev, test = triage_results["dev"], triage_results["test"]
    verdict = "<=" if cost["turn_p95"] <= TURN_BUDGET_MS else "ABOVE"
    print(
        f"summary: PII recall {recalls}; triage dev recall {dev['recall']:.3f} "
        f"FPR {dev['fpr']:.3f} "
        f"self-harm {dev['self_harm_recall']:.3f} (test {test['recall']:.3f}/{test['fpr']:.3f}/"
        f"{test['self_harm_recall']:.3f}); injection recall {inj['report']['recall']:.3f} "
        f"FPR {inj['report']['fpr']:.3f}; XSTest over-refusal {over['safe']['rate']:.3f}; "
        f"safety per turn p95 {cost['turn_p95']:.1f} ms ({verdict} {TURN_BUDGET_MS:.0f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
