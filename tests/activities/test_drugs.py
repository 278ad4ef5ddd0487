"""Which prescription a message names: exact names, brands, typos, never a look-alike."""

from __future__ import annotations

import pytest

from activities.tools.drugs import Prescribed, match_medication, vocabulary

SERTRALINE = [Prescribed(1, "Sertraline", "50 mg tablet, once daily")]
BP = [Prescribed(2, "Amlodipine", "5 mg tablet"), Prescribed(3, "Atorvastatin", "20 mg tablet")]


@pytest.mark.parametrize(
    ("text", "rx", "ids"),
    [
        ("refill my sertraline please", SERTRALINE, [1]),
        ("can I get more zoloft", SERTRALINE, [1]),  # the brand
        ("necesito resurtir mi sertralina", SERTRALINE, [1]),  # the Spanish name
        ("refill my sertralin", SERTRALINE, [1]),  # a typo, nothing else close
        ("refill my amlodapine", BP, [2]),
        ("refill of my concerta", [Prescribed(4, "Methylphenidate ER (Concerta)", "18 mg")], [4]),
    ],
)
def test_names_brands_spanish_and_typos_match(
    text: str, rx: list[Prescribed], ids: list[int]
) -> None:
    found = match_medication(text, rx)
    assert found.ids == ids and not found.not_on_file, found


@pytest.mark.parametrize(
    ("text", "rx"),
    [
        ("I need a refill of my lisinopril", SERTRALINE),  # another drug entirely
        ("refill my losartan", [Prescribed(5, "Valsartan", "80 mg")]),  # look-alike pairs
        ("refill prednisone", [Prescribed(6, "Prednisolone", "5 mg")]),
        ("hydrocodone refill", [Prescribed(7, "Hydrocortisone", "10 mg")]),
        ("refill of my zembrace please", SERTRALINE),  # a name the vocabulary does not know
    ],
)
def test_a_drug_not_on_file_is_reported_never_substituted(text: str, rx: list[Prescribed]) -> None:
    found = match_medication(text, rx)
    assert found.ids == [] and found.not_on_file and found.said, found


def test_nothing_named_leaves_the_choice_to_the_planner() -> None:
    assert match_medication("I need a refill", SERTRALINE).ids == []
    found = match_medication("refill my blood pressure pills", BP)
    assert found.ids == [] and not found.not_on_file


def test_labels_carry_the_strength() -> None:
    assert SERTRALINE[0].label == "Sertraline 50 mg"
    assert Prescribed(8, "Cetirizine oral solution", "5 mg/5 mL, 5 mL").label.endswith("5 mg/5 mL")


def test_look_alike_pairs_are_symmetric_and_known() -> None:
    vocab = vocabulary()
    assert vocab.confusable("losartan", "valsartan") and vocab.confusable("valsartan", "losartan")
    assert vocab.confusable("zoloft", "cetirizine")  # a brand maps to its generic first
    assert not vocab.confusable("zoloft", "sertraline")
