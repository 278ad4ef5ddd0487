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
_DRUG = (
    r"(?:pills|meds|medications?|medicine|tablets|capsules|tylenol|acetaminophen|paracetamol|"
    r"ibuprofen|advil|motrin|aspirin|xanax|valium|ativan|klonopin|oxy\w*|percocet|vicodin|"
    r"opioids?|fentanyl|heroin|morphine|benadryl|insulin|ambien|antidepressants?|sleeping pills)"
)

ACUTE: dict[str, tuple[str, ...]] = {
    "cardiac": (
        r"chest (?:pains?|pressure|tightne?s+|is tight|feels (?:tight|heavy)|hurts|is hurting"
        r"|is squeezing|squeez\w*|heaviness|discomfort)",
        r"(?:pain|pressure|tightne?s+|squeezing|heaviness|crushing) in " + _ME + r" chest",
        r"crushing (?:pain|pressure|feeling)",
        r"(?:clutch|grabb|hold)(?:ing|ed) (?:at )?(?:my|his|her|their) chest",
        r"(?:elephant|someone|somebody|something|a weight) (?:is )?(?:sitting|standing|pressing)"
        r" on (?:my|his|her|their) chest",
        r"(?:having|havin|have|had|is having) a (?:heart ?attack|heart ?atack|cardiac arrest)",
        r"cardiac arrest",
        r"pain (?:spreading|radiating|going|shooting|moving) (?:down |up |in|out )?(?:to |into )?"
        + _ME
        + r"? ?(?:left )?(?:arm|jaw|back|neck|shoulder)",
        r"left arm (?:is |went |feels )?(?:numb|tingling|aches|hurts)",
    ),
    "stroke": (
        r"slurr(?:ed|ing|s)",
        r"(?:speech|words|talking|voice) (?:is |are |sounds? )?(?:all )?(?:garbled|jumbled|mixed up"
        r"|doesn'?t make sense|not making sense|makes no sense|funny|strange|weird)",
        r"talking (?:funny|strange|weird|gibberish|nonsense)",
        # Plain "can't talk" is only a cue: a choking person can't talk either.
        _CANT + r" (?:get (?:my|his|her|their|the) words out|find (?:the|my|his|her) words)",
        r"(?:face|mouth|smile|lip|eye(?:lid)?) (?:is |went |looks |seems |has )?(?:all )?"
        r"(?:drooping|droopy|droops|crooked|lopsided|sagging|uneven)",
        r"facial droop",
        r"(?:one|left|right) side of (?:my|his|her|their|the) (?:face|body)",
        r"(?:left|right|one) side (?:is |went |feels )?(?:numb|weak|limp|paralyzed|dead)",
        _CANT
        + r" (?:move|feel|lift|raise) (?:one|the|my|his|her|their) (?:side|arm|leg|left|right)",
        r"(?:arm|leg|hand) (?:went|is|suddenly|has gone|just went) (?:weak|limp|numb|dead)",
        r"sudden(?:ly)? (?:numb|weak|confus|can'?t see|can'?t (?:speak|talk)|vision|blind|"
        r"trouble (?:speak|see|walk))\w*",
        r"confused (?:all of a sudden|suddenly)",
        r"worst headache (?:of (?:my|his|her|their) life|ever)",
        r"(?:having|havin|is having|had) a stroke",
    ),
    "bleeding": (
        r"bleeding (?:heavily|a lot|badly|profusely|so much|really bad(?:ly)?|everywhere|non ?stop"
        r"|that won'?t stop|won'?t stop)",
        r"(?:blood|bleeding) (?:won'?t|will not|doesn'?t|isn'?t|wont|is not) stop",
        r"(?:won'?t|can'?t) stop (?:the )?bleeding",
        r"(?:heavy|severe|uncontrolled|massive|lots of|so much|a lot of|too much) "
        r"(?:bleeding|blood)",
        r"(?:spurting|gushing|pouring|squirting|pumping|streaming)(?: out)? blood",
        r"blood (?:is |keeps )?(?:spurting|gushing|pouring|squirting|pumping|everywhere)",
        r"(?:coughing|throwing|vomiting|puking|spitting|peeing|pooping) (?:up )?blood",
        r"soak(?:ed|ing) (?:through )?(?:a |the |\w+ )?(?:towels?|pads?|bandages?|gauze|shirt)",
    ),
    "breathing": (
        _CANT + r" (?:breath|breathe|breathing)\b",
        r"(?:struggling|fighting|hard|trouble|difficulty|problems?|barely|hardly) (?:to )?"
        r"breath(?:e|ing)?\b",
        r"(?:not|isn'?t|stopped|stop|quit) breathing",
        r"(?:doesn'?t|does not|don'?t|can'?t tell if (?:he|she|they)'?s?) "
        r"(?:seem to be |appear to be |look like (?:he|she|they)'?s? )?breathing",
        r"short(?:ness)? of breath",
        r"(?:gasping|struggling|fighting) for (?:air|breath)",
        _CANT + r" (?:get|catch) (?:any |enough )?(?:air|(?:my|his|her|their|a) breath)",
        r"choking\b",
        r"(?:turning|going|turned|looks?|are|is) (?:blue|purple|gr[ae]y)",
        r"suffocat",
        r"breathing (?:really |very |so )?(?:fast|hard|shallow|weird|funny|strange|noisy)",
        r"ribs (?:are )?(?:sucking|pulling) in",
    ),
    "allergic_reaction": (
        r"throat (?:is |feels |keeps )?(?:getting |going )?(?:closing|swelling|swollen|tight"
        r"|tightening|closed)",
        r"(?:lips?|tongue|tounge|face|eyes?|mouth)(?: and (?:\w+ )?\w+)? (?:is |are |keeps? )?"
        r"(?:swelling|swollen|swell up|puffing up|puffy|blowing up)",
        r"swelling (?:in|of) " + _ME + r" (?:throat|tongue|lips|face|mouth)",
        r"ana(?:ph|f)(?:y|a|i)la",
        r"(?:used|gave|given|took|jabbed) (?:my|his|her|their|the|an) (?:epi-?pen|epinephrine)",
        r"(?:hard|difficult|trouble|can'?t|unable|barely|hardly) (?:to )?swallow",
        r"hives (?:all over|everywhere)",
    ),
    "overdose_poisoning": (
        r"overdos(?:ed|ing)",
        r"\bod'?(?:ing|d|ed)\b",
        r"(?:took|swallowed|taken|downed|popped) (?:a (?:whole|full|entire) (?:bottle|pack|box)"
        r"|(?:way )?too many)",
        r"(?:took|swallowed|ate|taken|downed|popped|eaten) (?:all|(?:way )?too much|a handful|"
        r"a bunch|lots|a lot|double|triple|[1-9]\d+(?!\s?(?:mg|ml|mcg|years?|months?|weeks?|days?|"
        r"hours?|min))|\w+ times) (?:of )?(?:\w+'?s? ){0,3}?" + _DRUG,
        r"(?:took|taken|swallowed) (?:way )?more (?:of )?(?:\w+ ){0,4}?than (?:i|he|she|they|we)"
        r" (?:should|was supposed|were supposed|are supposed|is supposed)",
        r"(?:drank|swallowed|ate|ingested|took|drinking|eating|got into) "
        r"(?:some |a |the |a bit of |a bunch of )?(?:\w+ )?(?:bleach|detergent|pods?|cleaning|"
        r"cleaner|antifreeze|pesticide|rat poison|weed ?killer|lighter fluid|gasoline|"
        r"batter(?:y|ies)|chemicals?|drain)",
        r"(?:ate|swallowed|took|got into) (?:some|a few|several|one|two) of (?:\w+'?s |my |his |"
        r"her )?" + _DRUG,
        r"drank something",
        r"(?:was|been|got|is|am|i'?m|he'?s|she'?s) poisoned",
    ),
    "seizure": (
        r"(?:having|havin|had|has|is having) (?:a |another )?(?:s(?:ei|ie)zure|fit|convulsion)s?"
        r"(?! disorder| history| plan| action| med| clinic| specialist| doctor| follow)",
        r"\bs(?:ei|ie)zing\b",
        r"convuls(?:ing|ion|ions|ed)",
        r"(?:shaking|jerking|twitching|thrashing) (?:uncontrollabl[ey]|all over|violently|"
        r"and (?:not|won'?t|isn'?t) respond)",
        r"eyes (?:are )?(?:rolled|rolling) (?:back|up)",
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
    ),
}

