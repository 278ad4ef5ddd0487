"""`slots` re-exports the date/time and name/appointment helpers the planner imports."""

from __future__ import annotations

from activities.tools import matching, slots, when


def test_slots_reexports_when_and_matching() -> None:
    assert slots.parse_when is when.parse_when
    assert slots.weekday_in is when.weekday_in
    assert slots.WhenSlot is when.WhenSlot
    assert slots.NamedEntity is matching.NamedEntity
    assert slots.match_names is matching.match_names
    assert slots.appointment_id_in is matching.appointment_id_in
    assert slots.resolve_appointment is matching.resolve_appointment
    assert set(slots.__all__) <= set(dir(slots))
