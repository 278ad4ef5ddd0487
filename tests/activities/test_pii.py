"""PII detection and anonymization: presidio with the clinic recognizers, and the log regexes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import pytest

from activities.safety.pii import PII_ENTITIES, PiiEngine
from bench.pii_eval import evaluate_pii
from core.pii import find_pii
from core.settings import ROOT

PRESIDIO_SET = Path(ROOT).parent / "shared/datasets/pii/presidio/synth_dataset_v2.json"


@pytest.fixture(scope="module")
def engine() -> Iterator[PiiEngine]:
    yield PiiEngine(hash_secret="tenant-a")


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("Hi, this is Maria Gonzalez, can I move my visit?", "PERSON", "Maria Gonzalez"),
        ("my name is keisha brown and i need to cancel", "PERSON", "keisha brown"),
        ("Please ask Dr. Natarajan to call me", "PERSON", "Natarajan"),
        ("Mail it to 42 Elm Street, Apt 3B, Springfield, IL 62704.", "STREET_ADDRESS", "42 Elm"),
        ("Call me back at (617) 555-0143 after 5.", "PHONE_NUMBER", "(617) 555-0143"),
        ("Send the forms to maria.g84@gmail.com please.", "EMAIL_ADDRESS", "maria.g84@gmail.com"),
        ("Pay with my card 4111 1111 1111 1111.", "CREDIT_CARD", "4111 1111 1111 1111"),
        ("The form wants my SSN: 123-45-6789.", "US_SSN", "123-45-6789"),
        ("My MRN: HV-004512, refill please.", "MEDICAL_RECORD_NUMBER", "HV-004512"),
        ("medical record number 7731200 for my mom", "MEDICAL_RECORD_NUMBER", "7731200"),
        ("DOB 03/14/1985, I need to reschedule.", "DATE_OF_BIRTH", "03/14/1985"),
        ("I was born on March 3, 1972.", "DATE_OF_BIRTH", "March 3, 1972"),
        ("My member ID is XJH123456789.", "INSURANCE_MEMBER_ID", "XJH123456789"),
        ("policy number PLY-5520198-03 with my plan", "INSURANCE_MEMBER_ID", "PLY-5520198-03"),
    ],
)
def test_each_entity_in_a_clinic_sentence(
    engine: PiiEngine, text: str, entity: str, value: str
) -> None:
    found = {(f.entity, text[f.start : f.end]) for f in engine.find(text)}
    assert any(e == entity and value in v for e, v in found), found


@pytest.mark.parametrize(
    "text",
    [
        "Take 500 mg twice a day at 8:00 AM in room 204",
        "My appointment is on 03/14/2025 at 10:30, can I come at 11 instead?",
        "The parking garage is on Level 2, spaces 120 to 180.",
        "Is the clinic open on December 24? My MRN is pending.",
    ],
)
def test_look_alikes_are_not_pii(engine: PiiEngine, text: str) -> None:
    assert engine.find(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Given names no English dictionary has, alone or with a surname.
        ("Can Oluwakemi pick up the forms for me tomorrow?", "Oluwakemi"),
        ("Please send the invoice to Radoslava Hrubá at the front desk", "Radoslava Hrubá"),
        # A given name that is also a word needs a surname after it.
        ("I brought Adam Hrubý to his physical today", "Adam Hrubý"),
        # Text written all in lower case.
        (
            "pls tell the doctor that guadalupe fernandez is my emergency contact",
            "guadalupe fernandez",
        ),
        # A middle initial makes two words no dictionary has a name, and a listed given name
        # before a word no dictionary has is one too.
        ("can you send the forms to tavi k ostrowell please", "tavi k ostrowell"),
        ("follow up with renata bouzkova next week", "renata bouzkova"),
    ],
)
def test_names_from_the_name_lists(engine: PiiEngine, text: str, name: str) -> None:
    found = [(f.entity, text[f.start : f.end]) for f in engine.find(text)]
    assert any(e == "PERSON" and name in v for e, v in found), found


@pytest.mark.parametrize(
    "text",
    [
        "Will the results be ready by Friday?",  # a word alone is not a listed name
        "Socorro, no puedo con este dolor de cabeza",  # a Spanish word at a sentence start
        "tengo dolores de cabeza desde ayer",
        "quiero pagar los $60 del copago",  # short listed names that are Spanish words
    ],
)
def test_listed_names_that_are_also_words_are_left_alone(engine: PiiEngine, text: str) -> None:
    assert not [
        f
        for f in engine.find(text)
        if text[f.start : f.end].lower()
        in ("will", "socorro", "dolores", "dolores de cabeza", "del copago")
    ]


def test_findings_do_not_overlap_and_the_specific_entity_wins(engine: PiiEngine) -> None:
    text = "MRN 5085550123, email JamiePratt@jourrapide.com, member ID 617-555-0143"
    findings = engine.find(text)
    assert all(a.end <= b.start for a, b in pairwise(findings))
    kinds = {text[f.start : f.end]: f.entity for f in findings}
    assert kinds["5085550123"] == "MEDICAL_RECORD_NUMBER"
    assert kinds["JamiePratt@jourrapide.com"] == "EMAIL_ADDRESS"
    assert kinds["617-555-0143"] == "INSURANCE_MEMBER_ID"
    assert {f.entity for f in findings} <= set(PII_ENTITIES)


TEXT = "Card 4111 1111 1111 1111, call (617) 555-0143, mail ann.lee@example.com, I am Ann Lee."


def test_replace_is_the_default(engine: PiiEngine) -> None:
    out, findings = engine.anonymize(TEXT)
    assert out == ("Card <CREDIT_CARD>, call <PHONE_NUMBER>, mail <EMAIL_ADDRESS>, I am <PERSON>.")
    assert [f.entity for f in findings] == [
        "CREDIT_CARD",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
        "PERSON",
    ]


def test_mask_keeps_the_last_four_of_numbers(engine: PiiEngine) -> None:
    out, _ = engine.anonymize(TEXT, operators={"DEFAULT": "mask", "PERSON": "replace"})
    assert "**** **** **** 1111" in out and "(***) ***-0143" in out
    assert "a******@example.com" in out and "<PERSON>" in out


def test_hash_is_stable_per_secret(engine: PiiEngine) -> None:
    text = "Call (617) 555-0143 today"
    first, _ = engine.anonymize(text, operators={"PHONE_NUMBER": "hash"})
    again, _ = engine.anonymize(text, operators={"PHONE_NUMBER": "hash"})
    other, _ = engine.anonymize(text, operators={"PHONE_NUMBER": "hash"}, hash_secret="tenant-b")
    digest = re.search(r"[0-9a-f]{64}", first)
    assert digest and "555-0143" not in first
    assert first == again and other != first


def test_unknown_operator_is_refused(engine: PiiEngine) -> None:
    with pytest.raises(ValueError, match="unknown PII operator"):
        engine.anonymize("no pii here", operators={"PERSON": "shred"})


def test_allow_list_keeps_the_clinics_own_numbers_and_address(engine: PiiEngine) -> None:
    reply = (
        "Call us at 617.555.0100 or Jane at (617) 555-0199. "
        "We are at 12 Main Street, Springfield, MA 01101."
    )
    allowed = ["Front desk (617) 555-0100", "12 Main Street, Springfield, MA 01101"]
    out, findings = engine.anonymize(reply, allow=allowed)
    assert "617.555.0100" in out and "12 Main Street, Springfield" in out
    assert "555-0199" not in out and "Jane" not in out
    assert {f.entity for f in findings} == {"PERSON", "PHONE_NUMBER"}


def test_find_is_safe_from_many_threads(engine: PiiEngine) -> None:
    texts = [f"Patient Ann Lee, MRN {1000000 + i}, phone 617-555-{1000 + i:04d}" for i in range(24)]
    expected = [engine.find(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(engine.find, texts)) == expected


def test_log_regexes_cover_the_clinic_identifiers() -> None:
    text = "MRN: HV-004512, member ID XJH123456789, DOB 03/14/1985, call (617) 555-0143"
    found = {(m.entity, text[m.start : m.end]) for m in find_pii(text)}
    assert found == {
        ("MEDICAL_RECORD_NUMBER", "HV-004512"),
        ("INSURANCE_MEMBER_ID", "XJH123456789"),
        ("DATE_OF_BIRTH", "03/14/1985"),
        ("PHONE_NUMBER", "(617) 555-0143"),
    }
    # An appointment date is not a date of birth, and "MRN pending" holds no number.
    assert find_pii("MRN pending; appointment 03/14/2025") == []


@pytest.mark.engine_only
def test_recall_on_the_presidio_set(engine: PiiEngine) -> None:
    """Regression gate: every Presidio row with an SSN, card, email or phone (246 rows)."""
    if not PRESIDIO_SET.exists():
        # The shared datasets sit beside the project, not in it; a clone elsewhere still
        # has the clinic-set gate below.
        pytest.skip(f"Presidio synthetic PII set not found at {PRESIDIO_SET}")
    rows = json.loads(PRESIDIO_SET.read_text(encoding="utf-8"))
    wanted = {"US_SSN", "CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"}
    rows = [r for r in rows if any(s["entity_type"] in wanted for s in r["spans"])]
    result = evaluate_pii(engine, rows)["entities"]
    recall = {entity: result[entity]["recall"] for entity in result}
    assert all(recall[e] >= 0.95 for e in wanted), recall
    assert recall["PERSON"] >= 0.85 and recall["STREET_ADDRESS"] >= 0.85, recall


@pytest.mark.engine_only
def test_recall_on_the_clinic_set(engine: PiiEngine) -> None:
    """Regression gate that needs nothing outside the repository: the hand-written clinic set
    (MRN, DOB, member ids and the rest), precision included."""
    rows = json.loads((ROOT / "bench/data/pii_clinic_dev.json").read_text(encoding="utf-8"))
    result = evaluate_pii(engine, rows)
    # The dev set the recognizers are tuned on (the blind test set is reported, not gated).
    assert result["micro"]["recall"] >= 0.93 and result["micro"]["precision"] >= 0.95, result
    for entity in ("MEDICAL_RECORD_NUMBER", "DATE_OF_BIRTH", "INSURANCE_MEMBER_ID", "US_SSN"):
        assert result["entities"][entity]["recall"] >= 0.9, (entity, result["entities"][entity])


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # The small model calls these a place or a product; a listed given name with a
        # surname after it is a person wherever it stands.
        ("Please move Joaquín Delgado to the 3pm slot.", "Joaquín Delgado"),
        ("I look after Marisol Park, she can't type.", "Marisol Park"),
        ("Directed by:   Anneli K. Virtanen", "Anneli K. Virtanen"),
    ],
)
def test_full_names_the_model_misreads_are_found(engine: PiiEngine, text: str, name: str) -> None:
    found = [text[f.start : f.end] for f in engine.find(text) if f.entity == "PERSON"]
    assert name in found, found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Where only a person fits: after a speech verb, owning kin, as a sign-off.
        ("She looked up and told Ivanka the news.", "Ivanka"),
        ("I'm picking up Szilvia's daughter after school.", "Szilvia"),
        ("Running late, sorry! Thanks - Leandro", "Leandro"),
        # A phone number right after a name: the name survives the model's run-on span.
        ("llamen a mi hijo Ezequiel al 956 555 0144 por favor", "Ezequiel"),
        # All lower case: a listed surname after the first name is part of the name.
        ("my name is dragana petrović, i need my results", "dragana petrović"),
        # A particle inside a name before a verb only people do.
        ("Maarten van Asch lives next door and can pick me up", "Maarten van Asch"),
    ],
)
def test_names_where_only_a_person_fits(engine: PiiEngine, text: str, name: str) -> None:
    found = [text[f.start : f.end] for f in engine.find(text) if f.entity == "PERSON"]
    assert name in found, found


@pytest.mark.parametrize(
    "text",
    [
        "Pay it with Mastercard 5105 1051 0510 5100 please",
        "Florida's insurance rules changed this year",
        "Boston said the game was off",
        "my friend lives in the next town over",
    ],
)
def test_role_rules_leave_companies_places_and_words(engine: PiiEngine, text: str) -> None:
    assert not [f for f in engine.find(text) if f.entity == "PERSON"], text


def test_a_park_after_a_place_word_stays_a_place(engine: PiiEngine) -> None:
    text = "We walked in Evelyn Park on Sunday."
    assert not [f for f in engine.find(text) if f.entity == "PERSON"]


@pytest.mark.parametrize(
    ("text", "may_hold"),
    [
        ("can i move my appointment to next week?", False),
        ("Can I get a refill? See you Tuesday at 10:00 AM.", False),
        ("I don't think my insurance covers visits like that", False),
        ("my name is odalys and I need a refill", True),  # a name introduced
        ("Efimiya needs her refill", True),  # a word no dictionary has
        ("Can Grace pick up the prescription?", True),  # a listed name, capitalised
        ("maria lopez needs a refill", True),  # lower-case text: unknown words count
        ("call me back at 555 0142", True),  # digits
        ("write to me at pat@example.org", True),
    ],
)
def test_the_gate_skips_only_texts_no_recognizer_could_start_from(
    engine: PiiEngine, text: str, may_hold: bool
) -> None:
    assert engine._gate.may_hold_pii(text) is may_hold


def test_a_reply_naming_only_the_clinics_own_people_is_not_analysed(engine: PiiEngine) -> None:
    reply = "You're booked with Dr. Maya Chen at Harborview Downtown on Tuesday at 10:00 AM."
    allow = ["Maya Chen", "Harborview Downtown"]
    assert engine.anonymize(reply, allow=allow) == (reply, [])
    # Another person's name in the same reply is still found.
    leaked = reply + " Your neighbour Tomasz Wójcik is booked after you."
    _, found = engine.anonymize(leaked, allow=allow)
    assert [leaked[f.start : f.end] for f in found] == ["Tomasz Wójcik"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Notes from Halvard P. Østgaard attached.", ["Halvard P. Østgaard"]),
        ("The board picked Novak, Becker and Ortiz for the panel.", ["Novak", "Becker", "Ortiz"]),
        ("Then she shouted at Tiffany across the waiting room.", ["Tiffany"]),
    ],
)
def test_initials_name_lists_and_dialogue_objects(
    engine: PiiEngine, text: str, names: list[str]
) -> None:
    found = [text[f.start : f.end] for f in engine.find(text) if f.entity == "PERSON"]
    assert all(n in found for n in names), found


def test_a_vitamin_with_a_letter_is_not_a_person(engine: PiiEngine) -> None:
    text = "Should I keep taking Vitamin D Supplements with my Hepatitis B Vaccine?"
    assert not [f for f in engine.find(text) if f.entity == "PERSON"]


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        # A payer's name right before the id, a plan prefix with spaces, a dashed Medicare id.
        ("my primary is Aetna W2281907733 and that's it", "INSURANCE_MEMBER_ID", "W2281907733"),
        ("Medicare 4KT7-QP2-ZD90 is my secondary", "INSURANCE_MEMBER_ID", "4KT7-QP2-ZD90"),
        ("Member HLX 55102 8841, is therapy covered?", "INSURANCE_MEMBER_ID", "HLX 55102 8841"),
        ("ID# 220 9911 4402, please check my claim", "INSURANCE_MEMBER_ID", "220 9911 4402"),
        ("el afiliado MXS-88120443 tiene cita", "INSURANCE_MEMBER_ID", "MXS-88120443"),
        # Nine digits spaced like an SSN inside a labelled id belong to the id.
        ("Cigna ID QTR 311 42 7786 for the new plan", "INSURANCE_MEMBER_ID", "QTR 311 42 7786"),
        # Words between the label and its value, and a payer before "identificación".
        ("the record number they gave me was 55102387", "MEDICAL_RECORD_NUMBER", "55102387"),
        ("chart number printed on the bracelet reads KB77120", "MEDICAL_RECORD_NUMBER", "KB77120"),
        (
            "mi número de póliza, si no me equivoco, es 7781 2290 41",
            "INSURANCE_MEMBER_ID",
            "7781 2290 41",
        ),
        ("Tengo Molina, número de identificación 55018833X", "INSURANCE_MEMBER_ID", "55018833X"),
        # A listed first name typed in lower case after "my name is", whatever its tag.
        ("Hi, my name is anna-lise and I lost my card", "PERSON", "anna-lise"),
        # A title typed in lower case before a surname, in text that has capitals elsewhere.
        ("Hi, can dr oyelaran look at my rash? Thanks", "PERSON", "oyelaran"),
        ("Hello, this is naveen calling about Friday", "PERSON", "naveen"),
        ("Is Dr. Seo-yeon Park in on Monday?", "PERSON", "Seo-yeon Park"),
        # A phone after a ZIP is its own finding; an extension is left out.
        ("Home: 8 Oak Ct, Dover, DE 19901, 302-555-0128", "PHONE_NUMBER", "302-555-0128"),
        ("Reach me at +1 415-555-0176 ext. 40 today", "PHONE_NUMBER", "+1 415-555-0176"),
        ("new card is fine and my cell is 508 555 0139 ext. 2", "PHONE_NUMBER", "508 555 0139"),
    ],
)
def test_member_ids_lower_case_names_and_phones_next_to_addresses(
    engine: PiiEngine, text: str, entity: str, value: str
) -> None:
    found = [(f.entity, text[f.start : f.end]) for f in engine.find(text)]
    assert (entity, value) in found


def test_an_unlabelled_spaced_ssn_stays_an_ssn_and_a_phone_stays_a_phone(
    engine: PiiEngine,
) -> None:
    text = "my social is 311 42 7786; the number to call me back is 617-555-0190"
    found = [(f.entity, text[f.start : f.end]) for f in engine.find(text)]
    assert ("US_SSN", "311 42 7786") in found
    assert ("PHONE_NUMBER", "617-555-0190") in found


@pytest.mark.parametrize(
    "text",
    [
        "does my Aetna 2024 plan cover physical therapy?",
        "Medicare Part B pays 80 percent after 240 dollars",
        "The dr office is closed today, I'll come tomorrow.",
        "Kaiser MRN 5501234 is from my old clinic",
    ],
)
def test_payer_names_and_titles_without_an_id_or_name(engine: PiiEngine, text: str) -> None:
    found = [(f.entity, text[f.start : f.end]) for f in engine.find(text)]
    assert not [f for f in found if f[0] in ("INSURANCE_MEMBER_ID", "PERSON")], found
