"""Word lists and patterns the address and name recognizers are built from."""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Addresses.

# USPS street suffixes (and their abbreviations) that are not also everyday words.
US_SUFFIXES = (
    "street|st|streets|avenue|ave|av|road|rd|roads|boulevard|blvd|lane|ln|drive|dr|drives|court|ct"
    "|courts|way|ways|place|pl|close|terrace|ter|crescent|cres|parkway|pkwy|highway|hwy|square|sq"
    "|squares|trail|trl|loop|circle|cir|alley|plaza|mall|bypass|turnpike|tpke|expressway|freeway"
    "|crossroad|crossing|extension|extensions|gateway|greens|coves|cove|rapids|forges|forge|prairie"
    "|radial|route|flat|flats|isle|mews|grove|heights|hollow|junction|knoll|landing|manor|meadows"
    "|orchard|pass|pike|point|ridge|row|spur|stravenue|summit|union|unions|viaduct|vista|walk|parks"
    "|mill|mills|estates|harbor|haven|lodge|station|pines|springs|valley|village|ville|path|oval"
    "|dam|dale|hills|islands|island|isle|flats|fort"
)
# Street words of other languages, alone ("Rua Flores 7") or ending a compound ("Koskikatu").
INTL = (
    "rue|rua|via|viale|vicolo|piazza|piazzetta|strada|largo|corso|avenida|avenue|travessa|calle"
    "|camino|carrer|paseo|plaza|ul|ulica|u|utca|út|tér|körút|rkp|strasse|straße|str|gasse|weg|allee"
    "|platz|vej|gade|gata|gatan|vägen|väg|veien|vegen|vei|gate|katu|tie|kuja|laan|straat|plein"
    "|kade|dijk|quadra|chemin|boulevard|quai|cours|impasse|terrasse|náměstí|aleja|útja|λεωφόρος"
)
COMPOUND_END = re.compile(
    r"(?:strasse|straße|gasse|weg|allee|platz|vej|vænget|gade|gata|gatan|vägen|veien|vegen|veg"
    r"|katu|tie|kuja|laan|straat|plein|kade|dijk|stræti|straeti|braut|gränd|torget|stien|hove)$"
)
INTL_WORDS = frozenset(INTL.split("|"))
# Those that come before the street's name rather than after it.
LEADING_WORDS = words(
    "rue rua via viale vicolo piazza piazzetta strada largo corso avenida avenue travessa calle "
    "camino carrer paseo plaza ul ulica quadra chemin boulevard quai impasse aleja λεωφόρος"
)
STREET_WORDS = frozenset(US_SUFFIXES.split("|")) | INTL_WORDS
UNIT_WORDS = frozenset(
    {"apt", "apartment", "suite", "ste", "unit", "fl", "floor", "bldg", "building", "box", "#"}
)
# Lower-case words that belong inside street and city names in several languages.
PARTICLES = words(
    "de da do dos das del della delle dello degli dei di du des la le les van von der den ten ter "
    "het y e z el al "
    "san santa sankt st saint via og i na nad pod"
)
# Words after a number that make it a dose, a time or a count rather than an address.
MEASURES = words(
    "mg mcg ml g kg lb lbs oz units iu tablets tablet pills pill capsules caps drops puffs times "
    "am pm a.m. p.m. hours hrs minutes mins days weeks months years percent bpm mmhg mmol"
)
MONTHS = words(
    "january february march april may june july august september october november december jan "
    "feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday"
)
FIELD_LABELS = words("mobile desk fax office phone tel email e-mail website web cell home")

