"""Intent engine quality and cost: CLINC150 (with out-of-scope) and the clinic dev set.

Run: `.venv/bin/python bench/eval_intents.py` (about two minutes on two cores). Reads
CLINC150 from `../shared/datasets/intents/clinc150/data_full.json` next to the repository
and the clinic dev set from `bench/data/clinic_intents_dev.json`; writes nothing.

CLINC150: the engine's own model (activities/intent/model.py) is fitted on train plus
oos_train (as the out_of_scope intent); the abstention threshold is the highest one that
keeps val in-scope accuracy >= --val-in-scope (0.93 by default: real requests are rarely
turned away, and out-of-scope recall is as high as that allows); test is scored once, at
that threshold. Abstentions (out_of_scope or clarify) count as predicting out-of-scope,
so on in-scope utterances they are errors. Clinic: the default catalogue with the
configured threshold (core/settings.py), scored on the hand-written dev set.
Latency is per utterance through IntentEngine.classify: embedding, MLP, nearest example,
rules and decision, one at a time as a turn would.
"""

from __future__ import annotations

import os

# One BLAS thread: per-utterance matrix products are tiny, and thread hand-offs dominate
# them on two cores (CLINC150 p95 6.2 ms with one thread, 14.8 ms with two, same run day).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.embedding import Embedder, prepare_model
from activities.intent.catalog import OUT_OF_SCOPE, IntentDef
from activities.intent.engine import IntentEngine
from activities.intent.model import IntentModel
from core.settings import ROOT, get_settings

CLINC = ROOT.parent / "shared" / "datasets" / "intents" / "clinc150" / "data_full.json"
CLINIC_DEV = ROOT / "bench" / "data" / "clinic_intents_dev.json"
ABSTAIN = (OUT_OF_SCOPE, "clarify")


@dataclass
class Report:
    name: str
    threshold: float
    in_scope_accuracy: float
    oos_recall: float
    oos_precision: float
    macro_f1: float
    clarify_share: float
    p50_ms: float
    p95_ms: float
    examples: int
    fit_s: float


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def predictions(
    model: IntentModel, texts: Sequence[str], vectors: np.ndarray, thr: float
) -> list[str]:
    scored = model.score(vectors)
    return [model.decide(t, s, thr).intent for t, s in zip(texts, scored, strict=True)]


def metrics(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, float, float, float]:
    norm = [OUT_OF_SCOPE if p in ABSTAIN else p for p in pred]
    ins = [(g, p) for g, p in zip(gold, norm, strict=True) if g != OUT_OF_SCOPE]
    oos = [(g, p) for g, p in zip(gold, norm, strict=True) if g == OUT_OF_SCOPE]
    in_acc = sum(g == p for g, p in ins) / max(len(ins), 1)
    oos_recall = sum(p == OUT_OF_SCOPE for _, p in oos) / max(len(oos), 1)
    said_oos = sum(p == OUT_OF_SCOPE for p in norm)
    oos_precision = sum(p == OUT_OF_SCOPE for _, p in oos) / max(said_oos, 1)
    f1s = []
    for label in sorted(set(gold)):
        tp = sum(g == label and p == label for g, p in zip(gold, norm, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, norm, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, norm, strict=True))
        f1s.append(2 * tp / max(2 * tp + fp + fn, 1))
    clarify = sum(p == "clarify" for p in pred) / max(len(pred), 1)
    return in_acc, oos_recall, oos_precision, float(np.mean(f1s)), clarify


def latency(engine: IntentEngine, texts: Sequence[str]) -> tuple[float, float]:
    for text in texts[:20]:
        engine.classify(text)  # warm caches and the ONNX session
    times = []
    for text in texts:
        started = time.perf_counter()
        engine.classify(text)
        times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def clinc(embedder: Embedder, val_in_scope: float, latency_n: int) -> Report:
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
    engine = IntentEngine(embedder, intents, threshold=0.5)
    fit_s = time.perf_counter() - started
    model = engine.default_model
    val, test = rows("val"), rows("test")
    val_vec = embedder.embed([t for t, _ in val])
    test_vec = embedder.embed([t for t, _ in test])
    val_scored = model.score(val_vec)
    chosen = 0.0
    for thr in np.round(np.arange(0.0, 1.0001, 0.0025), 4):
        pred = [model.decide(t, s, thr).intent for (t, _), s in zip(val, val_scored, strict=True)]
        if metrics([g for _, g in val], pred)[0] >= val_in_scope:
            chosen = float(thr)
    pred = predictions(model, [t for t, _ in test], test_vec, chosen)
    in_acc, rec, prec, f1, clar = metrics([g for _, g in test], pred)
    engine.default_model.threshold = chosen
    sample = [t for t, _ in test][:: max(len(test) // latency_n, 1)][:latency_n]
    p50, p95 = latency(engine, sample)
    return Report(
        "CLINC150 test", chosen, in_acc, rec, prec, f1, clar, p50, p95, model.example_count, fit_s
    )


def clinic(embedder: Embedder, threshold: float) -> Report:
    dev = json.loads(CLINIC_DEV.read_text())["examples"]
    started = time.perf_counter()
    engine = IntentEngine(embedder, threshold=threshold)
    fit_s = time.perf_counter() - started
    texts, gold = [d["text"] for d in dev], [d["intent"] for d in dev]
    pred = [engine.classify(t).intent for t in texts]
    in_acc, rec, prec, f1, clar = metrics(gold, pred)
    p50, p95 = latency(engine, texts)
    errors = [(t, g, p) for t, g, p in zip(texts, gold, pred, strict=True) if g != p]
    for text, g, p in errors:
        print(f"  miss: {g:>22} -> {p:<22} {text}")
    return Report(
        "clinic dev",
        threshold,
        in_acc,
        rec,
        prec,
        f1,
        clar,
        p50,
        p95,
        engine.default_model.example_count,
        fit_s,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--val-in-scope", type=float, default=0.93)
    parser.add_argument("--latency-utterances", type=int, default=1000)
    parser.add_argument("--skip-clinc", action="store_true")
    args = parser.parse_args()
    settings = get_settings()
    embedder = Embedder(prepare_model(settings.model_dir))
    reports = []
    if CLINC.is_file() and not args.skip_clinc:
        reports.append(clinc(embedder, args.val_in_scope, args.latency_utterances))
    elif not args.skip_clinc:
        print(f"CLINC150 not found at {CLINC}; skipping it", file=sys.stderr)
    reports.append(clinic(embedder, settings.intent_abstain_threshold))
    print()
    head = (
        f"{'set':<14} {'thr':>6} {'in-scope':>8} {'oos rec':>8} {'oos prec':>8} "
        f"{'macroF1':>8} {'clarify':>7} {'p50 ms':>7} {'p95 ms':>7} {'examples':>8} {'fit s':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in reports:
        print(
            f"{r.name:<14} {r.threshold:>6.3f} {r.in_scope_accuracy:>8.3f} {r.oos_recall:>8.3f} "
            f"{r.oos_precision:>8.3f} {r.macro_f1:>8.3f} {r.clarify_share:>7.3f} "
            f"{r.p50_ms:>7.2f} {r.p95_ms:>7.2f} {r.examples:>8} {r.fit_s:>6.1f}"
        )
    first = reports[0]
    print(
        f"\nsummary: {first.name} in-scope {first.in_scope_accuracy:.3f}, "
        f"oos recall {first.oos_recall:.3f} at threshold {first.threshold:.3f} "
        f"({'chosen on val' if first.name.startswith('CLINC') else 'configured'}); "
        f"p95 {first.p95_ms:.1f} ms per utterance; peak RSS {rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
