"""Retrieval quality and cost on NFCorpus: BM25, dense, RRF hybrid, weighted fusion, rerankers.

Run: `OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/eval_retrieval.py` (about three and a
half minutes on two idle cores, up to eight when they are shared; embedding the test corpus
takes most of it, which `--limit-queries 30` does not shorten). Reads NFCorpus from
`../shared/datasets/retrieval/nfcorpus` next to the repository and writes nothing.

Each document becomes one article of one tenant (its id as title), chunked, embedded and
indexed by `RetrievalEngine.index_articles` into an in-memory Qdrant. A document ranks where
its best chunk ranks; for a list sorted by score that is its best chunk's score. The RRF k,
the weighted alpha, the keyword boost and the MMR lambda are chosen on the dev split
(dev.titles.queries with dev.2-1-0.qrel, the grading the BEIR test qrels use) and only then
applied to the BEIR test queries. nDCG uses linear gains, as trec_eval does.

The reranked rows rerank the tuned hybrid's fused list as `search()` does, with top_k 10: the
ten reranked chunks come first and the rest of the fused list follows in fused order, so
nDCG@10 and MRR@10 measure the reranker and recall@100 stays comparable. Their latency is
rank() plus rerank(). The dev winner among the rerankers is the suggested default for
`RetrievalConfig.rerank`.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import sys
import time
import tracemalloc
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.embedding import Embedder, prepare_model
from activities.retrieval.chunking import SpanFn, token_spans_from
from activities.retrieval.engine import ArticleDoc, RetrievalConfig, RetrievalEngine
from activities.retrieval.fusion import Ranked, Scored, fuse
from activities.retrieval.index import TenantIndex
from activities.retrieval.rerank import RERANKERS
from activities.retrieval.store import TextEmbedder, VectorStore, collection_for
from activities.retrieval.text import tokenize
from bench.nfcorpus import (
    Qrels,
    doc_ranking,
    mean_metrics,
    metrics,
    pct,
    read_qrels,
    read_tsv,
    vmrss_mb,
)
from core.settings import ROOT

DATA = ROOT.parent / "shared" / "datasets" / "retrieval" / "nfcorpus"
MODEL_DIR = ROOT / "data" / "models" / "all-minilm-l6-v2-onnx"
MODES = ("bm25", "dense", "hybrid", "weighted")
RRF_KS = (10, 30, 60, 100)
ALPHAS = tuple(round(0.1 * i, 1) for i in range(11))
BOOSTS = (0.1, 0.3, 0.5, 1.0)
LAMBDAS = (0.5, 0.7, 0.85)
RERANK_TOP_K = 10
# Report rows for the rerankers: row name -> `how`.
DEFAULT_ROW = "hybrid@default"
RERANK_ROWS = {"hybrid+keyword": "keyword", "hybrid+mmr": "mmr", "hybrid+rerank": "keyword+mmr"}
TENANT = 1
P95_TARGET_MS = 25.0

Params = tuple[float, float]  # (keyword boost, MMR lambda)


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


@dataclasses.dataclass
class Dev:
    """What the dev split decided, and how."""

    fusion: dict[str, dict[float, float]]  # mode -> parameter -> nDCG@10
    rerank: dict[str, dict[Params, float]]  # how -> (boost, lambda) -> nDCG@10
    best_k: int
    best_alpha: float
    best_params: dict[str, Params]  # how -> its best (boost, lambda)
    winner: str  # the reranker to default to
    tied: list[str]  # the rerankers with the best dev score
    touched: int  # dev queries whose candidates the keyword boost can change at all
    line: str


def new_engine(embedder: TextEmbedder, spans: SpanFn) -> RetrievalEngine:
    return RetrievalEngine(embedder, spans, VectorStore(), RetrievalConfig())


def index(engine: RetrievalEngine, docs: list[tuple[str, str]]) -> dict[int, str]:
    """Indexes `docs` as articles 1..n of one tenant; returns article id -> document id."""
    engine.index_articles(
        [ArticleDoc(TENANT, i, doc_id, text) for i, (doc_id, text) in enumerate(docs, start=1)]
    )
    return {i: doc_id for i, (doc_id, _) in enumerate(docs, start=1)}


def reranked(
    engine: RetrievalEngine, tenant_index: TenantIndex, query: str, fused: Ranked, how: str
) -> Ranked:
    """The reranked head (top RERANK_TOP_K), then the rest of the fused list in fused order."""
    head = engine.rerank(tenant_index, query, fused, RERANK_TOP_K, how)[:RERANK_TOP_K]
    seen = {(c.article_id, c.index) for c, _, _ in head}
    return head + [r for r in fused if (r[0].article_id, r[0].index) not in seen]


def rerank_grid(config: RetrievalConfig) -> dict[str, list[Params]]:
    """(boost, lambda) per reranker; a parameter the reranker ignores stays at its default."""
    boost, lam = config.keyword_boost, config.mmr_lambda
    return {
        "none": [(boost, lam)],
        "keyword": [(b, lam) for b in BOOSTS],
        "mmr": [(boost, ll) for ll in LAMBDAS],
        "keyword+mmr": [(b, ll) for b in BOOSTS for ll in LAMBDAS],
    }


def param_label(how: str, params: Params) -> str:
    boost, lam = params
    return {
        "none": "-",
        "keyword": f"b={boost}",
        "mmr": f"l={lam}",
        "keyword+mmr": f"b={boost} l={lam}",
    }[how]


def best_of(scores: dict[Params, float], default: Params) -> Params:
    """The best parameters; among equal scores (to 6 places) the ones nearest the shipped
    defaults (most parameters equal to theirs)."""
    return max(
        scores, key=lambda p: (round(scores[p], 6), (p[0] == default[0]) + (p[1] == default[1]))
    )


def tune_on_dev(
    embedder: Embedder,
    spans: SpanFn,
    test_engine: RetrievalEngine,
    docs: list[tuple[str, str]],
    queries: dict[str, str],
    qrels: Qrels,
    depth: int,
) -> Dev:
    """Dev nDCG@10 for each mode and parameter, then for each reranker on the tuned hybrid.
    Each query is retrieved once per side and the candidates re-fused with fusion.fuse, the
    function rank() itself uses. The dev index lives only in here, so it is garbage before
    the test timings."""
    reusing = ReusingEmbedder(embedder, known_vectors(test_engine))
    engine = new_engine(reusing, spans)
    by_article = index(engine, docs)
    embedded_anew = reusing.computed
    chunks = engine.store.count(TENANT)
    candidates: list[tuple[str, str, Scored, Scored]] = []
    for qid, text in queries.items():
        dense = [(c, s) for c, s, _ in engine.rank(TENANT, text, depth, "dense")]
        sparse = [(c, s) for c, s, _ in engine.rank(TENANT, text, depth, "bm25")]
        candidates.append((qid, text, dense, sparse))

    def mean_ndcg(rankings: Iterable[Ranked]) -> float:
        """Mean nDCG@10 of one ranking per candidate query, in candidate order."""
        ndcgs = [
            metrics(doc_ranking(ranked, by_article), qrels[qid])[0]
            for (qid, _, _, _), ranked in zip(candidates, rankings, strict=True)
        ]
        return sum(ndcgs) / len(ndcgs)

    grid: dict[str, tuple[float, ...]] = {
        "bm25": (0.0,),
        "dense": (0.0,),
        "hybrid": tuple(float(k) for k in RRF_KS),
        "weighted": ALPHAS,
    }
    fusion: dict[str, dict[float, float]] = {}
    for mode, values in grid.items():
        fusion[mode] = {
            p: mean_ndcg(fuse(mode, d, s, rrf_k=int(p), alpha=p) for _, _, d, s in candidates)
            for p in values
        }
    best_k = int(max(fusion["hybrid"], key=lambda k: fusion["hybrid"][k]))
    best_alpha = max(fusion["weighted"], key=lambda a: fusion["weighted"][a])

    fused = {
        text: fuse("hybrid", d, s, rrf_k=best_k, alpha=best_alpha) for _, text, d, s in candidates
    }
    tenant_index = engine._index(TENANT, None)
    touched = 0
    for text, ranked in fused.items():
        terms = set(tokenize(text))
        labels = {f"{c.title} {c.heading}" for c, _, _ in ranked}
        touched += any(terms & set(tokenize(label)) for label in labels)
    base = engine.config
    rerank: dict[str, dict[Params, float]] = {}
    for how, combos in rerank_grid(base).items():
        rerank[how] = {}
        for params in combos:
            engine.config = dataclasses.replace(base, keyword_boost=params[0], mmr_lambda=params[1])
            rerank[how][params] = mean_ndcg(
                reranked(engine, tenant_index, t, fused[t], how) for _, t, _, _ in candidates
            )
    default = (base.keyword_boost, base.mmr_lambda)
    # Ties go to the shipped parameters, then to the simpler reranker (RERANKERS order).
    best_params = {how: best_of(scores, default) for how, scores in rerank.items()}
    # A tie on dev decides nothing, so it keeps the shipped reranker if that is among the
    # best, else the simplest of them (RERANKERS order).
    top = max(round(rerank[how][best_params[how]], 6) for how in RERANKERS)
    tied = [how for how in RERANKERS if round(rerank[how][best_params[how]], 6) == top]
    winner = base.rerank if base.rerank in tied else tied[0]
    engine.close()
    line = f"{len(docs)} docs, {chunks} chunks, {embedded_anew} embedded anew (rest shared)"
    return Dev(fusion, rerank, best_k, best_alpha, best_params, winner, tied, touched, line)


def known_vectors(engine: RetrievalEngine) -> dict[str, NDArray[np.float32]]:
    known: dict[str, NDArray[np.float32]] = {}
    offset = None
    while True:
        points, offset = engine.store.client.scroll(
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


def traced_index_mb(engine: RetrievalEngine) -> float:
    """What a TenantIndex rebuilt from the store keeps allocated (chunks, BM25, vectors), by
    tracemalloc: the estimate memory_bytes() gives leaves out the Python objects."""
    gc.collect()
    tracemalloc.start()
    try:
        stored = engine.store.load(TENANT)
        rebuilt = TenantIndex(stored, 0)
        del stored
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
        del rebuilt
    finally:
        tracemalloc.stop()
    return kept / 2**20


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

    model_dir = prepare_model(MODEL_DIR)
    embedder = Embedder(model_dir)
    spans = token_spans_from(model_dir / "tokenizer.json")
    timed = TimedEmbedder(embedder)
    rss_before = vmrss_mb()
    started = time.perf_counter()
    test_engine = new_engine(timed, spans)
    test_articles = index(test_engine, test_docs)
    ingest_s = time.perf_counter() - started
    # Read now: the test queries embed through the same wrapper later.
    embed_s = timed.seconds
    rss_after = vmrss_mb()
    n_chunks = test_engine.store.count(TENANT)
    test_index = test_engine._index(TENANT, None)
    index_bytes = test_index.memory_bytes()
    vector_bytes = test_index.vectors.nbytes
    collections = [c.name for c in test_engine.store.client.get_collections().collections]
    traced_mb = traced_index_mb(test_engine)

    dev = tune_on_dev(embedder, spans, test_engine, dev_docs, dev_q, dev_qrels, depth)
    gc.collect()
    base = test_engine.config
    tuned = dataclasses.replace(base, rrf_k=dev.best_k, fusion_alpha=dev.best_alpha)
    test_engine.config = tuned

    results: dict[str, tuple[float, float, float]] = {}
    latency: dict[str, list[float]] = {}
    # The machine may be shared: the 1-minute load around the timed loops says how far to
    # trust their tails (this process alone keeps it near 1).
    load_before = os.getloadavg()[0]
    for mode in MODES:
        rows, latency[mode] = [], []
        for qid, text in test_q.items():
            t0 = time.perf_counter()
            ranked = test_engine.rank(TENANT, text, depth, mode)
            latency[mode].append((time.perf_counter() - t0) * 1000)
            rows.append(metrics(doc_ranking(ranked, test_articles), test_qrels[qid]))
        results[mode] = mean_metrics(rows)
    # The shipped default k beside the dev-tuned one: what a deployment actually runs.
    test_engine.config = dataclasses.replace(tuned, rrf_k=base.rrf_k)
    rows, latency[DEFAULT_ROW] = [], []
    for qid, text in test_q.items():
        t0 = time.perf_counter()
        ranked = test_engine.rank(TENANT, text, depth, "hybrid")
        latency[DEFAULT_ROW].append((time.perf_counter() - t0) * 1000)
        rows.append(metrics(doc_ranking(ranked, test_articles), test_qrels[qid]))
    results[DEFAULT_ROW] = mean_metrics(rows)
    test_engine.config = tuned
    for row, how in RERANK_ROWS.items():
        boost, lam = dev.best_params[how]
        test_engine.config = dataclasses.replace(tuned, keyword_boost=boost, mmr_lambda=lam)
        rows, latency[row] = [], []
        for qid, text in test_q.items():
            t0 = time.perf_counter()
            fused = test_engine.rank(TENANT, text, depth, "hybrid")
            ranked = reranked(test_engine, test_index, text, fused, how)
            latency[row].append((time.perf_counter() - t0) * 1000)
            rows.append(metrics(doc_ranking(ranked, test_articles), test_qrels[qid]))
        results[row] = mean_metrics(rows)
    # The app's path with the shipped reranker settings, only the fusion parameters tuned.
    test_engine.config = tuned
    app_latency = []
    for text in test_q.values():
        t0 = time.perf_counter()
        test_engine.search(TENANT, text)
        app_latency.append((time.perf_counter() - t0) * 1000)
    load_after = os.getloadavg()[0]
    test_engine.close()

    params = {
        "bm25": "-",
        "dense": "-",
        "hybrid": f"k={dev.best_k}",
        "weighted": f"a={dev.best_alpha}",
    }
    dev_ndcg = {
        "bm25": dev.fusion["bm25"][0.0],
        "dense": dev.fusion["dense"][0.0],
        "hybrid": dev.fusion["hybrid"][float(dev.best_k)],
        "weighted": dev.fusion["weighted"][dev.best_alpha],
    }
    params[DEFAULT_ROW] = f"k={base.rrf_k}"
    dev_ndcg[DEFAULT_ROW] = dev.fusion["hybrid"].get(float(base.rrf_k), float("nan"))
    for row, how in RERANK_ROWS.items():
        params[row] = param_label(how, dev.best_params[how])
        dev_ndcg[row] = dev.rerank[how][dev.best_params[how]]
    print(
        f"{'mode':<14} {'param':>11} {'dev nDCG@10':>11} {'nDCG@10':>8} {'R@100':>7} "
        f"{'MRR@10':>7} {'p50 ms':>7} {'p95 ms':>7}"
    )
    for mode in (*MODES, DEFAULT_ROW, *RERANK_ROWS):
        ndcg, recall, mrr = results[mode]
        print(
            f"{mode:<14} {params[mode]:>11} {dev_ndcg[mode]:>11.3f} {ndcg:>8.3f} "
            f"{recall:>7.3f} {mrr:>7.3f} {pct(latency[mode], 0.5):>7.1f} "
            f"{pct(latency[mode], 0.95):>7.1f}"
        )
    print(
        f"queries: test {len(test_q)} (BEIR topics), dev {len(dev_q)} (titles); "
        f"candidate depth {depth} chunks per retriever; document = best chunk; "
        f"rank latency includes the query embedding; 1-min load average {load_before:.2f} -> "
        f"{load_after:.2f} over the timed loops on {os.cpu_count()} CPUs"
    )
    print(
        "dev nDCG@10 by RRF k: "
        + ", ".join(f"{int(k)} {v:.3f}" for k, v in dev.fusion["hybrid"].items())
        + "; by alpha (dense weight): "
        + ", ".join(f"{a} {v:.3f}" for a, v in dev.fusion["weighted"].items())
    )
    print(
        f"dev nDCG@10 reranking the k={dev.best_k} hybrid (top {RERANK_TOP_K}, rest in fused "
        "order): keyword by boost "
        + ", ".join(f"{b} {s:.3f}" for (b, _), s in dev.rerank["keyword"].items())
        + "; mmr by lambda "
        + ", ".join(f"{ll} {s:.3f}" for (_, ll), s in dev.rerank["mmr"].items())
        + "; keyword+mmr by (boost, lambda) "
        + ", ".join(f"({b}, {ll}) {s:.3f}" for (b, ll), s in dev.rerank["keyword+mmr"].items())
    )
    print(
        "dev reranker choice: "
        + ", ".join(
            f"{how} {dev.rerank[how][dev.best_params[how]]:.3f}"
            + ("" if how == "none" else f" ({param_label(how, dev.best_params[how])})")
            for how in RERANKERS
        )
        + f" -> {dev.winner}"
        + (f" (tied: {', '.join(dev.tied)})" if len(dev.tied) > 1 else "")
        + f" (RetrievalConfig.rerank is {base.rerank!r}); the keyword boost "
        f"can change {dev.touched} of {len(dev_q)} dev queries (titles here are document ids)"
    )
    print(
        f"ingest test: {len(test_docs)} docs, {n_chunks} chunks in {ingest_s:.1f} s = "
        f"{n_chunks / ingest_s:.1f} chunks/s (embedding {embed_s:.1f} s, "
        f"chunking + upsert + index build {ingest_s - embed_s:.1f} s)"
    )
    print(f"ingest dev: {dev.line}")
    print(
        f"index memory: TenantIndex.memory_bytes() {index_bytes / 2**20:.1f} MB "
        f"(vectors {vector_bytes / 2**20:.1f} MB + postings estimate "
        f"{(index_bytes - vector_bytes) / 2**20:.1f} MB), traced on rebuild {traced_mb:.1f} MB; "
        f"RSS around test indexing {rss_before:.0f} MB -> {rss_after:.0f} MB "
        f"(+{rss_after - rss_before:.0f} MB); qdrant local: {len(collections)} collection(s) "
        f"{collections}, {n_chunks} points in {collection_for(TENANT)}"
    )
    print(
        f"app search() (top_k 4, depth 20, hybrid k={dev.best_k}, rerank {tuned.rerank}, "
        f"compression): p50 {pct(app_latency, 0.5):.1f} ms, p95 {pct(app_latency, 0.95):.1f} ms"
    )
    print(f"wall time: {time.perf_counter() - wall:.0f} s")
    single = max(("bm25", "dense"), key=lambda m: results[m][0])
    hybrid_ndcg, single_ndcg = results["hybrid"][0], results[single][0]
    p95_rank, p95_search = pct(latency["hybrid"], 0.95), pct(app_latency, 0.95)
    print(
        f"summary: hybrid nDCG@10 {hybrid_ndcg:.3f} vs best single {single_ndcg:.3f} "
        f"({single}) {'>=' if hybrid_ndcg >= single_ndcg else 'BELOW'}; "
        f"weighted {results['weighted'][0]:.3f}; hybrid+rerank "
        f"{results['hybrid+rerank'][0]:.3f}; rerank default from dev: {dev.winner} "
        f"(now {base.rerank}); p95 hybrid rank {p95_rank:.1f} ms, search {p95_search:.1f} ms "
        f"({'<=' if max(p95_rank, p95_search) <= P95_TARGET_MS else 'ABOVE'} "
        f"{P95_TARGET_MS:.0f} ms); ingest {n_chunks / ingest_s:.1f} chunks/s"
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
