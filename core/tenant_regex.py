"""Regular expressions a clinic writes (intent rules), run with a time budget.

Python's `re` cannot be interrupted: one rule such as `(a|a)+$` or `.*.*.*.*x` stalls the
shared worker for seconds on a long message, for every clinic. These rules are compiled
with the `regex` module, which honours a per-call timeout, and are tried at write time
against adversarial inputs so a slow shape is refused before it is ever stored.
"""

from __future__ import annotations

import logging
import re
import string
from dataclasses import dataclass

import regex

log = logging.getLogger("aurixa.tenant_regex")

# A rule gets this long per message at run time; a match that would take longer counts as
# no match (logged), so one bad rule costs a turn milliseconds, not seconds.
RUN_TIMEOUT_S = 0.02
RETRY_FACTOR = 10
# At write time each adversarial probe gets this long; real rules take microseconds.
PROBE_TIMEOUT_S = 0.05
PROBE_LENGTH = 4000  # the longest prompt a turn accepts (MAX_PROMPT_CHARS)


class RuleTooSlow(ValueError):
    pass


def _probes(pattern: str) -> list[str]:
    """Long inputs that make backtracking explode: runs of the characters the rule names,
    each followed by a character that forces the match to fail and retry."""
    chars = {c for c in pattern.lower() if c.isalnum() or c in " -_'"}
    chars |= {"a", "x", " ", "1"}
    probes: list[str] = []
    for c in sorted(chars):
        run = c * PROBE_LENGTH
        probes += [run, run + "!", run + "\n" + run]
        # A literal of the rule first, then a long run without it: `.*.*.*x` on "xaaaa...".
        probes += [c + "a" * PROBE_LENGTH, c + " " * PROBE_LENGTH]
    words = "".join(c for c in sorted(chars) if c in string.ascii_lowercase) or "ab"
    probes.append((words + " ") * (PROBE_LENGTH // (len(words) + 1)) + "!")
    return probes


@dataclass(frozen=True)
class TenantPattern:
    source: str
    compiled: regex.Pattern[str]

    def search(self, text: str) -> bool:
        # The budget is wall-clock time: under load a busy worker (16 turns sharing the GIL)
        # can spend it waiting, not matching. Slow shapes were refused at write time, so a
        # first timeout gets one more, longer try before the rule counts as no match.
        for budget in (RUN_TIMEOUT_S, RUN_TIMEOUT_S * RETRY_FACTOR):
            try:
                return self.compiled.search(text, timeout=budget) is not None
            except TimeoutError:
                continue
        log.warning("tenant rule timed out", extra={"rule_chars": len(self.source)})
        return False


def compile_rule(pattern: str) -> TenantPattern:
    """A case-insensitive rule, or ValueError saying why it is refused."""
    try:
        # V0 is `re`-compatible syntax, so rules written for `re` mean the same here.
        compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
        re.compile(pattern)  # and nothing that only the `regex` module would accept
    except (regex.error, re.error) as exc:
        raise ValueError(f"rule {pattern!r} is not a valid regular expression: {exc}") from None
    return TenantPattern(pattern, compiled)


def check_rule(pattern: str) -> TenantPattern:
    """compile_rule, plus the adversarial probes: refused if any takes too long."""
    rule = compile_rule(pattern)
    for probe in _probes(pattern):
        try:
            rule.compiled.search(probe, timeout=PROBE_TIMEOUT_S)
        except TimeoutError:
            raise RuleTooSlow(
                f"rule {pattern!r} takes too long on some long messages (catastrophic "
                "backtracking); write it without nested or repeated wildcards"
            ) from None
    return rule
