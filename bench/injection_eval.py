"""Prompt-injection detection on deepset (fit/report halves) and over-refusal on XSTest.

Run: `.venv/bin/python bench/injection_eval.py` (about a minute on two cores); writes nothing
unless `--write-exemplars` is given. Reads `../shared/datasets/safety/prompt_injection/`
(deepset/prompt-injections: 203 attacks, 343 benign) and `../shared/datasets/safety/xstest/`.

deepset has no split, so it is split here, deterministically and stratified by label: items
whose text contains another item's text (deepset builds attacks by appending one to a benign
question) and rows 180-359 with the English rows 0-179 they translate stay in one group, and
whole groups go to "fit" or "report" in sha256 order of their first id. Only the fit half
feeds the exemplars and the threshold (`--write-exemplars`); figures are reported on the
report half, the fit half printed for comparison. XSTest is never fitted on.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import csv
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.embedding.features import TextFeatures
from activities.embedding.fit_cache import FitCache
from activities.embedding.multilingual import MultilingualEmbedder
from activities.safety.injection import InjectionDetector, InjectionModel
from core.intent_catalog import load_default_intents
from core.settings import ROOT

FULL = "patterns+embedding+model"

DATASETS = ROOT.parent / "shared" / "datasets" / "safety"
DEEPSET = DATASETS / "prompt_injection"
XSTEST = DATASETS / "xstest" / "xstest_prompts.csv"
MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"
# Function words that tell German from English; deepset holds little else besides a few
# Spanish, French, Croatian, Russian and transliterated Hindi items ("other").
_DE = {"der", "die", "das", "und", "ist", "nicht", "ich", "du", "sie", "wir", "ein", "eine", "mit"}
_DE |= {"auf", "für", "von", "zu", "dem", "den", "des", "was", "wie", "warum", "bitte", "alle"}
_DE |= {"alles", "dass", "sind", "wer", "welche", "schreibe", "vergiss", "jetzt", "nun", "über"}
_EN = {"the", "and", "is", "are", "not", "you", "your", "with", "for", "what", "how", "why"}
_EN |= {"this", "that", "to", "of", "a", "an", "do", "does", "please", "all", "write", "now"}
_EN |= {"forget", "about", "which", "who", "can", "i", "me", "my", "it", "in"}


@dataclass(frozen=True)
class Item:
    id: str
    attack: bool
    text: str


def load_deepset() -> list[Item]:
    items = []
    for name in ("opensource_deepset_attacks.yaml", "opensource_deepset_benign.yaml"):
        for row in yaml.safe_load((DEEPSET / name).read_text(encoding="utf-8")):
            items.append(Item(row["id"], row["label"] == "malicious", row["content"]))
    return items


def language(text: str) -> str:
    words = re.findall(r"[a-zäöüß]+", text.lower())
    de = sum(w in _DE for w in words) + 2 * len(re.findall(r"[äöüß]", text.lower()))
    en = sum(w in _EN for w in words)
    if not re.search(r"[a-z]", text.lower()) or max(de, en) == 0:
        return "other"
    return "de" if de > en else "en"


def _groups(items: Sequence[Item]) -> list[list[int]]:
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    norm = [re.sub(r"\W+", " ", it.text.lower()).strip() for it in items]
    index = {it.id: i for i, it in enumerate(items)}
    for i, it in enumerate(items):
        for j in range(len(items)):
            if i != j and len(norm[i]) >= 15 and norm[i] in norm[j]:
                parent[root(i)] = root(j)
        row = int(it.id.split("-")[1])
        twin = index.get(f"deepset-{row + 180:04d}")
        if row < 180 and twin is not None:
            parent[root(i)] = root(twin)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def split_deepset(items: Sequence[Item]) -> tuple[dict[str, str], dict[str, int]]:
    """id -> "fit" | "report", and id -> group number (for grouped cross-validation)."""

    def key(g: list[int]) -> str:
        return hashlib.sha256(min(items[i].id for i in g).encode()).hexdigest()

    counts = {("fit", True): 0, ("fit", False): 0, ("report", True): 0, ("report", False): 0}
    side_of: dict[str, str] = {}
    group_of: dict[str, int] = {}
    for n, g in enumerate(sorted(_groups(items), key=key)):

        def imbalance(side: str, g: list[int] = g) -> int:
            c = dict(counts)
            for i in g:
                c[(side, items[i].attack)] += 1
            return sum(abs(c[("fit", a)] - c[("report", a)]) for a in (True, False))

        fit, rep = imbalance("fit"), imbalance("report")
        side = "fit" if fit < rep or (fit == rep and int(key(g), 16) % 2 == 0) else "report"
        for i in g:
            counts[(side, items[i].attack)] += 1
            side_of[items[i].id] = side
            group_of[items[i].id] = n
    return side_of, group_of


def load_xstest() -> list[tuple[str, str, str]]:
    """(prompt, label, type) rows."""
    with XSTEST.open(encoding="utf-8", newline="") as f:
        return [(r["prompt"], r["label"], r["type"]) for r in csv.DictReader(f)]


def _rates(flags: Sequence[bool], attack: Sequence[bool]) -> dict[str, Any]:
    pos = [f for f, a in zip(flags, attack, strict=True) if a]
    neg = [f for f, a in zip(flags, attack, strict=True) if not a]
    return {
        "attacks": len(pos),
        "benign": len(neg),
        "recall": sum(pos) / max(len(pos), 1),
        "fpr": sum(neg) / max(len(neg), 1),
    }


def evaluate_injection(
    detector: InjectionDetector, halves: Sequence[str] = ("report", "fit")
) -> dict[str, Any]:
    """Detection rate (recall) and false-positive rate on the deepset halves, by language,
    with flagged kinds, missed and falsely flagged ids and detect() latency per message."""
    items = load_deepset()
    side_of, _ = split_deepset(items)
    out: dict[str, Any] = {"mode": detector.mode}
    for half in halves:
        chosen = [it for it in items if side_of[it.id] == half]
        times, flags, kinds = [], [], []
        for it in chosen:
            started = time.perf_counter()
            finding = detector.detect(it.text)
            times.append((time.perf_counter() - started) * 1000)
            flags.append(finding.flagged)
            kinds.append(finding.kind)
        attack = [it.attack for it in chosen]
        result = _rates(flags, attack)
        langs = [language(it.text) for it in chosen]
        result["by_language"] = {
            lang: _rates(
                [f for f, la in zip(flags, langs, strict=True) if la == lang],
                [a for a, la in zip(attack, langs, strict=True) if la == lang],
            )
            for lang in ("en", "de", "other")
        }
        result["kinds"] = {k: kinds.count(k) for k in sorted({k for k in kinds if k})}
        result["p50_ms"] = float(np.percentile(times, 50))
        result["p95_ms"] = float(np.percentile(times, 95))
        result["missed"] = [
            it.id for it, f in zip(chosen, flags, strict=True) if it.attack and not f
        ]
        result["false_positives"] = [
            it.id for it, f in zip(chosen, flags, strict=True) if f and not it.attack
        ]
        out[half] = result
    return out


def evaluate_overrefusal(screen: Callable[[str], bool]) -> dict[str, Any]:
    """Share of XSTest prompts that screen(text) (True = blocked or flagged) catches: on the
    250 safe prompts that is over-refusal; the 200 unsafe ones are for context."""
    rows = load_xstest()
    out: dict[str, Any] = {}
    for label in ("safe", "unsafe"):
        chosen = [(p, t) for p, lab, t in rows if lab == label]
        hits = [(p, t) for p, t in chosen if screen(p)]
        by_type: dict[str, int] = {}
        for _, t in hits:
            by_type[t] = by_type.get(t, 0) + 1
        out[label] = {
            "n": len(chosen),
            "flagged": len(hits),
            "rate": len(hits) / max(len(chosen), 1),
            "by_type": by_type,
            "examples": [p for p, _ in hits[:10]],
        }
    return out


def latency(detector: InjectionDetector, texts: Sequence[str]) -> tuple[float, float]:
    for text in texts[:20]:
        detector.detect(text)  # warm the ONNX session and the regex caches
    times = []
    for text in texts:
        started = time.perf_counter()
        detector.detect(text)
        times.append((time.perf_counter() - started) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def _margins(q: np.ndarray, a: np.ndarray, b: np.ndarray, k: int, drop_a: Any, drop_b: Any) -> Any:
    """Top-k attack minus top-k benign similarity, with masked exemplars left out."""
    sa = np.where(drop_a, -1.0, q @ a.T)
    sb = np.where(drop_b, -1.0, q @ b.T)
    top = lambda s: np.sort(s, axis=1)[:, -k:].mean(axis=1)  # noqa: E731
    return top(sa) - top(sb)


def write_exemplars(embedder: Any, *, k: int = 5, window: int = 160, max_fpr: float = 0.02) -> None:
    """Rebuild exemplars.json: hand-written entries kept, the intent catalogue's clinic
    examples as benign, the fit half of deepset; then the embedding threshold: the lowest
    one at which, with the patterns, the fit half's false-positive rate stays <= max_fpr and
    no hand-written benign exemplar is flagged. Fit items are scored against exemplars from
    the other four of five group folds, hand-written ones leave themselves out."""
    from activities.safety.injection.detector import EXEMPLARS_FILE, embedding_view

    raw = json.loads(EXEMPLARS_FILE.read_text(encoding="utf-8"))
    own_a = [e for e in raw["attack"] if e["source"] == "aurixa"]
    own_b = [e for e in raw["benign"] if e["source"] == "aurixa"]
    intents = json.loads((ROOT / "activities/intent/default_intents.json").read_text())
    catalogue = [
        {"text": t, "source": "intent-catalogue"} for i in intents["intents"] for t in i["examples"]
    ]
    items = load_deepset()
    side_of, group_of = split_deepset(items)
    fit = [it for it in items if side_of[it.id] == "fit"]
    patterns = InjectionDetector(None)
    fit_a = [
        {
            "text": it.text,
            "kind": patterns.detect(it.text).kind or "override",
            "source": "deepset-fit",
            "id": it.id,
        }
        for it in fit
        if it.attack
    ]
    fit_b = [{"text": it.text, "source": "deepset-fit", "id": it.id} for it in fit if not it.attack]
    attack, benign = own_a + fit_a, own_b + fit_b + catalogue

    def vec(entries: Sequence[Any]) -> np.ndarray:
        return np.asarray(embedder.embed([embedding_view(e["text"], window) for e in entries]))

    a, b = vec(attack), vec(benign)
    fold = {e["id"]: group_of[e["id"]] % 5 for e in fit_a + fit_b}
    a_fold = np.array([fold.get(e.get("id"), -1) for e in attack])
    b_fold = np.array([fold.get(e.get("id"), -1) for e in benign])
    fit_fold = np.array([fold[it.id] for it in fit])
    fit_vec = vec([{"text": it.text} for it in fit])
    fit_m = _margins(fit_vec, a, b, k, fit_fold[:, None] == a_fold, fit_fold[:, None] == b_fold)
    own_m = _margins(
        b[: len(own_b)],
        a,
        b,
        k,
        np.zeros((len(own_b), len(a)), bool),
        np.eye(len(own_b), len(b), dtype=bool),
    )
    fit_p = [patterns.detect(it.text) for it in fit]
    own_p = [patterns.detect(e["text"]) for e in own_b]
    truth = np.array([it.attack for it in fit])
    temperature, chosen = 0.03, 0.2

    def flags(found: Sequence[Any], margins: np.ndarray, thr: float) -> np.ndarray:
        emb = 1 / (1 + np.exp(-np.clip((margins - thr) / temperature, -50, 50)))
        emb = np.array(
            [
                min(e, 0.45) if "cue:self_revision" in f.signals else e
                for e, f in zip(emb, found, strict=True)
            ]
        )
        return 1 - (1 - np.array([f.score for f in found])) * (1 - emb) >= 0.5

    for thr in np.round(np.arange(0.2, -0.001, -0.01), 3):
        on_fit = flags(fit_p, fit_m, float(thr))
        if on_fit[~truth].mean() > max_fpr or flags(own_p, own_m, float(thr)).any():
            break
        chosen = float(thr)
    on_fit = flags(fit_p, fit_m, chosen)
    print(
        f"threshold {chosen:.2f}: fit recall {on_fit[truth].mean():.3f}, "
        f"fit FPR {on_fit[~truth].mean():.3f} (grouped 5-fold)"
    )
    raw.update(
        calibration={"threshold": chosen, "temperature": temperature, "k": k, "window": window},
        attack=attack,
        benign=benign,
    )
    EXEMPLARS_FILE.write_text(json.dumps(raw, ensure_ascii=False, indent=1) + "\n", "utf-8")


def evaluate_clinic(screen: Callable[[str], bool]) -> dict[str, Any]:
    """Flag rate on the clinic intents dev set (bench/data/intents_dev.json): ordinary
    patient and staff messages, none an attack; not used for fitting."""
    dev = json.loads((ROOT / "bench/data/intents_dev.json").read_text())["examples"]
    hits = [d["text"] for d in dev if screen(d["text"])]
    return {"n": len(dev), "flagged": len(hits), "rate": len(hits) / len(dev), "examples": hits}


BLIND_TEST = ROOT / "bench" / "data" / "injection_test.json"
BLIND_DEV = ROOT / "bench" / "data" / "injection_dev.json"


def evaluate_blind_test(screen: Callable[[str], bool], path: Path = BLIND_TEST) -> dict[str, Any]:
    """Recall and false-positive rate on a clinic injection set written blind (English,
    Spanish and a few other languages); the test set's misses are never printed."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    flags = [screen(r["text"]) for r in rows]
    out = _rates(flags, [bool(r["injection"]) for r in rows])
    out["by_language"] = {
        lang: _rates(
            [f for f, r in zip(flags, rows, strict=True) if r["lang"] == lang],
            [bool(r["injection"]) for r in rows if r["lang"] == lang],
        )
        for lang in ("en", "es")
    }
    return out


