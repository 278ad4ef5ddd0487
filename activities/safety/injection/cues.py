"""Injection patterns for exfiltration and for instructions dressed up as other text."""

from __future__ import annotations

_SHOW = (
    r"(?:show|print|reveal|display|output|repeat|tell|give|list|leak|dump|copy|what\s+(?:is|are|"
    r"was|were))"
)
_RECORDS = (
    r"(?:records?|data|files?|charts?|information|details|appointments|histor(?:y|ies)|results|"
    r"names|phone|numbers|address(?:es)?|prescriptions)"
)

# name, kind, weight, regex; compiled case-insensitively by patterns.py.
CUES: tuple[tuple[str, str, float, str], ...] = (
    # exfiltration: the prompt, or data that is not the caller's.
    (
        "show_prompt",
        "exfiltration",
        0.9,
        rf"\b{_SHOW}\s+(?:me\s+)?(?:all\s+)?(?:of\s+)?(?:your|the|this)\s+(?:full\s+|complete\s+|"
        r"entire\s+|initial\s+|original\s+|hidden\s+|secret\s+|exact\s+|system\s+)*(?:prompts?|"
        r"prompt[\s-]texts?|system\s+(?:prompt|message)|pre-?prompt)\b|\bshow\w*\s+(?:all\s+)?"
        r"(?:your\s+)?prompt[\s-]texts?\b|\b(?:repeat|print|output)\s+(?:everything|all|the\s+"
        r"(?:text|words))\s+(?:above|before)\b",
    ),
    (
        # "What are your instructions for fasting?" is a patient's question, hence the lookahead.
        "your_instructions",
        "exfiltration",
        0.8,
        r"\b(?:what\s+(?:are|were)|tell\s+me|show\s+me|reveal|print|repeat)\s+(?:all\s+)?your\s+"
        r"(?:\w+\s+)?(?:instructions|rules|guidelines|directives|configuration)\b(?!\s+(?:for|"
        r"on|about|regarding|to)\b)|\b(?:instructions|rules|prompt)\s+(?:that\s+)?you\s+(?:were|"
        r"have\s+been|'ve\s+been)\s+given\b",
    ),
    (
        "prompt_above",
        "exfiltration",
        0.85,
        r"\bwhat\s+(?:was|is)\s+written\s+(?:at\s+the\s+(?:beginning|start)|above|before)\b|\b"
        r"(?:beginning|start)\s+of\s+(?:this|the|your)\s+prompt\b|\binformation\s+in\s+the\s+"
        r"prompt\b",
    ),
    (
        "other_patients",
        "exfiltration",
        0.9,
        rf"\b(?:other|another|all|every|everyone|someone\s+else)(?:'s)?\s+(?:\w+\s+)?patients?"
        rf"(?:'s?)?\s+{_RECORDS}\b|\b(?:list|show|give|dump|export|print)\s+(?:me\s+)?(?:all|"
        rf"every)\s+(?:the\s+)?(?:patients|patient\s+records|records)\b|\b{_RECORDS}\s+(?:of|for)"
        r"\s+(?:[\w.']+\s+){0,3}(?:other|all|every|another|previous|last)\s+patients?\b|\b"
        r"records\s+of\s+the\s+(?:patient|person)\s+(?:who|before|after)\b",
    ),
    (
        "dump_database",
        "exfiltration",
        0.85,
        r"\b(?:dump|export|print|show|drop|erase|delete)\s+(?:me\s+)?(?:the\s+|your\s+|a\s+)?"
        r"(?:whole\s+|entire\s+)?(?:\w+\s+)?(?:database|db|tables?)\b|\bselect\s+\*\s+from\b",
    ),
    # hidden: text dressed up as a new prompt, a system message or a context block.
    (
        "chat_markup",
        "hidden",
        0.8,
        r"\[/?(?:system|INST)\]|<\|im_start\|>|<\|system\|>|###\s*(?:instruction|system)\b|\bend\s+"
        r"of\s+(?:the\s+)?(?:system\s+)?prompt\b|\bcontext\s*:\s*\{|\$documents?\s*:|\bdocument\s+"
        r"context\b",
    ),
    (
        # A fake turn or system message; weak alone ("assistant: Maria at the front desk").
        "role_label",
        "hidden",
        0.45,
        r"(?:^|\n|\s)(?:system|assistant|human)\s*:\s*[{\w\"'“]",
    ),
    (
        # Weaker still: "Instructions: take one tablet" is a pasted prescription label.
        "context_label",
        "hidden",
        0.3,
        r"(?:^|\n|\s)(?:instructions?|context)\s*:\s*[{\w\"'“]",
    ),
    ("escaped_newlines", "hidden", 0.75, r"(?:\\\s?n\s*){3,}"),
    ("spaced_letters", "hidden", 0.6, r"(?:\b\w\s){10,}\w\b"),
)
