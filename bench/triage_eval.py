"""Emergency triage quality and cost: the blind test set first, the dev set beside it.

Run: `.venv/bin/python bench/triage_eval.py [--verbose]` (about a minute; the first run also
fits the crisis classifier). Reads bench/data/triage_test.json (written blind, before tuning,
never tuned on: its misses are never printed) and bench/data/triage_dev.json (tuned on;
--verbose lists its misses). Items are {"text", "emergency", "category", "tier", "lang"}; see
bench/data/README.md for the label definitions.

Metrics: recall and false-positive rate of requires_escalation; recall per gold category;
tier accuracy over caught emergencies (988 counts as right for either self-harm tier, 988 or
check_in); self-harm and overdose recall with the right tier; recall and FPR per language;
latency per message through TriageEngine.assess (features and patterns), one at a time.
Rows marked "patterns" use TriageEngine(None), the fallback with no model.
"""

from __future__ import annotations

import os

# One BLAS thread: a message is one small matrix product, and thread hand-offs dominate it.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.safety.triage import TriageEngine
from activities.safety.triage.engine import Triage
from activities.safety.triage.model import CLASSES
from core.settings import ROOT

DEV = ROOT / "bench" / "data" / "triage_dev.json"
TEST = ROOT / "bench" / "data" / "triage_test.json"
MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"


class Assessor(Protocol):
    def assess(self, text: str) -> Triage: ...


class Batched:
    """An engine's assess() with the classifier's probabilities computed for all texts at
    once: encoding a few thousand texts in batches is several times faster than one by one,
    and the decisions are the engine's own."""

    def __init__(self, engine: TriageEngine, texts: list[str]) -> None:
        self.engine = engine
        self._probs: dict[str, dict[str, float]] = {}
        if engine.model is not None and engine.features is not None:
            clipped = [t[:1000] for t in texts]
            probs = engine.model.proba_many(engine.features.encode(clipped))
            for text, row in zip(texts, probs, strict=True):
                self._probs[text] = {c: float(p) for c, p in zip(CLASSES, row, strict=True)}

    def assess(self, text: str) -> Triage:
        return self.engine.assess(text, probs=self._probs.get(text))


