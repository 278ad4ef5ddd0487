"""Answers a patient can rely on: facts correct, unanswerables declined, no wrong-section values.

Indexes a knowledge base folder through the engine a worker uses (MiniLM chunks in Qdrant,
BM25, multilingual answer units), asks each question through the same calls a turn makes
(language detection, `search`, the offline responder's `compose`) and checks the reply:

- answerable: every expected fact appears (case and spacing folded); declined = the reply
  answers no part of it; wrong-section = a value from a confusable section appears;
- unanswerable: declined when no part is answered.

Sets: the fictional Maplebrook clinic (`bench/data/answers/`, dev and test written by
different people who never read the responder, split before tuning) and questions over the
demo clinic. Latency is `search` per question; "selection" is what the sentence-level
selection adds over chunk-level search of the same query, paired.

    .venv/bin/python bench/eval_answers.py [--set test|dev|demo_test|demo_dev] [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from activities.embedding import Embedder, prepare_model  # noqa: E402
from activities.embedding.multilingual import MultilingualEmbedder  # noqa: E402
from activities.language.detector import LanguageDetector  # noqa: E402
from activities.llm.grounded import compose  # noqa: E402
from activities.retrieval.chunking import token_spans_from  # noqa: E402
from activities.retrieval.engine import ArticleDoc, RetrievalConfig, RetrievalEngine  # noqa: E402
from activities.retrieval.store import VectorStore  # noqa: E402
from core.llm_payloads import GenerateInput  # noqa: E402
from core.settings import Settings  # noqa: E402
from store.seed_content.articles_loader import load_articles  # noqa: E402

DATA = ROOT / "bench" / "data" / "answers"
SETS = {
    "test": (DATA / "kb", DATA / "questions_test.json"),
    "dev": (DATA / "kb", DATA / "questions_dev.json"),
    "demo_test": (ROOT / "store" / "seed_content" / "articles", DATA / "demo_test.json"),
    "demo_dev": (ROOT / "store" / "seed_content" / "articles", DATA / "demo_dev.json"),
}
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


def norm(text: str) -> str:
    text = _DASHES.sub("-", text.replace("**", "").replace("\u00a0", " "))
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass
class Outcome:
    qid: str
    kind: str
    lang: str
    question: str
    reply: str
    answered: bool  # some part answered
    facts_ok: bool
    missing: list[str]
    wrong: list[str]
    ms: float
    chunk_ms: float


@dataclass
class Engines:
    engine: RetrievalEngine
    languages: LanguageDetector
    loaded: dict[Path, int] = field(default_factory=dict)


def build(*, baseline: bool = False) -> Engines:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    prepare_model(settings.model_dir)
    embedder = Embedder(settings.model_dir)
    spans = token_spans_from(settings.model_dir / "tokenizer.json")
    # --baseline: chunk-level coverage and the responder's line picking, as before the
    # sentence-level selection (the engine without the multilingual encoder).
    multilingual = None if baseline else MultilingualEmbedder()
    engine = RetrievalEngine(
        embedder, spans, VectorStore(), RetrievalConfig(), multilingual=multilingual
    )
    return Engines(engine, LanguageDetector(settings.language_codes))


def load(engines: Engines, folder: Path) -> int:
    """The folder's articles as one tenant (one tenant per folder)."""
    if folder not in engines.loaded:
        tenant = len(engines.loaded) + 1
        docs = [
            ArticleDoc(tenant, i + 1, a.title, a.content)
            for i, a in enumerate(load_articles(folder))
        ]
        engines.engine.index_articles(docs)
        engines.loaded[folder] = tenant
    return engines.loaded[folder]


