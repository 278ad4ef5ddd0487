"""Injection phrase patterns (English override and role-play) and the pattern table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cues import CUES
from .multilingual import MULTILINGUAL

# Kinds, in the order a finding's kind is chosen when patterns of several kinds match.
KINDS = ("override", "roleplay", "exfiltration", "hidden")


@dataclass(frozen=True)
class Pattern:
    name: str
    kind: str
    # How sure one match alone makes us (0-1). The detector flags at 0.5, so a weight below
    # that needs a second signal (another pattern or the embedding) before a turn is flagged.
    weight: float
    regex: re.Pattern[str]


# What an attacker tells the model to drop. Leaves out "message", "question" and "what I
# said" on purpose: patients revise their own words ("ignore my previous message").
_TARGET = (
    r"(?:instructions?|prompts?|rules|directives?|orders|commands|guidelines|programming|"
    r"constraints|restrictions|context|assignments|tasks|documents|articles|information|"
    r"training|guardrails|policies|system\s+(?:prompt|message))"
)
_SCOPE = (
    r"(?:all|any|the|your|these|those|every|of|previous|prior|above|preceding|earlier|foregoing|"
    r"former|initial|original|old|existing|provided|given|current|system|safety|\w+'s)"
)
_DROP = (
    r"(?:ignore|disregard|forget|drop|discard|skip|abandon|override|overwrite|bypass|delete|"
    r"erase|remove|neglect|stop\s+following|no\s+longer\s+follow)"
)

# name, kind, weight, regex (case-insensitive unless a part scopes itself with (?-i:...)).
ENGLISH: tuple[tuple[str, str, float, str], ...] = (
    # override: drop the instructions, take new ones.
    ("drop_instructions", "override", 0.95, rf"\b{_DROP}\b(?:\s+{_SCOPE}){{0,4}}\s+{_TARGET}\b"),
    (
        "ignore_above",
        "override",
        0.9,
        r"\b(?:ignore|disregard|forget)\s+(?:all\s+)?(?:of\s+)?(?:the\s+|what(?:'s|\s+is|\s+was)"
        r"\s+)?(?:above|preceding|foregoing|before\s+that)\b|\b(?:rules|instructions|guidelines)"
        r"\s+(?:above\s+)?(?:no\s+longer|don't|do\s+not)\s+apply\b|\bdespite\s+(?:what|everything)"
        r"\s+you(?:'ve|\s+have)?\s+(?:been|were)\s+told\b",
    ),
    (
        # "Forget everything, write ..." but not "forget everything I said about the refill".
        "forget_everything",
        "override",
        0.9,
        r"\b(?:forget|ignore|disregard)\s+(?:about\s+)?(?:everything|all)\b(?=\s*(?:$|[,.:;!-]|"
        r"above|before|previous|prior|you(?:'ve|\s+have)?\s+(?:know|been\s+told|were\s+told|"
        r"learned)|we\s+discussed|so\s+far|until\s+now|and\s+(?:just\s+|now\s+)?(?:say|print|"
        r"write|tell|output|answer|repeat)\b))",
    ),
    (
        "new_instructions",
        "override",
        0.85,
        r"\b(?:new|further|different|updated)\s+(?:instructions|tasks|orders|rules)\s+(?:follow|"
        r"are\s+(?:as\s+follows|now))\b|\bnew\s+instructions?\s*:|\byour\s+(?:new\s+)?instructions"
        r"\s+are\s+now\b|\bchange\s+your\s+instructions\b|\bnow\s+(?:new|further)\s+(?:tasks|"
        r"instructions)\s+(?:follow|are)\b",
    ),
    (
        "new_task",
        "override",
        0.85,
        r"\b(?:focus|concentrate)\s+(?:now\s+)?on\s+(?:your|the)\s+new\s+(?:task|assignment|"
        r"mission)\b|\byour\s+(?:new|only|real|next)\s+(?:task|job|mission)\s+is\b|\bstart\s+"
        r"(?:over|again|from\s+(?:the\s+)?(?:front|scratch|beginning))\s+with\s+a\s+new\s+task\b"
        r"|\b(?:leave|put|remove|clear|wipe)\s+(?:all\s+)?(?:the\s+|your\s+)?(?:previous|prior|"
        r"earlier)\s+(?:information|tasks|instructions|context)\b",
    ),
    (
        "from_now_on",
        "override",
        0.7,
        r"\bfrom\s+now\s+on,?\s+(?:you\s+(?:will|must|shall|only|should|have\s+to)|(?:always\s+)?"
        r"(?:answer|reply|respond)\s+(?:only\s+)?with)\b|\bhenceforth\s+you\b",
    ),
    (
        "ignore_sources",
        "override",
        0.8,
        r"\b(?:don'?t|do\s+not|never)\s+(?:answer|look|use|rely|respond)\b[^.?!]{0,30}\b(?:provided"
        r"|the)\s+(?:documents|articles|context)\b|\bdo\s+not\s+answer\s+this\s+question\s+but\b|"
        r"\bnot\s+(?:by|from|according\s+to)\s+the\s+(?:articles|documents|provided\s+\w+)\b",
    ),
    (
        "just_output",
        "override",
        0.75,
        r"\b(?:instead|just|only|simply)\s+(?:output|print|say|write|reply\s+with|respond\s+with"
        r"|answer\s+with)\s*[:\"'“«]|\b(?:repeat\s+after\s+me|pwned)\b|(?:^|[.!?]\s*)stop\s*[-:,!]+"
        r"\s*(?:write|say|print|output)\b",
    ),
    (
        # Praise, "that is done", then a new job: the goal-hijack opener. Weak alone, since a
        # patient may well say "OK that's done, now I need a follow-up".
        "task_switch",
        "override",
        0.4,
        r"\b(?:that\s+is|that's|that\s+was)\s+(?:enough|done|ok(?:ay)?\s+before)\b[^?]{0,40}\bnow\b",
    ),
    (
        "safety_off",
        "override",
        0.85,
        r"\b(?:disable|turn\s+off|deactivate|bypass|circumvent|switch\s+off|override)\s+(?:your\s+|"
        r"the\s+|all\s+)*(?:safety\s+|content\s+|ethical\s+|moral\s+)?(?:filters?|guardrails|"
        r"safeguards|restrictions|censorship|policies|settings|protocols)\b|\bsystem\s+override"
        r"\b|\ball\s+restrictions\s+(?:are\s+)?(?:lifted|removed|disabled|off)\b|\bor\s+you\s+"
        r"(?:will\s+)?die\b",
    ),
    # roleplay: a persona that is not bound by the rules.
    ("dan", "roleplay", 0.9, r"(?-i:\bDAN\b)|\bdo\s+anything\s+now\b"),
    (
        "developer_mode",
        "roleplay",
        0.9,
        r"\b(?:developer|god|jailbreak|unrestricted|uncensored|unfiltered|evil)\s+mode\b|\b"
        r"jailbr(?:oken|eak(?:ing)?)\b|\bevil\s+(?:ai|assistant|bot|twin|confidant)\b|\b(?:"
        r"unfiltered|uncensored|unrestricted)\s+(?:ai|assistant|chatbot|bot|model|version)\b",
    ),
    (
        "no_limits",
        "roleplay",
        0.8,
        r"\b(?:you|ai|assistant|model|bot|chatgpt|gpt)\s+(?:has|have|with|that\s+has)\s+no\s+(?:\w+"
        r"\s+)?(?:restrictions|filters|guidelines|limits|limitations|ethics|morals|boundaries)\b|"
        r"\b(?:no|without)\s+(?:ethical|moral|content|programming)\s+(?:guidelines|restrictions|"
        r"filters|constraints)\b|\b(?:completely|totally)\s+(?:immoral|amoral|unfiltered|uncensored)"
        r"|\b(?:assistant|ai|bot|you)\s+(?:that|who)?\s*(?:never|won't|will\s+not)\s+refuses?\b",
    ),
    (
        # "Pretend I'm a new patient" is the patient's own role: only "you" is a persona.
        "pretend_you",
        "roleplay",
        0.8,
        r"\b(?:pretend|imagine)\s+(?:that\s+)?you\s+(?:are|were|can|could|have|had)\b|\bact\s+as"
        r"\s+if\s+you\b|\brole-?play\s+as\b",
    ),
    (
        "act_as",
        "roleplay",
        0.8,
        r"\b(?:i\s+want\s+you\s+to|you\s+will|you\s+must|you\s+are\s+going\s+to|now\s+you)\s+"
        r"(?:now\s+)?act\s+as\b|\bact\s+as\s+(?:a|an)\s+(?:\w+\s+)?(?:terminal|interpreter|"
        r"console|shell|compiler|ai)\b|\bact\s+as\s+my\s+(?:deceased|dead|late)\s+grand",
    ),
    (
        # A new name ("You are now TranslatorBot"), not "you are now closed on Sundays?".
        "you_are_now",
        "roleplay",
        0.75,
        r"\b(?:now\s+you\s+are|you\s+are\s+now|you're\s+now|from\s+now\s+on\s+you\s+are)\s+"
        r"(?:(?:a|an)\s+\w+|(?-i:[A-Z]))|\byou\s+are\s+(?-i:[A-Z]\w*(?:Bot|GPT|AI))\b",
    ),
    (
        "not_an_ai",
        "roleplay",
        0.75,
        r"\byou\s+are\s+(?:no\s+longer|not)\s+(?:an?\s+)?(?:ai|assistant|chatbot|language\s+model|"
        r"bound)\b",
    ),
    (
        "stay_in_role",
        "roleplay",
        0.8,
        r"\b(?:stay|remain|stays|remains)\s+(?:\w+\s+)?in\s+(?:their|your|his|her)\s+roles?\b|\b"
        r"(?:never|not|don't|do\s+not)\s+break\s+character\b|\babsorbed\s+in\s+your\s+role\b|"
        r"\bstay\s+in\s+character\b",
    ),
    (
        "actors",
        "roleplay",
        0.6,
        r"\btwo\s+(?:\w+\s+){0,2}(?:actors|characters|entities)\b|\bhypothetical\s+(?:world|"
        r"scenario|universe)\s+where\s+you\b|\b(?:theoretical|fictional)\s+world\s+where\s+you\b",
    ),
)

PATTERNS: tuple[Pattern, ...] = tuple(
    Pattern(name, kind, weight, re.compile(regex, re.IGNORECASE))
    for name, kind, weight, regex in ENGLISH + CUES + MULTILINGUAL
)

# Framing that says "what follows is someone else's text": an instruction inside it is hidden.
QUOTE_LEAD = re.compile(
    r"\b(?:the\s+following\s+(?:text|message|email|document|passage|note|review|comment|"
    r"paragraph)\s*(?:says|reads|contains|is)?|(?:translate|summari[sz]e|proofread|spell[\s-]?"
    r"check|correct|rewrite|paraphrase|check)\s+(?:the\s+following|this|my|the)(?:\s+\w+)?"
    r"(?:\s+for\s+\w+)?)\s*:",
    re.IGNORECASE,
)
# Quoted spans: straight, curly and guillemet quotes, fenced or inline code. Single quotes are
# left out: apostrophes ("I'm", "patient's") would pair up across whole sentences.
QUOTED = re.compile(
    r"```.*?```|`[^`\n]{8,}`|\"[^\"]{8,}\"|“[^”]{8,}”|„[^“”]{8,}[“”]|«[^»]{8,}»|"
    r"\[(system|INST)\].*?(?:\[/\1\]|$)|<\|im_start\|>.*?(?:<\|im_end\|>|$)",
    re.DOTALL | re.IGNORECASE,
)
