"""Phrase patterns per emergency category: acute phrases that escalate, and weak topic cues."""

from __future__ import annotations

# Kept as data so clinical staff can review them line by line. Patterns run on normalised
# text (lower case, straight apostrophes, single spaces), so they are written in lower case
# and tolerate the usual dropped apostrophes ("cant", "wont", "im").
#
# ACUTE phrases describe something happening to a person: one that survives the negation,
# tense, informational, idiom and mildness guards escalates on its own.
# CUES name the topic only ("seizure", "overdose"): they escalate only together with an
# acute-context word or with similarity to that category's crisis exemplars.

_ME = r"(?:my|his|her|their|the|our)"
_SELF = r"(?:myself|my ?self|himself|herself|themselves|themself)"
_CANT = r"(?:can'?t|cannot|can not|unable to|could ?n'?t)"
_NOT = r"(?:won'?t|will not|isn'?t|is not|not|doesn'?t|does not|can'?t|cannot)"
DRUG = (
    r"(?:pills|meds|medications?|medicine|tablets|capsules|tylenol|acetaminophen|paracetamol|"
    r"warfarin|coumadin|eliquis|xarelto|blood thinners?|digoxin|metoprolol|heart (?:pills|meds)|"
    r"ibuprofen|advil|motrin|aspirin|xanax|valium|ativan|klonopin|oxy\w*|percocet|vicodin|"
    r"opioids?|fentanyl|heroin|morphine|benadryl|insulin|ambien|antidepressants?|sleeping pills|"
    r"thc|edibles?|cannabis|marijuana|nicotine|vape (?:juice|liquid)|e-?liquid)"
)

# Whose medicine it was, when it was not the patient's own.
_RELATIVE = (
    r"(?:husband|wife|mom|mother|dad|father|son|daughter|brother|sister|roommate|partner|"
    r"grandma|grandmother|grandpa|grandfather|friend|someone else|somebody else|boyfriend|"
    r"girlfriend|resident|patient|client|neighbou?r|cousin|aunt|uncle|niece|nephew|dog|cat|pet)"
)
# A medicine by its kind or by the common endings of generic names.
MEDICINE = (
    r"(?:" + DRUG + r"|pills?|meds|antidepressants?|antihistamines?|"
    r"\w+(?:pine|pam|lam|done|zole|pril|sartan|olol|statin|oxetine|aline|pram|codone|adol|"
    r"azodone|propion|erall|phenidate|barbital|morphone|quel|formin|pentin|gliptin|glutide|"
    r"flozin|tidine|oxacin|cycline|triptan))"
)

