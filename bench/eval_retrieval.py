"""Retrieval quality and cost on NFCorpus: BM25, dense, RRF hybrid and weighted fusion.

Run: `.venv/bin/python bench/eval_retrieval.py` (about six minutes on two cores; embedding the
test corpus takes half of it, which `--limit-queries 30` does not shorten). Reads NFCorpus from
`../shared/datasets/retrieval/nfcorpus` next to the repository and writes nothing.

Each document becomes one article of one tenant, chunked by the engine's own chunker; a
document scores the maximum of its chunks. The RRF k and the weighted alpha are chosen on
the dev split (dev.titles.queries with dev.2-1-0.qrel, the grading the BEIR test qrels use)
and only then applied to the BEIR test queries. nDCG uses linear gains, as trec_eval does.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.embedding import Embedder, prepare_model
from activities.retrieval.engine import ArticleDoc, RetrievalEngine, collection_for
from activities.retrieval.fusion import Ranked, Scored, fuse
from core.settings import ROOT

DATA = ROOT.parent / "shared" / "datasets" / "retrieval" / "nfcorpus"
MODES = ("bm25", "dense", "hybrid", "weighted")
RRF_KS = (10, 30, 60, 100)
ALPHAS = tuple(round(0.1 * i, 1) for i in range(11))
TENANT = 1

Qrels = dict[str, dict[str, int]]


class TimedEmbedder:
    """Counts the time spent embedding, so ingestion can be split into its parts."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.seconds = 0.0

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        started = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.seconds += time.perf_counter() - started


class ReusingEmbedder:
    """Serves vectors already computed for the test index; dev and test share most documents,
    and embedding them twice would double the run time."""

    def __init__(self, inner: Embedder, known: dict[str, NDArray[np.float32]]) -> None:
        self.inner = inner
        self.known = known
        self.computed = 0

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        missing = [t for t in texts if t not in self.known]
        if missing:
            self.known.update(zip(missing, self.inner.embed(missing), strict=True))
            self.computed += len(missing)
        return np.stack([self.known[t] for t in texts])


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """`ID<TAB>text` lines, from plain or gzipped files."""
    text = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    rows = []
    for line in text.decode("utf-8").splitlines():
        key, sep, value = line.partition("\t")
        if sep:
            rows.append((key, value))
    return rows


def read_qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        qid, _, doc, grade = line.split()
        if int(grade) > 0:
            qrels.setdefault(qid, {})[doc] = int(grade)
    return qrels


def vmrss_mb() -> float:
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def index(engine: RetrievalEngine, docs: list[tuple[str, str]]) -> dict[int, str]:
    """Syncs `docs` as articles 1..n of one tenant; returns article id -> document id."""
    by_article = {i: doc_id for i, (doc_id, _) in enumerate(docs, start=1)}
    engine.sync([ArticleDoc(TENANT, i, doc_id, text) for i, (doc_id, text) in enumerate(docs, 1)])
    return by_article


def doc_ranking(ranked: Ranked, by_article: dict[int, str], n: int = 100) -> list[str]:
    best: dict[str, float] = {}
    for chunk, score, _ in ranked:
        doc = by_article[chunk.article_id]
        best[doc] = max(best.get(doc, -math.inf), score)
    # Stable sort: among equal scores the chunk ranked first keeps its document ahead.
    return sorted(best, key=lambda d: -best[d])[:n]


