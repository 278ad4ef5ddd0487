"""Evaluation text must never leak into an engine: finds near-copies of evaluation sentences.

An engine's exemplars, intent examples, rule patterns and source comments are compared with
every evaluation sentence (bench/data and the public sets under ../shared/datasets). A match
is near-verbatim when the normalised texts (lower case, no accents, words only) are at least
88% alike (rapidfuzz ratio), or when they share a run of `SHINGLE` consecutive words.
`tests/test_eval_overlap.py` fails on any match; `python bench/overlap.py` lists them.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT / "bench" / "data"
SHARED = ROOT.parent / "shared" / "datasets"
RATIO = 88.0
# Word runs this long are specific to one sentence; shorter ones ("i can't breathe right")
# are ordinary language that any exemplar may share with a test item by chance.
SHINGLE = 7
MIN_WORDS = 3
_WORDS = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_WORDS.findall(text))


@dataclass(frozen=True)
class Sentence:
    source: str
    text: str


def _rows(path: Path) -> list[dict[str, object]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    rows: list[dict[str, object]] = data["examples"] if isinstance(data, dict) else data
    return rows


def project_sets() -> Iterator[Sentence]:
    # The answers questions live one folder down and carry their text as "question".
    for path in sorted([*DATA.glob("*.json"), *DATA.glob("answers/*.json")]):
        for row in _rows(path):
            text = row.get("text") or row.get("full_text") or row.get("question")
            if isinstance(text, str):
                yield Sentence(path.name, text)
            turns = row.get("turns")  # the scripted dialogues: every patient turn
            for turn in turns if isinstance(turns, list) else []:
                yield Sentence(path.name, str(turn))


def shared_sets() -> Iterator[Sentence]:
    """The public evaluation sets, when ../shared/datasets is present."""
    clinc = SHARED / "intents" / "clinc150" / "data_full.json"
    if clinc.is_file():
        data = json.loads(clinc.read_text(encoding="utf-8"))
        for split in ("val", "test", "oos_val", "oos_test"):
            for text, _ in data[split]:
                yield Sentence(f"clinc150/{split}", text)
    for name in ("synth_dataset_v2.json", "generated_small.json"):
        path = SHARED / "pii" / "presidio" / name
        if path.is_file():
            for row in json.loads(path.read_text(encoding="utf-8")):
                yield Sentence(f"presidio/{name}", row["full_text"])
    if (SHARED / "safety" / "prompt_injection").is_dir():
        # The fit half is the injection detector's training data; the report half is held out.
        from bench.injection_eval import load_deepset, split_deepset

        items = load_deepset()
        side, _ = split_deepset(items)
        for item in items:
            if side[item.id] == "report":
                yield Sentence("deepset/report", item.text)
    xstest = SHARED / "safety" / "xstest" / "xstest_prompts.csv"
    if xstest.is_file():
        import csv

        with xstest.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                yield Sentence("xstest", row.get("prompt", ""))


def evaluation_sentences() -> list[Sentence]:
    seen: set[str] = set()
    out = []
    for sentence in (*project_sets(), *shared_sets()):
        norm = normalize(sentence.text)
        if norm and norm not in seen:
            seen.add(norm)
            out.append(sentence)
    return out


def _shingles(norm: str) -> set[str]:
    words = norm.split()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


@dataclass(frozen=True)
class Overlap:
    engine_text: str
    where: str
    sentence: Sentence
    score: float


def find_overlaps(
    data: Iterable[tuple[str, str]], sources: Iterable[tuple[str, str]], sentences: list[Sentence]
) -> list[Overlap]:
    """`data`: (where, text) pairs of exemplars, examples and patterns, compared whole by ratio
    and by shared word runs; `sources`: comments and strings of engine code, by word runs."""
    from rapidfuzz import fuzz, process

    # One- and two-word strings ("refill pls", a path name like "agent") belong to no sentence.
    whole = [(where, text, normalize(text)) for where, text in data]
    whole = [item for item in whole if len(item[2].split()) >= MIN_WORDS]
    runs = whole + [(where, text, normalize(text)) for where, text in sources]
    eval_norms = [
        n if len(n.split()) >= MIN_WORDS else "\0" for n in (normalize(s.text) for s in sentences)
    ]
    found: list[Overlap] = []
    scores = process.cdist(
        [n for _, _, n in whole], eval_norms, scorer=fuzz.ratio, score_cutoff=RATIO, workers=-1
    )
    for i, j in zip(*scores.nonzero(), strict=True):
        where, text, _ = whole[i]
        found.append(Overlap(text, where, sentences[j], float(scores[i, j])))
    by_shingle: dict[str, int] = {}
    for j, norm in enumerate(eval_norms):
        for shingle in _shingles(norm):
            by_shingle.setdefault(shingle, j)
    for where, text, norm in runs:
        for shingle in _shingles(norm):
            if shingle in by_shingle:
                found.append(Overlap(text, where, sentences[by_shingle[shingle]], 100.0))
                break
    return found


ENGINE_DIRS = (ROOT / "activities", ROOT / "core")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def engine_data() -> Iterator[tuple[str, str]]:
    """Every string in the engines' data files: exemplars, intent examples and rules."""
    for base in ENGINE_DIRS:
        for path in sorted(base.rglob("*.json")):
            where = str(path.relative_to(ROOT))
            for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
                yield where, text


def engine_sources() -> Iterator[tuple[str, str]]:
    """Comments and string literals (patterns included) of the engines' code."""
    import io
    import tokenize

    for base in ENGINE_DIRS:
        for path in sorted(base.rglob("*.py")):
            where = str(path.relative_to(ROOT))
            tokens = tokenize.generate_tokens(
                io.StringIO(path.read_text(encoding="utf-8")).readline
            )
            for tok in tokens:
                if tok.type in (tokenize.COMMENT, tokenize.STRING):
                    yield where, tok.string


def main() -> None:
    found = find_overlaps(engine_data(), engine_sources(), evaluation_sentences())
    for o in found:
        print(f"{o.score:5.1f} {o.where} :: {o.sentence.source}\n   engine: {o.engine_text[:100]}")
        print(f"   eval:   {o.sentence.text[:100]}")
    print(f"SUMMARY {len(found)} near-copies of evaluation text in engine files")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
