"""The pure rules of a dialogue turn: picks, cues, merged constraints, loose yes/no."""

from __future__ import annotations

from datetime import datetime

from activities.dialogue.cues import (
    asks_about_clinic,
    is_followup,
    never_mind,
    normalize_reply,
    rewrite_followup,
    wants_later,
)
from activities.dialogue.picks import names_in, resolve_pick
from activities.intent.scope import asks_opening_hours
from activities.tools.slots import NamedEntity
from core.confirmation import reply_kind
from core.dialogue import Option, merge_slots
from core.payloads import Slots

NOW = datetime(2026, 12, 5, 9, 0)  # a Saturday


def _slot(n: int, provider: str, start: str, site: str = "Harborview Downtown") -> Option:
    return Option(n, "slot", f"{provider} {start}", 1, provider, site, start)


OFFERED = [
    _slot(1, "Dr. Maya Chen", "2026-12-08T09:00:00-05:00"),
    _slot(2, "Dr. Maya Chen", "2026-12-08T14:30:00-05:00"),
    _slot(3, "Dr. Priya Raman", "2026-12-09T10:30:00-05:00", "Harborview Westside"),
    _slot(4, "Dr. Priya Raman", "2026-12-09T15:00:00-05:00", "Harborview Westside"),
]


def picked(text: str) -> list[int]:
    return [o.number for o in resolve_pick(normalize_reply(text), OFFERED, NOW).options]


def test_picks_by_ordinal_value_and_attribute() -> None:
    assert picked("the third one") == [3]
    assert picked("option 2 please") == [2]
    assert picked("la última") == [4]
    assert picked("el primero") == [1]
    assert picked("10:30 works") == [3]
    assert picked("wednesday at 3") == [4]
    assert picked("the 230 one") == [2]
    assert picked("the one with Dr. Raman in the morning") == [3]
    assert picked("the latest") == [4]
    assert picked("whichever is earliest") == [1]
    assert picked("the Westside one in the afternoon") == [4]


def test_a_reply_that_fits_several_options_is_not_a_pick() -> None:
    pick = resolve_pick("the afternoon one", OFFERED, NOW)
    assert [o.number for o in pick.options] == [2, 4]  # the caller asks which
    assert resolve_pick("number 9", OFFERED, NOW).how == "unmatched"
    assert resolve_pick("at 11", OFFERED, NOW).how == "unmatched"  # a new constraint
    assert resolve_pick("thanks", OFFERED, NOW).how == "none"


def test_a_bare_word_is_not_a_provider() -> None:
    people = [NamedEntity(1, "Dr. Priya Raman"), NamedEntity(2, "Dr. Samuel Okafor")]
    assert names_in("la primera", people) == set()
    assert names_in("the one with raman", people) == {1}
    assert names_in("dr okafr please", people) == {2}


def test_cues() -> None:
    assert never_mind("nah forget it") and never_mind("olvídalo, gracias")
    assert not never_mind("cancel my appointment on Friday")
    assert wants_later("do you have anything later?") and wants_later("¿hay algo más tarde?")
    assert not wants_later("la más tarde")
    assert is_followup("and on Sunday?") and is_followup("¿y la otra sede?")
    assert asks_about_clinic("where do I park?") and not asks_about_clinic("what about Friday")
    assert asks_opening_hours("when does the downtown lab open")
    assert not asks_opening_hours("when can I book with Dr. Chen, are you open Saturday")


def test_follow_up_keeps_the_subject() -> None:
    sites = ["Harborview Downtown", "Harborview Westside"]
    asked = rewrite_followup(
        "What are the Saturday hours at Westside?", "and the other one?", sites
    )
    assert "Downtown" in asked and "Westside" not in asked
    sunday = rewrite_followup("Is Westside open on Saturday?", "and on Sunday?", sites)
    assert "sunday" in sunday.lower() and "saturday" not in sunday.lower()


def test_constraints_merge_and_corrections_replace() -> None:
    known = Slots(
        date="2026-12-07", span_days=7, part_of_day="morning", provider_ids=[1], weekday=None
    )
    said = Slots(provider_ids=[2], provider_names=["Dr. Samuel Okafor"])
    merged = merge_slots(known, said)
    assert (merged.date, merged.span_days, merged.part_of_day) == ("2026-12-07", 7, "morning")
    assert merged.provider_ids == [2]
    moved = merge_slots(known, Slots(date="2026-12-09", weekday=2))
    assert (moved.date, moved.span_days, moved.provider_ids) == ("2026-12-09", 1, [1])
    # A time alone keeps the day already asked for.
    day = Slots(date="2026-12-09")
    assert merge_slots(day, Slots(date="2026-12-05", time="11:00", date_said=False)).date == (
        "2026-12-09"
    )
    # "it has to be a Friday" then "next week": that week's Friday.
    friday = Slots(date="2026-12-11", weekday=4)
    assert merge_slots(friday, Slots(date="2026-12-14", span_days=7)).date == "2026-12-18"


def test_loose_yes_and_no() -> None:
    assert reply_kind("yes pls") == "yes"
    assert reply_kind("yeah that's fine thanks") == "yes"
    assert reply_kind("sí, hágalo por favor") == "yes"
    assert reply_kind("nope, leave it") == "no"
    assert reply_kind("yes but on Tuesday") == "other"
    assert reply_kind("ok at 3 instead") == "other"
    assert reply_kind("no, cancel it") == "other"


def test_picking_a_listed_provider_fills_the_slot_without_rereading_the_words() -> None:
    from activities.dialogue.follow import Clinic, follow
    from core.dialogue import DialogueInput, DialogueState, Task
    from core.payloads import Caller

    people = [NamedEntity(1, "Dr. Maya Chen"), NamedEntity(3, "Dr. Priya Raman")]
    offered = [Option(n, "provider", p.name, p.id, p.name) for n, p in enumerate(people, 1)]
    state = DialogueState(
        task=Task("book_appointment", Slots(date="2026-12-08"), offered, "clarify")
    )
    clinic = Clinic(NOW, people, ["Harborview Downtown", "Harborview Westside"])
    move = follow(
        DialogueInput(Caller(1, 1, "patient", 1), "the 2nd one", state, "x", "knowledge"), clinic
    )
    assert move.move == "fill" and move.text == ""  # "2nd" is the list's line, not a date
    assert move.known is not None and move.known.provider_ids == [3]
    assert move.known.date == "2026-12-08"
