"""What a whole message is framed as when no pattern speaks for it: an idiom, an animal, a
question, a hypothetical, the past, resolved, mild; and what errand or cause it names."""

from __future__ import annotations

from .context import (
    _ANIMAL,
    _HYPOTHETICAL,
    _IDIOM,
    _IN_CARE,
    _INFORMATIONAL,
    _MINOR,
    _NOT_NOW_TOPIC,
    _PAST_TIME,
    _PET_MEDICINE,
    _PRESENT,
    _PROTOCOL,
    _RESOLVED,
    _not_now,
    _rx,
)
from .patterns import DRUG


def framing(text: str) -> str | None:
    """Why a whole message reads as not happening now: "informational", "hypothetical",
    "past" or "resolved"; None when it may be. For a classifier's call that no pattern
    supports, where the per-clause guards have nothing to hang on."""
    # Said of a medicine swallowed twice, "fine" means awake, not over.
    ingested = _INGESTED.search(text) is not None and (
        _MEDICINE.search(text) is not None or _DRUG_WORD.search(text) is not None
    )
    # "My tooth is killing me, so I took 8": the figure of speech is the reason, not the frame.
    if _IDIOM.search(text) and not (ingested and _AMOUNT.search(text)):
        return "idiom"
    if (_ANIMAL.search(text) and not _PET_MEDICINE.search(text)) or _NOT_NOW_TOPIC.search(text):
        return "animal"
    if _IN_CARE.search(text) or _MINOR.search(text) or _PROTOCOL.search(text):
        return "in care"
    if _HYPOTHETICAL.search(text):
        # Asked about something that has never happened to them: not a danger now.
        return "never" if _NEVER_HAD.search(text) else "hypothetical"
    if _INFORMATIONAL.search(text) and not _PRESENT.search(text):
        return "informational"
    if not ingested and _FOOD.search(text) and not _SWALLOWED_CHEMICAL.search(text):
        return "food"
    if _TIMING_ONLY.search(text) and not _AMOUNT.search(text):
        return "timing"
    if _RESOLVED.search(text) and not ingested:
        return "resolved"
    if _PAST_TIME.search(text) and not _PRESENT.search(_not_now(text)):
        return "past"
    if ingested:
        return None
    if _MILD_ANYWHERE.search(text) or (
        _REASSURED_ANYWHERE.search(text) and not _SWALLOWED.search(text)
    ):
        return "mild"
    return None


_NEVER_HAD = _rx(
    r"\b(?:(?:has|have|had|he'?s|she'?s|i'?ve) never (?:had|happened)|never had (?:one|it|them|a)|"
    r"nunca (?:le|me|nos) (?:ha|han) (?:dado|pasado)|nunca (?:ha|he) tenido)\b"
)
# Too much of a food is a stomach ache, not a poisoning (the engine uses this only against an
# overdose call, so an allergen in food still escalates).
_FOOD = _rx(
    r"\b(?:candy|candies|halloween|sweets|chocolate|cake|cookies|pizza|ice cream|junk food|"
    r"dessert|dulces|pastel|galletas|comida chatarra|(?:his|her|my|the|some|a piece of) gum|"
    r"chicle)\b"
)
_SWALLOWED_CHEMICAL = _rx(
    r"\b(?:bleach|detergent|pods?|cleaner|chemical|poison|antifreeze|battery|batteries|thc|"
    r"weed|edibles?|cannabis|marijuana|cloro|veneno|beer|wine|vodka|alcohol|liquor|cerveza)\b"
)
# A dose moved to another time of day, with no amount: a timing question.
_TIMING_ONLY = _rx(
    r"\binstead of (?:in )?(?:the )?(?:morning|night|evening|bedtime|breakfast|lunch|dinner|"
    r"\d{1,2} ?(?:am|pm)|noon)\b|\b(?:at|around) \d{1,2} ?(?:am|pm|o'?clock)\b.{0,30}\binstead"
    r" of\b|\ben (?:vez|lugar) de (?:en )?la (?:manana|noche|tarde)\b"
)
_AMOUNT = _rx(
    r"\b(?:\d+ (?:pills|tablets|doses|of them)|double|twice|two doses|extra|too many|too much|"
    r"whole bottle|all of|dos veces|doble|de mas|(?:\d+|two|three|four|five|six) more|"
    r"another (?:one|dose|pill|tablet))\b"
)
_MILD_ANYWHERE = _rx(
    r"\b(?:mild|mildly|slight|slightly|a bit|a little|minor|not urgent|no rush|nothing serious|"
    r"leve|levemente|un poco|poquito|no es urgente|nada grave)\b"
)


