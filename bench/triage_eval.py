"""Emergency triage quality and cost on the hand-written dev and held-out test sets.

Run: `.venv/bin/python bench/triage_eval.py` (about ten seconds). Reads
bench/data/triage_dev.json (the set the thresholds and patterns were tuned on) and
bench/data/triage_test.json (held out: written with the dev set, before any tuning, and
never used to tune). Each item is {"text", "emergency", "category", "kind"}; negatives are
hard ones (past history, negation, informational questions, idioms, homonyms, mild
symptoms, refills, bookings). General informational questions ("how much tylenol is an
overdose") count as non-emergencies.

Metrics: recall and false-positive rate of requires_escalation; recall per gold category
(self-harm separately); category accuracy over true positives; severity AUROC (how often an
emergency's severity exceeds a non-emergency's); latency per message through
TriageEngine.assess (one embedding plus the patterns), one message at a time as a turn would.
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
from core.settings import ROOT

DEV = ROOT / "bench" / "data" / "triage_dev.json"
TEST = ROOT / "bench" / "data" / "triage_test.json"
MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"


class Assessor(Protocol):
    def assess(self, text: str) -> Triage: ...


def load(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return items


def evaluate_triage(engine: Assessor, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Recall, false-positive rate, per-category recall, category accuracy and latency.

    `items` are {"text", "emergency", "category", ...}. Latency is per assess() call in ms,
    measured after warming the engine on the first few items.
    """
    for item in items[:5]:
        engine.assess(item["text"])
    results: list[Triage] = []
    times: list[float] = []
    for item in items:
        started = time.perf_counter()
        results.append(engine.assess(item["text"]))
        times.append((time.perf_counter() - started) * 1000)
    pos = [(i, r) for i, r in zip(items, results, strict=True) if i["emergency"]]
    neg = [(i, r) for i, r in zip(items, results, strict=True) if not i["emergency"]]
    caught = [(i, r) for i, r in pos if r.requires_escalation]
    per_category: dict[str, float] = {}
    for cat in sorted({i["category"] for i, _ in pos}):
        rows = [r for i, r in pos if i["category"] == cat]
        per_category[cat] = sum(r.requires_escalation for r in rows) / len(rows)
    # Severity as a ranking: the chance an emergency scores above a non-emergency (AUROC).
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
        "self_harm_recall": per_category.get("self_harm", float("nan")),
        "per_category": per_category,
        "category_accuracy": sum(i["category"] == r.category for i, r in caught)
        / max(len(caught), 1),
        "p50_ms": float(np.percentile(times, 50)),
        "p95_ms": float(np.percentile(times, 95)),
        "misses": [i["text"] for i, r in pos if not r.requires_escalation],
        "false_positives": [
            f"{i['text']} -> {r.category} ({r.reason})" for i, r in neg if r.requires_escalation
        ],
        "miscategorised": [
            f"{i['text']} -> {r.category} (gold {i['category']})"
            for i, r in caught
            if i["category"] != r.category
        ],
    }


def _row(name: str, m: dict[str, Any]) -> str:
    return (
        f"{name:<14} {m['emergencies']:>4} {m['negatives']:>4} {m['recall']:>7.3f} "
        f"{m['fpr']:>6.3f} {m['self_harm_recall']:>6.3f} {m['category_accuracy']:>7.3f} "
        f"{m['severity_auc']:>7.3f} {m['p50_ms']:>7.2f} {m['p95_ms']:>7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list misses and false positives")
    args = parser.parse_args()

    from activities.embedding import Embedder, prepare_model

    prepare_model(MODEL_DIR)
    started = time.perf_counter()
    engines: dict[str, Assessor] = {
        "model": TriageEngine(Embedder(MODEL_DIR)),
        "patterns": TriageEngine(None),
    }
    print(f"engines built in {time.perf_counter() - started:.1f} s")
    reports: dict[str, dict[str, Any]] = {}
    for split, path in (("dev", DEV), ("test", TEST)):
        items = load(path)
        for mode, engine in engines.items():
            reports[f"{split}/{mode}"] = evaluate_triage(engine, items)

    print(
        f"{'set/mode':<14} {'pos':>4} {'neg':>4} {'recall':>7} {'FPR':>6} {'self-h':>6} "
        f"{'cat-acc':>7} {'sev-auc':>7} {'p50 ms':>7} {'p95 ms':>7}"
    )
    for name, m in reports.items():
        print(_row(name, m))
    cats = sorted(reports["dev/model"]["per_category"])
    print("\nrecall per category")
    print(f"{'set/mode':<14} " + " ".join(f"{c[:9]:>9}" for c in cats))
    for name, m in reports.items():
        print(f"{name:<14} " + " ".join(f"{m['per_category'].get(c, 0):>9.3f}" for c in cats))
    if args.verbose:
        for name, m in reports.items():
            for key in ("misses", "false_positives", "miscategorised"):
                for line in m[key]:
                    print(f"  {name} {key}: {line}")
    dev, test = reports["dev/model"], reports["test/model"]
    print(
        f"summary: dev recall={dev['recall']:.3f} fpr={dev['fpr']:.3f} "
        f"self_harm={dev['self_harm_recall']:.3f} | test recall={test['recall']:.3f} "
        f"fpr={test['fpr']:.3f} self_harm={test['self_harm_recall']:.3f} | "
        f"p95_ms={max(dev['p95_ms'], test['p95_ms']):.2f}"
    )


if __name__ == "__main__":
    main()