ACUTE: dict[str, tuple[str, ...]] = {
    "cardiac": (
        r"chest\b.{0,60}\b(?:goes|going|spreads?|spreading|radiat\w*|moves?|moving) (?:up |down )?"
        r"(?:in)?to (?:my |his |her )?(?:jaw|left arm|arms?|neck|shoulder|back)",
        r"\bno pulse\b(?! ?ox)|"
        r"(?:can'?t|cannot|can not) (?:find|feel) (?:a |his |her |their )?pulse|"
        r"(?:started|starting|doing|giving|performing|i'?m doing|we'?re doing) (?:cpr|chest "
        r"compressions)(?! (?:class|classes|training|course|certification|card))",
        r"(?:squeez\w*|pressure|tight\w*|heav\w*|crushing|ach\w*|pain|burning) (?:\w+ ){0,2}"
        r"(?:under|in|behind|on|across) (?:my|his|her|their|the) (?:breastbone|sternum)",
        # Indigestion that comes with a cold sweat is how many heart attacks are described.
        r"(?:indigestion|heartburn)\b.{0,60}\b(?:sweat\w*|clammy)|(?:sweat\w*|clammy)\b.{0,60}"
        r"\b(?:indigestion|heartburn)",
        r"(?:taken|took|used|had) (?:\d+|two|three|my|a) (?:nitro\w*|nitroglycerin)\b.{0,60}"
        r"\b(?:pressure|pain|tight\w*|not helping|isn'?t helping|not letting up|"
        r"isn'?t letting up|still)",
        r"(?:icd|defibrillator|defib) (?:just |has |have )?(?:went off|go(?:es)? off|gone off|"
        r"fired|shocked|shocks?|zapped)|(?:shocked|zapped) (?:me|him|her) "
        r"(?:twice|again|\d+ times)",
        r"chest (?:has been |been |is |feels |got |getting |keeps )?(?:really |so |very )?"
        r"(?:tight|heavy|squeezing)\b",
        r"chest (?:pains?|pressure|tightne?s+|is tight|feels (?:tight|heavy)|hurts|is hurting"
        r"|is squeezing|squeez\w*|heaviness|discomfort)",
        r"(?:pain|pressure|tightne?s+|squeezing|heaviness|crushing) in " + _ME + r" chest",
        r"crushing (?:pain|pressure|feeling)",
        # Staff shorthand and vitals: "c/o CP radiating to jaw", "BP 80/50", "HR 170".
        r"\bc/?o (?:cp|chest pain)\b|\bdiaphoretic\b|\bbp (?:of )?[5-8]\d ?/ ?\d\d\b|"
        r"\b(?:hr|heart rate|pulse|watch says|watch shows) (?:is |of |at |says |reading )?"
        r"(?:1[5-9]\d|2\d\d)\b",
        r"(?:clutch|grabb|hold)(?:ing|ed) (?:at )?(?:my|his|her|their) chest",
        r"(?:having|havin|have|had|is having) a (?:heart ?attack|heart ?atack|cardiac arrest)",
        r"cardiac arrest",
        r"pain (?:spreading|radiating|going|shooting|moving) (?:down |up |in|out )?(?:to |into )?"
        + _ME
        + r"? ?(?:left )?(?:arm|jaw|back|neck|shoulder)",
    ),
    "stroke": (
        r"(?:lost|losing|lose|can'?t see out of) (?:the )?(?:vision|sight)? ?(?:in|of|out of) "
        r"(?:one|my left|my right|his left|her left|his right|her right) eye|(?:curtain|shade) "
        r"(?:came |coming |fell |falling )?(?:down )?over (?:my|his|her|one) (?:eye|vision)",
        r"slurr(?:ed|ing|s)",
        r"(?:speech|words|talking|voice) (?:is |are |sounds? |got |went |became |turned )?(?:all )?"
        r"(?:garbled|jumbled|mixed up"
        r"|doesn'?t make sense|not making sense|makes no sense|funny|strange|weird)",
        # Plain "can't talk" is only a cue: a choking person can't talk either.
        _CANT + r" (?:get (?:my|his|her|their|the) words out|find (?:the|my|his|her) words)",
        r"(?:face|facial|mouth|smile|lip|eye(?:lid)?) (?:is |went |looks |seems |has )?(?:all )?"
        r"(?:drooping|droopy|droops|crooked|lopsided|sagging|uneven)",
        r"(?:one|left|right) side of (?:my|his|her|their|the) (?:face|body)",
        _CANT
        + r" (?:move|feel|lift|raise) (?:one|the|my|his|her|their) (?:side|arm|leg|left|right)",
        r"(?:arm|leg|hand) (?:went|is|suddenly|has gone|just went) (?:weak|limp|numb|dead)",
        r"confused (?:all of a sudden|suddenly)",
        r"worst headache (?:of (?:my|his|her|their) life|ever)",
        r"(?:having|havin|is having|had) a stroke",
    ),
    "bleeding": (
        r"(?:dressing|bandage|gauze|pads?)\b.{0,15}\b(?:saturated|soaked|soaking through)|blood "
        r"(?:pooling|everywhere|all over (?:the )?(?:floor|bed|bathroom))",
        # Wounds from a knife or a gun ("stabbing pain" is a symptom, a "shot" a vaccine).
        r"\b(?:got|was|been|were|just got|has been|have been) (?:stabbed|shot)\b"
        r"(?! (?:of|glass|up|down|at the|through the))|\b(?:i'?m|he'?s|she'?s|is) (?:been )?"
        r"stabbed|\bshot (?:in|through) (?:the|his|her|my) (?:\w+ )?(?:stomach|chest|head|leg|arm|"
        r"back|neck|belly|side|face|shoulder|hand)|gun ?shot|bullet (?:wound|hole)|stab wounds?|"
        r"(?:stabbed|shot) (?:me|him|her|them|my \w+)\b",
        # Black, tarry stool with fainting or dizziness: bleeding inside, said in lay words.
        r"(?:black|tarry|dark) (?:tarry |sticky )?(?:stools?|poops?|poo|bowel movements?)\b.{0,80}"
        r"\b(?:faint\w*|passed out|blacked out|dizzy|lightheaded|light headed|pale|can'?t stand)"
        r"|\b(?:faint\w*|passed out|dizzy|lightheaded)\b.{0,80}\b(?:black|tarry) (?:stools?|"
        r"poops?)",
        r"bleeding (?:heavily|a lot|badly|profusely|so much|really bad(?:ly)?|everywhere|non ?stop"
        r"|that won'?t stop|won'?t stop)",
        r"(?:blood|bleeding) (?:won'?t|will not|doesn'?t|isn'?t|wont|is not) stop",
        r"(?:won'?t|can'?t) stop (?:the )?bleeding",
        r"(?:heavy|severe|uncontrolled|massive|lots of|so much|a lot of|too much) "
        r"(?:bleeding|blood)",
        r"(?:spurting|gushing|pouring|squirting|pumping|streaming)(?: out)? blood",
        r"(?:cut|wound|gash|incision|stitches|laceration)\b.{0,60}\b(?:pouring|gushing|spurting|"
        r"not (?:slowing|stopping)|isn'?t (?:slowing|stopping)|won'?t (?:slow|stop))",
        r"blood (?:is |keeps )?(?:spurting|gushing|pouring|squirting|pumping|everywhere)",
        r"(?:coughing|throwing|vomiting|puking|spitting|peeing|pooping) (?:up )?blood",
        r"soak(?:ed|ing) (?:through )?(?:a |the |\w+ )?(?:towels?|pads?|bandages?|gauze|shirt)",
        r"coffee[- ]grounds?",
        r"(?:still|keeps?) (?:pouring|gushing|spurting|soaking)",
        r"(?:nose ?bleed|bleeding)\b.{0,40}\b(?:won'?t|doesn'?t|does not|isn'?t|not) stop",
    ),
    "respiratory": (
        r"(?:inhaler|nebuli[sz]er|albuterol|puffer|neb)\b.{0,50}\b(?:no change|not helping|"
        r"isn'?t helping|not working|isn'?t working|doesn'?t help|didn'?t help|no help|no relief)",
        r"breathing (?:thr(?:ough|u)|through) a (?:straw|coffee straw)",
        # Wheezing or a rescue inhaler that no longer helps, too breathless to talk.
        r"(?:wheez\w*|breath\w*|inhaler|albuterol|nebuli[sz]er)\b.{0,60}\b(?:can(?:'?t|not| barely|"
        r" hardly) (?:talk|speak|say a|finish)|barely (?:talk|speak)|(?:isn'?t|not|stopped) "
        r"(?:helping|working))",
        _CANT
        + r" (?:breath|breathe|breathing)\b(?! (?:thr(?:ough|u)|out of) (?:my|his|her|the|one) "
        r"(?:nose|nostril))",
        # Someone not breathing: the words start with a negation that denies nothing.
        r"(?:isn'?t|is not|isnt|not|stopped|quit|has stopped|no longer|wasn'?t|aren'?t) "
        r"breath?(?:ing|ng|in)\b"
        r"(?! (?:hard|heavy|heavily|fast|through|as hard))",
        r"(?:struggling|fighting|hard|trouble|difficulty|problems?|barely|hardly) (?:to )?"
        r"breath(?:e|ing)?\b",
        r"(?:doesn'?t|does not|don'?t|can'?t tell if (?:he|she|they)'?s?) "
        r"(?:seem to be |appear to be |look like (?:he|she|they)'?s? )?breathing",
        r"short(?:ness)? of breath",
        r"(?:gasping|struggling|fighting) for (?:air|breath)",
        _CANT + r" (?:get|catch) (?:any |enough )?(?:air|(?:my|his|her|their|a) breath)",
        r"choking\b",
        r"(?:turning|going|turned|looks?|are|is) (?:blue|purple|gr[ae]y)",
        r"breathing (?:really |very |so )?(?:fast|hard|shallow|weird|funny|strange|noisy)",
        r"ribs (?:are )?(?:sucking|pulling) in",
        r"(?:can'?t|cannot|unable to) (?:finish|complete|get out) (?:a |my )?(?:sentence|words?)",
        r"\b(?:o2|sats?|oxygen|pulse ox|oximeter)\b.{0,15}\b[1-8]\d ?%",
    ),
    "allergic": (
        r"(?:epi ?-?pen|epinephrine|adrenalin[ae]?)\b.{0,40}\b(?:still|not helping|getting worse|"
        r"worse|again|second)",
        r"throat (?:is |feels |keeps )?(?:getting |going )?(?:closing|swelling|swollen|tight"
        r"|tightening|closed)",
        r"(?:lips?|tongue|tounge|face|eyes?|mouth)(?: and (?:\w+ )?\w+)? (?:is |are |keeps? )?"
        r"(?:swelling|swollen|swell up|puffing up|puffy|blowing up)",
        r"swelling (?:in|of) " + _ME + r" (?:throat|tongue|lips|face|mouth)",
        r"ana(?:ph|f)(?:y|a|i)la",
        # Given to a person now, not handed to a school or a nurse.
        r"(?:used|gave|given|jabbed|injected) "
        r"(?:(?:my|his|her|the) \w+ |him |her |them |me |myself )?"
        r"(?:my|his|her|their|the|an|a|its) (?:epi-?pen|epinephrine|epi)\b",
        r"allergic to (?:\w+ ){1,2}and (?:he|she|i|they) (?:just )?(?:ate|had|drank|touched) "
        r"(?:it|them|some)",
        r"(?:hard|difficult|trouble|can'?t|unable|barely|hardly) (?:to )?swallow",
        r"hives (?:all over|everywhere)",
        r"throat (?:is |feels )?(?:getting )?(?:thick|tight and)",
    ),
    "overdose_poisoning": (
        r"overdos(?:ed|ing)",
        # A weekly medicine taken daily: days of doses in one week.
        r"(?:taking|took|taken|gave|given|giving) (?:\S+ ){0,6}?(?:every day|daily|each day)\b"
        r".{0,30}\binstead of (?:once a week|once weekly|weekly|every week)",
        # Essential oils are poisons by the mouthful, for a small child especially.
        r"(?:eucalyptus|tea tree|wintergreen|camphor|clove|peppermint|lavender|pine) oil\b.{0,60}"
        r"\b(?:mouth|swallow\w*|drank|drink|ate|sipped|licked|sucked)\b|(?:drank|swallowed|sipped|"
        r"licked|sucked on) (?:\w+ ){0,4}?(?:eucalyptus|tea tree|wintergreen|camphor|clove) oil",
        # A small child chewing a plant: most are harmless, some are not; Poison Control knows.
        r"\b(?:toddler|baby|kid|child|son|daughter|\d+ ?(?:yr|year|y/?o|mo)(?:[- ]old)?)\b.{0,40}"
        r"\b(?:chewed|ate|bit|swallowed|sucked on|chewing|eating)\b.{0,30}\b(?:leaf|leaves|plant|"
        r"berr(?:y|ies)|flowers?|bulbs?)\b",
        # An indoor generator and a household with symptoms: carbon monoxide.
        r"\bgenerator\b.{0,100}\b(?:headaches?|dizzy|nause\w*|vomit\w*|collapsed|passed out|"
        r"confused)|(?:headaches?|dizzy|nause\w*|collapsed|passed out)\b.{0,100}\bgenerator\b",
        r"(?:took|swallowed|taken|downed|popped) (?:a (?:whole|full|entire) (?:bottle|pack|box)"
        r"|(?:way )?too many)",
        r"(?:took|swallowed|ate|taken|downed|popped|eaten) (?:all|(?:way )?too much|a handful|"
        r"a bunch|lots|a lot|double|triple|(?:~|about |around |like )?(?:[1-9]\d+|"
        r"[6-9])(?!\s?(?:mg|"
        r"ml|mcg|years?|months?|weeks?|days?|"
        r"hours?|min))|\w+ times) (?:of )?(?:\w+'?s? ){0,3}?" + MEDICINE,
        # Someone else's medicine taken: the taking is the accident.
        r"(?:took|taken|swallowed|got into) (?:\w+ )?" + _RELATIVE + r"'s (?:\w+ ){0,2}?(?:meds|"
        r"medications?|pills|medicine)\b(?! (?:to|back|in|for|over|with)\b)",
        r"(?:took|taken|gave (?:him|her|them)|given|got|had) (?:my |his |her |their |the |a )?"
        r"(?:\w+ ){0,4}?"
        r"(?:twice|two times|two doses|a double dose|double dose|again by mistake)"
        r"(?! (?:a|per|each|every) (?:day|daily|week|night|morning))"
        r"(?<!vitamin d twice)(?<!vitamins twice)",
        r"(?:double|extra|second|two) doses? of (?:my |his |her |their )?(?:\w+ )?" + DRUG,
        r"(?:drank|drink|sip|sipped|swallowed|mouthful|gulp|swig)\b.{0,60}\b(?:washer fluid|"
        r"acetone|gas(?:oline)?|kerosene|bleach|antifreeze|cleaner|chemicals?|solvent|paint "
        r"thinner|lighter fluid|lamp oil)\b",
        r"(?:squirt|spray|splash|sip|mouthful|glob) of (?:\w+ ){0,2}?(?:sanitizer|cleaner|bleach|"
        r"perfume|cologne|lotion|mouthwash|soap|detergent)\b.{0,20}\b(?:in|into) (?:his|her|my|"
        r"their) mouth",
        r"(?:got|getting|gotten) into (?:\w+ )?(?:\w+'s )?(?:\w+ )?(?:meds?|medicines?|"
        r"medications?|"
        r"pills)\b",
        r"(?:took|taken|had) (?:a|one) (?:bite|nibble|taste) (?:of|from) (?:a |the |some )?"
        r"(?:\w+ )?(?:mushroom|berr(?:y|ies)|plant|leaf|pill|gumm(?:y|ies)|edible)",
        r"(?:did|snorted|took|tried) (?:a line|a bump|some|lines?)\b.{0,30}\b(?:coke|cocaine|meth|"
        r"fentanyl|heroin|powder|what (?:he|she|they) thought)",
        # Splashed or sprayed into the eyes or mouth: Poison Control handles exposures too.
        r"(?:bleach|cleaner|sanitizer|chemicals?|degreaser|ammonia|lysol|disinfectant|spray|"
        r"solution|peroxide)\b.{0,40}\bin(?:to)? (?:my|his|her|their|the|both) (?:\S+ ){0,3}?eyes?|"
        r"splash\w* (?:\w+ ){0,3}?(?:in|into) (?:my|his|her|their) eyes?|sprayed (?:\w+ ){0,3}?"
        r"(?:in|into) (?:my|his|her|their) (?:mouth|eyes?)",
        # A carbon monoxide alarm with symptoms.
        r"(?:\bco\b|carbon monoxide)\b.{0,100}\b(?:headaches?|dizzy|queasy|nause\w*|vomit\w*)|"
        r"(?:headaches?|dizzy|queasy|nause\w*)\b.{0,60}\b(?:\bco (?:alarm|detector)|carbon "
        r"monoxide)",
        # Magnets swallowed (two attract through the gut wall): a Poison Control call at least.
        r"(?:swallowed|swallow|ate|gulped)\b.{0,30}\bmagnets?\b|\bmagnets?\b.{0,30}"
        r"\b(?:swallowed|in (?:his|her|their) (?:belly|tummy|stomach))|(?:se trag[oó]|trago|"
        r"se comio)\b.{0,30}\b(?:imanes|iman)\b",
        # Two products taken that both hold acetaminophen: the liver counts the total.
        r"(?:both|los dos|las dos|ambos|ambas)\b.{0,30}\b(?:have|has|had|contain\w*|traen?|"
        r"tienen?|llevan?)\b.{0,20}\b(?:acetaminophen|paracetamol|tylenol)|(?:also|tambien|ya) "
        r"(?:has|had|have|contains?|contained|trae|tiene|traia|tenia|lleva) (?:\w+ )?"
        r"(?:acetaminophen|paracetamol|tylenol)\b.{0,60}\b(?:took|taken|tome|tomo|tomado)\b|"
        r"(?:took|taken|tome|tomo|tomado)\b.{0,80}\b(?:also|tambien|ya) (?:has|had|have|"
        r"contains?|contained|trae|tiene|traia|tenia|lleva) (?:\w+ )?(?:acetaminophen|"
        r"paracetamol|tylenol)",
        # A new patch put on over the old one: two doses going in at once.
        r"(?:two|2|both|double) (?:\w+ )?patch(?:es)? (?:on|at once|at the same time)|"
        r"forgot to (?:take|peel|remove) (?:the )?old (?:one|patch)(?: off)?|had (?:two|2|both) "
        r"on (?:since|for|all)|(?:dos|2) parches (?:puestos|a la vez|al mismo tiempo)|"
        r"(?:no )?(?:me|le|se) (?:quite|quito|quitaron) el parche (?:viejo|anterior)",
        # The pharmacy filled the wrong strength and it was taken.
        r"(?:pharmacy|pharmacist)\b.{0,80}\b(?:instead of|wrong (?:dose|strength|pills?|"
        r"medication|medicine))\b.{0,80}\b(?:took|taken|taking|been taking)\b",
        r"\d+ ?(?:x|times) (?:a|per) day instead of (?:once|one|1|twice|two|2)\b",
        r"(?:since|after) (?:the )?(?:pharmacy|pharmacist) (?:gave|filled|switched|sent)\b.{0,60}"
        r"\binstead of\b",
        # Another dose at one hour and another at the next: doses stacked by the clock.
        r"\b(?:another|otra|otro)(?: one| dose)? (?:at|a las?) \d{1,2}\b.{0,40}\b(?:another|otra|"
        r"otro)(?: one| dose)? (?:at|a las?) \d{1,2}\b",
        # A caustic or a farm chemical on the skin: an exposure Poison Control handles.
        r"(?:squirt\w*|splash\w*|spill\w*|spray\w*|got)\b.{0,40}\b(?:pesticide|insecticide|"
        r"herbicide|oven cleaner|drain cleaner|lye|acid|caustic)\b.{0,40}\bon (?:my|his|her|their) "
        r"(?:skin|arms?|forearms?|hands?|legs?|face|neck)\b",
        # Another person's medicines given by staff or a relative.
        r"(?:given|gave|got|received) (?:\w+ )?(?:another|someone else'?s|the wrong) (?:\w+'?s? )?"
        r"(?:\w+ )?(?:meds|medications?|pills|medicine)",
        r"(?:then|and)\b.{0,30}\b(?:gave|given) (?:him|her|them) another (?:one|dose|pill)",
        # Edibles and baits, chews and household liquids swallowed.
        r"(?:ate|eaten|had|swallowed|chewed)\b.{0,40}\b(?:brownie|gumm(?:y|ies)|cookie|candy|"
        r"chocolate)\b.{0,40}\b(?:weed|thc|cannabis|marijuana|pot)\b",
        r"(?:ate|eaten|swallowed|chewed|got into|licked|drank|had) (?:\S+ ){0,5}?(?:(?:rat|mouse|"
        r"roach|ant) (?:bait|poison|pellets|traps?)|bait pellets|flea (?:and tick )?(?:chews?|"
        r"pills?|"
        r"collar|treatment)|contact (?:lens )?solution|hydrogen peroxide|rubbing alcohol|"
        r"isopropyl|lysol|disinfectant|mouthwash|nicotine|e-?liquid)",
        r"(?:took|swallowed|drank|ate|made|had|chewed|brewed)\b.{0,50}\b(?:i|we|he|she) "
        r"(?:thought|assumed)\b.{0,6}\b(?:was|were)\b",
        # Swallowed in the belief it was something else: an accident by definition.
        r"(?:took|taken|swallowed|drank|drunk|ate|popped|gave|given|chewed|sprayed)\b.{0,70}"
        r"\bthinking (?:it|they|that|those|these|this) (?:was|were)\b",
        r"(?:took|taken|swallowed|gave (?:him|her|them)|given) (?:an? )?extra (?:\w+ ){0,2}?"
        r"(?:doses?|pills?|tablets?|" + DRUG + r")\b.{0,30}\b(?:by mistake|by accident|"
        r"accidentally|mistake)|(?:by mistake|accidentally|by accident)\b.{0,20}\b(?:took|gave|"
        r"given) (?:him |her |them )?(?:an? )?extra\b",
        # Someone else's medicine in place of one's own.
        r"(?:took|taken|swallowed|gave|given)\b.{0,30}\b(?:her|his)\b.{0,30}\binstead of "
        r"(?:his|her|my|their) (?:own )?\w+",
        r"(?:ate|eaten|chewed|swallowed|bit) (?:on )?(?:a |some |part of (?:a |the )?)?(?:leaf|"
        r"leaves|berries|berry|bulb|stem|flowers?) (?:off|of|from) (?:the|a|my|our|his|her) "
        r"(?:\w+ ){0,2}?(?:plant|bush|tree|shrub)",
        r"(?:bleach|cleaner|detergent|chemicals?|antifreeze|pesticide|gasoline|ammonia)\b.{0,30}"
        r"\bgot in(?:to)? (?:my|his|her|their|the baby'?s?) (?:mouth|eyes?)",
        # Traces of a chemical on a child's lips or tongue: it was in the mouth.
        r"(?:on|around) (?:his|her|their|the baby'?s?) (?:lips|mouth|tongue)\b.{0,60}\b"
        r"(?:bleach|cleaner|detergent|antifreeze|pesticide|gasoline|lighter fluid|rat poison|"
        r"lamp oil|kerosene)\b|\b(?:bleach|cleaner|detergent|antifreeze|pesticide|gasoline|"
        r"lighter fluid|rat poison|lamp oil|kerosene)\b.{0,60}\bon (?:his|her|their) (?:lips|"
        r"mouth|tongue)\b",
        r"(?:chlorine|bleach|ammonia|pool shock|cleaner|chemicals?|pesticide|fumes)\b.{0,60}"
        r"\b(?:breathed|inhaled) (?:some |it |them )?in\b|(?:breathed|inhaled) (?:in )?(?:the |"
        r"some |too much )?(?:chlorine|bleach|ammonia|chemical|cleaner|pesticide) ?(?:fumes|gas|"
        r"powder|spray)?",
        # A double dose said as a verb, or counted against what was prescribed.
        r"\bdouble[- ]?dos(?:ed|ing)\b|\bdoubled (?:up )?(?:on )?(?:my|his|her|their|the) "
        r"(?:\w+ )?(?:dose|meds|pills|insulin|medicine)",
        r"(?:took|taken|gave|given|swallowed|had) (?:\w+ ){0,4}?(?<!\bat )(?<!\bby )"
        r"(?:\d+|two|three|four|five|six) "
        r"(?:\w+ )?instead of (?:\d+|one|two|the (?:one|dose|usual))\b(?! ?(?:am|pm|o'?clock))",
        # Own pills and someone else's taken together.
        r"(?:took|taken|swallowed|had) (?:my|his|her|their) (?:\w+ ){1,3}(?:and|plus|&|as well as) "
        r"(?:my|his|her|their) " + _RELATIVE + r"'?s\b",
        # Someone else's medicine taken by mistake, or one's own pills that turn out not to be.
        r"(?:took|taken|swallowed|gave|given)\b.{0,60}\b" + _RELATIVE + r"'?s\b.{0,40}\b(?:by "
        r"mistake|by accident|mistake|instead)|(?:by mistake|by accident|accidentally)\b.{0,20}"
        r"\b(?:took|gave|swallowed)\b.{0,40}\b" + _RELATIVE + r"'?s\b",
        r"not my (?:\w+ )?(?:med\w*|pills?|medicine|prescription)\b.{0,40}\b(?:i'?ve taken|i took|"
        r"i have taken|been taking)",
        # The wrong medicine, or the wrong amount of it, given by mistake.
        r"(?:gave|given) (?:\S+ ){0,8}?(?:med\w*|pills?|dose|tablets?|ml|"
        r"tylenol|motrin|advil|benadryl)\b.{0,30}\binstead of\b|(?:gave (?:him|her|them|my \S+|the "
        r"(?:baby|kid|child))|given (?:him|her|them)|took|taken) (?:\S+ ){0,3}?(?:the )?wrong "
        r"(?:med\w*|pills?|dose|medicine|prescription|bottle)",
        r"(?:around |about |like |almost |over |nearly )?(?:[5-9]|1\d)(?:\.\d)? ?(?:grams|g)\b"
        r"(?=.{0,80}\b(?:tylenol|acetaminophen|paracetamol)\b)|\b(?:tylenol|acetaminophen|"
        r"paracetamol)\b.{0,80}?(?:around |about |like |almost |over |nearly )?(?:[5-9]|1\d)"
        r"(?:\.\d)? ?(?:grams|g)\b",
        r"(?:ate|eaten|swallowed|chewed|eating) (?:\w+ ){0,3}?(?:berr(?:y|ies)|mushrooms?|leaves|"
        r"plant|seeds?|flowers?)\b.{0,40}\b(?:yard|backyard|bush|garden|wild|woods|park|"
        r"picked|foraged|hike|hiking|trail|camping|no idea what|"
        r"don'?t know what|unknown)",
        # The same dose taken a second time the same day, by someone who forgot the first.
        r"(?:took|taken|had|gave (?:him|her|them)) (?:my |his |her |their |the )?(?:\w+ ){0,2}?"
        r"(?:this morning|earlier|at (?:breakfast|lunch|dinner|noon))\b.{0,20}\b(?:and )?then "
        r"(?:(?:took (?:it|them|another)|had (?:it|them|another)) )?again\b",
        r"(?:ate|swallowed|chewed|got into|had) (?:like |about |around |maybe )?(?:\d+|a bunch|"
        r"a handful|half (?:a|the) (?:jar|bottle|bag|pack)|lots) (?:of )?"
        r"(?:(?:the|my|his|her|their) )?(?:\w+ )?(?:gumm(?:y|ies)|vitamins?|chewables?|"
        r"iron pills?)",
        r"mixed (?:the )?bleach (?:and|with) (?:\w+ )?(?:ammonia|vinegar|cleaner|toilet)",
        # A child into medicine or chemicals: Poison Control's most common call.
        r"\b(?:toddler|baby|kid|child|son|daughter|grandson|granddaughter|\d+ ?(?:yr|year|y/?o|mo)"
        r"(?:[- ]old)?)\b.{0,60}\b(?:ate|eaten|swallowed|got into|chewed|drank|taken)\b.{0,70}"
        + r"(?:"
        + MEDICINE
        + r"|\bpills?\b)",
        r"(?:drank|swallowed|ate|ingested|took|drinking|eating|got into|bit|bit into|chewed|"
        r"licked|sucked on|sipped|got a sip of|took a sip of|had a (?:little |small )?(?:drink|sip|"
        r"swig|taste) of|tasted) "
        r"(?:\w+ ){0,4}?(?:bleach|detergent|pods?|cleaning|"
        r"cleaner|antifreeze|pesticide|rat poison|weed ?killer|lighter fluid|gasoline|"
        r"batter(?:y|ies)|chemicals?|drain|windshield|washer fluid|paint thinner|kerosene|ammonia|"
        r"lamp oil|torch fuel|citronella|nail polish remover|hand sanitizer|essential oils?|cloro|"
        r"(?:dish|laundry|liquid|hand) soap|dishwasher (?:detergent|soap|pods?)|glow ?sticks?|"
        r"pool (?:shock|"
        r"chlorine)|oven cleaner|windex|"
        r"lejia|blanqueador|"
        r"mouthwash)",
        r"(?:was|been|got|is|am|i'?m|he'?s|she'?s) poisoned",
        # A pet's medicine taken by a person: from the bottle, in place of their own.
        r"(?:took|taken|swallowed|popped|had)\b.{0,50}\b(?:dog|cat|pet|puppy|kitten)(?:'s|s'|s)? "
        r"(?:\w+ ){0,2}?(?:meds?|medicines?|pills?|tablets?|" + MEDICINE + r")\b|"
        r"(?:dog|cat|pet|puppy|kitten)(?:'s|s'|s) (?:\w+ ){0,2}?(?:bottle|meds?|medicine|pills?|"
        r"\w+(?:pentin|profen|adol|olol|pril|pam|zole))\b"
        r".{0,60}\b(?:instead of (?:mine|my own)|by mistake|by accident)\b.{0,40}\b(?:took|"
        r"swallowed|taken|popped)\b",
        # Taken from the wrong bottle: the mix-up is the accident.
        r"(?:grabbed|took|opened|used) the wrong (?:bottle|pill ?box|pill organi[sz]er|pen|"
        r"inhaler)\b.{0,60}\b(?:took|taken|swallowed|injected|popped)\b",
        # A child chewing one of an adult's medicines.
        r"(?:chewed|ate|swallowed|bit into|sucked on|licked) (?:on )?(?:one|some|a couple|two|"
        r"half|part) (?:of )?(?:my|his|her|their|the|grandma'?s|grandpa'?s|\w+'s) (?:\w+ ){0,2}?"
        + MEDICINE,
        # Lost count of a painkiller taken all day: an unknown, likely excessive amount.
        r"(?:taking|took|taken|popping|had)\b.{0,60}\b(?:" + DRUG + r")\b.{0,80}\blost count|"
        r"lost count\b.{0,40}\b(?:of )?(?:how many|the|my) (?:pills|tablets|doses|" + DRUG + r")",
        # A weekly or daily shot given twice.
        r"(?:did|done|injected|gave (?:myself|him|her)|took|used) (?:my |his |her |the )?(?:\w+ )"
        r"{0,2}?(?:shot|injection|pen|jab)s? (?:twice|two times)\b(?! (?:a|per|each) (?:day|week))",
        # A caustic on the skin that burns, or a powder blown into the face and mouth.
        r"(?:drain cleaner|oven cleaner|lye|bleach|acid|ammonia|pool (?:shock|chlorine)|"
        r"chemicals?)\b.{0,50}\b(?:on|onto|all over|in) (?:my|his|her|their|the baby'?s?) "
        r"(?:hands?|arms?|forearms?|skin|face|legs?|feet|foot)\b.{0,60}\b(?:burn\w*|sting\w*|red|"
        r"blister\w*|peel\w*)",
        r"(?:bleach|cleaner|chemicals?|pool (?:shock|chlorine)|powder|pesticide|ammonia)\b.{0,60}"
        r"\b(?:got|get|getting) (?:some |a little |a bit |it )?in(?:to)? (?:my|his|her|their) "
        r"(?:mouth|eyes?)",
        r"(?:rubbed|touched|wiped) (?:my|his|her|their) eyes?\b.{0,40}\b(?:oven cleaner|drain "
        r"cleaner|bleach|cleaner|chemicals?|pepper spray|peppers?)\b",
    ),
    "seizure": (
        r"(?:keppra|seizures?|epilep\w*|convuls\w*|depakote|lamictal|"
        r"dilantin)\b.{0,120}\b(?:having|"
        r"is having|had) another one|(?:having|is having) another one\b.{0,120}\b(?:seizures?|"
        r"keppra|epilep\w*)",
        r"(?:having|havin|had|has|is having) (?:a |another )?(?:s(?:ei|ie)zure|fit|convulsion)s?"
        r"(?! disorder| history| plan| action| med| clinic| specialist| doctor| follow)",
        r"\bs(?:ei|ie)zing\b",
        r"convuls(?:ing|ed)|(?:having|in|into|went into|is having) convulsions?",
        r"(?:shaking|jerking|twitching|thrashing) (?:uncontrollabl[ey]|all over|violently|"
        r"and (?:not|won'?t|isn'?t) respond)",
        r"eyes (?:are )?(?:rolled|rolling) (?:back|up)",
        r"(?:one|seizure) after (?:another|the other)|(?:doesn'?t|not|without) wak\w* up between|"
        r"\btonic.?clonic\b|active seizure",
        r"(?:twitching|shaking|jerking|convulsing) on the (?:floor|ground|bed)",
        r"foaming at the mouth",
        r"s(?:ei|ie)zures? (?:has |have )?(?:lasted|lasting|won'?t stop|isn'?t stopping|"
        r"for (?:more than|over) \d+)",
        r"s(?:ei|ie)zures? (?:one after another|back to back)",
    ),
    "unconscious": (
        r"\buncon\w*ious",
        r"\bunresponsive",
        _NOT + r" (?:waking|wake|be woken|respond|responding|rousable)\b(?: up)?"
        # Not "won't wake up for school" or "isn't responding to the antibiotics".
        r"(?!(?: up)? (?:for|in time|early|on time|until|to (?:the |my |his |her )?"
        r"(?:treatment|medication|meds|antibiotics|therapy|emails?|messages?|texts?|calls?)))",
        _CANT + r" (?:wake|rouse|wake up) (?:him|her|them|my|\w+)",
        r"(?:collapsed|passed out|fainted|blacked out|fell down) and "
        r"(?:is |isn'?t|won'?t|can'?t|not)",
        r"(?:barely|hardly|not|isn'?t really|not really) (?:responding|responsive|conscious|awake)",
        r"(?:not|isn'?t|isnt) (?:talking|moving|breathing) (?:or|and|nor) "
        r"(?:moving|talking|breathing)",
        r"(?:not|isn'?t|isnt|won'?t) (?:answering|answer) (?:me|us|when)",
    ),
}

