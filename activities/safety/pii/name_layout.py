"""Names found from a message's layout rather than its words: the speakers of a pasted
conversation, and every other mention of a name found once."""

from __future__ import annotations

import re

from .vocab import SPEAKER_LABELS


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
