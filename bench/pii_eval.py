"""PII precision, recall and F1 per entity, and find() latency, on the Presidio and clinic sets.

Matching rule: a gold span counts as found (a true positive) when a predicted span of the same
(mapped) entity type overlaps it by at least half of the gold span's characters; one predicted
span may find several gold spans (an address predicted whole where the gold set annotates
its street, unit and ZIP as separate spans). A predicted span is correct when it finds at least
one gold span of its type; when it does not but overlaps a gold span of a type the platform
does not score (GPE, ORGANIZATION, DATE_TIME, ZIP_CODE, ...) it is left out of precision and
counted in the "other" column instead; otherwise it is a false positive. Precision is
correct / (correct + false positive); "strict P" also counts the "other" predictions as wrong
(a person predicted on an organisation's name). Recall is found / gold spans.

Sets, test first: Presidio's `generated_small.json` (the split the recognizers were never
tuned on; its rows whose template also occurs in the tuning split are left out) and the
clinic test set written blind (bench/data/pii_clinic_test.json); then the dev sets the
recognizers were tuned on: Presidio's `synth_dataset_v2.json` and the clinic dev set.
`--errors` writes the dev sets' misses and false positives only.

Run: `.venv/bin/python bench/pii_eval.py [--limit N] [--errors misses.json]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
PRESIDIO_SET = ROOT.parent / "shared/datasets/pii/presidio/synth_dataset_v2.json"
PRESIDIO_TEST = ROOT.parent / "shared/datasets/pii/presidio/generated_small.json"
CLINIC_SET = ROOT / "bench/data/pii_clinic_dev.json"
CLINIC_TEST = ROOT / "bench/data/pii_clinic_test.json"

# Gold labels of either set mapped to the platform's entity types; any other gold label is
# not scored.
LABEL_MAP: dict[str, str] = {
    "PERSON": "PERSON",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "US_SSN": "US_SSN",
    "MEDICAL_RECORD_NUMBER": "MEDICAL_RECORD_NUMBER",
    "DATE_OF_BIRTH": "DATE_OF_BIRTH",
    "INSURANCE_MEMBER_ID": "INSURANCE_MEMBER_ID",
    # generated_small.json calls street addresses (and their parts) ADDRESS.
    "ADDRESS": "STREET_ADDRESS",
}


class _Span(Protocol):
    @property
    def entity(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class _Finder(Protocol):
    def find(self, text: str) -> Sequence[_Span]: ...


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def evaluate_pii(
    engine: _Finder,
    rows: Sequence[Mapping[str, Any]],
    *,
    label_map: Mapping[str, str] = LABEL_MAP,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Scores `engine.find` on rows of {full_text, spans: [{entity_type, start_position,
    end_position}]}; returns {"entities": {type: counts and P/R/F1}, "micro": ...,
    "latency_ms": {"p50", "p95", "mean", "max"}, "rows": n}. Misses and false positives are
    appended to `errors` when given."""
    counts: dict[str, dict[str, int]] = {}

    def bucket(entity: str) -> dict[str, int]:
        return counts.setdefault(
            entity, {"gold": 0, "found": 0, "pred": 0, "correct": 0, "fp": 0, "other": 0}
        )

    latencies: list[float] = []
    for row in rows:
        text: str = row["full_text"]
        t0 = time.perf_counter()
        predicted = list(engine.find(text))
        latencies.append((time.perf_counter() - t0) * 1000)
        scored = [
            (label_map[s["entity_type"]], s["start_position"], s["end_position"])
            for s in row["spans"]
            if s["entity_type"] in label_map
        ]
        unscored = [
            (s["entity_type"], s["start_position"], s["end_position"])
            for s in row["spans"]
            if s["entity_type"] not in label_map
        ]
        for entity, g0, g1 in scored:
            bucket(entity)["gold"] += 1
            hit = any(
                p.entity == entity and _overlap(p.start, p.end, g0, g1) * 2 >= g1 - g0
                for p in predicted
            )
            bucket(entity)["found"] += hit
            if not hit and errors is not None:
                errors.append(
                    {"kind": "miss", "entity": entity, "value": text[g0:g1], "text": text}
                )
        for p in predicted:
            correct = any(
                e == p.entity and _overlap(p.start, p.end, g0, g1) * 2 >= g1 - g0
                for e, g0, g1 in scored
            )
            other = [lab for lab, u0, u1 in unscored if _overlap(p.start, p.end, u0, u1)]
            if not correct and other:
                bucket(p.entity)["other"] += 1
                if errors is not None:
                    errors.append(
                        {
                            "kind": "other:" + ",".join(sorted(set(other))),
                            "entity": p.entity,
                            "value": text[p.start : p.end],
                            "text": text,
                        }
                    )
                continue
            b = bucket(p.entity)
            b["pred"] += 1
            b["correct"] += correct
            b["fp"] += not correct
            if not correct and errors is not None:
                errors.append(
                    {"kind": "fp", "entity": p.entity, "value": text[p.start : p.end], "text": text}
                )

    def scores(c: Mapping[str, int]) -> dict[str, float | int]:
        precision = _ratio(c["correct"], c["pred"])
        recall = _ratio(c["found"], c["gold"])
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        strict = _ratio(c["correct"], c["pred"] + c["other"])
        return {**c, "precision": precision, "recall": recall, "f1": f1, "strict_precision": strict}

    keys = ("gold", "found", "pred", "correct", "fp", "other")
    total = {k: sum(c[k] for c in counts.values()) for k in keys}
    return {
        "rows": len(rows),
        "entities": {e: scores(c) for e, c in sorted(counts.items())},
        "micro": scores(total),
        "latency_ms": {
            "p50": _percentile(latencies, 0.50),
            "p95": _percentile(latencies, 0.95),
            "mean": statistics.fmean(latencies) if latencies else 0.0,
            "max": max(latencies, default=0.0),
        },
    }