ADDRESS_TOKEN = re.compile(
    r"(?P<nl>[ \t]*\n[\s>?]*)"  # a line break, with a quoted block's "> " marks
    r"|(?P<num>\d+(?:-\d+)?(?:st|nd|rd|th|[A-Za-z])?(?!\w))"
    r"|(?P<word>[^\W\d_]+(?:[.'\u2019-][^\W\d_]+)+\.?|[^\W\d_]{1,4}\.|[^\W\d_]+)"
    r"|(?P<punct>[^\w\s])"
)
# Words that introduce an address: in chat they are how a street without a suffix shows up.
ADDRESS_CONTEXT = re.compile(
    r"(?i)\b(?:address(?:es)?|live[sd]?\s+(?:at|on|in)|living\s+at|resides?\s+at|located\s+at"
    r"|(?:is|are)\s+(?:at|on)|sen[dt]\s+(?:it\s+|them\s+|a\s+new\s+one\s+)?to|mail(?:ed)?\s+(?:it\s+)?to"
    r"|ship(?:ped)?\s+(?:it\s+)?to|deliver(?:ed)?\s+(?:it\s+)?to|return(?:ed)?\s+to|moved?\s+to"
    r"|meet\s+(?:me|you|us)\s+at|arrived\s+at|stop\s+at|off\s+at|taxi\s+to|enter\s+on)\b"
)
MILITARY_ADDRESS = re.compile(
    r"(?i)\b(?:(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}|(?:USS|USNS|USNV|USCGC)\s+[^\W\d_]+)"
    r"\s*\n?[\s>?]*(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b"
)
PO_BOX = re.compile(r"(?i)\b(?:P\.?\s?O\.?\s*Box|Post(?:al)?\s*(?:Office\s*)?Box|Postbox)\s*\d+")
# A street named without a number after "on", "at": "lives on Quarry Mill Road".
NAMED_STREET = re.compile(
    r"\b(?:on|at|off|near)\s+(?P<v>(?:[A-Z][\w'-]+\s+){1,3}(?:Street|Avenue|Road|Boulevard|Lane|Drive))\b"
)
PHONE_LINE = re.compile(r"\d{2,4}[ .-]\d{2,4}[ .-]\d{2,4}|\d{7,}|\(\d+\)")


# Names.

# Words that introduce a name whatever its case ("my name is odalys", "Name: Ivo Berg").
NAME_INTRO = re.compile(
    r"(?i)\b(?:(?:first|last|middle|maiden|full|sur|family|given|legal|patient'?s?)\s*)?name"
    r"(?:\s+on\s+the\s+\w+)?\s*(?:is|was|:|-|\?)\s*(?:(?:user|patient|me|answer)\s*:\s*)?"
    r"|\bcalls?\s+me\s+|\bgoes\s+by\s+"
    # Spanish: "me llamo", "mi nombre es", "soy", "de parte de", "a nombre de".
    r"|\bme\s+llamo\s+|\bmi\s+nombre\s+es\s+|\b(?:de\s+parte|a\s+nombre)\s+de\s+"
)
# Words that introduce a capitalised name: honorifics, greetings, relatives, "named", "called".
NAME_INTRO_CAPITALISED = re.compile(
    r"(?i)\b(?:dr|mr|mrs|ms|miss|mx|prof|rev|sr|sra)\.?\s+"
    r"|\b(?:dear|hi|hello|hey|regards|sincerely|cheers|thanks|love)(?:\s*[-\u2013\u2014]\s*|,?\s+)"
    r"|\b(?:named|called)\s+(?:him\s+|her\s+|them\s+)?"
    r"|\bmy\s+(?:son|daughter|kid|child|wife|husband|partner|spouse|mother|mom|mum|father|dad"
    r"|sister|brother|grandson|granddaughter|grandmother|grandfather|grandma|grandpa|aunt|uncle"
    r"|niece|nephew|friend|boyfriend|girlfriend|fianc[eé]e?|caregiver|guardian|baby|twin)\s+"
    r"|\b(?:patient|pt)\.?:?\s+"
    r"|\b(?:sr|sra|srta|dra|don|doña|dona)\.?\s+|\b(?:paciente|pte)\.?:?\s+"
    r"|\bmi\s+(?:hijo|hija|esposo|esposa|mam[aá]|pap[aá]|madre|padre|hermano|hermana|abuelo|"
    r"abuela|nieto|nieta|t[ií]o|t[ií]a|sobrino|sobrina|novio|novia|beb[eé]|pareja)\s+"
)
# A clinician's or a person's title typed in a hurry, in lower case ("can dr patel see him",
# "la dra ibañez me dijo"): the word after it is a name unless it is a dictionary word.
TITLE_LOWER = re.compile(r"(?i)\b(?:dr|dra|doctor|doctora|mr|mrs|ms|sr|sra|srta)\.?\s+(?=[a-zà-ÿ])")
# Where a lower-case word on the name lists is a person: "this is priya calling", "its marek",
# "soy yesenia", "my kids are minh and bao".
LISTED_INTRO = re.compile(
    r"(?i)\b(?:this\s+is|it'?s|i\s+am|i'?m|soy|habla|le\s+habla|me\s+llamo"
    r"|my\s+(?:son|daughter|kids?|children|wife|husband|partner|mom|mother|dad|father|sister"
    r"|brother|baby|grandma|grandpa)(?:'s\s+name)?\s+(?:is|are)"
    r"|mis?\s+(?:hij[oa]s?|espos[oa]|mam[aá]|pap[aá]|herman[oa]s?)\s+(?:es|son|se\s+llaman?))\s+"
)
# Words after which a proper noun is usually a person, but could be a place or a company: the
# candidate must be tagged a proper noun and not look like an organisation.
NAME_INTRO_WEAK = re.compile(
    r"(?i)\b(?:this\s+is|i\s+am|i'm|soy|habla|under(?:\s+my\s+\w+'s\s+name)?|add|remove|with|"
    r"see|saw|con\s+(?:el|la)\s+(?:dr|dra|doctor|doctora)\.?"
    r"|ask\s+for|speak\s+(?:to|with)|talk\s+(?:to|with)|follow\s+up\s+with|appointment\s+with"
    r"|refer(?:red)?\s+(?:me\s+)?to|by|said|told|asked|tell|and"
    r"|(?:shouted|yelled|screamed|whispered|waved|smiled|looked|laughed)\s+at"
    r"|said\s+\w+\s+to|between\s+(?:him|her|them|me)\s+and)\s+"
)
PERSON_VERB = re.compile(
    r"(?i)(?<=\w )(?:lives|lived|shouted|said|says|told|asked|spent|began|works|worked|wrote"
    r"|had\s+given|gave|speaks|spoke|died|passed\s+away|was\s+born|is\s+allergic|is\s+pregnant"
    r"|will\s+be\s+(?:talking|speaking)|is\s+from|is\s+(?:a\s+)?very)\b"
    r"|(?<=\w)(?=,\s+(?:can|could|would|will|please|do|did)\s)"
)

