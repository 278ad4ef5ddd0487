"""Injection patterns in German, the most common non-English language in attacks, and others."""

from __future__ import annotations

# name, kind, weight, regex; compiled case-insensitively by patterns.py.
MULTILINGUAL: tuple[tuple[str, str, float, str], ...] = (
    (
        # "Vergiss alles davor" but not "vergiss, was ich über das Rezept gesagt habe".
        "de_forget",
        "override",
        0.9,
        r"\bvergiss\s+(?:nun\s+|jetzt\s+)?(?:alle[sn]?|deine|sämtliche)\b(?!\s*,?\s*was\s+ich)",
    ),
    (
        "de_ignore",
        "override",
        0.95,
        r"\bignorier(?:e|en|t)?\b(?:\s+\w+){0,4}\s+(?:anweisungen|befehle|instruktionen|regeln|"
        r"aufgaben|vorgaben|ausführungen)\b|\b(?:anweisungen|ausführungen|instruktionen|vorgaben)"
        r"\s+ignorieren\b",
    ),
    (
        "de_previous",
        "override",
        0.85,
        r"\babweichend\s+(?:zu|von)\s+(?:den\s+)?(?:vorherigen|bisherigen)\b|\b(?:alle|sämtliche)"
        r"\s+(?:vorherigen|bisherigen|vorangegangenen)\s+(?:informationen|anweisungen|aufgaben|"
        r"instruktionen)\b|\boder\s+du\s+stirbst\b",
    ),
    (
        "de_new_task",
        "override",
        0.85,
        r"\bneue\s+(?:anweisungen|aufgaben)\s+folgen\b|\bfolgen\s+(?:nun\s+|jetzt\s+)?(?:neue|"
        r"weitere)\s+(?:anweisungen|aufgaben)\b|\bkonzentriere\s+dich\s+(?:jetzt\s+|nun\s+)?auf\s+"
        r"deine\s+neue\b|\baus\s+dem\s+kopf\s+(?:zu\s+)?streichen\b|(?:^|[.!?]\s*)stopp?\s*[-:,!]"
        r"+\s*(?:schreib|sag)",
    ),
    (
        "de_task_switch",
        "override",
        0.4,
        r"\b(?:das\s+ist|das)\s+(?:erledigt|genügt|genug|schon\s+mal\s+ok)\b[^?]{0,40}\b(?:nun|"
        r"jetzt)\b",
    ),
    (
        # Spanish, French, Italian, Portuguese, Croatian/Serbian, Russian: "forget/ignore all".
        "xx_forget",
        "override",
        0.9,
        r"\b(?:olvid[ae]n?|oubliez|oublie|dimentica|esque[cç]a|zaboravi|ignor[ae]z?)\s+(?:todo|"
        r"todas|tout(?:es)?|tutte|sve|las\s+instrucciones|les\s+instructions|le\s+istruzioni|as\s+"
        r"instru)|(?:забудь(?:те)?|игнорируй(?:те)?)\s+(?:все|всё|предыдущие)",
    ),
    (
        "de_roleplay",
        "roleplay",
        0.8,
        r"\bstell\s+dir\s+vor,?\s+du\s+bist\b|\b(?:nun|jetzt)\s+bist\s+du\b|\bdu\s+bist\s+(?:jetzt|"
        r"nun|ab\s+sofort)\b|\bdass\s+(?:sie|du)\s+als\b[^.]{0,80}\bfungier|\b(?:bleiben|bleibt|"
        r"bleib)\s+(?:\w+\s+)?in\s+(?:ihren|ihrer|deiner|seiner)\s+rollen?\b|\bin\s+deiner\s+"
        r"rolle\s+auf\b|\b(?:hervorragende|gute|zwei)\s+schauspieler\b",
    ),
    (
        "de_show_prompt",
        "exfiltration",
        0.9,
        r"\b(?:zeige?|gib|nenne)\s+(?:mir\s+)?(?:alle\s+)?(?:\w+\s+){0,2}(?:system)?prompt(?:-?texte?)?"
        r"\b|\b(?:zeige?|gib|nenne)\s+(?:mir\s+)?(?:alle\s+)?deine\s+anweisungen\b",
    ),
)