def sweep(model: InjectionModel, features: TextFeatures) -> None:
    """The classifier alone on the clinic dev set at several bars, for choosing MODEL_AT
    (detector.py); the test set is never swept."""
    rows = json.loads(BLIND_DEV.read_text(encoding="utf-8"))
    truth = np.array([bool(r["injection"]) for r in rows])
    probs = model.attack_probabilities(features.encode([r["text"][:1000] for r in rows]))
    print("\nclassifier alone on the clinic dev set: bar, recall, FPR")
    for bar in (0.5, 0.6, 0.7, 0.8, 0.9):
        flags = probs >= bar
        print(f"    {bar:.1f}  {flags[truth].mean():.3f}  {flags[~truth].mean():.3f}")


def _row(name: str, r: dict[str, Any]) -> str:
    return f"{name:<40} {r['attacks']:>7} {r['recall']:>7.3f} {r['benign']:>7} {r['fpr']:>7.3f}"


def _flagged(detector: InjectionDetector) -> Callable[[str], bool]:
    return lambda text: detector.detect(text).flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-exemplars", action="store_true", help="refit on the fit half")
    args = parser.parse_args()
    from activities.embedding import Embedder, prepare_model

    embedder = Embedder(prepare_model(MODEL_DIR))
    if args.write_exemplars:
        write_exemplars(embedder)
    started = time.perf_counter()
    features = TextFeatures(embedder, MultilingualEmbedder())
    routine = [t for i in load_default_intents() for t in i.examples]
    model = InjectionModel(features, benign=routine, cache=FitCache(MODEL_DIR.parent / "fitted"))
    full = InjectionDetector(embedder, model=model)
    build_s = time.perf_counter() - started
    runs = {
        FULL: full,
        "patterns+embedding": InjectionDetector(embedder),
        "patterns only": InjectionDetector(None),
    }
    results = {name: evaluate_injection(d) for name, d in runs.items()}
    print(
        f"\ndeepset prompt-injections ({len(full.attack_texts)} attack and "
        f"{len(full.benign_texts)} benign exemplars, built in {build_s:.1f} s)"
    )
    head = f"{'half / detector':<40} {'attacks':>7} {'recall':>7} {'benign':>7} {'FPR':>7}"
    rule = "-" * len(head)
    print(f"{head}\n{rule}")
    for half in ("report", "fit"):
        for name, res in results.items():
            print(_row(f"{half}{' (fitted on)' if half == 'fit' else ''}: {name}", res[half]))
    print(f"\nreport half by language (heuristic: German/English function words)\n{head}\n{rule}")
    for name, res in results.items():
        for lang, r in res["report"]["by_language"].items():
            print(_row(f"{lang}: {name}", r))
    rep = results[FULL]["report"]
    print(f"\nreport half, flagged kinds: {rep['kinds']}")
    print(f"report half, missed attacks: {', '.join(rep['missed'])}")
    print(f"report half, false positives: {', '.join(rep['false_positives']) or 'none'}")

    cols = f"{'XSTest safe':>12} {'XSTest unsafe':>14} {'clinic dev':>11}"
    print(f"\nshare flagged\n{'detector':<20} {cols}")
    print("-" * 60)
    over = {}
    for name, d in runs.items():
        over[name] = evaluate_overrefusal(_flagged(d))
        clinic = evaluate_clinic(_flagged(d))
        safe, unsafe = over[name]["safe"], over[name]["unsafe"]
        print(
            f"{name:<20} {safe['flagged']:>4}/{safe['n']} {safe['rate']:>5.3f} "
            f"{unsafe['flagged']:>4}/{unsafe['n']} {unsafe['rate']:>5.3f} "
            f"{clinic['flagged']:>3}/{clinic['n']} {clinic['rate']:.3f}"
        )
        for text in safe["examples"] + clinic["examples"]:
            print(f"    flagged: {text}")

    blind: dict[tuple[str, str], dict[str, Any]] = {}
    for split, path in (("test", BLIND_TEST), ("dev", BLIND_DEV)):
        for name, d in runs.items():
            blind[(split, name)] = r = evaluate_blind_test(_flagged(d), path)
            print(f"\nclinic injection {split} (written blind), {name}: {_row('all', r)}")
            for lang, by in r["by_language"].items():
                print(f"    {_row(lang, by)}")
    sweep(model, features)
    dev_texts = json.loads((ROOT / "bench/data/intents_dev.json").read_text())["examples"]
    dev = [d["text"] for d in dev_texts]
    deepset = [it.text for it in load_deepset()]
    print(f"\nlatency per message, ms\n{'detector / messages':<44} {'p50':>6} {'p95':>6}")
    print("-" * 58)
    lat = {}
    for name, d in runs.items():
        for label, texts in (("clinic dev", dev), ("deepset", deepset)):
            lat[(name, label)] = latency(d, texts)
            p50, p95 = lat[(name, label)]
            print(f"{name + ' / ' + label:<44} {p50:>6.2f} {p95:>6.2f}")
    vectors = embedder.embed([full.embedding_text(t) for t in dev])
    times = []
    rows = features.encode([t[:1000] for t in dev])
    for text, vector, row in zip(dev, vectors, rows, strict=True):
        started = time.perf_counter()
        full.detect(text, embedding=vector, row=row)
        times.append((time.perf_counter() - started) * 1000)
    p50, p95 = float(np.percentile(times, 50)), float(np.percentile(times, 95))
    print(f"{'patterns+embedding, vector passed in / clinic':<44} {p50:>6.2f} {p95:>6.2f}")

    only = results["patterns only"]["report"]
    on_test, on_dev = blind[("test", FULL)], blind[("dev", FULL)]
    print(
        f"SUMMARY clinic test recall {on_test['recall']:.3f} FPR {on_test['fpr']:.3f} (Spanish "
        f"recall {on_test['by_language']['es']['recall']:.3f}) | clinic dev recall "
        f"{on_dev['recall']:.3f} FPR {on_dev['fpr']:.3f} | deepset report recall "
        f"{rep['recall']:.3f} FPR {rep['fpr']:.3f}"
    )
    print(
        f"\nsummary: deepset report half recall {rep['recall']:.3f} at FPR {rep['fpr']:.3f} "
        f"(patterns only {only['recall']:.3f} at {only['fpr']:.3f}); XSTest safe flagged "
        f"{over[FULL]['safe']['rate']:.3f}, unsafe "
        f"{over[FULL]['unsafe']['rate']:.3f}; detect() p95 "
        f"{lat[(FULL, 'clinic dev')][1]:.1f} ms on clinic messages, "
        f"{p95:.2f} ms with the turn's vector passed in"
    )


if __name__ == "__main__":
    main()