# Self-harm is kept apart: its phrases are never suppressed by the negation and tense guards.
SELF_HARM: tuple[str, ...] = (
    r"suicid|suiside|sucid",
    r"kill(?:ing|ed|s)? " + _SELF,
    r"(?:end|ending|take|taking|ended|took) (?:my|his|her|their) (?:own )?life",
    r"(?:want|wants|wanted|wanting|plan|plans|planning|ready|decided|wish|wishing) (?:\w+ )?to die",
    r"(?:want|wants|wanted|wanting|going|gonna|plan|plans|planning|ready|decided|thinking|thought"
    r"|think) (?:about |of |on )?(?:how )?(?:to |i'?d |i would )?(?:just )?(?:end|ending) "
    r"(?:it|things|everything|my|his|her|this)",
    r"(?:thinking|thought|think|thoughts) (?:a lot )?(?:about|of) (?:dying|death|being dead|"
    r"not being here|not waking up)",
    r"(?:hurt|hurting|harm|harming|cut|cutting|burn|burning|hang|hanging) " + _SELF,
    r"self[- ]?harm",
    r"(?:rather be|better off|wish (?:i|he|she) (?:was|were)) dead",
    r"(?:don'?t|doesn'?t|do not|does not) want to (?:live|be alive|be here|exist|wake up|go on)",
    r"no (?:reason|point) (?:to|in|for me to|for me) (?:live|living|go on|going on|be alive|"
    r"being alive|keep going|be here)",
    r"(?:don'?t|can'?t|do not|cannot) see (?:the|any) point (?:of|in) (?:going on|living|life|"
    r"anything|carrying on|being here|being alive)",
    r"what'?s the point (?:of|in) (?:living|life|going on|anything|it all|being alive)",
    r"(?:better off|happier|easier) without me",
    r"(?:such a|i'?m a|i am a|just a) burden",
    r"(?:sleep|want|wish|hope|like)\w* (?:\w+ ){0,4}never wake up",
    r"disappear (?:forever|for good|permanently)",
    r"(?:saving|stockpiling|hoarding|collecting|saved|stashing|stockpiled)(?: up)? (?:my |all my |"
    r"his |her |\w+ )?(?:pills|meds|medication|tablets)",
    r"(?:goodbye|suicide) (?:letters?|notes?)|(?:letters?|notes?)\b.{0,30}goodbye"
    r"|(?:say|saying|said) goodbye (?:to everyone|forever|for good)",
    r"giving away (?:all )?(?:of )?(?:my|his|her|their) (?:stuff|things|belongings|possessions)",
    r"(?:jump|jumping) (?:off|from|in front of) (?:a |the |my )?(?:\w+ )?(?:bridge|building|roof"
    r"|train|cliff|balcony|overpass|tower|window|car|bus|truck)",
    r"bought a (?:rope|gun)|\bnoose",
    r"(?:slit|slitting|slash|slashing|cut|cutting) (?:my|his|her|their) (?:wrists?|throat)",
    r"tired of (?:living|being alive|life)",
    r"(?:life|living) (?:isn'?t|is not|not|ain'?t) worth (?:living|it)",
    r"(?:nobody|no one|no-one) (?:would|will|'?d) (?:even )?(?:notice|care|miss me)",
    r"(?:everything|it all) to (?:end|stop)|want it (?:all )?to (?:end|stop)",
    r"(?:not sure|don'?t know if|doubt) (?:i'?ll|i will|i'?d) (?:still )?be (?:around|here|alive)",
    r"(?:won'?t|will not) be (?:around|here|alive) (?:much longer|for long|anymore)",
    r"(?:urges?|thoughts?) (?:are back|to (?:cut|hurt|harm|die)|of (?:hurting|killing|harming|"
    r"ending|dying|cutting))",
    r"(?:overdose|od|took \w+|swallowed \w+|hurt \w+) on purpose",
    r"don'?t want to be here any ?more",
)