# "Now playing normally", "it doesn't hurt": said of an injury, the reporter is reassured. Not
# of something swallowed: a child who ate pills and is playing is still a Poison Control call.
_REASSURED_ANYWHERE = _rx(
    r"\b(?:doesn'?t hurt|does not hurt|no (?:me |le )?duele|(?:playing|acting|eating|behaving) "
    r"(?:normal(?:ly)?|fine|like (?:himself|herself|usual))|small bump|(?:se ve|esta) bien|"
    r"(?:esta )?jugando (?:normal|bien))\b"
)
_INGESTED = _rx(
    r"\b(?:took|taken|swallowed|ate|eaten|drank|got into|chewed|gave (?:him|her|them)|"
    r"double[- ]?dos\w*|twice|tome|tomo|trago|trague|se comio|bebio|le di|dos veces|doble|"
    # A patch left on, a taste, a lick, something on the lips: exposures all the same.
    r"had (?:two|2|both) on|(?:two|2|both) (?:\w+ )?patch(?:es)? on|forgot to (?:take|peel) "
    r"(?:the )?old (?:one|patch)|had (?:a )?(?:little |small )?(?:drink|sip|taste|bite|lick)|"
    r"licked|on (?:his|her|their) (?:lips|mouth|tongue)|se puso (?:dos|otro) parche|mordio|"
    r"chupo)\b"
)
_DRUG_WORD = _rx(r"\b" + DRUG + r"\b")
# What was swallowed was a medicine or a household chemical, not food or a toy.
_MEDICINE = _rx(
    r"\b(?:pills?|meds?|medicines?|medications?|tablets?|tabs|capsules?|doses?|mg|units|syrup|"
    r"bleach|antifreeze|cleaner|detergent|pods?|gasoline|kerosene|lamp oil|pesticide|poison|"
    r"pastillas?|dosis|medicinas?|jarabe|cloro|veneno|aceite de lampara|"
    # Not medicines, but poisons a child finds: they make "fine" mean awake, not over.
    r"patch(?:es)?|parches?|flea|tick chews?|mushrooms?|hongos?|setas?|torch fuel|tiki|"
    r"lighter fluid|windshield|washer fluid|methanol|rat poison|weed killer|"
    r"\w+(?:pam|lam|pine|done|zole|pril|sartan|olol|statin|mycin|cillin|formin|profen|phen|"
    r"amol|quil|flu|codone|adol|azodone|propion|erall|alin[ae]?|arin[ae]?|ulin[ae]?))\b"
)
_SWALLOWED = _rx(
    r"\b(?:pills?|meds|medicine|tablets?|swallow\w*|ate|drank|got into|poison\w*|chemical|bleach|"
    r"detergent|pastillas?|medicina|trago|se tomo|se comio|bebio)\b"
)


# The errands a message may be about and nothing else: a refill, a booking, a bill.
_ERRAND = _rx(
    r"\b(?:refills?|renew\w*|prescription|pharmacy|appointment|appt|book|schedule|reschedule|"
    r"insurance|copay|bill|records|physical|check-?up|visit|exam|(?:get|need|order) more|"
    r"resurtir|resurtido|receta|farmacia|cita|seguro|"
    r"se (?:me|le) (?:acabaron|acabo|terminaron)|ran out|running (?:low|out)|"
    # Getting rid of or locking up medicines is a chore, not a plan.
    r"dispos\w+|get rid of|throw (?:out|away)|leftover|take-?back|store|storage|lock(?:ing)? "
    r"(?:up|away)|lockbox|child-?proof|tirar|las tiro|desechar|guardar bajo llave|"
    r"para estar preparad[oa]|out of (?:\w+ )?reach|so (?:he|she|they|the kids?|my \w+) can'?t "
    r"(?:get|reach)|(?:pa|para) que (?:\w+ ){0,3}?no (?:las|los|lo|la) alcancen|"
    r"donde (?:las |los )?guardo|(?:cut|split|break) (?:\w+ ){0,3}?in half|"
    r"(?:partir|cortar)(?:la|las)? (?:a|por) la "
    r"mitad)\b"
)


def errand_only(text: str) -> bool:
    """Whether the message names an errand (its other words are for the classifier)."""
    return _ERRAND.search(text) is not None
