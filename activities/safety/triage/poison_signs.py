"""What a message says about a poisoning, beyond that it happened: how much was taken, whether
the person is awake or shows a danger sign, and whether what was swallowed burns from inside
(a button battery, magnets). The engine's tier rules read these."""

from __future__ import annotations

import re

# "I took all my pills": an adult's own whole supply, with no accident said, is self-harm.
SELF_TOOK = re.compile(
    r"\b(?:i|i'?ve|i have|i just) (?:just )?(?:took|taken|swallowed|downed|ate)\b|"
    # The subject dropped, as in a hurried text: "just took all my ...".
    r"^\W*(?:just )?(?:took|swallowed|downed) all (?:my|of my)\b|"
    r"\b(?:he|she|they) (?:just )?(?:took|swallowed|downed) all (?:his|her|their)\b|"
    r"\bme (?:tome|trague|bebi)\b"
)
# So much that it is a 911 call whoever took it and however they seem: a whole bottle.
MASSIVE = re.compile(
    r"\b(?:(?:a|the|an) (?:whole|entire|full) (?:bottle|box|pack|packet|jar|container|strip)|"
    r"(?:all|the rest|every (?:single |last )?one) of (?:the|my|his|her|their) (?:\w+ )?(?:pills|"
    r"meds|tablets|bottle)|(?:took|swallowed|taken) all (?:my|his|her|their) (?:\w+ )?(?:pills|"
    r"meds|tablets|\w+(?:ine|pam|lam|done|zole|pril|olol|ate|ol|quel))\b|"
    r"(?:un|el|una|la) (?:frasco|bote|pote|envase|caja) (?:entero|entera|complet[oa])|tod[oa] "
    r"(?:el|la) (?:frasco|bote|pote|envase|caja)|todas (?:las|mis|sus) pastillas|"
    # Said of pills, a whole container is the same as "the whole bottle".
    r"(?:me|se) (?:tome|tomo|trague|trago) (?:un|una|el|la) (?:frasco|bote|pote|potecito|envase|"
    r"tarro|botella|caja))\b"
)
# A poisoning with any of these is a 911 call, not a Poison Control one.
SEVERE = frozenset({"unconscious", "respiratory", "seizure", "cardiac"})
PASSED_OUT = re.compile(
    r"\b(?:passed out|blacked out|fainted|collapsed|unresponsive|won'?t wake|can'?t wake|"
    r"hard to wake|difficult to wake|can'?t stay awake|won'?t open (?:his|her|their) eyes|"
    r"keeps? falling asleep|falling asleep|se cayo al piso|fell (?:down|to the floor|over)|"
    r"(?:doesn'?t|does not|no) (?:know|sabe) (?:where|donde)|no reconoce|hallucinat\w*|alucinando|"
    r"agitad[oa]|(?:breathing|respira) (?:really |very |super )?(?:fast|rapid\w*)|"
    r"respira rapidisimo|"
    r"not answering|no contesta|sin sentido|"
    r"nodding off|can'?t keep (?:my|his|her|their) eyes open|lips (?:are |look |turning |went )?"
    r"(?:kinda |kind of |a bit |sort of )?"
    r"(?:blue|purple|gr[ae]y)|blue lips|labios (?:morados|azules)|(?:so|very|really|super) drowsy|"
    r"twitch\w*|jerking|convuls\w*|no se (?:puede )?mantener despiert[oa]|"
    r"(?:can|could) (?:barely|hardly) (?:wake|rouse)|"
    r"(?:breathing|respiration|breaths?) (?:is |are |seems |looks )?(?:very |really |super |so )?"
    r"(?:slow|shallow)|(?:is|seems|acting|very|really|so) confused|not making (?:any )?sense|"
    r"incoherent|confused|confundid[oa]|can'?t (?:stand|walk|keep (?:him|her|them) (?:up|awake))|"
    r"snoring|gurgl\w*|cuesta respirar|(?:is|looks|turning|turned|and|so) (?:gray|grey|blue|"
    r"purple)|\d+ (?:times|breaths) (?:a|per) minute|no tiene sentido|(?:now|and|gets|"
    r"getting) confused|confused and|"
    r"can'?t think straight|cant think straight|stumbling|disoriented|desorientad[oa]|tambale\w*|"
    r"no (?:lo|la|le) (?:puede|pueden|podemos|puedo) despertar|hard to rouse|"
    r"(?:vomit\w*|throwing up|threw up) blood|vomitando sangre|no (?:tiene|"
    r"hace) sentido lo que dice|"
    r"super sleepy|very sleepy|really sleepy|lethargic|limp|"
    r"seeing things|hearing things|talking nonsense|slurr\w*|(?:words|speech) (?:are |is )?"
    r"(?:coming out )?(?:weird|funny|jumbled|slurred)|barely (?:opens?|open) (?:his|her|their|my) "
    r"eyes|chest (?:pain|hurts|feels (?:funny|tight|heavy|weird))|can'?t see straight|"
    r"walking like (?:he'?s|she'?s|i'?m|they'?re) drunk|burning (?:up|hot)|"
    r"ve cosas|habla (?:puras )?incoherencias|arrastra las palabras|"
    r"floppy|barely breathing|breathing (?:very |really |super )?slow(?:ly)?|(?:respira|"
    r"respirando) (?:muy )?(?:despacio|lento)|apenas respira|se desmayo|"
    r"me desmaye|se desmaya|desmayad[oa]|"
    r"perdio el conocimiento|"
    r"no despierta|no se despierta|no responde|"
    r"inconsciente|muy dormid[oa]|muy somnolient[oa]|dificil de despertar|flojit[oa]|"
    r"no (?:me|nos|te) reconoce|respiro (?:muy )?(?:despacio|lento)|gasping|"
    # Lying on the floor, not a package found there.
    r"(?:is|was|lying|laying|found (?:him|her|them)|he'?s|she'?s|still) on the floor|"
    r"(?:no puedo|no puede) (?:tener|mantener) los ojos abiertos|"
    # Half awake: roused but not fully, only mumbling.
    r"can'?t get (?:him|her|them|my \w+) (?:to )?(?:wake|awake)|won'?t (?:fully )?wake|"
    r"(?:just |only |keeps? )?mumbl\w*|barely (?:awake|respond\w*|conscious)|out of it|"
    r"no (?:se )?despierta (?:bien|del todo)|balbuce\w*|medio dormid[oa] y no)\b"
)
# Swallowed button batteries and magnets: the tier stays the label set's (Poison Control
# while the child is awake), but the guidance sends them to an emergency room at once.
SWALLOWED_OBJECT = re.compile(
    r"\b(?:(?:button|coin|watch|lithium|remote|hearing[- ]aid) (?:cell )?batter(?:y|ies)|coin "
    r"cells?|magnets?|(?:pila|bateria)s? (?:de )?(?:boton|reloj|moneda)|imanes|iman)\b"
)
OBJECT_DANGER = re.compile(
    r"(?<!\bno )(?<!\bnot )(?<!\bwithout )(?<!\bsin )(?<!\bni )"
    r"\b(?:drool\w*|vomit\w*|throwing up|threw up|won'?t (?:eat|drink|swallow)|refus\w+ to (?:eat|"
    r"drink)|can'?t swallow|gagging|chest pain|belly pain|stomach pain|tummy hurts|coughing|"
    r"blood|fever|babea\w*|no quiere (?:comer|tomar)|no puede tragar|sangre)\b"
)
# Said of a poisoning, these say the person is awake: Poison Control first.
AWAKE = re.compile(
    r"\b(?:awake|alert|talking|acting (?:normal|fine|ok)|seems (?:fine|ok|okay|normal)|"
    r"(?:is|he'?s|she'?s) (?:fine|ok|okay)|playing|esta (?:bien|jugando|despierto|despierta)|"
    r"breathing (?:fine|ok|okay|normally|normal|is fine|is ok)|otherwise (?:fine|ok|okay)|"
    r"(?:i )?feels? (?:fine|ok|okay)|me siento bien|respira bien|"
    r"jugando normal|se ve bien|normal)\b"
)
