"""Understanding quality and cost: the clinic test set first, dev beside it, and CLINC150.

Run: `.venv/bin/python bench/eval_intents.py [--verbose] [--skip-clinc]` (a minute for the
clinic sets once the fits are cached; CLINC150 adds about two). Writes nothing.

Clinic sets (bench/data/intents_test.json, never tuned on, its misses never printed; and
intents_dev.json, tuned on): each message goes through what a turn does before acting:
emergency triage first (an escalation is the label "emergency"), then the intent engine
with the configured abstention threshold; the reported label is compared with the gold one
(11 labels, see bench/data/README.md). Accuracy and macro-F1 overall, then per language and
per speaker (patient or staff). Latency is per message: triage plus classification.

CLINC150 (public, ../shared/datasets): the engine's model is fitted on train plus
oos_train; the abstention threshold is the highest keeping val in-scope accuracy >= 0.93;
test is scored once. Abstentions count as out-of-scope predictions.
"""

from __future__ import annotations

import os

# One BLAS thread: per-utterance matrix products are tiny, and thread hand-offs dominate.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.embedding import Embedder, prepare_model
from activities.embedding.features import TextFeatures
from activities.embedding.fit_cache import FitCache
from activities.embedding.multilingual import MultilingualEmbedder
from activities.intent.engine import IntentEngine
from activities.safety.triage import TriageEngine
from core.intent_catalog import OUT_OF_SCOPE, IntentDef
from core.settings import ROOT, get_settings

CLINC = ROOT.parent / "shared" / "datasets" / "intents" / "clinc150" / "data_full.json"
TEST = ROOT / "bench" / "data" / "intents_test.json"
DEV = ROOT / "bench" / "data" / "intents_dev.json"


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    f1s = []
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / max(2 * tp + fp + fn, 1))
    return float(np.mean(f1s))


def understand(triage: TriageEngine, engine: IntentEngine, text: str) -> str:
    if triage.assess(text).requires_escalation:
        return "emergency"
    return engine.classify(text).label


