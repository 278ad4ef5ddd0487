"""Chat messages for a real LLM: grounded in passages and tool results, never beyond them."""

from __future__ import annotations

from activities.llm.grounded import phrase_tool_result
from core.llm_payloads import GenerateInput
from core.texts import DEFAULT_LANGUAGE, LANGUAGE_NAMES

SYSTEM = (
    "You are the assistant of a medical clinic. Answer only from the CONTEXT below. "
    "Keep numbers, times and names exactly as written. If the context does not answer the "
    "question, say that the clinic's knowledge base does not cover it. Never give a "
    "diagnosis. Be brief and friendly. Cite article titles you used as 'Source: <title>'."
)


def build_messages(inp: GenerateInput) -> list[dict[str, str]]:
    context: list[str] = []
    if any(part.covered for part in inp.answer_parts):
        # The sentences the offline responder would quote, per question part: a real model
        # answers from the same facts, and is told which part nothing answers.
        for n, part in enumerate(inp.answer_parts, 1):
            if not part.covered:
                context.append(f"[retrieval] Nothing answers question part {n}: {part.question}")
                continue
            context.append(f"[question part {n}] {part.question}")
            for ev in part.evidence:
                label = f"{ev.title} > {ev.heading}" if ev.heading else ev.title
                context.append(f"[{label}] {ev.text}")
    else:
        for p in inp.passages:
            # The compressed excerpt keeps a real model's prompt within the context budget.
            label = f"{p.title} > {p.heading}" if p.heading else p.title
            context.append(f"[{label}] {p.excerpt or p.text}")
    for r in inp.tool_results:
        context.append(f"[tool {r.tool}] {phrase_tool_result(r, inp.language)}")
    if inp.clarification:
        context.append(f"[planner] Ask the user: {inp.clarification}")
    if inp.path == "knowledge" and not inp.covered:
        context.append("[retrieval] No relevant article was found.")
    system = SYSTEM
    if inp.language != DEFAULT_LANGUAGE:
        name = LANGUAGE_NAMES.get(inp.language, inp.language)
        system += f" The patient writes in {name}: reply in {name}."
    system += "\n\nCONTEXT:\n" + ("\n".join(context) if context else "(none)")
    messages = [{"role": "system", "content": system}]
    messages += [{"role": h.role, "content": h.content} for h in inp.history]
    messages.append({"role": "user", "content": inp.prompt})
    return messages
