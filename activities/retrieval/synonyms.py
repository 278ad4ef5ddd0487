"""How patients say what clinic articles call otherwise: groups of words for one concept.

Written from everyday clinic language (front-desk and patient-portal phrasing), not from any
evaluation question. A question term matches a sentence when any word of its group does, so
"counseling" finds "behavioral health" and "meds" finds "medicines". Spanish words that are
the same concept are in the groups too, for the Spanish summary articles clinics keep."""

from __future__ import annotations

from functools import lru_cache

from .text import tokenize

_GROUPS = (
    "counseling counselling counselor therapist psychologist psychiatrist mental "
    "behavioral behavioural psicologo terapia psychiatry psiquiatra",
    "medicine medicines medication medications med meds pills prescription prescriptions rx "
    "medicina medicamento medicamentos receta recetas",
    "refill refills renewal renew resurtido",
    "appointment appointments appt appts visit visits consulta cita citas",
    "doctor doctors doc provider providers physician clinician medico",
    "xray x-ray radiograph radiografia",
    "imaging scan scans",
    "emergency er urgencias emergencia",
    "vaccine vaccines vaccination vaccinations shot shots immunization jab vacuna vacunas",
    "blood bloodwork labs sangre",
    "lab laboratory labs laboratorio",
    "uninsured self-pay selfpay cash",
    "cost costs price prices fee fees charge charges cuesta precio cobran tarifa cargo",
    "cancel cancels cancelled canceling cancelling cancellation cancelar cancelo cancelacion",
    "late tardy tarde",
    "kid kids child children son daughter pediatric pediatrics nino nina ninos hijo hija",
    "teen teenager adolescent minor minors",
    "parking park garage lot estacionamiento estacionar",
    "phone telephone telefono",
    "fast fasting ayunas ayuno",
    "ultrasound sonogram ecografia",
    "lockout locked lock bloqueada bloqueado",
    "lost found wallet keys belongings",
    "interpreter interpreters translator interprete",
    "pregnant pregnancy prenatal embarazada embarazo",
    "insurance insurer coverage seguro",
    "bill billing statement invoice factura",
    "records chart expediente",
    "video telehealth virtual online telemedicine videollamada",
    "holiday holidays feriado",
    "physio rehab therapy fisioterapia",
    "walk-in walkin",
    "arrive arrival arriving llegar llegue",
    "regular standard routine usual normal",
    "anaphylaxis anaphylactic allergic allergy alergia alergica alergico",
    # Missing a visit without cancelling is a "no-show" in every clinic's policy.
    "no-show noshow miss missed misses skip skipped forgot forget falte falto perdi",
    # Stimulants and opioids are the controlled substances refill rules speak of.
    "controlled stimulant stimulants adhd adderall ritalin vyvanse concerta opioid opioids "
    "oxycodone hydrocodone xanax benzodiazepine benzodiazepines controlados",
)


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in _GROUPS:
        stems = frozenset(t for word in group.split() for t in tokenize(word))
        for stem in stems:
            table.setdefault(stem, set()).update(stems)
    return {k: frozenset(v) for k, v in table.items()}


def concept(term: str) -> frozenset[str]:
    """The stems that say what `term` says (itself included)."""
    return _table().get(term, frozenset((term,)))