def evaluate(
    triage: TriageEngine, engine: IntentEngine, rows: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    for row in rows[:10]:
        understand(triage, engine, row["text"])
    pred: list[str] = []
    times: list[float] = []
    for row in rows:
        started = time.perf_counter()
        pred.append(understand(triage, engine, row["text"]))
        times.append((time.perf_counter() - started) * 1000)
    gold = [r["intent"] for r in rows]
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        for key in (f"lang:{row.get('lang', 'en')}", f"speaker:{row.get('speaker', 'patient')}"):
            groups.setdefault(key, []).append(i)
    by_group = {
        key: sum(gold[i] == pred[i] for i in idx) / len(idx) for key, idx in sorted(groups.items())
    }
    not_plain = sum(
        1 for r in rows if r.get("lang", "en") != "en" or r.get("speaker", "patient") == "staff"
    )
    return {
        "n": len(rows),
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / len(rows),
        "macro_f1": macro_f1(gold, pred),
        "groups": by_group,
        "spanish_or_staff": not_plain / len(rows),
        "p50_ms": float(np.percentile(times, 50)),
        "p95_ms": float(np.percentile(times, 95)),
        "confusions": Counter((g, p) for g, p in zip(gold, pred, strict=True) if g != p),
        "misses": [
            f"{g:>22} -> {p:<22} {r['text']}"
            for r, g, p in zip(rows, gold, pred, strict=True)
            if g != p
        ],
    }


def clinc(features: TextFeatures, val_in_scope: float) -> str:
    data = json.loads(CLINC.read_text())

    def rows(split: str) -> list[tuple[str, str]]:
        out = [(t, i) for t, i in data[split]]
        out += [(t, OUT_OF_SCOPE) for t, _ in data[f"oos_{split}"]]
        return out

    by_intent: dict[str, list[str]] = {}
    for text, intent in rows("train"):
        by_intent.setdefault(intent, []).append(text)
    intents = [
        IntentDef(name, "out_of_scope" if name == OUT_OF_SCOPE else "knowledge", name, tuple(ex))
        for name, ex in sorted(by_intent.items())
    ]
    started = time.perf_counter()
    engine = IntentEngine(features, intents, threshold=0.5)
    fit_s = time.perf_counter() - started
    model = engine.default_model
    val, test = rows("val"), rows("test")
    val_scored = model.score(features.encode([t for t, _ in val]))
    test_scored = model.score(features.encode([t for t, _ in test]))

    def scores(pairs: list[tuple[str, str]], scored: list[Any], thr: float) -> tuple[float, float]:
        pred = [model.decide(t, s, thr).intent for (t, _), s in zip(pairs, scored, strict=True)]
        pred = [OUT_OF_SCOPE if p == "clarify" else p for p in pred]
        ins = [(g, p) for (_, g), p in zip(pairs, pred, strict=True) if g != OUT_OF_SCOPE]
        oos = [p for (_, g), p in zip(pairs, pred, strict=True) if g == OUT_OF_SCOPE]
        return (
            sum(g == p for g, p in ins) / len(ins),
            sum(p == OUT_OF_SCOPE for p in oos) / len(oos),
        )

    chosen = 0.0
    for thr in np.round(np.arange(0.0, 1.0001, 0.01), 3):
        if scores(val, val_scored, float(thr))[0] >= val_in_scope:
            chosen = float(thr)
    in_acc, oos_rec = scores(test, test_scored, chosen)
    return (
        f"CLINC150 test (fit on train, {fit_s:.0f} s; threshold {chosen:.2f} chosen on val): "
        f"in-scope accuracy {in_acc:.3f}, out-of-scope recall {oos_rec:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the dev set's errors")
    parser.add_argument("--skip-clinc", action="store_true")
    parser.add_argument("--val-in-scope", type=float, default=0.93)
    parser.add_argument(
        "--fresh",
        type=Path,
        help="a new writer's rows (a JSON list), scored before any tuning on them",
    )
    args = parser.parse_args()
    settings = get_settings()
    embedder = Embedder(prepare_model(settings.model_dir))
    features = TextFeatures(embedder, MultilingualEmbedder())
    cache = FitCache(settings.fit_cache_dir)
    started = time.perf_counter()
    engine = IntentEngine(features, threshold=settings.intent_abstain_threshold, cache=cache)
    routine = [t for i in engine.defaults for t in i.examples]
    triage = TriageEngine(features, negatives=routine, cache=cache)
    print(f"engines built in {time.perf_counter() - started:.1f} s")
    reports = {
        "test": evaluate(triage, engine, json.loads(TEST.read_text())["examples"]),
        "dev": evaluate(triage, engine, json.loads(DEV.read_text())["examples"]),
    }
    if args.fresh:
        reports["fresh"] = evaluate(triage, engine, json.loads(args.fresh.read_text()))
    print(
        f"\n{'set':<6} {'n':>5} {'accuracy':>9} {'macroF1':>8} {'es/staff':>9} "
        f"{'p50 ms':>7} {'p95 ms':>7}"
    )
    for name, r in reports.items():
        print(
            f"{name:<6} {r['n']:>5} {r['accuracy']:>9.3f} {r['macro_f1']:>8.3f} "
            f"{r['spanish_or_staff']:>9.2f} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f}"
        )
    print("\naccuracy per group")
    for name, r in reports.items():
        print(f"{name:<6} " + "  ".join(f"{k} {v:.3f}" for k, v in r["groups"].items()))
    if args.verbose:
        for (g, p), n in reports.get("fresh", {}).get("confusions", Counter()).most_common(15):
            print(f"  fresh {n:>3}  {g} -> {p}")
        print("\ndev confusions (gold -> predicted):")
        for (g, p), n in reports["dev"]["confusions"].most_common(15):
            print(f"  {n:>3}  {g} -> {p}")
        for line in reports["dev"]["misses"]:
            print(f"  dev miss: {line}")
    if CLINC.is_file() and not args.skip_clinc:
        print("\n" + clinc(features, args.val_in_scope))
    elif not args.skip_clinc:
        print(f"CLINC150 not found at {CLINC}; skipped", file=sys.stderr)
    test, dev = reports["test"], reports["dev"]
    print(
        f"SUMMARY test accuracy={test['accuracy']:.3f} macroF1={test['macro_f1']:.3f} "
        f"(spanish/staff share {test['spanish_or_staff']:.2f}) | dev accuracy="
        f"{dev['accuracy']:.3f} macroF1={dev['macro_f1']:.3f} | p95_ms={test['p95_ms']:.2f} | "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
