"""The offline grounded responder: answers only from passages and tool results, with citations."""

from __future__ import annotations

import re
from datetime import datetime

from activities.retrieval.text import tokenize
from core.llm_payloads import GenerateInput
from core.payloads import Citation, Passage, ToolResult
from store.timeutil import fmt_local

NOT_COVERED = (
    "I'm sorry, our knowledge base doesn't cover that question, so I won't guess. "
    "You can ask me about opening hours, locations, insurance, refills or appointments, "
    "or call the clinic to speak with our staff."
)
CAPABILITIES = (
    "I can book, cancel or look up your appointments, check open times, check your "
    "insurance, request prescription refills, and answer questions about the clinic."
)
INTENT_PHRASES = {
    "book_appointment": "book an appointment",
    "cancel_appointment": "cancel an appointment",
    "list_appointments": "see your appointments",
    "availability": "find open appointment times",
    "insurance": "check your insurance",
    "prescription_refill": "request a prescription refill",
    "knowledge_question": "ask a question about the clinic",
    "greeting": "just say hello",
    "reschedule_appointment": "move an appointment",
    "callback": "have someone call you back",
    "human_handoff": "talk to a person",
}
OUT_OF_SCOPE_REPLY = f"Sorry, that's not something I can help with here. {CAPABILITIES}"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_MARKUP = re.compile(r"\*\*|__|`")
# What kind of fact a question asks for, and how such a fact looks in a line.
_ASKS = {
    "time": (
        re.compile(r"\b(?:hours?|when|what time|open|opening|close|closing)\b", re.I),
        re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:AM|PM)\b|\bnoon\b|\bclosed\b", re.I),
    ),
    "money": (
        re.compile(r"\b(?:cost|price|fee|how much|copay|charge|pay)\b", re.I),
        re.compile(r"\$\d"),
    ),
    "place": (
        re.compile(r"\b(?:where|address|located|location|park|parking|directions)\b", re.I),
        re.compile(r"\b(?:Street|Avenue|Road|garage|parking|lot|level|floor|Suite)\b"),
    ),
    "phone": (
        re.compile(r"\b(?:phone|call|number|contact|reach)\b", re.I),
        re.compile(r"\(\d{3}\) \d{3}-\d{4}"),
    ),
}


def _when(iso: str) -> str:
    return fmt_local(datetime.fromisoformat(iso))


def _lines(passage: Passage) -> list[tuple[str, str]]:
    """(section label, statement) pairs: list items and sentences, markup stripped."""
    label = passage.title
    out: list[tuple[str, str]] = []
    for raw in passage.text.splitlines()[1:]:
        line = _MARKUP.sub("", raw).strip()
        if line.startswith("## "):
            label = line[3:].strip()
            continue
        for part in _SENTENCE.split(line.lstrip("-* ").strip()):
            if len(part.split()) >= 2:
                out.append((label, part.strip()))
    return out


def answer_from_passages(question: str, passages: list[Passage]) -> tuple[str, list[Citation]]:
    """Pick the statements that share the most terms with the question (and look like the
    kind of fact it asks for), kept verbatim so numbers and times stay exact, and cite the
    articles they came from."""
    q_terms = set(tokenize(question))
    looks_like = [shape for asks, shape in _ASKS.values() if asks.search(question)]
    scored: list[tuple[float, int, int, str, str, Passage]] = []
    by_passage = [_lines(p) for p in passages]
    for p_rank, passage in enumerate(passages):
        for l_rank, (label, line) in enumerate(by_passage[p_rank]):
            score: float = len(q_terms & set(tokenize(line)))
            score += 2 * sum(1 for shape in looks_like if shape.search(line))
            # Fusion already ranked passages: earlier passages and lines win ties.
            score -= 1.0 * p_rank + 0.01 * l_rank
            scored.append((score, p_rank, l_rank, label, line, passage))
    if not scored:
        return NOT_COVERED, []
    top = max(row[0] for row in scored)
    chosen = (
        sorted((row for row in scored if row[0] > 0 and row[0] >= top - 1.5), key=lambda r: -r[0])[
            :10
        ]
        or sorted(scored, key=lambda r: -r[0])[:2]
    )
    # A line that introduces a list ("...need an empty stomach:") brings the list with it.
    for row in list(chosen):
        if row[4].endswith(":"):
            lines = by_passage[row[1]]
            for l_rank in range(row[2] + 1, min(row[2] + 5, len(lines))):
                if lines[l_rank][0] == row[3]:
                    chosen.append((row[0], row[1], l_rank, *lines[l_rank], row[5]))
    chosen = sorted({(r[1], r[2]): r for r in chosen}.values(), key=lambda r: (r[1], r[2]))
    parts: list[str] = []
    last_label = None
    for _, _, _, label, line, passage in chosen:
        new_label = label != last_label and label != passage.title
        if parts and not parts[-1].endswith((".", "!", "?", ":", ";")):
            parts[-1] += "." if new_label else ";"  # list items read as one sentence
        if new_label:
            parts.append(f"\n{label}: {line}")
        else:
            parts.append(line)
        last_label = label
    text = re.sub(r"\s*\n", "\n", " ".join(parts)).strip()
    citations: list[Citation] = []
    for row in chosen:
        cite = Citation(row[5].article_id, row[5].title)
        if cite not in citations:
            citations.append(cite)
    sources = "; ".join(c.title for c in citations)
    return f"{text}\n\nSource: {sources}", citations


