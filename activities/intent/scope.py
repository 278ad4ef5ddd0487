"""Requests that use a clinic's verbs about something else: "cancel my gym membership".

The classifier hears "cancel" and "reschedule"; what is being cancelled decides. A message
whose object is plainly not the clinic's (a flight, a subscription, a car policy) and that
names nothing of the clinic is out of scope, whatever verb it uses.
"""

from __future__ import annotations

import re
import unicodedata

_ELSEWHERE = re.compile(
    r"\b(?:flights?|airline|plane|boarding|hotel|airbnb|uber|lyft|taxi|cab|gym|membership|"
    r"subscription|netflix|spotify|hulu|disney|amazon|package|delivery|pizza|restaurant|"
    r"table for|dinner reservation|haircut|salon|oil change|mechanic|dealership|car wash|"
    r"propane|coffee|iphone|phone plan|cell plan|data plan|tvs?|television|laptop|"
    r"(?:auto|car|home|homeowners|renters|life|pet|travel|boat) (?:insurance|policy)|"
    r"progressive|geico|state farm|allstate|bank|credit card bill|mortgage|rent|landlord|lease|"
    r"team meeting|calendar|boss|homework|library book|passport|driver'?s license|dmv|"
    r"vuelo|aerolinea|gimnasio|membresia|suscripcion|pedido|paquete|restaurante|mesa para|"
    r"corte de pelo|seguro del (?:carro|coche|auto)|carro|coche|banco|renta|casero|tarea|"
    r"licencia de manejo|pasaporte|junta|reunion)\b"
)
_CLINIC = re.compile(
    r"\b(?:doctor|dr|dra|doctora|nurse|clinic|clinica|appointment|appt|cita|consulta|visit|"
    r"checkup|physical|prescription|receta|refill|resurtido|medication|medicina|medicamento|"
    r"pills?|pastillas?|health|salud|medical|medico|copay|copago|deductible|deducible|lab|"
    r"blood|sangre|vaccine|vacuna|patient|paciente|pt|provider|pharmacy|farmacia|"
    r"telehealth|video visit|portal|billing|facturacion)\b"
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def about_something_else(text: str) -> bool:
    """True when the message is about a non-clinic thing and names nothing of the clinic."""
    folded = _fold(text)
    return bool(_ELSEWHERE.search(folded)) and not _CLINIC.search(folded)


# When a place opens or closes is the clinic's published hours, not a provider's free slots:
# "what time does the lab downtown open", "¿a qué hora cierran el sábado?".
_HOURS_QUESTION = re.compile(
    r"\b(?:what\s+time|wh?at\s+time|when|what\s+are\s+(?:the|your)\s+hours|hours|till\s+when"
    r"|until\s+when|how\s+late|how\s+early|a\s+que\s+hora|hasta\s+que\s+hora|horarios?|cuando)\b"
    r".*\b(?:open|opens|close|closes|closing|opening|abre|abren|cierra|cierran|abierto|abiertos"
    r"|atienden)\b"
    # "¿cuál es su horario el sábado?": the clinic's hours, said with "horario" alone.
    r"|\b(?:cual\s+es|que)\s+(?:su|el|tu)\s+horario\b|\bque\s+horarios?\s+tienen\b(?!.*\bcon\b)|\bhorarios?\s+de\s+(?:atencion|oficina"
    r"|la\s+clinica|servicio)\b"
)
_BOOKING_WORDS = re.compile(
    r"\b(?:book|booking|appointment|appt|schedule|reserve|slot|slots|openings|available|"
    r"availability|see\s+(?:dr|a|the)|cita|agendar|reservar|disponible|disponibilidad|dr|dra|"
    r"doctor|doctora)\b"
)


def asks_opening_hours(text: str) -> bool:
    """A question about when the clinic (or its lab, a site) opens or closes."""
    folded = _fold(text)
    return bool(_HOURS_QUESTION.search(folded)) and not _BOOKING_WORDS.search(folded)


# A price asked for without insurance is the clinic's self-pay fee, not the patient's plan:
# "what would I pay with no insurance", "¿cuánto cuesta sin seguro?".
_NO_INSURANCE_PRICE = re.compile(
    r"\b(?:how\s+much|what\s+(?:would|will|do|does)\s+(?:i|it|a\s+visit)\s+(?:pay|cost)|cost|price"
    r"|fee|cuanto|precio|costo|tarifa)\b.*\b(?:no\s+insurance|without\s+(?:any\s+)?insurance"
    r"|(?:don'?t|do\s+not|won'?t)\s+(?:use|have)\s+(?:my\s+|any\s+)?insurance"
    r"|uninsured|self[\s-]?pay|sin\s+seguro|cash\s+price)\b"
    r"|\b(?:no\s+insurance|without\s+(?:any\s+)?insurance|uninsured|self[\s-]?pay"
    r"|(?:don'?t|do\s+not|won'?t)\s+(?:use|have)\s+(?:my\s+|any\s+)?insurance"
    r"|sin\s+seguro)\b.*\b(?:how\s+much|cost|price|fee|pay|cuanto|precio|costo|pagar)\b"
)


def asks_self_pay_price(text: str) -> bool:
    return bool(_NO_INSURANCE_PRICE.search(_fold(text)))


# Whether to give or take a medicine is a question for the knowledge base (or a nurse), never
# a request for open times: "can I give him Tylenol after his shot?", "¿le puedo dar ibuprofeno?".
_ADVICE_QUESTION = re.compile(
    r"\b(?:can|should|could|may|is it (?:ok|okay|safe|fine) to|how much (?:\w+ )?(?:can|should)) "
    r"(?:i |we |you |he |she )?(?:give|take|mix|alternate|use)\b.{0,40}"
    r"\b(?:tylenol|motrin|advil|ibuprofen|acetaminophen|benadryl|aspirin|claritin|zyrtec|"
    r"medicine|meds|medication|both)\b"
    r"|\b(?:puedo|le puedo|se puede|debo|es seguro) (?:darle|dar|tomar|mezclar|tomarme)\b.{0,40}"
    r"\b(?:tylenol|motrin|advil|ibuprofeno|paracetamol|acetaminofen|benadryl|aspirina|"
    r"medicina|medicamento|pastillas?)\b"
)


def asks_medication_advice(text: str) -> bool:
    """A question whether to give or take a medicine (not a refill of it)."""
    return bool(_ADVICE_QUESTION.search(_fold(text)))