ORG_WORDS = words(
    "inc inc. llc ltd ltd. corp corp. corporation company co co. group bank insurance university "
    "college school hospital clinic center centre health healthcare medical pharmacy labs lab "
    "laboratories solutions systems services partners technologies technology associates agency "
    "foundation institute international global holdings capital ventures network networks media "
    "software data analytics care orchestra band records studios club team council department "
    "office committee association society trust fund sons brothers orchestra"
)
# Insurers, pharmacies and programmes patients name all the time: never a person.
KNOWN_ORGS = words(
    "aetna cigna humana medicare medicaid kaiser anthem walgreens cvs tricare unitedhealthcare "
    "optum bluecross centene molina wellcare ambetter rite walmart costco kroger"
)
NOT_NAMES = words(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight yesterday "
    "doctor nurse patient sir madam team everyone all there here thanks thank please hello hi "
    "dear regards best yes no okay ok sorry fine good great well morning afternoon evening "
    "street road avenue apt suite unit box name phone email address mobile fax desk website "
    "telefono teléfono tel cel celular correo direccion dirección "
    # Labels written in capitals right after a name: "Mateo Silva DOB 01/09/2015".
    "dob mrn ssn "
    # Card brands ("with Mastercard 5105...") and the people a message mentions by relation
    # ("my friend lives nearby"), never by name.
    "visa mastercard amex discover friend mom dad son daughter wife husband neighbor neighbour "
    # Spanish days and months: a reply's "el sábado 5 de diciembre" names no one.
    "lunes martes miercoles miércoles jueves viernes sabado sábado domingo hoy mañana manana "
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre "
    "diciembre "
    # Spanish words of a short reply that spaCy's English model calls a person ("la primera",
    # "me sirve bien", "la más temprana"): ordinals, comparatives, courtesy.
    "primera primero primer segunda segundo tercera tercero cuarta cuarto quinta quinto "
    "ultima última ultimo último siguiente anterior opcion opción numero número "
    "mas más menos tarde temprano pronto bien mal mejor peor bueno buena perfecto perfecta "
    "claro vale porfa gracias listo lista esa ese esta este aquella otra otro"
)
# Dates and times written in a hurry around a name ("dr ortega thurs pm", "con el dr okafor
# el lunes que viene"): a person span is trimmed of them at either end.
CALENDAR_WORDS = words(
    "mon tue tues wed weds thu thur thurs fri sat sun next this coming week wk weeks month "
    "am pm morning mornings afternoon afternoons evening mornin tonight noon asap w with "
    "semana proxima próxima pasado que viene entra mes tarde tardes mañanas manana noche "
    "das da dame deme agenda agendar reserva cancelela cancélela cancelala cancélala reservela "
    "resérvela agendela agéndela hagalo hágalo"
)
# Words that open no name, and words no name holds: what spaCy's English model calls a person
# in Spanish text ("Buenas tardes", "Historia clínica", "mi número de afiliado").
NOT_NAME_START = words(
    "buenas buenos hola tienen nuevo nueva nuevos historia paciente pacientes numero número lo "
    "la las los el mi mis su sus tu tus ultimos últimos fecha favor gracias cita citas receta "
    "clinica clínica tarjeta escribo soy de del al por para con en que y o account patient "
    "member anthem id no int paciente pte sr sra srta dr dra doctor doctora doña"
)
# Words no name ends with: articles and prepositions the model takes in after a Spanish name.
NOT_NAME_END = words(
    "el la los las lo de del al y e o u en a con para por que mi su tu este esta hoy manana "
    "the of and or on at in for to with my"
)
NOT_IN_NAMES = words(
    "numero número afiliado afiliada miembro fecha nacimiento expediente seguro social escuela "
    "medico médico whatsapp medicare medicaid medi-cal republica república cambio perdi perdí "
    "historia id account"
)
NAME_PARTICLES = words("van von de da di del della der den ten ter la le bin al el mac st")
# Transcript labels and form fields that end in a colon like a speaker's name does.
SPEAKER_LABELS = words(
    "name phone address date time note subject re fax email e-mail mobile desk website bot user "
    "patient doctor nurse question answer reply reason q a from to cc dob mrn tel cell home work "
    "directed by"
)