def metrics(docs: list[str], rel: dict[str, int]) -> tuple[float, float, float]:
    """nDCG@10 (linear gains), recall@100 and MRR@10 of one query."""
    dcg = sum(rel.get(d, 0) / math.log2(i + 2) for i, d in enumerate(docs[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    recall = len(set(docs[:100]) & rel.keys()) / len(rel)
    mrr = next((1.0 / (i + 1) for i, d in enumerate(docs[:10]) if d in rel), 0.0)
    return dcg / idcg, recall, mrr


def mean_metrics(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    n = len(rows)
    return (sum(r[0] for r in rows) / n, sum(r[1] for r in rows) / n, sum(r[2] for r in rows) / n)


def tune_on_dev(
    embedder: Embedder,
    test_engine: RetrievalEngine,
    docs: list[tuple[str, str]],
    queries: dict[str, str],
    qrels: Qrels,
    depth: int,
) -> tuple[dict[str, dict[float, float]], str]:
    """Dev nDCG@10 for each mode and parameter, and a line on the dev index. Each query is
    retrieved once per side and the candidates re-fused with fusion.fuse, the function rank()
    itself uses. The dev index lives only in here, so it is garbage before test timings."""
    reusing = ReusingEmbedder(embedder, known_vectors(test_engine))
    engine = RetrievalEngine(reusing)
    by_article = index(engine, docs)
    chunks = engine.qdrant.count(collection_for(TENANT)).count
    candidates: list[tuple[str, Scored, Scored]] = []
    for qid, text in queries.items():
        dense = [(c, s) for c, s, _ in engine.rank(TENANT, text, depth, "dense")]
        sparse = [(c, s) for c, s, _ in engine.rank(TENANT, text, depth, "bm25")]
        candidates.append((qid, dense, sparse))
    grid: dict[str, tuple[float, ...]] = {
        "bm25": (0.0,),
        "dense": (0.0,),
        "hybrid": tuple(float(k) for k in RRF_KS),
        "weighted": ALPHAS,
    }
    scores: dict[str, dict[float, float]] = {}
    for mode, params in grid.items():
        scores[mode] = {}
        for p in params:
            ndcgs = [
                metrics(
                    doc_ranking(fuse(mode, d, s, rrf_k=int(p), alpha=p), by_article), qrels[qid]
                )[0]
                for qid, d, s in candidates
            ]
            scores[mode][p] = sum(ndcgs) / len(ndcgs)
    engine.close()
    line = f"{len(docs)} docs, {chunks} chunks, {reusing.computed} embedded anew (rest shared)"
    return scores, line


def known_vectors(engine: RetrievalEngine) -> dict[str, NDArray[np.float32]]:
    known: dict[str, NDArray[np.float32]] = {}
    offset = None
    while True:
        points, offset = engine.qdrant.scroll(
            collection_for(TENANT),
            limit=1024,
            offset=offset,
            with_payload=["text"],
            with_vectors=True,
        )
        for p in points:
            known[str((p.payload or {})["text"])] = np.asarray(p.vector, dtype=np.float32)
        if offset is None:
            return known


def main(limit: int | None, depth: int) -> int:
    if not DATA.is_dir():
        print(f"NFCorpus not found at {DATA}; nothing to evaluate.")
        return 0
    wall = time.perf_counter()
    test_docs = read_tsv(DATA / "test.docs")
    dev_docs = read_tsv(DATA / "dev.docs")
    test_qrels = read_qrels(DATA / "qrels.beir-v1.0.0-nfcorpus.test.txt")
    dev_qrels = read_qrels(DATA / "dev.2-1-0.qrel")
    test_q = dict(read_tsv(DATA / "topics.beir-v1.0.0-nfcorpus.test.tsv.gz"))
    dev_q = dict(read_tsv(DATA / "dev.titles.queries"))
    test_q = {q: t for q, t in test_q.items() if q in test_qrels}
    dev_q = {q: t for q, t in dev_q.items() if q in dev_qrels}
    if limit:
        test_q = dict(list(test_q.items())[:limit])
        dev_q = dict(list(dev_q.items())[:limit])

    embedder = Embedder(prepare_model(ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"))
    timed = TimedEmbedder(embedder)
    rss_before = vmrss_mb()
    started = time.perf_counter()
    test_engine = RetrievalEngine(timed)
    test_articles = index(test_engine, test_docs)
    ingest_s = time.perf_counter() - started
    # Read now: the test queries embed through the same wrapper later.
    embed_s = timed.seconds
    rss_after = vmrss_mb()
    n_chunks = test_engine.qdrant.count(collection_for(TENANT)).count

    dev, dev_line = tune_on_dev(embedder, test_engine, dev_docs, dev_q, dev_qrels, depth)
    gc.collect()
    best_k = int(max(dev["hybrid"], key=lambda k: dev["hybrid"][k]))
    best_alpha = max(dev["weighted"], key=lambda a: dev["weighted"][a])
    test_engine.rrf_k, test_engine.fusion_alpha = best_k, best_alpha

    results: dict[str, tuple[float, float, float]] = {}
    latency: dict[str, list[float]] = {}
    for mode in MODES:
        rows, latency[mode] = [], []
        for qid, text in test_q.items():
            t0 = time.perf_counter()
            ranked = test_engine.rank(TENANT, text, depth, mode)
            latency[mode].append((time.perf_counter() - t0) * 1000)
            rows.append(metrics(doc_ranking(ranked, test_articles), test_qrels[qid]))
        results[mode] = mean_metrics(rows)
    app_latency = []
    for text in test_q.values():
        t0 = time.perf_counter()
        test_engine.search(TENANT, text)
        app_latency.append((time.perf_counter() - t0) * 1000)
    test_engine.close()

    params = {"bm25": "-", "dense": "-", "hybrid": f"k={best_k}", "weighted": f"a={best_alpha}"}
    dev_best = {"bm25": 0.0, "dense": 0.0, "hybrid": float(best_k), "weighted": best_alpha}
    print(
        f"{'mode':<9} {'param':>6} {'dev nDCG@10':>11} {'nDCG@10':>8} {'R@100':>7} "
        f"{'MRR@10':>7} {'p50 ms':>7} {'p95 ms':>7}"
    )
    for mode in MODES:
        ndcg, recall, mrr = results[mode]
        print(
            f"{mode:<9} {params[mode]:>6} {dev[mode][dev_best[mode]]:>11.3f} {ndcg:>8.3f} "
            f"{recall:>7.3f} {mrr:>7.3f} {pct(latency[mode], 0.5):>7.1f} "
            f"{pct(latency[mode], 0.95):>7.1f}"
        )
    print(
        f"queries: test {len(test_q)} (BEIR topics), dev {len(dev_q)} (titles); "
        f"candidate depth {depth} chunks per retriever; document = best chunk"
    )
    print(
        "dev nDCG@10 by RRF k: "
        + ", ".join(f"{int(k)} {v:.3f}" for k, v in dev["hybrid"].items())
        + "; by alpha (dense weight): "
        + ", ".join(f"{a} {v:.3f}" for a, v in dev["weighted"].items())
    )
    print(
        f"ingest test: {len(test_docs)} docs, {n_chunks} chunks in {ingest_s:.1f} s = "
        f"{n_chunks / ingest_s:.1f} chunks/s (embedding {embed_s:.1f} s, "
        f"upsert + BM25 + chunking {ingest_s - embed_s:.1f} s)"
    )
    print(f"ingest dev: {dev_line}")
    print(
        f"RSS around test indexing: {rss_before:.0f} MB -> {rss_after:.0f} MB "
        f"(+{rss_after - rss_before:.0f} MB)"
    )
    print(
        f"app search() (top_k 4, depth 20, hybrid): p50 {pct(app_latency, 0.5):.1f} ms, "
        f"p95 {pct(app_latency, 0.95):.1f} ms"
    )
    print(f"wall time: {time.perf_counter() - wall:.0f} s")
    single = max(("bm25", "dense"), key=lambda m: results[m][0])
    print(
        f"summary: hybrid nDCG@10 {results['hybrid'][0]:.3f} vs best single "
        f"{results[single][0]:.3f} ({single}); weighted {results['weighted'][0]:.3f}; "
        f"p95 {pct(latency['hybrid'], 0.95):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit-queries", type=int, default=None, help="first N queries only")
    parser.add_argument(
        "--depth", type=int, default=300, help="chunk candidates per retriever (default 300)"
    )
    args = parser.parse_args()
    raise SystemExit(main(args.limit_queries, args.depth))