def format_table(title: str, result: Mapping[str, Any]) -> str:
    lines = [
        f"## {title} ({result['rows']} rows)",
        f"{'entity':<24}{'gold':>6}{'found':>7}{'pred':>6}{'FP':>5}"
        f"{'precision':>11}{'recall':>8}{'F1':>7}{'other':>7}{'strict P':>10}",
    ]
    for name, c in [*result["entities"].items(), ("micro (all scored)", result["micro"])]:
        lines.append(
            f"{name:<24}{c['gold']:>6}{c['found']:>7}{c['pred']:>6}{c['fp']:>5}"
            f"{c['precision']:>11.3f}{c['recall']:>8.3f}{c['f1']:>7.3f}"
            f"{c['other']:>7}{c['strict_precision']:>10.3f}"
        )
    lat = result["latency_ms"]
    lines.append(
        f"find() latency per message: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, "
        f"mean {lat['mean']:.1f} ms, max {lat['max']:.1f} ms"
    )
    return "\n".join(lines)


def load_rows(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return rows[:limit] if limit else rows


def presidio_test_rows() -> list[dict[str, Any]]:
    """generated_small.json without the rows whose template the tuning split also has."""
    tuned = {r.get("masked") for r in load_rows(PRESIDIO_SET)}
    return [r for r in load_rows(PRESIDIO_TEST) if r.get("masked") not in tuned]


def sets(limit: int | None = None) -> list[tuple[str, list[dict[str, Any]], bool]]:
    """(title, rows, is_test), test sets first; missing files are left out."""
    out: list[tuple[str, list[dict[str, Any]], bool]] = []
    if PRESIDIO_TEST.exists() and PRESIDIO_SET.exists():
        out.append(("Presidio test split (generated_small)", presidio_test_rows()[:limit], True))
    out.append(("Clinic test set (written blind)", load_rows(CLINIC_TEST, limit), True))
    if PRESIDIO_SET.exists():
        out.append(("Presidio dev split (synth_dataset_v2)", load_rows(PRESIDIO_SET, limit), False))
    out.append(("Clinic dev set", load_rows(CLINIC_SET, limit), False))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=None, help="first N rows of each set")
    parser.add_argument("--errors", type=Path, default=None, help="write misses and FPs here")
    parser.add_argument(
        "--fresh", type=Path, default=None, help="a new writer's rows, scored before tuning"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.path.insert(0, str(ROOT))
    from activities.safety.pii import PiiEngine

    t0 = time.perf_counter()
    engine = PiiEngine()
    print(f"PiiEngine built in {time.perf_counter() - t0:.2f} s")
    engine.find("warm up: my name is Ann Lee, call 617-555-0100")
    errors: list[dict[str, Any]] = []
    results: dict[str, dict[str, Any]] = {}
    chosen = sets(args.limit)
    if args.fresh:
        chosen.append(("Fresh writer (before tuning)", load_rows(args.fresh, args.limit), False))
    for title, rows, is_test in chosen:
        results[title] = evaluate_pii(engine, rows, errors=None if is_test else errors)
        print(format_table(title, results[title]))
        print()
    if args.errors:
        args.errors.write_text(json.dumps(errors, indent=1, ensure_ascii=False), encoding="utf-8")
    parts = []
    for title, result in results.items():
        micro = result["micro"]
        parts.append(f"{title.split(' (')[0]}: R {micro['recall']:.3f} P {micro['precision']:.3f}")
    print("SUMMARY " + " | ".join(parts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