def ask(engines: Engines, tenant: int, item: dict[str, object]) -> Outcome:
    question = str(item["question"])
    lang = engines.languages.detect(question).code
    start = time.perf_counter()
    found = engines.engine.search(tenant, question, language=lang)
    ms = (time.perf_counter() - start) * 1000
    index = engines.engine._index(tenant, None)
    start = time.perf_counter()
    engines.engine._search_chunks(index, tenant, question, 4, "hybrid", "keyword", None, lang)
    chunk_ms = (time.perf_counter() - start) * 1000
    gen = GenerateInput.for_knowledge(tenant, question, found, lang)
    reply, _ = compose(gen)
    text = norm(reply)
    facts = [str(f) for f in item.get("facts", [])]  # type: ignore[attr-defined]
    forbidden = [str(f) for f in item.get("forbidden", [])]  # type: ignore[attr-defined]
    missing = [f for f in facts if norm(f) not in text]
    wrong = [f for f in forbidden if norm(f) in text and not any(norm(f) in norm(g) for g in facts)]
    return Outcome(
        str(item["id"]),
        str(item["kind"]),
        lang,
        question,
        reply,
        found.covered,
        not missing,
        missing,
        wrong,
        ms,
        chunk_ms,
    )


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, outcomes: list[Outcome]) -> dict[str, float]:
    answerable = [o for o in outcomes if o.kind != "unanswerable"]
    unanswerable = [o for o in outcomes if o.kind == "unanswerable"]
    two = [o for o in answerable if o.kind == "two_part"]
    spanish = [o for o in answerable if o.lang == "es"]
    added = [o.ms - o.chunk_ms for o in outcomes]
    row = {
        "n": len(outcomes),
        "facts": sum(o.facts_ok for o in answerable) / max(len(answerable), 1),
        "two_part": sum(o.facts_ok for o in two) / max(len(two), 1),
        "spanish": sum(o.facts_ok for o in spanish) / max(len(spanish), 1),
        "declined_unans": sum(not o.answered for o in unanswerable) / max(len(unanswerable), 1),
        "declined_ans": sum(not o.answered for o in answerable) / max(len(answerable), 1),
        "wrong_section": sum(bool(o.wrong) for o in answerable),
        "p50": statistics.median(o.ms for o in outcomes),
        "p95": pct([o.ms for o in outcomes], 0.95),
        "added_p50": statistics.median(added),
        "added_p95": pct(added, 0.95),
    }
    print(
        f"{name:<10} {row['n']:>4} {len(answerable):>4}/{len(unanswerable):<3} "
        f"{row['facts']:>6.3f} {row['two_part']:>6.3f} ({len(two):>2}) "
        f"{row['spanish']:>6.3f} ({len(spanish):>2}) {row['declined_unans']:>7.3f} "
        f"{row['declined_ans']:>7.3f} {int(row['wrong_section']):>6} "
        f"{row['p50']:>6.1f} {row['p95']:>6.1f} {row['added_p50']:>6.1f} {row['added_p95']:>6.1f}"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", choices=sorted(SETS), help="default: all")
    parser.add_argument("--show", action="store_true", help="print every failure")
    parser.add_argument("--baseline", action="store_true", help="chunk-level answers (before)")
    args = parser.parse_args()
    names = args.set or ["test", "dev", "demo_test", "demo_dev"]
    engines = build(baseline=args.baseline)
    results: dict[str, tuple[dict[str, float], list[Outcome]]] = {}
    for name in names:
        folder, questions = SETS[name]
        if not questions.exists():
            print(f"{name}: {questions} missing", file=sys.stderr)
            continue
        tenant = load(engines, folder)
        items = json.loads(questions.read_text())
        # One warm-up question: first-call costs are not a patient's latency.
        ask(engines, tenant, items[0])
        results[name] = ({}, [ask(engines, tenant, item) for item in items])
    print(
        f"{'set':<10} {'n':>4} {'ans/unans':>8} {'facts':>6} {'2-part':>6} {'':>4} "
        f"{'es':>6} {'':>4} {'decl-un':>7} {'decl-an':>7} {'wrong':>6} "
        f"{'p50':>6} {'p95':>6} {'sel50':>6} {'sel95':>6}"
    )
    for name, (_, outcomes) in results.items():
        results[name] = (report(name, outcomes), outcomes)
    if args.show:
        for name, (_, outcomes) in results.items():
            for o in outcomes:
                bad = (o.kind == "unanswerable" and o.answered) or (
                    o.kind != "unanswerable" and (not o.facts_ok or o.wrong)
                )
                if bad:
                    print(f"\n[{name} {o.qid} {o.kind} {o.lang}] {o.question}")
                    if o.missing:
                        print(f"  missing: {o.missing}")
                    if o.wrong:
                        print(f"  wrong-section: {o.wrong}")
                    print("  " + o.reply.replace("\n", "\n  "))
    if "test" in results:
        t = results["test"][0]
        d = results.get("dev", ({}, []))[0]
        print(
            f"SUMMARY test facts {t['facts']:.3f} (dev {d.get('facts', 0):.3f}), "
            f"unanswerables declined {t['declined_unans']:.3f}, answerable declined "
            f"{t['declined_ans']:.3f}, wrong-section {int(t['wrong_section'])}, "
            f"selection adds p95 {t['added_p95']:.1f} ms"
        )


if __name__ == "__main__":
    main()
