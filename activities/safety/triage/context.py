"""The words around a pattern hit that change what it means: negation, tense, idioms, care
settings, animals, errands. Shared by the scanner (per clause) and the framing (per message).

English and Spanish run together: each guard is one expression with both languages'
alternatives, since a message can mix them and neither language's words occur in the other.
"""

from __future__ import annotations

import re
import unicodedata

from . import patterns_es as es

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
    # Not noticing the label is how the dose was taken, not a denial of taking it.
    r"(?:didn'?t|did not|never) (?:notice|realize|realise|see|check|read|catch|look)|"
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
    r"(?:is|are|was|were|'s|'re) killing (?:me|us)|(?:killing|killed|kill) it\b|the death of (?:me|"
    r"us|him|her)|"
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
    r"ya (?:fue|fueron) atendid[oa]s?|(?:toxicologia|poison control|control de envenenamientos) "
    r"(?:dijo|said) (?:que )?(?:no pasaba nada|estaba bien|(?:it|she|he)(?:'?s| was| is) fine)|"
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
    r"got into)\b.{0,40}\b(?:the |my |our )?(?:dog|cat|pet|puppy|kitten)(?:(?:'s|s|'|s')\b| "
    r"(?:pills?|meds?|medicines?|tablets?)\b)|"
    r"(?:dog|cat|pet|puppy|kitten)(?:'s|s'|s)? (?:\w+ ){0,2}?(?:bottle|meds?|medicine|pills?|"
    r"\w+(?:pentin|profen|adol|olol|pril|pam|zole))\b.{0,60}"
    r"\b(?:instead of (?:mine|my own)|by mistake|by accident)|"
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
    r"antes(?! de (?:tiempo|la fecha|que se (?:me|le) acab\w+)))\b"
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
    # Someone else's wish ("my therapist wants my records") is no current cue of the patient's.
    r"\b(?:therapist|doctor|dr|psychiatrist|counselor|nurse|school|insurance|lawyer|employer) "
    r"wants?\b|"
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
    r"ultimamente|quiero|pienso|ganas|last night|yesterday|this week|anoche|ayer|hace poco|"
    # A plan for what comes next is current, whatever else the message says about the past.
    r"voy a|gonna|going to|won'?t need|no voy a necesitar)\b"
)


# Present-tense words that are not about the symptom: "do I still need aspirin", "she's 6 now".
_NOT_NOW = _rx(
    r"\b(?:do|does|should|can|will|would|must) (?:i|he|she|we|they|you) still(?: \w+){0,3}|"
    r"\bnow (?:he|she|they)'?(?:s|re)? \d+|(?:he|she)'?s now \d+|ahora tiene \d+|"
    r"\bnow (?:i'?m|i am|we'?re|we are) (?:worried|concerned|wondering|scared|anxious|curious)"
)


def _not_now(sentence: str) -> str:
    return _NOT_NOW.sub(" ", _RESOLVED.sub(" ", sentence))


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
    r"starts again)|si (?:me|le|te) (?:vuelve|regresa|empeora)|"
    # A dream is not an event, and "do I take it double today?" asks before taking it.
    r"(?:had|have|having) (?:a|this|the same) (?:weird |bad |strange )?dream|"
    r"in (?:my|a) (?:weird |bad )?dream)\b|"
    r"(?<!se )\b(?:la|lo|las|los) (?:tomo|doy|pongo) (?:doble|dos veces)\b[^.!?]{0,30}(?:\?|$)"
)
