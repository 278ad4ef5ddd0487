"""Self-harm phrases, English: intent, plans, farewells, stockpiling and questions about
amounts that kill or keep someone from waking. Kept apart from the physical patterns because
the negation and tense guards never suppress them (only a plain denial does)."""

from __future__ import annotations

from .patterns import _SELF, MEDICINE

# Self-harm is kept apart: its phrases are never suppressed by the negation and tense guards.
SELF_HARM: tuple[str, ...] = (
    r"suicid|suiside|sucid",
    r"kill(?:ing|ed|s)? " + _SELF,
    r"(?:end|ending|take|taking|ended|took) (?:my|his|her|their) (?:own )?life",
    r"(?:want|wants|wanted|wanting|plan|plans|planning|ready|decided|wish|wishing) (?:\w+ )?to die",
    r"(?:want|wants|wanted|wanting|going|gonna|plan|plans|planning|ready|decided|thinking|thought"
    r"|think) (?:about |of |on )?(?:how )?(?:to |i'?d |i would )?(?:just )?(?:end|ending) "
    r"(?:it|things|everything|my|his|her|this)(?! with\b)",
    r"(?:thinking|thought|think|thoughts) (?:a lot )?(?:about|of) (?:dying|death|being dead|"
    r"not being here|not waking up)",
    r"(?:hurt|hurting|harm|harming|cut|cutting|burn|burning|hang|hanging) " + _SELF,
    r"self[- ]?harm",
    r"no (?:reason|point) (?:to|in|for me to|for me) (?:live|living|go on|going on|be alive|"
    r"being alive|keep going|be here)",
    r"(?:don'?t|can'?t|do not|cannot) see (?:the|any) point (?:of|in) (?:going on|living|life|"
    r"anything|carrying on|being here|being alive)",
    r"(?:better off|happier|easier) without me|better off (?:if|when) i(?:'?m| am| was| were) "
    r"(?:gone|dead|not here|not around)|(?:will|'ll) (?:all )?be better off soon",
    r"(?:made|making|have made|i'?ve made) (?:my|all my|the|final) (?:final )?arrangements",
    r"(?:such a|i'?m a|i am a|just a) burden",
    r"(?:sleep|want|wish|hope|like)\w* (?:\w+ ){0,4}never wake up",
    r"disappear (?:forever|for good|permanently)",
    r"(?:saving|stockpiling|hoarding|collecting|saved|stashing|stockpiled)(?: up)? (?:my |all my |"
    r"his |her |\w+ )?(?:pills|meds|medication|tablets)",
    r"(?:saving|stockpiling|hoarding|stashing|collecting|hiding|hid)(?: up)? (?:my |all my |his "
    r"|her |their )?" + MEDICINE,
    r"build(?:ing)? up (?:a |my )?(?:supply|stash)|filled at (?:\d+|two|three|several|"
    r"different|diff) (?:diff(?:erent)? )?pharmacies",
    r"(?:want|wanna|wish|like|just want) to (?:\w+ ){0,3}?(?:sleep|go to sleep|fall asleep)\b"
    r".{0,20}\b(?:not|never|and not) wake(?: up)?",
    # A large amount asked about in terms of sleep or death: always the crisis line.
    r"(?:took|take|takes|swallowed|swallow|ate) (?:all|the whole|a whole|an entire|\d\d+|too "
    r"many)\b.{0,50}\bwould (?:\w+ ){1,2}?(?:just )?(?:fall asleep|go to sleep|drift off|die|"
    r"not wake|never wake|be painless)",
    r"\b(?:overdose|od)\b.{0,40}\b(?:kill (?:you|me|someone|a person)|to die|painless|"
    r"peaceful)\b|(?:painless|peaceful|quickest|easiest) (?:way to die|death|overdose)|how long "
    r"(?:does|would|will) (?:it|an? (?:\w+ )?overdose) take to (?:kill|die)",
    r"(?:goodbye|bye|farewell)\b.{0,80}\b(?:i )?(?:took|swallowed|taken) (?:the|all|my|them)\b",
    r"(?:tell|let) (?:\w+ ){1,3}(?:i'?m|im|i am) sorry\b.{0,60}\b(?:took|swallowed|taken)\b|"
    r"\bi took (?:them all|all of them)\b",
    r"how long (?:does|would|will) (?:\w+ ){0,3}take to (?:work|kill|act) on (?:a person|"
    r"someone|you|me|a human|people)",
    r"what (?:happens|would happen|will happen|'?d happen|could happen) if (?:someone|somebody|"
    r"a person|you|i) (?:takes?|took|swallows?|swallowed|ate|had) (?:like |about )?"
    r"(?:\d\d+|all|the whole|a whole|an entire)",
    r"to (?:go to )?sleep and (?:not|never) wake(?: up)?",
    # Sleeping and not waking, said of oneself; not "never wake up rested".
    r"\bsleep and (?:just )?(?:not|never) wake(?: up)?\b(?! (?:rested|refreshed|on time|early|"
    r"until|till|at|before|during|in the|feeling))",
    # A decision announced while calling off care: a plan made.
    r"made (?:my|the|a|this) (?:decision|choice)\b.{0,60}\bat peace\b|\bat peace with (?:my|the|"
    r"this) (?:decision|choice)\b|(?:don'?t|do not|no need to) (?:schedule|book|bother with) "
    r"(?:my |the |any |a )?(?:follow[- ]?ups?|next (?:visit|appointment)|appointments?)\b.{0,60}"
    r"\b(?:made (?:my|the) (?:decision|choice)|at peace|(?:won'?t|wont) (?:be )?need)",
    # Arranging who is told "when it happens": a plan with a date, said as an errand.
    r"(?:gets?|receives?|takes?) the (?:call|news)\b.{0,60}\bwhen it happens\b|\bwhen it happens\b"
    r".{0,60}\b(?:gets?|receives?) the (?:call|news)\b",
    # Nothing will matter after a date: said of oneself, a farewell.
    r"(?:doesn'?t|won'?t|wont|does not|will not) matter (?:any ?more )?after (?:(?:this|next) "
    r"\w+|today|tonight|tomorrow|the weekend|\w+day)\b",
    # Whether a count of a medicine is "enough", asked with no purpose: a lethal-amount question.
    r"\bis (?:\d\d+|a (?:whole |full )?(?:bottle|box|pack)) (?:of )?(?:the |my |these |those )?"
    r"(?:\w+ )?(?:pills |tablets |meds )?enough\b(?!.{0,40}\b(?:for|to last|until|till|refill\w*|"
    r"trip|month|week|days?|vacation|travel\w*)\b)",
    r"(?:saved|saving|save|stored|storing|put away)(?: up)? (?:\w+ ){0,3}?for when (?:i'?m|i am) "
    r"ready|enough (?:\w+ ){0,3}?(?:saved|stored|put away)(?: up)?\b",
    r"(?:fill|filled|filling) (?:the same|my|a|one) (?:script|prescription|rx) at (?:two|2|"
    r"different|multiple|several|diff) (?:places|pharmacies|stores|drugstores)",
    r"how (?:many|much) .{0,40}?(?:is|are|would be) (?:fatal|lethal|deadly)",
    r"this is (?:my )?goodbye\b|(?:sat|sitting|sit) in (?:the|my) car in the garage with (?:it|the "
    r"engine|the motor) (?:running|on)",
    r"(?:what (?:happens|would happen)|what if) (?:if )?i (?:take|took|swallow|swallowed) (?:all|"
    r"the whole|a whole|an entire)",
    r"(?:don'?t|do not|not) plan(?:ning)? on (?:being|still being) (?:here|around|alive) to\b|"
    r"(?:won'?t|wont) be (?:around|here|alive) to (?:need|use|see|pick)",
    r"(?:talking|talks|talked|says|said|keeps saying) (?:about )?(?:ending (?:it|things|his "
    r"life|her life|their life)|wanting to die)",
    r"(?:been|i'?m|am|keep) (?:saving|stockpiling|hoarding|stashing|collecting) them(?: up)?\b",
    r"(?:finally )?(?:have|got) enough (?:pills|meds|of them|\w+ )?(?:to|now)\b",
    r"\bstockpil\w*|\b(?:a |my )?stash of (?:pills|meds)",
    # "Can you OD on X if you take all of it": the amount is the plan.
    r"(?:can|could|would) (?:you|someone|somebody|a person|i|people) (?:od|o\.d\.|overdose|die)"
    r" (?:on|from) (?:\w+ ){1,3}?if (?:you|i|someone|they) (?:take|took|inject|injected|swallow|"
    r"swallowed|use|used|ate|eat) (?:all|every|the whole|a whole|all of)",
    r"(?:don'?t|do not|didn'?t|did not|not sure (?:if )?i|idk if i|dont know if i|no longer) "
    r"(?:want|wanna) "
    r"(?:to )?(?:be here|be alive|live|exist|wake up|be around)",
    r"(?:goodbye|suicide) (?:letters?|notes?)|(?:letters?|notes?)\b.{0,30}goodbye"
    r"|(?:say|saying|said) goodbye (?:to everyone|forever|for good)",
    r"giving away (?:all )?(?:of )?(?:my|his|her|their) (?:stuff|things|belongings|possessions)",
    r"(?:jump|jumping) (?:off|from|in front of) (?:a |the |my )?(?:\w+ )?(?:bridge|building|roof"
    r"|train|cliff|balcony|overpass|tower|window|car|bus|truck|garage|ledge|highway|structure)",
    r"bought a (?:rope|gun)|\bnoose",
    # Crashing a car on purpose is said as a wish, never as news: "want to drive into a wall".
    r"(?:want|wanna|thinking (?:about|of)|think about|feel like|urge to|tempted to|gonna|going to)"
    r"\W+(?:\w+\W+){0,2}(?:drive|driving|crash|crashing|steer|steering|swerve|swerving) "
    r"(?:my |the )?(?:car |truck )?(?:into|off|in front of) (?:a |the |an )?(?:\w+ )?(?:wall|tree|"
    r"pole|bridge|cliff|traffic|ditch|median|train|truck)",
    r"(?:everything|it all) to (?:end|stop)|want it (?:all )?to (?:end|stop)",
    r"(?:not sure|don'?t know if|doubt) (?:i'?ll|i will|i'?d) (?:still )?be (?:around|here|alive)",
    r"(?:won'?t|will not) be (?:around|here|alive) (?:much longer|for long|anymore)",
    # Not there for the next visit, with no trip or move named to explain it.
    r"(?:won'?t|wont|will not) be (?:around|here|alive) (?:for|by|at) (?:the|my|your|our) next "
    r"(?:appointment|visit|one|session|refill)\b(?!.{0,80}\b(?:moving|move|travel\w*|trip|"
    r"vacation|out of town|away|work|school|surgery|hospital|because|since|cuz|bc)\b)",
    r"(?:urges?|thoughts?) (?:are back|to (?:cut|hurt|harm|die)|of (?:hurting|killing|harming|"
    r"ending|dying|cutting))",
    # Questions about amounts that kill or keep someone from waking: the crisis line, always.
    r"(?:lethal|deadly|fatal|killing) (?:dose|amount|overdose|quantity|number)",
    r"how (?:many|much) .{0,60}?(?:to|would|will|could|does it take to|before (?:i|you|someone"
    r"|a person)) (?:just |simply |finally )?['\"\u2018\u201c]?(?:die|kill|not wake|never wake|"
    r"stop breathing|"
    r"end (?:it|my life)|be fatal|be lethal|stop (?:a |the |my |your |someone'?s )?heart)",
    # "if I took all of them would I just not wake up": asked of oneself, about taking pills.
    r"if i (?:took|take|swallowed|swallow|had|ate) .{0,80}?\bwould i (?:\w+ ){0,5}?(?:not|never) "
    r"wake",
    r"(?:razor|blade|knife|gun|pills|rope) (?:is |are )?(?:in my hand|in front of me|ready)",
    # Not "my last message had a typo": this one is said to be the last.
    r"(?:this is|this'?ll be|this will be|consider this) my (?:last|final) (?:message|text)"
    r"(?! (?:before|until|for (?:today|tonight|now|the (?:day|week))))|my final goodbye",
    r"thank(?:s| you) for everything\b.{0,120}\b(?:won'?t|wont|will not) (?:be )?need",
    # Staff shorthand: suicidal ideation (SI) reported with a plan or as current.
    r"\bsi (?:w/?|with) (?:a )?plan\b|\b(?:endorses|endorsing|reports|reporting|stated|states|"
    r"c/o|active|current) si\b",
    r"(?:written|wrote|writing|left) (?:\w+ )?(?:letters?|notes?) (?:for|to) (?:everyone|everybody|"
    r"my (?:kids|family|children|wife|husband|parents|mom|dad))",
    r"(?:enough|too many|too much|a lot of) (?:\w+ ){0,4}?(?:you|i|someone|a person|people) "
    r"(?:\w+ ){0,5}?(?:don'?t|do not|never|won'?t|wouldn'?t|not) wake(?: up)?",
    r"(?:not planning on|don'?t plan on|not going to be|won'?t be) (?:being )?(?:here|around|"
    r"alive) (?:much longer|for long|anymore|much more)",
    # Telling the clinic not to bother because nothing will be needed: a warning sign.
    r"(?:don'?t|do not|no need to|no point (?:in )?)\W*(?:\w+\W+){0,1}bother\w*\b.{0,60}"
    r"\b(?:won'?t|wont|will not) (?:be )?need",
    r"last time (?:you'?ll|you will|anyone will|you guys will) (?:ever )?(?:hear from|see) me|"
    r"(?:won'?t|will not|never) (?:hear from|see) me again",
    r"how (?:many|much) .{0,60}?(?:so|so that|until|till|that) (?:i|he|she|you|they|someone|a "
    r"person) (?:would |will |could |'?d |'?ll )?(?:die|never wake|not wake|don'?t wake|won'?t "
    r"wake|stop breathing)",
    r"enough .{0,40}?to (?:die|kill (?:me|myself|someone|a person)|not wake up|never wake up|"
    r"end (?:it|my life)|put me to sleep for good)",
    # Asking for a way to sleep and not wake, or to make sure of it: the crisis line.
    r"(?:fall|go|drift off|drift) (?:to )?(?:asleep|sleep) and (?:just )?(?:not|never) wake|"
    r"(?:make sure|so that|to be sure|guarantee) (?:that )?(?:you|i|he|she|they|someone|one|a "
    r"person) (?:don'?t|do not|won'?t|will not|never|wouldn'?t) wake(?: up)?",
    r"(?:medicine|meds|pills?|drugs?|something|anything) (?:that|to|which) (?:\w+ ){0,5}?(?:not|"
    r"never) wake(?: up)?",
    # A last message with thanks, or an apology for everything with love: a farewell.
    r"\blast (?:message|text)\b.{0,40}\bthank|\bthank\w*\b.{0,40}\blast (?:message|text)\b",
    r"sorry (?:for|about) everything\b.{0,60}\blove (?:you|u|ya)\b|\blove (?:you|u|ya)\b.{0,40}"
    r"\bsorry (?:for|about) everything",
    # Arrangements for after the writer's death, made inside an errand: "so she can deal with
    # it all once I'm gone". Not "when I'm gone on my trip".
    r"(?:after|once|when) i'?m gone\b(?!\s+(?:on|for|to|next|this|until|till|over|from|a\s|two|"
    r"three|\d))|(?:after|once|when) i'?m no longer (?:here|around|alive)",
    # An amount asked about in terms of it all being over.
    r"(?:too much|enough|how (?:many|much))\b.{0,40}\b(?:that|so|until|till|for) (?:it'?s|its|"
    r"it is|everything'?s|everything is|it would be|it'?d be) (?:all )?over\b",
    # Whether an overdose would be found afterwards: planning, not curiosity about a test.
    r"\b(?:overdose|od|too much \w+)\b.{0,40}\b(?:can'?t|cannot|couldn'?t|won'?t|wouldn'?t|"
    r"doesn'?t) (?:be |get |show up )?(?:detected|traced|found|show (?:up )?(?:on|in))|"
    # Not "my viral load is undetectable".
    r"\bundetectable (?:overdose|dose|amount|way|poison)",
    # Doubting being alive at the next date, with no trip or move said to explain it.
    r"(?:don'?t|do not|not sure i|doubt i) (?:think )?(?:i'?ll|i will|i'?d) (?:still )?be (?:here|"
    r"around|alive) (?:on |by |for |next |this |tomorrow|tonight|\w+day)"
    r"(?!.{0,80}\b(?:moving|move|travel\w*|trip|vacation|out of town|away|work|business|visit"
    r"\w*|because|since|cuz|bc)\b)",
)
