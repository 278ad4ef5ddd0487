"""The BM25 tokenizer: lower-cased words without accents, English and Spanish stop words
removed, Snowball stems; and a cheap guess at a passage's language."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)
# Spanish function words: removed like English ones, and counted to tell a passage's language.
_SPANISH = """de la que el en y los del se las por un para con no una su al lo como mas pero sus
    le ya o este si porque esta entre cuando muy sin sobre tambien me hasta hay donde quien desde
    todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mi antes algunos
    que unos yo otro otras otra tanto esa estos mucho quienes nada muchos cual poco ella estar
    estas algunas algo nosotros mis tu te ti tus ellas nosotras vosotros os es son fue ser
    puede pueden debe tiene tienen usted ustedes"""
SPANISH_STOP_WORDS = frozenset(_SPANISH.split())
_WORD = re.compile(r"[a-z0-9]+")
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    # Porter2 ("hours" -> "hour", "allergies" -> "allergi"); cached because a corpus repeats
    # the same few thousand words and the stemmer is pure Python.
    return str(_STEMMER.stemWord(word))


def fold(text: str) -> str:
    """Lower case without accents: "sábados" and "sabados" are one word."""
    if text.isascii():
        return text.lower()  # nothing to strip; most of a corpus, and the hot path
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# "Non-controlled" is the opposite of "controlled": kept one word, so neither finds the other.
_NON = re.compile(r"\bnon-(?=[a-z])")


def tokenize(text: str) -> list[str]:
    return [
        stem(w)
        for w in _WORD.findall(_NON.sub("non", fold(text)))
        if w not in STOP_WORDS and w not in SPANISH_STOP_WORDS
    ]


@lru_cache(maxsize=50_000)
def term_set(text: str) -> frozenset[str]:
    """`tokenize` as a set, cached: answer selection reads the same units' texts, labels and
    headings for every question."""
    return frozenset(tokenize(text))


def guess_language(text: str) -> str:
    """ "es" when Spanish function words outnumber English ones, else "en". A passage is
    long enough for this; a chat message goes through the language detector instead."""
    words = _WORD.findall(fold(text))
    spanish = sum(w in SPANISH_STOP_WORDS for w in words)
    english = sum(w in STOP_WORDS for w in words)
    return "es" if spanish > english else "en"