CUES: dict[str, tuple[str, ...]] = {
    "cardiac": (r"heart ?(?:attack|atack)", r"heart (?:is )?(?:racing|pounding)", r"\bchest\b"),
    "stroke": (r"\bstroke\b", r"\bconfus(?!ing)", r"can'?t (?:talk|speak)"),
    "bleeding": (r"\bbleed", r"\bblood\b"),
    "respiratory": (r"\bwheez", r"asthma attack", r"\bbreath", r"\bair\b"),
    "allergic": (r"allergic reaction", r"\bhives"),
    "overdose_poisoning": (
        r"overdose",
        r"poison",
        r"\b(?:heroin|fentanyl|opioids?|drugs)\b",
        # How much was taken: a count, a double dose, a few days' worth at once.
        r"\b(?:took|taken|swallowed|ate|gave (?:him|her))\b.{0,40}\b(?:at once|all at once|"
        r"by (?:accident|mistake)|(?:\d+|two|three|four|several) (?:days?|doses|pills|tablets))\b",
    ),
    "seizure": (r"s(?:ei|ie)zure", r"\bfits?\b", r"\bshaking\b", r"\bjerking\b", r"convulsion"),
    "unconscious": (r"collapsed|passed out|fainted|blacked out", r"won'?t wake"),
    # Risk words that are often, not always, about self-harm: similarity decides, except in
    # pattern-only mode, where they escalate (a miss costs more than a false alarm).
    "self_harm": (
        r"would (?:anyone|anybody) (?:even )?(?:notice|care|miss me)",
        r"sorry for (?:wasting|taking up) (?:everyone'?s|your|all your) time|(?:don'?t|"
        r"dont) know if "
        r"(?:i'?ll|ill|i will) (?:\w+ ){0,3}next time",
        r"can'?t (?:do|take|go on with) (?:this|it|life) any ?more",
        r"(?:just )?end it all|just end it",
        r"hopeless|worthless|no way out|nothing (?:to live for|matters)",
        r"give up on (?:life|everything|myself)|done with (?:life|living|everything)",
        r"(?:in case|if|when|after) (?:i|im|i'?m|i am) (?:gone|dead|not (?:here|around))",
        r"(?:have|got|with) (?:other |big )?(?:plans|a plan) (?:for|with) (?:them|these|those|the "
        r"(?:pills|meds|rest)|my (?:pills|meds))",
        r"\b(?:on purpose|intentionally|deliberately)\b",
        r"\bi (?:have|'?ve got|made) a plan\b(?! (?:to|for) (?:lose|quit|eat|exercise|save|pay|"
        r"get|start|stop))",
        r"(?:bigger|larger|extra|big) supply (?:on hand|at home)|want (?:it|them) to be enough",
        r"(?:gave|giving|given) (?:away )?(?:my|all my) [a-z ]{0,30}?(?:away|to (?:my|a|the|his|"
        r"her|some))\b",
        # A farewell counts only beside another warning sign (two cues escalate together).
        r"thank (?:you|u) for everything\b.{0,80}(?:goodbye|won'?t need|given|gave|giving)",
        r"(?:doesn'?t|won'?t|wont|will not) matter (?:after (?:that|this|today|tonight)|soon|"
        r"for (?:me|long))|(?:plenty|lots|a lot|enough|extra) (?:of (?:them|pills|"
        r"meds) )?on hand\b",
        r"(?:take care of|look after|feed) my (?:dog|cat|kids|pets?|plants)\b.{0,20}\bfor me\b|"
        r"tell (?:\w+ ){1,3}(?:i said )?goodbye",
        r"(?:won'?t|wont|will not) (?:be )?need(?:ing)? (?:them|these|my (?:things|stuff|pills|"
        r"meds|clothes|car|guitar|dog|cat|appointments?))(?: any ?more|$|[.,;!])",
        r"(?:wrote|written|writing|left) (?:\w+ )?(?:letters?|notes?) (?:to|for) (?:my|each of my|"
        r"all "
        r"my) (?:kids|children|family|wife|husband|parents|sons?|daughters?|friends|mom|dad)",
    ),
}

# A cause named next to a symptom decides the category: "ate peanuts ... can't breathe" is an
# allergic reaction, "using heroin ... barely breathing" an overdose.
CAUSES: dict[str, str] = {
    # An allergy medicine names no allergen: "her allergy pill" is what was meant to be taken.
    "allergic": (
        r"\b(?:allerg\w*(?! (?:pills?|meds?|medicines?|medications?|shots?|tablets?))|peanuts?|"
        r"nuts|shellfish|shrimp|bee|wasp|stung|hives|(?:bee|wasp|hornet|insect|bug|jellyfish|"
        r"scorpion|ant) stings?)\b"
    ),
    "overdose_poisoning": (
        r"\b(?:overdos\w*|poison\w*|heroin|fentanyl|opioids?|bleach|detergent)\b"
    ),
}

# Words that make a topic cue acute: something is happening now and someone needs help.
ACUTE_CONTEXT = (
    r"\b(?:having|havin|happening|right now|just now|as we speak|currently|in progress|"
    r"won'?t stop|not stopping|keeps?|getting worse|worse and worse|help|ambulance|911|emergency|"
    r"hurry|urgent(?:ly)?|dying|not responding|not waking)\b"
)
