"""NFCorpus files, document-level metrics and small measuring helpers for eval_retrieval."""

from __future__ import annotations

import gc
import gzip
import math
from collections.abc import Sequence
from pathlib import Path

from activities.retrieval.fusion import Ranked

Qrels = dict[str, dict[str, int]]


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


def doc_ranking(ranked: Ranked, by_article: dict[int, str], n: int = 100) -> list[str]:
    """Documents in the order of their best-placed chunk. For a list sorted by score (every
    fusion mode) that is the best chunk's score, ties kept in list order; for a reranked
    list it is the reranker's order, which its scores need not follow."""
    docs: dict[str, None] = {}
    for chunk, _, _ in ranked:
        docs.setdefault(by_article[chunk.article_id])
        if len(docs) == n:
            break
    return list(docs)


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