def load(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return items


def right_tier(item: dict[str, Any], result: Triage) -> bool:
    if item["tier"] == "988":
        return result.tier in ("988", "check_in")
    return result.tier == item["tier"]


def evaluate_triage(engine: Assessor, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Recall, false-positive rate, per-category and per-language recall, tiers, latency."""
    for item in items[:5]:
        engine.assess(item["text"])
    results: list[Triage] = []
    times: list[float] = []
    for item in items:
        started = time.perf_counter()
        results.append(engine.assess(item["text"]))
        times.append((time.perf_counter() - started) * 1000)
    pairs = list(zip(items, results, strict=True))
    pos = [(i, r) for i, r in pairs if i["emergency"]]
    neg = [(i, r) for i, r in pairs if not i["emergency"]]
    caught = [(i, r) for i, r in pos if r.requires_escalation]
    per_category: dict[str, float] = {}
    tiered: dict[str, float] = {}
    for cat in sorted({i["category"] for i, _ in pos}):
        rows = [(i, r) for i, r in pos if i["category"] == cat]
        per_category[cat] = sum(r.requires_escalation for _, r in rows) / len(rows)
        tiered[cat] = sum(r.requires_escalation and right_tier(i, r) for i, r in rows) / len(rows)
    per_language: dict[str, tuple[float, float]] = {}
    for lang in sorted({i.get("lang", "en") for i in items}):
        lp = [r for i, r in pos if i.get("lang", "en") == lang]
        ln = [r for i, r in neg if i.get("lang", "en") == lang]
        per_language[lang] = (
            sum(r.requires_escalation for r in lp) / max(len(lp), 1),
            sum(r.requires_escalation for r in ln) / max(len(ln), 1),
        )
    sev_pos = np.array([r.severity for _, r in pos])
    sev_neg = np.array([r.severity for _, r in neg])
    greater = (sev_pos[:, None] > sev_neg[None, :]).mean() if len(pos) and len(neg) else 0.0
    ties = (sev_pos[:, None] == sev_neg[None, :]).mean() if len(pos) and len(neg) else 0.0
    return {
        "severity_auc": float(greater + ties / 2),
        "emergencies": len(pos),
        "negatives": len(neg),
        "recall": len(caught) / max(len(pos), 1),
        "fpr": sum(r.requires_escalation for _, r in neg) / max(len(neg), 1),
        "per_category": per_category,
        "tier_recall": tiered,
        "per_language": per_language,
        "tier_accuracy": sum(right_tier(i, r) for i, r in caught) / max(len(caught), 1),
        "category_accuracy": sum(i["category"] == r.category for i, r in caught)
        / max(len(caught), 1),
        "p50_ms": float(np.percentile(times, 50)),
        "p95_ms": float(np.percentile(times, 95)),
        "misses": [f"{i['category']}: {i['text']}" for i, r in pos if not r.requires_escalation],
        "false_positives": [
            f"{i['text']} -> {r.category} ({r.reason})" for i, r in neg if r.requires_escalation
        ],
        "wrong_tier": [
            f"{i['text']} -> {r.tier} (gold {i['tier']})" for i, r in caught if not right_tier(i, r)
        ],
    }


def _row(name: str, m: dict[str, Any]) -> str:
    sh, od = m["tier_recall"].get("self_harm", 0.0), m["tier_recall"].get("overdose_poisoning", 0.0)
    return (
        f"{name:<14} {m['emergencies']:>4} {m['negatives']:>4} {m['recall']:>7.3f} "
        f"{m['fpr']:>6.3f} {sh:>7.3f} {od:>7.3f} {m['tier_accuracy']:>6.3f} "
        f"{m['category_accuracy']:>7.3f} {m['p50_ms']:>7.2f} {m['p95_ms']:>7.2f}"
    )


def build_engine() -> TriageEngine:
    from activities.embedding import Embedder, prepare_model
    from activities.embedding.features import TextFeatures
    from activities.embedding.fit_cache import FitCache
    from activities.embedding.multilingual import MultilingualEmbedder
    from core.intent_catalog import load_default_intents

    prepare_model(MODEL_DIR)
    features = TextFeatures(Embedder(MODEL_DIR), MultilingualEmbedder())
    routine = [t for i in load_default_intents() for t in i.examples]
    return TriageEngine(features, negatives=routine, cache=FitCache(MODEL_DIR.parent / "fitted"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the dev set's errors")
    parser.add_argument(
        "--fresh", type=Path, help="a new writer's rows, scored before any tuning on them"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    engines: dict[str, Assessor] = {"model": build_engine(), "patterns": TriageEngine(None)}
    print(f"engines built in {time.perf_counter() - started:.1f} s")
    reports: dict[str, dict[str, Any]] = {}
    splits = [("test", TEST), ("dev", DEV)] + ([("fresh", args.fresh)] if args.fresh else [])
    for split, path in splits:
        items = load(path)
        for mode, engine in engines.items():
            reports[f"{split}/{mode}"] = evaluate_triage(engine, items)

    print(
        f"{'set/mode':<14} {'pos':>4} {'neg':>4} {'recall':>7} {'FPR':>6} {'sh+tier':>7} "
        f"{'od+tier':>7} {'tier':>6} {'cat-acc':>7} {'p50 ms':>7} {'p95 ms':>7}"
    )
    for name, m in reports.items():
        print(_row(name, m))
    cats = sorted(reports["test/model"]["per_category"])
    print("\nrecall per category")
    print(f"{'set/mode':<14} " + " ".join(f"{c[:9]:>9}" for c in cats))
    for name, m in reports.items():
        print(f"{name:<14} " + " ".join(f"{m['per_category'].get(c, 0):>9.3f}" for c in cats))
    print("\nrecall / FPR per language")
    for name, m in reports.items():
        langs = "  ".join(f"{k} {v[0]:.3f}/{v[1]:.3f}" for k, v in m["per_language"].items())
        print(f"{name:<14} {langs}")
    if args.verbose:
        for key in ("misses", "false_positives", "wrong_tier"):
            for line in reports["dev/model"][key]:
                print(f"  dev {key}: {line}")
            for line in reports.get("fresh/model", {}).get(key, []):
                print(f"  fresh {key}: {line}")
    test, dev = reports["test/model"], reports["dev/model"]
    print(
        f"SUMMARY test recall={test['recall']:.3f} fpr={test['fpr']:.3f} "
        f"self_harm+tier={test['tier_recall'].get('self_harm', 0):.3f} "
        f"overdose+tier={test['tier_recall'].get('overdose_poisoning', 0):.3f} | "
        f"dev recall={dev['recall']:.3f} fpr={dev['fpr']:.3f} | "
        f"p95_ms={max(dev['p95_ms'], test['p95_ms']):.2f}"
    )


if __name__ == "__main__":
    main()
