"""The safety engine: screens prompts on the way in and replies on the way out."""

from __future__ import annotations

from core.payloads import CheckOutputOutput, SafetyIssue, ScreenOutput
from core.pii import find_pii, redact

from .emergency import triage


class SafetyEngine:
    def __init__(self, banned_words: tuple[str, ...] = ()) -> None:
        self.banned_words = tuple(w.lower() for w in banned_words)

    def screen(self, text: str) -> ScreenOutput:
        redacted, matches = redact(text)
        issues = [SafetyIssue("pii", m.entity, 0.5, "redacted") for m in matches]
        result = triage(text)
        if result.requires_escalation:
            issues.insert(
                0,
                SafetyIssue("emergency", result.category or "", result.severity, result.reason),
            )
        return ScreenOutput(
            requires_escalation=result.requires_escalation,
            redacted_text=redacted,
            category=result.category,
            severity=result.severity,
            reason=result.reason,
            guidance=result.guidance,
            issues=issues,
        )

    def check_output(self, text: str, allowed: list[str] | None = None) -> CheckOutputOutput:
        """Redact PII in a reply, except values that come from the clinic's own sources
        (its published phone numbers and addresses are not a patient's data)."""
        allowed_blob = "\n".join(allowed or [])
        issues: list[SafetyIssue] = []
        out = text
        for m in reversed(find_pii(text)):
            value = text[m.start : m.end]
            if value in allowed_blob:
                continue
            out = out[: m.start] + f"<{m.entity}>" + out[m.end :]
            issues.append(SafetyIssue("pii", m.entity, 0.7, "redacted from reply"))
        lowered = out.lower()
        for word in self.banned_words:
            if word in lowered:
                issues.append(SafetyIssue("banned_word", word, 0.8, "banned word in reply"))
        valid = not any(i.type == "banned_word" for i in issues)
        return CheckOutputOutput(text=out, is_valid=valid, issues=issues)
