"""Finds pattern hits in a message and marks those a guard explains away (negated, past, ...).

English and Spanish run together: each guard is one expression with both languages'
alternatives, since a message can mix them and neither language's words occur in the other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import patterns_es as es
from .patterns import ACUTE, ACUTE_CONTEXT, CAUSES, CUES, DRUG, SELF_HARM

_FLAGS = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


def normalize(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces: what the patterns are
    written for ("Qué" and "que" read the same, as a hurried patient types them)."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip()


# Sentences end at . ! ? ; or a line break. Tense is judged per sentence, so "I had a seizure
# in 2019 and now I'm having one" sees the present-tense "now".
_SENTENCE_END = _rx(r"[.!?;\n]+")
# Clauses also end at "but", "however", and a comma or "and" that starts a new subject; the
# negation, informational, mildness and past-time guards only reach within one clause.
_CLAUSE_BREAK = _rx(
    r"\b(?:but|however|though|although|except|yet|whereas|pero|aunque|sin embargo)\b"
    r"|(?:,|\band|\by)\s+(?=(?:and |so |then |y |ya |luego )?(?:i|i'?m|i'?ve|he|he'?s|she|"
    r"she'?s|my|we|they|it'?s|now|his|her|their|yo|el|ella|mi|mis|ahora|ahorita|mi hijo|"
    r"mi hija|tiene|tengo|tienen|esta|estoy|estan|se (?:le|me|puso)|le|me)\b)"
)

# NegEx-style cues; the scope runs forward at most six words and stops at a clause break.
_NEGATION = _rx(
    r"\b(?:no|not|never|without|denies|denied|nor|negative for|free of|don'?t|doesn'?t|"
    r"didn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|haven'?t|hasn'?t|no longer|none|"
    + es.NEGATION_ES
    + r")\b(?!,)"
)
# Look like negations but do not deny the symptom that follows.
_PSEUDO_NEGATION = _rx(
    r"\b(?:no one|nobody|no idea|no way|no matter|not sure|not certain|not only|not just|"
    r"don'?t know|doesn'?t know|didn'?t know|isn'?t sure|not able to stop|no sign of stopping|"
    + es.PSEUDO_NEGATION_ES
    + r")\b"
)
# "breathing fine", "talking normally": the symptom word is there to reassure.
_REASSURED = _rx(
    r"^\W*(?:\w+ )?(?:fine|normally|normal|ok|okay|well|easily|good|on (?:his|her) own)\b"
)
_NEG_STOP = _rx(
    r"\b(?:just|only|still|now|and (?:now|then|suddenly)|solo|nomas|todavia|ahora|ahorita|"
    r"y|pero|(?:someone|somebody|everyone|he|she|they|we|i) (?:is|are|was|were|am))\b"
)

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_PAST_VERB = _rx(
    # "I've had this pain since..." is still going on; "had" alone is over.
    r"\b(?:(?<!'ve )(?<!have )(?<!has )had|suffered|survived|was treated for|"
    r"was hospitali[sz]ed for|was diagnosed with|"
    r"recovered from|recovering from|history of|hx of|hx|h/o|used to|previous|prior|post-?|once|"
    + es.PAST_VERB_ES
    + r")\W*(?:\w+\W+){0,3}$"
)
_PAST_TIME = _rx(
    r"\b(?:last (?:year|month|week|spring|summer|fall|autumn|winter|christmas|time)|"
    r"(?:\d+|a|one|a few|few|several|two|three|four|five|six|ten|many|some|a couple of|couple)"
    r" (?:years?|months?|weeks?|days?) ago|years ago|months ago|in (?:19|20)\d\d|back in|"
    r"in the past|yesterday|last night|the other day|(?:from|on|last) " + _WEEKDAY + r"|"
    r"last (?:wk|wks|yr|mo)|(?:\d+|a|one|two|few) (?:wks?|yrs?|mos?) ago|(?:d/c|discharge) summary|"
    # A visit already made for it: the emergency room was seen about it.
    r"(?:went|was seen|got seen|were seen) (?:to|in|at) (?:the )?(?:er|emergency room|urgent care|"
    r"ed|hospital)\b(?=.{0,30}\b(?:for|with|because)\b)|\((?:19|20)\d\d\)|"
    # An age ("had a stroke at 48") and a family history are the past by definition.
    r"at (?:age )?(?:1[3-9]|[2-9]\d)\b(?!:| ?(?:am|pm|o'?clock))|at \d+ (?:months|years) old|"
    r"died (?:of|from)|passed away (?:of|from)|family history|"
    r"as a (?:child|kid|teen(?:ager)?|toddler|baby)|when (?:i|he|she|they) (?:was|were) "
    r"(?:\d+|young|little|a kid|a child|a teen\w*|a baby|in)|in (?:january|february|march|april|"
    r"may|june|july|august|september|october|november|december)|was \w+ (?:years?|months?) ago|"
    + es.PAST_TIME_ES
    + r")\b"
)
_PRESENT = _rx(
    r"\b(?:now|right now|currently|still|again|today|tonight|this (?:morning|afternoon|evening)|"
    # "just collapsed" is news; "just want to understand" and "just wondering" are not.
    r"just(?! (?:want|wanted|wanna|wondering|curious|need|needed|asking|checking|to|in case|"
    r"like|a question|trying to (?:understand|learn|figure))\b)|"
    r"\d+ (?:minutes?|mins?|seconds?)|an? (?:hour|minute|few minutes) ago|at the moment|"
    r"won'?t|(?<!to )keeps? (?:on )?(?!seeing|taking|going to|having to)\w+ing|"
    r"getting worse|can'?t|suddenly|all of a sudden|(?:is|am|are|'s|'m) having|"
    r"not (?:waking|responding|breathing)|isn'?t (?:waking|responding|breathing)|"
    r"for (?:the )?(?:last |past )?(?:\d+|a few|few|two|three|an?|several|over an?) (?:hours?|"
    r"minutes?|mins?|days?)|since (?:this morning|last night|yesterday|\d|" + _WEEKDAY + r")|"
    r"non ?stop|"
    r"won'?t stop|isn'?t stopping|(?:it'?s|it is|they'?re) back|" + es.PRESENT_ES + r")\b"
)
# Resolved episodes ("fine now", "went away") are history even though they say "now".
_RESOLVED = _rx(
    r"\b(?:(?:fine|ok|okay|better(?! off)|good|well|great|resolved|stable|sober|clean|healthy|"
    r"recovered)"
    r"(?: now| since| ever since| today)?|in recovery(?: now)?|back to (?:baseline|normal)|"
    r"(?:the )?same as (?:always|usual|ever)|at (?:my|his|her) baseline|"
    r"(?:said|told (?:us|me)) (?:he|she|it|they)(?:'?s| is| will be| would be) (?:fine|ok|okay)|"
    r"now (?:i'?m|it'?s|he'?s|she'?s|they'?re|"
    r"we'?re|i am) "
    r"(?:fine|ok|okay|better|good|well|doing well|stable)|went away|stopped|cleared up|"
    + r"(?:pharmacist|poison control|doctor|nurse|they|he|she) said (?:it'?s |its |that'?s |it "
    r"was |it would be )?(?:fine|ok|okay|no big deal|nothing to worry about|not a problem)|"
    r"lungs? (?:are )?clear|(?:spo2|sats?|o2 sat\w*) (?:of |is |at )?9[4-9]|vitals (?:are )?"
    r"(?:stable|normal|wnl)|alert and oriented|a&ox?[34]|nvm|never ?mind|false alarm|"
    r"sorry for the panic|" + es.RESOLVED_ES + r")\b"
)
# General questions about a topic rather than a report about a person.
_INFORMATIONAL = _rx(
    r"\b(?:(?:signs?|symptoms?|warning signs|causes?|risk factors?) (?:of|for)|"
    r"what (?:does|do|would) .{0,40}(?:feel|look|sound) like|difference between|first aid|"
    r"(?:max|maximum|safe|usual|normal|recommended) dose|"
    r"how (?:much|many) .{0,40}(?:overdose|too much|dangerous|"
    r"before|safe|lethal|max)|poison control|what should (?:someone|a person|you|people|one|i do "
    r"if (?:someone|a person))|how (?:do|can|would|to|does) (?:you|i|one|people|we|someone)? ?"
    r"(?:know|tell|recogni[sz]e|spot|use|prevent)|"
    r"(?:can|could|does|do) (?:\w+ ){1,4}cause|how long (?:should|does|can|before)|"
    r"is it (?:genetic|hereditary|inherited|contagious)|when (?:should|do|would) (?:i|we|you) "
    r"(?:call|go to|use) (?:911|the er|an ambulance|urgent care)|runs? in (?:the )?famil(?:y|ies)|"
    r"do you (?:offer|have|teach|provide|run)|what(?:'s| is) (?:the )?(?:number|phone)|"
    r"what number|is it (?:safe|dangerous|ok|okay) to (?:take|mix|use|give|have|drink|eat)|"
    r"^\s*(?:is|are|can|could|does|do)\b[^,]*\b(?:always|usually|ever|often|common|a sign|"
    r"a symptom)|^\W*what(?:'s| is| are) (?:an? |the )?\w+(?: \w+)?\s*(?:\?|and how|exactly)|"
    r"(?:explain|tell me|know|understand) what (?:an? |the )?\w+(?: \w+)? (?:is|are|means)|"
    r"(?:skills|cpr|first aid|bls|cna) (?:test|class|exam|check ?off)|what'?s the first step|"
    r"(?:should|do|can) i (?:still )?take (?:it|them|the dose|the pill) (?:now|later|tonight)|"
    r"(?:reading|read (?:an? )?(?:article|post)|watching (?:a )?(?:video|show)|saw (?:a )?(?:video|"
    r"post)) about|is (?:it|that|this) true|for (?:my )?(?:\w+ )?(?:class|course|exam|homework|"
    r"essay|paper|school)|"
    r"(?:paper|essay|report|presentation|project) (?:on|about)|(?:nursing|medical|nurse) school|"
    r"studying for (?:my |an? |the )?(?:exam|test|boards|nclex)|what are (?:the )?(?:signs|"
    r"symptoms|warning signs)|is (?:that|it|this) (?:dangerous|bad|serious|"
    r"harmful) (?:long[- ]term|"
    r"in the long run)|" + es.INFORMATIONAL_ES + r")\b"
)
_IDIOM = _rx(
    r"\b(?:(?:nearly|almost|practically|just about|about|basically|about to|going to) (?:had|have|"
    r"gave me|give me|had me "
    r"having) an? (?:heart ?attack|stroke|seizure|coronary|fit)|gave me an? (?:heart ?attack|"
    r"stroke|seizure|fit)|heart (?:skipped|sank|stopped|dropped)|(?:took|take|takes) (?:my|your|"
    r"the) breath away|breath ?taking|stroke of (?:luck|genius|midnight)|(?:butterfly|back|breast|"
    r"brush|pen|key|swim\w*) ?strokes?|(?:paint|ink|dye|colou?rs?|stain|marker)\b.{0,20}\bbl(?:ee|"
    r"e)d\w*|bleeding (?:me|us|you|them) dry|bleeding[- ]edge|bleeding "
    r"heart|(?:dying|dyin) (?:to|for|of)|to die for|choking hazard|drowning in|heart ?attack on a "
    r"plate|life ?saver|have a fit|throw a fit|(?:having|have|had|gonna have|going to have) an? "
    r"(?:heart ?attack|stroke|coronary|aneurysm) (?:over|about|because of) (?!here|there)|"
    r"(?:is|are|was|were|'s|'re) killing (?:me|us)|"
    r"overdos\w* on (?:netflix|tv|television|coffee|caffeine|sugar|chocolate|candy|junk food|"
    r"pizza|work|shopping|sun|social media|youtube|tiktok|video games|carbs|cheese|"
    r"(?:\w+ )?(?:cookies|cake|pie|candy|sweets|dessert|turkey|food|tamales|leftovers))|"
    + es.IDIOM_ES
    + r")\b"
)
# Already in a hospital's care, or long under control: not a danger to page anyone about.
_IN_CARE = _rx(
    r"\b(?:admitted (?:at|to|in|and|there|now)|(?:is|was|got|been|he's|she's) admitted|"
    r"in the hospital|in (?:a|the) (?:psych\w*|psychiatric|mental health) (?:hospital|unit|ward|"
    r"facility)|(?:we|they|ems|paramedics) (?:transferred|transported|took) (?:him|her|them)|"
    r"(?:the )?ambulance took|ya (?:lo|la|le|los) (?:atendieron|atendio|llevaron|trasladaron)|"
    r"(?:esta|estan|sigue) (?:internad[oa] )?en (?:el|la) (?:hospital|clinica|uci|emergencia)|"
    r"hospitali[sz]ed|being treated|i'?m stable|"
    r"in (?:the )?icu|intensive care|terapia intensiva|cuidados intensivos|en (?:la )?uci|"
    r"(?:he|she|it)'?s stable|stable now|already (?:in|at) the (?:er|hospital)|well controlled|"
    r"under control|controlled with|estoy en el hospital|internad[oa]|hospitalizad[oa]|"
    r"ya (?:esta|estoy|estamos) estables?|estable en el hospital|controladas? con|bajo control)\b"
)
# Said of the whole episode, these make it minor: "it was a paper cut".
_MINOR = _rx(
    r"\b(?:it was|turned out to be|era|fue) (?:just |only |solo |nomas )?(?:a |an |una |un )?"
    r"(?:paper cut|scratch|scrape|nosebleed that stopped|cortadita|rasgu\w+|raspon)\b|"
    r"\bpaper cut\b"
)
# Staff asking about a procedure for a hypothetical patient: "if a patient says..., protocol".
_PROTOCOL = _rx(
    r"\b(?:if|when|si|cuando) (?:a|un|una) (?:patient|caller|paciente)\b.{0,120}\b(?:protocol|"
    r"procedure|policy|document|step.by.step|steps|what do (?:we|i) do|how do (?:we|i) "
    r"(?:handle|respond)|protocolo|procedimiento|pasos|que (?:hago|hacemos))|"
    r"\b(?:protocol|protocolo) (?:for|para)\b"
)
# Fiction and paperwork, not a person now: "in the show she had a stroke", "his allergy plan".
_NOT_NOW_TOPIC = _rx(
    r"\b(?:my (?:character|avatar|sim|guy in the game)|in (?:the|my|a) (?:video )?game|novela|"
    r"telenovela|serie|pelicula|movie|film|tv show|show last night|episode|episodio|"
    r"song|lyrics|album|band|cancion|letra de|listening to|blasting|playlist|podcast|"
    r"book i'?m reading|libro|action plan|care plan|school form|paperwork|formulario|"
    r"(?:intake|camp|new patient|medical|history|health|school|sports) forms?|form asks|"
    r"questionnaire|cuestionario|school play|(?:a|the) (?:scene|character|script|novel)|actor|"
    r"book club|documentary|obra de teatro|personaje|factura|the bill|a bill|billed|invoice|"
    r"travel\w* to be with|(?:voy|vamos) a viajar|flying (?:out|home)? ?to (?:see|be with)|"
    r"cobro|cuenta del hospital|"
    r"incident report|fil(?:e|ing) (?:the|a|an) (?:\w+ )?report|(?:reporte|informe) del? incidente|"
    r"(?:subir|subo|llenar|lleno|archivar|archivo|entregar|entrego) (?:el |un )?(?:reporte|"
    r"informe)|"
    r"plan de accion)\b"
)
# An animal, not a person: "the dog had a seizure" is for a vet.
_ANIMAL = _rx(
    r"\b(?:dog|dogs|cat|cats|puppy|kitten|pet|bird|parrot|hamster|rabbit|bunny|horse|guinea pig|"
    r"vet|veterinar\w*|gato|gatito|gata|mascota|conejo|perico|"
    # "tos de perro(ito)" is a child's barking cough, not a dog.
    r"(?<!de )(?:perro|perrito|perrita|perra))\b"
)
# A person who took the pet's medicine, not a pet that is ill.
_PET_MEDICINE = _rx(
    r"(?<!dog )(?<!cat )(?<!pet )(?<!puppy )(?<!kitten )\b(?:took|taken|swallowed|ate|chewed|"
    r"got into)\b.{0,40}\b(?:the |my |our )?(?:dog|cat|pet|puppy|kitten)(?:'s|s|'|s')\b|"
    r"(?:tome|se tomo|se comio|se trago|le di)\b.{0,40}\b(?:del|de mi|de su|de la) (?:perr\w*|"
    r"gat\w*|mascota)|(?:pastillas?|medicinas?|tabletas?) (?:del|de la|de mi) (?:perr\w*|gat\w*|"
    r"mascota)"
)
# Long enough ago that a swallowed dose is history, whatever is said about now.
_LONG_AGO = _rx(
    r"\b(?:(?:last|past) (?:year|month|spring|summer|fall|autumn|winter)|(?:\d+|a|one|two|three|"
    r"few|"
    r"several|many) (?:years?|months?|weeks?) ago|years ago|months ago|in (?:19|20)\d\d|as a "
    r"(?:child|kid|teen\w*)|when i was|hace (?:\d+|un|una|dos|tres|unos|unas|varios|muchos) "
    r"(?:anos?|meses|semanas?)|en (?:19|20)\d\d|el ano pasado|de (?:nin[oa]|joven))\b"
)
# A device or program, not a person, is the subject: "my phone isn't responding".
_DEVICE = _rx(
    r"\b(?:(?<!on the )(?<!by )phone|app|portal|page|website|web site|screen|computer|laptop|"
    r"system|device|printer|"
    r"server"
    r"|program|tablet|process|browser|link|car|battery|account|login)\b[^,.]{0,25}$|\b"
    + es.DEVICE_ES
)
_MILD = _rx(
    # "little" of a symptom, not of a person ("my little brother is choking").
    r"\b(?:mild|mildly|slight|slightly|a little|a bit|little(?! (?:brother|sister|one|ones|boy|"
    r"girl|guy|son|daughter|kid|baby|cousin|niece|nephew|man))|minor|small|tiny|light|occasional)"
    r"\W+(?:\w+\W+){0,2}$|\b" + es.MILD_ES
)
_EXERTION = _rx(
    r"\bwhen (?:i|he|she|they) (?:climb|walk|exercise|run|work out|stand|go up|jog)|"
    r"after (?:lifting|exercise|working out|a workout|the gym|running)|paper cut|"
    r"stopped (?:already|after)"
)
# Scheduling, prescriptions and other errands: a topic word here is not an emergency.
_ADMIN = _rx(
    r"\b(?:book|booking|schedule|reschedule|cancel|refill|renew\w*|prescription|appointment|"
    r"follow[- ]?up|check[- ]?up|consult\w*|rehab|therapy|therapist|clinic|specialist|testing|"
    r"test|recovery|prevention|support group|screening|class(?:es)?|medications?|meds|medicine|"
    r"insurance|cover|pharmacy|disorder|history|plan|dosage|dose|cardiology|neurolog\w*|"
    + es.ADMIN_ES
    + r")\b"
)
_SELF_HARM_PAST = _rx(
    r"\b(?:used to|as a (?:teen\w*|kid|child)|(?:\w+ )?years ago|in the past|back in|when i was|"
    r"in (?:my|his|her) (?:teens|twenties|youth)|in (?:high school|college|university)|"
    r"in (?:19|20)\d\d|en (?:19|20)\d\d|last year|el ano pasado|"
    r"history of|"
    r"de (?:adolescente|joven|nin[oa])|hace (?:\w+ )?(?:anos|meses|mucho|tiempo)|en el pasado|"
    r"antes)\b"
)
_SELF_HARM_RECOVERED = _rx(
    r"\b(?:doing (?:well|better|fine|great|ok|okay|good)|(?:fine|okay|ok|better|good|well|stable) "
    r"now|in recovery|recovered|(?:clean|free) for|(?:haven'?t|have not)(?: \w+){0,2} in "
    r"(?:years|months|ages|a long time)|not (?:for|in) (?:years|months|a long time)|not since|"
    r"estoy bien,? solo pregunto|ya estoy bien|estoy en recuperacion|llevo \w+ (?:anos|"
    r"meses) "
    r"sin|(?:ya )?(?:lo|los|la|las) supere|(?:ahora )?(?:esta|estoy|estamos) (?:muy |"
    r"mucho )?(?:bien|"
    r"mejor|estables?)|safe now|(?:is|he'?s|she'?s|i'?m) safe)\b"
)
_SAFE = _rx(r"\b(?:safe|stable|a salvo|segur[oa]|estable)\b")
# Wanting an errand ("quiero dejar el medicamento") is not a current self-harm cue.
_ERRAND_WANT = _rx(
    r"\b(?:want\w*|wanna|quiero|quisiera|queria) (?:to )?(?:book|schedule|taper|stop|switch|change|"
    r"establish|set up|transfer|find|continue|keep seeing|seguir|continuar|"
    r"come off|get off|talk|see|make|discuss|ask|know|dejar|cambiar|bajar|hacer|agendar|ver|"
    r"hablar|saber|preguntar)\b"
)
# "Cut myself while cooking" is an injury, not self-harm (the bleeding patterns still see it).
_ACCIDENTAL = _rx(
    r"^\W*(?:\w+ ){0,3}(?:while|when) (?:cooking|shaving|chopping|cutting|slicing|working|"
    r"gardening|opening|fixing)|^\W*(?:\w+ ){0,3}(?:by accident|accidentally)"
)
# Anything current about self-harm outweighs the recovery: recall on self-harm comes first.
_SELF_HARM_CURRENT = _rx(
    r"\b(?:again|back|urges?|lately|recently|tonight|today|right now|started|relaps\w*|thinking|"
    r"want\w*|plan\w*|feel like|struggling|can'?t|otra vez|de nuevo|ahorita|hoy|esta noche|"
    r"ultimamente|quiero|pienso|ganas|last night|yesterday|this week|anoche|ayer|hace poco)\b"
)


def _merged(*tables: dict[str, tuple[str, ...]]) -> dict[str, tuple[re.Pattern[str], ...]]:
    out: dict[str, tuple[re.Pattern[str], ...]] = {}
    for table in tables:
        for cat, pats in table.items():
            out[cat] = out.get(cat, ()) + tuple(_rx(p) for p in pats)
    return out


_ACUTE = _merged(ACUTE, es.ACUTE_ES)
_CUES = _merged(CUES, es.CUES_ES)
_SELF_HARM = tuple(_rx(p) for p in (*SELF_HARM, *es.SELF_HARM_ES))
_CAUSES = {
    cat: _rx(f"{CAUSES[cat]}|{es.CAUSES_ES[cat]}") for cat in CAUSES.keys() | es.CAUSES_ES.keys()
}
_ACUTE_CONTEXT = _rx(f"{ACUTE_CONTEXT}|{es.ACUTE_CONTEXT_ES}")


@dataclass(frozen=True)
class Hit:
    """One pattern match: `guard` names the reason it does not count, or is None."""

    category: str
    phrase: str
    acute: bool
    guard: str | None = None
    start: int = -1  # where in the normalised text

    @property
    def end(self) -> int:
        return self.start + len(self.phrase)


def _spans(text: str, breaks: re.Pattern[str]) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in breaks.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _within(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for lo, hi in spans:
        if lo <= pos <= hi:
            return lo, hi
    return 0, 0


def _negated(clause_before: str) -> bool:
    window = " ".join(clause_before.split()[-7:])
    for m in reversed(list(_NEGATION.finditer(window))):
        if any(p.start() <= m.start() < p.end() for p in _PSEUDO_NEGATION.finditer(window)):
            continue
        rest = window[m.end() :]
        # A negated verb ("isn't moving, ...") ends at the comma; a list negation ("no
        # fever, chills or chest pain") runs through it.
        if "," in rest and not _LIST_NEGATION.fullmatch(m.group()):
            return False
        return not _NEG_STOP.search(rest)
    return False


_LIST_NEGATION = _rx(
    r"no|denies|denied|without|negative for|free of|nor|none|sin|ni|ningun|ninguna|nada de"
)


_STOPPED_AFTER = _rx(
    r"^\W*(?:but |pero |and |y )?(?:ya |now |it |it'?s |it has |has |se )?(?:stopped|paro|"
    r"se detuvo|"
    r"se paro|went away|se quito|se paso)\b(?!.{0,40}\b(?:again|start\w*|back|otra vez|volvio|de "
    r"nuevo|empez\w*)\b)"
)
# A hit that is itself a negative ("can't breathe") is not reassured by "good" after it.
_NEGATIVE_HIT = _rx(r"\b(?:can'?t|cannot|can not|cant|not|isn'?t|won'?t|unable|no)\b")


def _physical_guard(
    sentence: str, clause: str, before: str, after: str, hit: str = "", text: str = ""
) -> str | None:
    """Why a physical-symptom hit does not describe an emergency now, or None if it may.
    `text`: the whole message, for what any sentence of it says about all of it (a pet, a
    TV show, someone already in hospital care, "it was a paper cut")."""
    whole = text or sentence
    if _IDIOM.search(clause):
        return "idiom"
    animal = _ANIMAL.search(sentence) and not _PET_MEDICINE.search(sentence)
    if _DEVICE.search(before) or animal or _NOT_NOW_TOPIC.search(sentence):
        return "not a person"
    if _IN_CARE.search(whole) or _MINOR.search(whole):
        return "in care"
    if "shot" in hit and _VACCINE.search(whole):
        return "idiom"  # a vaccine shot, not a gunshot
    rest = sentence[sentence.find(hit) + len(hit) :] if hit and hit in sentence else after
    if _STOPPED_AFTER.search(rest):
        return "past"  # "bled a lot but it stopped"
    if _negated(before) or (_REASSURED.search(after) and not _NEGATIVE_HIT.search(hit)):
        return "negated"
    if _INFORMATIONAL.search(clause):
        return "informational"
    if _HYPOTHETICAL.search(sentence):
        return "hypothetical"
    if _RECURRENT.search(sentence):
        return "chronic"
    if (_MILD.search(before) or _EXERTION.search(clause)) and not _ONSET.search(whole):
        return "mild"
    past = bool(_PAST_VERB.search(before) or _PAST_TIME.search(sentence))
    # The hit's own clause says when, and nothing in it says now: "a fit last year, and now
    # a fever" is history whatever the next clause says.
    if (
        _PAST_TIME.search(clause)
        and not _PRESENT.search(_not_now(clause))
        and not _RECURS.search(sentence)
    ):
        return "past"
    # The hit's own verb is past and the message names a weekday or a recovery: history.
    if _PAST_HIT.search(hit) and (_RESOLVED.search(whole) or _WEEKDAY_RX.search(sentence)):
        past = True
        # Recovered from it: only a plain "now" or "again" says it is back.
        if _RESOLVED.search(whole) and not _NOW_STRONG.search(_not_now(sentence)):
            return "past"
    if past and not _PRESENT.search(_not_now(sentence)):
        return "past"
    return None


# "... and I'm having one again": the past episode is back.
_RECURS = _rx(r"\b(?:again|another|once more|it'?s back|otra vez|de nuevo|otra|volvio)\b")
_NOW_STRONG = _rx(r"\b(?:now|right now|again|currently|still|ahorita|ahora|otra vez|de nuevo)\b")
_PAST_HIT = _rx(r"^(?:had|was|were|overdosed|used|tuvo|tuve|le dio|me dio)\b")
_WEEKDAY_RX = _rx(_WEEKDAY + r"|\b(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b")


_VACCINE = _rx(
    r"\b(?:vaccin\w*|immuni[sz]\w*|flu|booster|tetanus|covid|checkup|check-up|well[- ]child|"
    r"physical|nurse gave|vacuna\w*)\b"
)


# Present-tense words that are not about the symptom: "do I still need aspirin", "she's 6 now".
_NOT_NOW = _rx(
    r"\b(?:do|does|should|can|will|would|must) (?:i|he|she|we|they|you) still(?: \w+){0,3}|"
    r"\bnow (?:he|she|they)'?(?:s|re)? \d+|(?:he|she)'?s now \d+|ahora tiene \d+|"
    r"\bnow (?:i'?m|i am|we'?re|we are) (?:worried|concerned|wondering|scared|anxious|curious)"
)


def _not_now(sentence: str) -> str:
    return _NOT_NOW.sub(" ", _RESOLVED.sub(" ", sentence))


# Self-harm as a subject of work or study, not a person's state: "suicide prevention training".
_SELF_HARM_TOPIC = _rx(
    r"^\w*\W+(?:prevention|awareness|training|course|class|seminar|workshop|week|month|"
    r"statistics|rates?|research|policy|protocol|screening tool|prevencion|capacitacion|curso|"
    r"taller|as a theme|theme|essay|pamphlets?|folletos?)\b"
)
# Something that happens every time, for years, known to a doctor: not an emergency now.
_RECURRENT = _rx(
    r"\b(?:every time|each time|whenever|cada vez que|siempre que|desde siempre|"
    r"for (?:years|as long as i can remember)|desde hace (?:anos|mucho))\b"
)
# A symptom that began just now is news, even when it came with effort.
_ONSET = _rx(
    r"\b(?:started|began|came on|empezo|comenzo) (?:about |like |around )?(?:an? |\d+ |half an )?"
    r"(?:hour|hours|min\w*|rato|hora|horas) ago|just (?:started|began)|acaba de empezar\b"
)


# A plain denial of the very words matched (the person says they are not suicidal, have no
# thoughts of harming themselves). Narrow on purpose: "I don't want to live" is a self-harm
# phrase that starts with a negation, and "no reason not to" is no denial.
_SELF_HARM_DENIAL = _rx(
    r"\b(?:(?:i'?m|i am|am|is|he'?s|she'?s|(?:he|she) is) not|not|never been|nor|denies|denied|"
    r"no)(?: (?:feeling|actively|really|at all|currently|being))? (?:suicidal|self[- ]?harm\w*)|"
    r"\b(?:no|not|denies|denied|without|not having|never had|don'?t have|do not have) (?:any )?"
    r"(?:active |current |suicidal |self[- ]harm )?(?:thoughts?|ideation|intent\w*|plans?|urges?)"
    r"(?: (?:of|to|about|for))? (?:suicid\w*|hurting|harming|killing|ending|self[- ]harm\w*)|"
    r"\b(?:would never|will never|never going to|not going to|not gonna|no intention of|don'?t "
    r"plan to) (?:hurt|harm|kill)|"
    r"\bno (?:tengo|tiene|tenemos) (?:\w+ )?(?:pensamientos|ideas|intencion\w*|ganas|planes) de "
    r"(?:hacer(?:me|se) dano|quitarme|quitarse|matarme|matarse|suicid\w*|lastimar\w*)|"
    r"\b(?:denies|denied|negative for|no) (?:si|hi)(?:/(?:si|hi))?\b|"
    r"\bno (?:soy|estoy|es|esta) suicida|\bnunca me (?:haria|haré|hare) dano|"
    r"\bno (?:me )?(?:quiero|voy a|pienso) hacer(?:me)? dano|"
    r"\bno (?:me )?(?:quiero|voy a|pienso) (?:matar|morir|suicidar)(?:me)?\b|"
    r"\bno (?:estoy pensando en|pienso en|quiero|voy a) (?:hacerme dano|matarme|suicidarme|"
    r"morir)|\b(?:niega|nego|niegan) (?:ideacion|ideas|pensamientos)(?: \w+)?"
)


def _denied(text: str, start: int) -> bool:
    """Whether the self-harm hit at `start` sits inside a plain denial."""
    return any(m.start() <= start < m.end() for m in _SELF_HARM_DENIAL.finditer(text))


# The topic said first, as Spanish does: "taller de prevención del suicidio".
_SELF_HARM_TOPIC_BEFORE = _rx(
    r"\b(?:prevencion|prevention|taller|capacitacion|curso|awareness|platica|charla|"
    r"folletos?) (?:del?|de la|of|sobre(?: el| la)?|about)?\s*$"
)


# Grief, a story or a form about suicide is not a person at risk now.
_SELF_HARM_ABOUT = _rx(
    r"\blost (?:a|my|our|her|his|their) (?:\w+ ){0,2}to suicide|\bsupport group for|"
    r"\b(?:intake|new patient|medical|health) form|form asks|questionnaire|cuestionario|"
    r"\bnovel about|book club|(?:a|the) (?:scene|character|movie|show) (?:where|about)|"
    r"\bresources for (?:parents|families|teachers)"
)


def _self_harm_guard(text: str, after: str = "", start: int = -1) -> str | None:
    if (after and _SELF_HARM_TOPIC.search(after)) or _PROTOCOL.search(text):
        return "topic"
    if _SELF_HARM_ABOUT.search(text) and not _SELF_HARM_CURRENT.search(
        _ERRAND_WANT.sub(" ", _SELF_HARM_RECOVERED.sub(" ", text))
    ):
        return "topic"
    if start > 0 and _SELF_HARM_TOPIC_BEFORE.search(text[max(0, start - 40) : start]):
        return "topic"
    if start >= 0 and _denied(text, start):
        return "negated"
    # Only a plain history is let through: said as past, resolved or asked about for an errand
    # (a chart, a scar, a taper), and with no current cue at all.
    rest = _ERRAND_WANT.sub(" ", _SELF_HARM_RECOVERED.sub(" ", text))
    if (
        _SELF_HARM_PAST.search(text)
        and (_SELF_HARM_RECOVERED.search(text) or _ADMIN.search(text))
        and not _SELF_HARM_CURRENT.search(rest)
    ):
        return "recovered"
    # Someone already in a psychiatric unit or hospital and said to be safe is in care.
    if _IN_CARE.search(text) and _SAFE.search(text) and not _SELF_HARM_CURRENT.search(rest):
        return "in care"
    return None


def scan(text: str) -> list[Hit]:
    """Every pattern hit in normalised `text`, each with the guard that explains it away."""
    sentences = _spans(text, _SENTENCE_END)
    clauses: list[tuple[int, int]] = []
    for lo, hi in sentences:
        clauses += [(lo + a, lo + b) for a, b in _spans(text[lo:hi], _CLAUSE_BREAK)]
    hits: list[Hit] = []

    def context(m: re.Match[str]) -> tuple[str, str, str, str]:
        s_lo, s_hi = _within(sentences, m.start())
        c_lo, c_hi = _within(clauses, m.start())
        return text[s_lo:s_hi], text[c_lo:c_hi], text[c_lo : m.start()], text[m.end() : c_hi]

    for rx in _SELF_HARM:
        for m in rx.finditer(text):
            guard = _self_harm_guard(text, text[m.end() : m.end() + 40], m.start())
            if guard is None and m.group().startswith(("cut", "burn")):
                guard = "accidental" if _ACCIDENTAL.search(text[m.end() :]) else None
            hits.append(Hit("self_harm", m.group(), True, guard, m.start()))
    for category, patterns in _ACUTE.items():
        for rx in patterns:
            for m in rx.finditer(text):
                sentence, clause, before, after = context(m)
                guard = _physical_guard(sentence, clause, before, after, m.group(), text)
                if guard == "past" and category == "overdose_poisoning":
                    # A dose is always told in the past tense ("swallowed them an hour ago");
                    # only a stated time ("yesterday", "last year") makes it history.
                    guard = "past" if _PAST_TIME.search(sentence) else None
                elif category == "overdose_poisoning" and _LONG_AGO.search(clause):
                    guard = "past"
                hits.append(Hit(category, m.group(), True, guard, m.start()))
    for category, patterns in _CUES.items():
        for rx in patterns:
            for m in rx.finditer(text):
                sentence, clause, before, after = context(m)
                if category == "self_harm":
                    # Self-harm risk words are weighed by similarity (or escalate when there
                    # is no model); an errand in the same clause never explains them away.
                    hits.append(Hit(category, m.group(), False, _self_harm_guard(text), m.start()))
                    continue
                guard = _physical_guard(sentence, clause, before, after, text=text)
                if guard is None and _ADMIN.search(clause):
                    guard = "errand"
                # A topic word next to "having", "right now", "help", ... is acute.
                acute = guard is None and bool(_ACUTE_CONTEXT.search(clause))
                hits.append(Hit(category, m.group(), acute, guard, m.start()))
    return hits


_HYPOTHETICAL = _rx(
    r"\b(?:what if|what (?:should|do|would|can) (?:i|we|you|someone|a person|people) do "
    r"(?:if|when)|"
    r"(?:just )?in case|if (?:ever|someone|somebody|a person|my \w+ ever|i ever)|hypothetically|"
    r"what would happen if|what happens if (?:i|you|he|she|someone|my \w+) (?:takes?|drinks?|eats?|"
    r"swallows?|mix\w*|miss\w*)\b|if (?:my|a|the|i|he|she|someone) [^.?!]{0,60}\bwould "
    r"(?:that|it|this|he|she|i|they) be\b|just (?:wondering|curious)|(?:want|"
    r"wanted) to be prepared|"
    r"que pasaria si|que pasa si (?:me|se|le|mi \w+) (?:tom\w*|da|bebe)|por si acaso|"
    r"solo por saber|"
    r"que (?:hago|hacemos|hacer|debo hacer|se hace) (?:si|cuando|en caso)|en caso de que|"
    r"si (?:algun dia|alguna vez|alguien)|"
    r"if (?:my|the|it|this|that|his|her|the) .{0,30}(?:comes back|returns|happens again|gets worse|"
    r"starts again)|si (?:me|le|te) (?:vuelve|regresa|empeora))\b"
)


def framing(text: str) -> str | None:
    """Why a whole message reads as not happening now: "informational", "hypothetical",
    "past" or "resolved"; None when it may be. For a classifier's call that no pattern
    supports, where the per-clause guards have nothing to hang on."""
    if _IDIOM.search(text):
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
    # Said of a medicine swallowed twice, "fine" means awake, not over.
    ingested = _INGESTED.search(text) is not None and (
        _MEDICINE.search(text) is not None or _DRUG_WORD.search(text) is not None
    )
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
    r"double[- ]?dos\w*|twice|tome|tomo|trago|trague|se comio|bebio|le di|dos veces|doble)\b"
)
_DRUG_WORD = _rx(r"\b" + DRUG + r"\b")
# What was swallowed was a medicine or a household chemical, not food or a toy.
_MEDICINE = _rx(
    r"\b(?:pills?|meds?|medicines?|medications?|tablets?|tabs|capsules?|doses?|mg|units|syrup|"
    r"bleach|antifreeze|cleaner|detergent|pods?|gasoline|kerosene|lamp oil|pesticide|poison|"
    r"pastillas?|dosis|medicinas?|jarabe|cloro|veneno|aceite de lampara|"
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
    r"para estar preparad[oa])\b"
)


def errand_only(text: str) -> bool:
    """Whether the message names an errand (its other words are for the classifier)."""
    return _ERRAND.search(text) is not None


def causes(text: str) -> set[str]:
    """Categories whose cause (an allergen, a drug or poison) the message names."""
    return {cat for cat, rx in _CAUSES.items() if rx.search(text)}