# Medicines are capitalised, unfamiliar to a dictionary and follow "with" or "and" like names
# do; a finding that names one is not a person. Generic names by their stems, brands by name.
DRUG_STEM = re.compile(
    r"(?i)(?:pril|sartan|olol|statin|azole|prazole|mab|tide|gliflozin|gliptin|dipine|formin"
    r"|cillin|mycin|cycline|floxacin|tidine|triptan|azepam|oxetine|aline|pramine|codone"
    r"|morphone|caine|olone|sone|thiazide|semide|parin|xaban|gatran|navir|ciclovir|amivir|buvir|gravir"
    r"|dronate|lukast|terol|tropium|afil|tinib|cept|glutide|setron|profen|oxacin|barbital)$"
)
DRUG_BRANDS = words(
    "tylenol advil motrin aleve aspirin excedrin benadryl claritin zyrtec allegra sudafed "
    "mucinex lipitor crestor zocor norvasc synthroid levoxyl eliquis xarelto plavix coumadin "
    "januvia janumet jardiance farxiga trulicity ozempic wegovy mounjaro zepbound victoza "
    "humira enbrel stelara dupixent skyrizi lantus humalog novolog tresiba basaglar toujeo "
    "zoloft lexapro prozac paxil celexa wellbutrin effexor cymbalta abilify seroquel xanax "
    "ativan klonopin valium ambien adderall ritalin vyvanse concerta neurontin lyrica "
    "nexium prilosec protonix pepcid zantac singulair advair symbicort flovent ventolin "
    "proair spiriva breo trelegy entresto lasix flomax viagra cialis keflex augmentin "
    "zithromax cipro bactrim valtrex tamiflu paxlovid narcan suboxone epipen prednisone "
    "medrol glucophage"
)

# Given names that are everyday Spanish words ("¡Socorro!", "Dolores de cabeza"): a name only
# with a surname after it.
SPANISH_NAME_WORDS = words(
    "socorro dolores paz luz salud fe caridad esperanza consuelo remedios amparo soledad milagros "
    "nieves cielo mar sol estrella alegria gracia angeles cruz reyes rosario pilar mercedes "
    "concepcion asuncion encarnacion gloria victoria alba aurora blanca rosa flor"
)

# Words only people are the subject or owner of: "Marta's daughter", "said Ilse to Bram". Here
# a name the small model calls a place or a company is still a person.
SPEECH_VERBS = words(
    "said says asked asks told tells replied replies whispered shouted yelled screamed cried "
    "added explained laughed answered texted emailed called"
)
KIN_WORDS = words(
    "kid kids son sons daughter daughters wife husband mother mom mum father dad parents brother "
    "sister siblings child children baby boyfriend girlfriend partner fiance fiancee fiancé "
    "grandson granddaughter grandmother grandfather grandma grandpa nephew niece cousin aunt "
    "uncle widow widower killer killers murderer caregiver nanny funeral wedding "
    "birthday"
)