def phrase_tool_result(result: ToolResult) -> str:
    if not result.ok:
        return result.message
    if result.tool == "create_appointment" and result.appointments:
        a = result.appointments[0]
        where = f" at {a.site_name}" if a.site_name else ""
        return f"You're booked with {a.provider_name}{where} on {_when(a.start_local)}."
    if result.tool == "cancel_appointment" and result.appointments:
        a = result.appointments[0]
        return f"Your appointment with {a.provider_name} on {_when(a.start_local)} is cancelled."
    if result.tool == "reschedule_appointment" and result.appointments:
        a = result.appointments[0]
        return f"Done: your appointment with {a.provider_name} is now on {_when(a.start_local)}."
    if result.tool == "schedule_callback" and result.callback:
        return f"Done: the clinic will call you on {_when(result.callback.due_local)}."
    if result.tool == "get_appointments":
        if not result.appointments:
            return "You have no upcoming appointments."
        lines = [f"- {_when(a.start_local)} with {a.provider_name}" for a in result.appointments]
        return "Your upcoming appointments:\n" + "\n".join(lines)
    if result.tool == "get_availability":
        if not result.slots:
            return "I couldn't find open times then. Would another day work?"
        lines = [f"- {s.provider_name}: {_when(s.start_local)}" for s in result.slots]
        return "Here are the next open times:\n" + "\n".join(lines) + "\nWhich would you like?"
    if result.tool == "check_insurance":
        if not result.insurance:
            return "I don't see any insurance on file for you."
        parts = [
            f"{i.plan_name} ({i.payer or 'payer unknown'}), member ID ending {i.member_id_last4}: "
            f"{i.status}, copay {i.copay}"
            for i in result.insurance
        ]
        return "Insurance on file: " + "; ".join(parts) + "."
    if result.tool == "request_prescription_refill" and result.refill:
        r = result.refill
        return (
            f"I've requested a refill of {r.medication_name}. {r.message} "
            f"Refills remaining after this one: {r.refills_remaining}."
        )
    return result.message


def compose(inp: GenerateInput) -> tuple[str, list[Citation]]:
    if inp.clarification:
        return inp.clarification, []
    if inp.path == "smalltalk":
        if re.search(r"\b(thank|thanks)\b", inp.prompt, re.I):
            return "You're welcome! Is there anything else I can help with?", []
        if re.search(r"\bbye\b", inp.prompt, re.I):
            return "Goodbye, and take care!", []
        return f"Hello! {CAPABILITIES}", []
    if inp.path == "out_of_scope":
        return OUT_OF_SCOPE_REPLY, []
    if inp.path == "clarify":
        options = [INTENT_PHRASES.get(c, c.replace("_", " ")) for c in inp.candidates]
        return f"Just to be sure: did you want to {' or '.join(options)}?", []
    if inp.path in ("agent", "handoff"):
        if not inp.tool_results:
            return "I couldn't complete that request. Could you rephrase it?", []
        return "\n".join(phrase_tool_result(r) for r in inp.tool_results), []
    if not inp.covered or not inp.passages:
        return NOT_COVERED, []
    return answer_from_passages(inp.prompt, inp.passages)