CUES: dict[str, tuple[str, ...]] = {
    "cardiac": (r"heart ?(?:attack|atack)", r"heart (?:is )?(?:racing|pounding)", r"\bchest\b"),
    "stroke": (r"\bstroke\b", r"\bnumb\b", r"\bconfus", r"can'?t (?:talk|speak)"),
    "bleeding": (r"\bbleed", r"\bblood\b"),
    "breathing": (r"\bwheez", r"asthma attack", r"\bbreath", r"\bair\b"),
    "allergic_reaction": (r"allergic reaction", r"\b(?:bad|severe|serious) reaction", r"\bhives"),
    "overdose_poisoning": (r"overdose", r"poison", r"\b(?:heroin|fentanyl|opioids?|drugs)\b"),
    "seizure": (r"s(?:ei|ie)zure", r"\bfits?\b", r"\bshaking\b", r"\bjerking\b"),
    "unconscious": (r"collapsed|passed out|fainted|blacked out", r"won'?t wake"),
    # Risk words that are often, not always, about self-harm: similarity decides, except in
    # pattern-only mode, where they escalate (a miss costs more than a false alarm).
    "self_harm": (
        r"can'?t (?:do|take|go on with) (?:this|it|life) any ?more",
        r"(?:just )?end it all|just end it",
        r"(?:if|when|after) i(?:'?m| am| was| were)? (?:gone|dead|not here|not around)",
        r"hopeless|worthless|no way out|nothing (?:to live for|matters)",
        r"give up on (?:life|everything|myself)|done with (?:life|living|everything)",
    ),
}

# A cause named next to a symptom decides the category: "ate peanuts ... can't breathe" is an
# allergic reaction, "using heroin ... barely breathing" an overdose.
CAUSES: dict[str, str] = {
    "allergic_reaction": (
        r"\b(?:allerg\w*|peanuts?|nuts|shellfish|shrimp|bee|wasp|stung|sting|hives)\b"
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
