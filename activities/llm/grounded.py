"""The offline grounded responder: answers only from passages and tool results, with citations."""

from __future__ import annotations

import re
from datetime import datetime

from activities.retrieval.text import tokenize
from core.llm_payloads import GenerateInput
from core.payloads import Citation, ToolResult
from core.retrieval_payloads import AnswerPart, Passage
from core.texts import DEFAULT_LANGUAGE, either, say, texts
from core.texts import when as say_when

NOT_COVERED = say(DEFAULT_LANGUAGE, "reply.not_covered")
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


def _when(iso: str, lang: str) -> str:
    return say_when(datetime.fromisoformat(iso), lang)


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


def answer_from_passages(
    question: str, passages: list[Passage], lang: str = DEFAULT_LANGUAGE
) -> tuple[str, list[Citation]]:
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
        return say(lang, "reply.not_covered"), []
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
    return f"{text}\n\n{say(lang, 'reply.source')}: {sources}", citations


def answer_from_parts(parts: list[AnswerPart], lang: str) -> tuple[str, list[Citation]]:
    """Each question part with the sentences chosen for it, verbatim, and its own sources;
    a part the knowledge base does not cover is named as such, never guessed at."""
    blocks: list[str] = []
    citations: list[Citation] = []
    for part in parts:
        if not part.covered:
            blocks.append(say(lang, "reply.part_not_covered", question=part.question.strip()))
            continue
        lines: list[str] = []
        last = None
        for ev in part.evidence:
            label = ev.heading.rpartition(" > ")[2]
            text = ev.text
            if label and label != last:
                lines.append(f"{label}: {text}")
            elif lines:
                sep = " " if lines[-1].endswith((".", "!", "?", ":", ";")) else "; "
                lines[-1] += sep + text
            else:
                lines.append(text)
            last = label
        own: list[Citation] = []
        for ev in part.evidence:
            cite = Citation(ev.article_id, ev.title)
            if cite not in own:
                own.append(cite)
        sources = "; ".join(c.title for c in own)
        blocks.append("\n".join(lines) + f"\n({say(lang, 'reply.source')}: {sources})")
        citations += [c for c in own if c not in citations]
    return "\n\n".join(blocks), citations


def phrase_tool_result(result: ToolResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """A tool's outcome in the user's language: from its data, or from the text key and
    values its message was made from (refusals)."""
    if not result.ok or not _phrased_from_data(result):
        if result.message_key and result.message_key in texts(DEFAULT_LANGUAGE):
            return say(lang, result.message_key, **result.params)
        return result.message
    if result.tool in ("create_appointment", "cancel_appointment", "reschedule_appointment"):
        a = result.appointments[0]
        at = {"provider": a.provider_name, "when": _when(a.start_local, lang)}
        if result.tool == "cancel_appointment":
            return say(lang, "tool.cancelled", **at)
        if result.tool == "reschedule_appointment":
            return say(lang, "tool.moved", **at)
        if a.site_name:
            return say(lang, "tool.booked_at", site=a.site_name, **at)
        return say(lang, "tool.booked", **at)
    if result.tool == "schedule_callback" and result.callback:
        return say(lang, "tool.callback_done", when=_when(result.callback.due_local, lang))
    if result.tool == "get_appointments":
        if not result.appointments:
            return say(lang, "tool.no_upcoming")
        lines = [
            say(
                lang,
                "tool.upcoming_line",
                when=_when(a.start_local, lang),
                provider=a.provider_name,
            )
            for a in result.appointments
        ]
        return say(lang, "tool.upcoming") + "\n" + "\n".join(lines)
    if result.tool == "get_availability":
        if not result.slots:
            return say(lang, "tool.no_slots")
        # Numbered as the dialogue state numbers them: "the second one" means line 2.
        lines = [
            say(
                lang,
                "tool.slots_line",
                n=n,
                provider=s.provider_name,
                when=_when(s.start_local, lang),
            )
            for n, s in enumerate(result.slots, 1)
        ]
        head = (
            say(lang, "tool.slots_nearest", **result.params)
            if result.message_key == "tool.slots_nearest"
            else say(lang, "tool.slots")
        )
        return "\n".join([head, *lines, say(lang, "tool.slots_pick")])
    if result.tool == "check_insurance":
        if not result.insurance:
            return say(lang, "tool.no_insurance")
        plans = "; ".join(
            say(
                lang,
                "tool.insurance_line",
                plan=i.plan_name,
                payer=i.payer or say(lang, "tool.payer_unknown"),
                last4=i.member_id_last4,
                status=say(lang, f"tool.status_{i.status}")
                if f"tool.status_{i.status}" in texts(DEFAULT_LANGUAGE)
                else i.status,
                copay=i.copay,
            )
            for i in result.insurance
        )
        return say(lang, "tool.insurance", plans=plans)
    if result.tool == "request_prescription_refill" and result.refill:
        r = result.refill
        return say(
            lang, "tool.refilled", medication=r.medication_name, remaining=r.refills_remaining
        )
    return result.message


def _phrased_from_data(result: ToolResult) -> bool:
    if result.tool in ("create_appointment", "cancel_appointment", "reschedule_appointment"):
        return bool(result.appointments)
    if result.tool == "schedule_callback":
        return result.callback is not None
    if result.tool == "request_prescription_refill":
        return result.refill is not None
    return result.tool in ("get_appointments", "get_availability", "check_insurance")


def compose(inp: GenerateInput) -> tuple[str, list[Citation]]:
    lang = inp.language
    if inp.clarification:
        return inp.clarification, []
    capabilities = say(lang, "reply.capabilities")
    if inp.path == "smalltalk":
        if re.search(r"\b(thank|thanks|thx|ty|gracias|grax)\b", inp.prompt, re.I):
            return say(lang, "reply.welcome"), []
        if re.search(r"\b(bye|goodbye|adios|adiós|hasta luego|chao|chau)\b", inp.prompt, re.I):
            return say(lang, "reply.goodbye"), []
        return say(lang, "reply.hello", capabilities=capabilities), []
    if inp.path == "out_of_scope":
        return say(lang, "reply.out_of_scope", capabilities=capabilities), []
    if inp.path == "clarify":
        options = [
            say(lang, f"intent.{c}")
            if f"intent.{c}" in texts(DEFAULT_LANGUAGE)
            else c.replace("_", " ")
            for c in inp.candidates
        ]
        return say(lang, "reply.clarify", options=either(options, lang)), []
    if inp.path in ("agent", "handoff"):
        if not inp.tool_results:
            return say(lang, "reply.couldnt_complete"), []
        return "\n".join(phrase_tool_result(r, lang) for r in inp.tool_results), []
    if inp.answer_parts and any(p.covered for p in inp.answer_parts):
        return answer_from_parts(inp.answer_parts, lang)
    if inp.indexing and not inp.covered:
        return say(lang, "reply.indexing"), []
    if not inp.covered or not inp.passages:
        return say(lang, "reply.not_covered"), []
    return answer_from_passages(inp.prompt, inp.passages, lang)
