"""Names found from a message's layout rather than its words: the speakers of a pasted
conversation, the first line of a contact card, the other members of a list one name is in,
and every other mention of a name found once."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable

from spacy.tokens import Doc, Token

from .name_tokens import is_name_token
from .vocab import ORG_WORDS, SPEAKER_LABELS


def speakers(text: str) -> list[tuple[int, int, float]]:
    """Speaker names of a pasted conversation ("Ubul: What a wife.\\nNicole: ...")."""
    hits = [
        m
        for m in re.finditer(r"(?m)^[ \t>]*([^\W\d_][\w'\u2019-]{1,30})[ \t]*:[ \t]*[\"“A-Z]", text)
        if m.group(1)[0].isupper() and m.group(1).lower() not in SPEAKER_LABELS
    ]
    return [(m.start(1), m.end(1), 0.6) for m in hits] if len(hits) >= 2 else []


def repeats(
    text: str, seeds: list[tuple[int, int, float]], lower_text: bool
) -> list[tuple[int, int, float]]:
    """Every other mention of a name found once, and of its first or last name alone."""
    forms: set[str] = set()
    for start, end, _ in seeds:
        value = text[start:end]
        forms.add(value)
        forms.update(w for w in re.split(r"[\s,]+", value) if len(w) >= 3 and "." not in w)
    forms = {f for f in forms if f and (lower_text or f[0].isupper())}
    if not forms:
        return []
    pattern = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
        + r")(?![\w-])"
    )
    return [(m.start(), m.end(), 0.6) for m in pattern.finditer(text)]


def card_name(text: str, doc: Doc) -> Iterable[tuple[int, int, float]]:
    """The first line of a contact card or signature block with an address, phone or email
    below it ("Ella H. Snider\\nOtc Markets\\n228 Ringvej 144 ...")."""
    m = re.match(r"[\s>?]*([^\n]{3,60})\n", text)
    if not m or not re.search(r"\d{3}|@", text[m.end() :]):
        return []
    span = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
    line = [t for t in span or [] if not t.is_space]
    lowercase_ok = not any(c.isupper() for c in text)
    if not 2 <= len(line) <= 4 or not all(is_name_token(t, lowercase_ok) for t in line):
        return []
    return [(line[0].idx, line[-1].idx + len(line[-1].text), 0.7)]


def siblings(
    doc: Doc,
    seeds: list[tuple[int, int, float]],
    lower_text: bool,
    unknown: Callable[[Token], bool],
) -> list[tuple[int, int, float]]:
    """The other members of a list one name is in: "founders: Kónya, Becker and Vasquez"."""
    out: list[tuple[int, int, float]] = []
    starts = [t.idx for t in doc]
    for start, end, _ in seeds:
        seed_end = bisect.bisect_left(starts, end)
        for step in (-1, 1):
            i = bisect.bisect_left(starts, start) if step < 0 else bisect.bisect_left(starts, end)
            while 0 < i < len(doc) and len(out) < 12:
                sep = doc[i - 1] if step < 0 else doc[i]
                if sep.text not in (",", "and", "or", "&"):
                    break
                # The neighbour's last token going back (the separator is doc[i - 1]),
                # its first going forward (the separator is doc[i]).
                j = i - 2 if step < 0 else i + 1
                if step > 0 and j < len(doc) and doc[j].text == "and":
                    j += 1  # "A, B, and C"
                if step < 0 and j >= 0 and doc[j].text == "," and sep.text == "and":
                    j -= 1  # "A, B, and C", read from C
                k = j
                while 0 <= k < len(doc) and is_name_token(doc[k], lower_text):
                    k += step
                lo, hi = (k + 1, j + 1) if step < 0 else (j, k)
                if hi - lo not in (1, 2, 3) or doc[lo].pos_ != "PROPN":
                    break
                if hi < len(doc) and doc[hi].lower_ in ORG_WORDS:
                    break  # "Reyes, Tran and Holt Quartet" is a band
                # Going back is the weaker reading (a seed that is really a street or a
                # word the model took for a name drags its neighbour in): only a word
                # no dictionary has, not the tail of a hyphenated name, and not before a
                # seed followed by a house number.
                if step < 0 and (
                    not all(unknown(t) for t in doc[lo:hi] if len(t.text) > 1)
                    or (lo > 0 and doc[lo - 1].text == "-")
                    or (seed_end < len(doc) and doc[seed_end].like_num)
                ):
                    break
                out.append((doc[lo].idx, doc[hi - 1].idx + len(doc[hi - 1]), 0.6))
                i = lo if step < 0 else hi
    return out
