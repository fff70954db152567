"""Crisis language in free text: suicide, self-harm, being hurt, threatened or controlled by
a partner, wanting to hurt someone. Runs on every message before the dialogue engine.

It errs toward false positives: a missed crisis is far worse than resources shown once
too often. So there is no attempt at negation ("I don't want to die" still matches), and
an idiom that could be meant literally ("I could strangle him") matches too. What keeps
everyday relationship talk out is the *shape* of a phrase: "it hit me that", "hit me up",
"pushed me away", "hurt my feelings", "dying to see you" and "this is killing me" do not
have the shape of a crisis sentence.

How it works, so a maintainer can extend it:

1. `normalise` turns the text into lowercase words separated by single spaces, with a
   space at each end: NFKC, casefold, accents dropped, curly quotes folded, emoji and
   punctuation gone, letters stretched for emphasis squeezed ("dieeee" -> "die",
   "killlll" -> "kill"), contractions and chat forms expanded ("i'll" -> "i will",
   "wanna" -> "want to", "kms" -> "kill myself"), known misspellings fixed ("sucide",
   "kil", and anything one typing slip away from "suicide", "suicidal", "overdose" or
   "myself").
2. Each category is a table of readable patterns over that normalised text. A pattern
   matches whole words (it starts after a space and ends before one). The building
   blocks below (`WHO`, `OBJ`, `GAP`, ...) name the recurring parts.
3. `detect` runs one compiled regular expression per category and reports every
   category that matched.

To add a phrase: add a positive (and, if it brushes an idiom, a negative) to
`tests/crisis_phrases.py` first, then the pattern here. Nothing here logs anything.
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from typing import Literal

Category = Literal["suicide", "self_harm", "partner_violence", "harm_others"]


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    """The crisis categories one message touched (never empty)."""

    categories: frozenset[Category]


# ----------------------------------------------------------------- building blocks


def _any(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


# People who can hurt, threaten or control the person: partners, exes, family, anyone.
# Subject forms only ("her" and "his" are possessives far more often: "her words hurt").
_PARTNER_NOUN = _any(
    "partner", "husband", "wife", "boyfriend", "girlfriend", "bf", "gf", "fiance", "fiancee", "spouse",
    "ex", "ex husband", "ex wife", "ex boyfriend", "ex girlfriend", "ex partner", "other half", "man", "woman",
    "dad", "father", "mom", "mum", "mother", "stepdad", "stepfather", "brother", "sister", "son", "daughter",
    "roommate", "flatmate",
)
WHO = _any("he", "she", "they", "someone", "somebody", "my " + _PARTNER_NOUN, "his " + _PARTNER_NOUN,
           "her " + _PARTNER_NOUN, "the " + _PARTNER_NOUN, _PARTNER_NOUN)

# Who the person might hurt (object forms). "her" is excluded when a possession follows it:
# "I don't want to hurt her feelings" is not a threat.
_POSSESSED = _any(
    "feelings?", "chances?", "pride", "ego", "career", "reputation", "relationship", "trust", "heart",
    "self esteem", "confidence", "plans?", "vibe", "buzz", "mood", "phone", "car", "game", "battery", "time",
)
OBJ = _any("him", "them", "her(?! " + _POSSESSED + ")", "someone", "somebody", "everyone", "everybody", "people",
           "my " + _PARTNER_NOUN, "his " + _PARTNER_NOUN, "her " + _PARTNER_NOUN, "that (?:guy|girl|woman|man)",
           "the (?:kids|children|baby)", "my (?:kids|children|baby)")

# Words that are the subject of an idiom, never of an assault: "it hit me that...", "the
# news hit me hard", "his words shook me", and the little words that sit before a verb
# ("it finally hit me"). A bare word before "hit me" that is not on this list is taken
# for a name ("Mark hit me").
_IDIOM_SUBJECT = _any(
    "it", "that", "this", "which", "what", "there", "reality", "news", "truth", "realization", "realisation",
    "thought", "thoughts", "memory", "memories", "idea", "feeling", "feelings", "wave", "song", "smell",
    "grief", "sadness", "loneliness", "anxiety", "panic", "fear", "guilt", "shame", "depression", "exhaustion",
    "tiredness", "everything", "something", "nothing", "all", "words", "comment", "comments", "message",
    "messages", "text", "texts", "silence", "tone", "question", "answer", "reply", "joke", "look", "criticism",
    "rejection", "distance", "coldness", "behavior", "behaviour", "attitude", "absence", "karma", "life", "work",
    "stress", "traffic", "car", "bus", "ball", "door", "wind", "heat", "cold", "lightning", "one", "really",
    "finally", "just", "suddenly", "actually", "literally", "truly", "then", "also", "only", "kind", "kinda",
    "sort", "totally", "hard", "now", "today", "yesterday", "tonight", "once", "first", "still", "even",
    "always", "sometimes", "so", "too", "and", "but", "when", "because", "as", "if", "honestly", "basically",
    "probably", "maybe", "of", "to", "in", "on", "at", "for", "with", "like", "by", "from", "about", "i", "you",
    "we", "not", "never", "almost", "nearly", "fully", "deeply", "a", "an", "the", "news", "tears", "sleep",
)
NAME = rf"(?!{_IDIOM_SUBJECT} )[a-z]+"
# Up to three words in between ("he really hit me", "my husband when he drinks hits me"),
# but never an idiom subject: "he left and reality hit me" is not an assault.
GAP = rf"(?:(?!{_IDIOM_SUBJECT} )[a-z]+ ){{0,3}}"
ATTACKER = rf"(?:{WHO} {GAP}|{NAME} )"

# Physical violence done to "me". Each verb carries the idioms it must not match.
_VIOLENCE_TO_ME = _any(
    r"hit(?:s|ting)? me(?! up)",
    r"(?:slap|punch|kick|smack|strangl|stab|attack|assault|molest|headbutt|kne)\w* me",
    r"chok(?:e|ed|es|ing) me(?! up)",
    r"beat(?:s|en|ing)? me(?! (?:at|to|in|on|by)\b)",
    r"(?:push|shov)\w* me(?! (?:away|to|for|on|about|harder|further|forward|out of my comfort|into (?:doing|it|this|that|therapy|\w+ing)))",
    r"grab\w* me(?! (?:a|an|some|something|lunch|dinner|coffee|food|drinks?|one)\b)",
    r"(?:bit|bites|biting|bitten) me",
    r"(?:threw|throws|throwing|thrown|slam\w*|pin\w*|drag\w*|shook|shakes|shaking) me (?:down|into|against|across|onto|on|to|out|off|around|by)",
    r"(?:burn\w*|cut\w*) me (?:with|on)",
    r"(?:spat|spit|spits|spitting) (?:on|at) me",
    r"(?:raped|rapes|raping) me",
    r"(?:threw|throws|thrown|throwing) (?:a|the|his|her|my)? ?\w+ (?:at|on) me",
    r"pull\w* my hair",
    r"(?:physically|violently) (?:hurt|hurts|hurting|harmed|attacked) me",
    r"hurt\w* me (?:physically|badly|so bad)",
)

# What a threat is about: "threatened to kill me", "says he'll take the kids if I leave".
_THREAT = _any(
    r"(?:kill|hurt|beat|hit|harm|strangle|choke|stab|shoot|slap|punch|break) me",
    r"(?:kill|hurt) (?:himself|herself|themselves|myself|the kids|the children|the dog|the cat|my \w+)",
    r"take (?:away )?(?:the|my|our) (?:kids|children|child|baby|son|daughter)(?! (?:to|for|out|with|on|in|along|camping|swimming|shopping)\b)",
    r"take (?:them|the kids|the children) away",
    r"(?:post|leak|share|send|show) my (?:photos|pictures|pics|nudes|videos)",
    r"(?:report|call) (?:me )?(?:to )?immigration", r"get me deported",
    r"(?:kick|throw) me out", r"ruin my life", r"destroy me", r"make me (?:regret|pay|suffer|disappear)",
    r"burn (?:the|my|our) (?:house|place|flat|apartment)",
)

# ----------------------------------------------------------------- the tables

# Suicide, wanting to die, or not to exist.
SUICIDE = [
    r"suicid\w*",  # suicide, suicidal (misspellings are normalised to this)
    r"sewerslide",
    r"unalive\w*",
    r"(?:kill|killing|killed|kills) (?:myself|himself|herself|themselves)",
    r"kill me (?:now|already|please)",
    r"(?:want|wanted|wanting|wish|wishing|ready|deserve|hope|plan|planning|going|trying|tried|try|need|prefer|choose|like) (?:\w+ ){0,2}to (?:\w+ ){0,2}(?:die|be dead|not exist|not be alive|stop existing|stop living|not wake up|never wake up|sleep forever)",
    r"(?:wish|hope|pray) i (?:was|were|would be|could be|am) (?:dead|gone|never born)",
    r"wish i (?:had )?never (?:been born|existed|woke up)",
    r"(?:wish|hope|pray) i (?:\w+ ){0,2}(?:die|do not wake up|never wake up|do not exist|did not exist|stop existing)",
    r"(?:should|could|would rather|rather|better|deserve to) (?:just )?(?:die|be dead)(?! of| laughing| for)",
    r"feel(?:ing)? like dying",
    r"want (?:\w+ )?death",
    r"(?:end|ending|ended) (?:it all|my (?:own )?life|everything|my suffering|it (?:tonight|today|now|soon|for good|forever))",
    r"take my (?:own )?life",
    r"better of+ (?:dead|without me|if i (?:was|were|am|had|died|disappeared|never|left|could)|with me (?:dead|gone))",
    r"(?:world|everyone|everybody|they|he|she|family|kids) (?:\w+ )?(?:would|will) be better (?:of+ )?without me",
    r"(?:no one|nobody|noone|no body) (?:would|will) (?:even )?(?:miss|notice|care)(?: \w+){0,2} (?:i am|i was|i were|me) (?:gone|dead|not here)",
    r"(?:no one|nobody|noone) (?:would|will) (?:even )?(?:miss me|notice if i|care if i)",
    r"(?:no|nothing|no reason) (?:left )?(?:to|for me to) live for",
    r"no (?:reason|point|purpose|will) (?:in |to )?(?:living|live|life|be alive|being alive|go on|going on|keep going|carry on|anything any ?more|exist|existing)",
    r"(?:what|whats|what is) the point (?:of|in) (?:living|life|being alive|going on|existing|anything)",
    r"do not want to (?:live(?! (?:with|in|there|here|together|near|alone|at|like that))|be alive|be here any ?more|exist|wake up|go on|keep going|keep living|carry on)",
    r"(?:life|living) (?:is|is not|is no longer|isnt) (?:\w+ )?(?:not )?worth (?:it|living)",
    r"not worth living",
    r"(?:tired|sick|exhausted) of (?:living|being alive|life|existing)",
    r"(?:done|finished) with (?:life|living|being alive|existing|it all)",
    r"give up on (?:life|living)",
    r"(?:disappear|vanish) (?:for ?ever|for good|for real|permanently|and never come back|off the face)",
    r"(?:want|wish|wanted|need|going) (?:\w+ ){0,2}to (?:just )?(?:disappear|vanish)(?! (?:for (?:a|an|the|some|few|couple|tonight|today|this)|into|to|from|under|in|with|off (?:social|insta|the internet)|until|till|after|on)\b)",
    r"wish i could (?:just )?(?:disappear|vanish)(?! (?:for (?:a|an|the|some)|into|to|from)\b)",
    r"can not (?:go on|keep going|keep living|carry on|live like this|do this any ?more|do it any ?more|do life|take it any ?more|take this any ?more|take any more|cope any ?more|handle (?:it|this|life) any ?more|be here any ?more|any ?more|bear (?:it|this|living))",
    r"(?:will not|wont|might not|may not) be (?:here|around|alive) (?:tomorrow|much longer|for long|any ?more|next)",
    r"(?:over ?dos\w*|od on|to od)",
    r"(?:take|taking|took|taken|swallow\w*) (?:all|a lot|a bunch|a handful|too many|loads|the whole (?:bottle|box|pack)|a whole (?:bottle|box|pack)) (?:of )?(?:my |the |these |those |of )?(?:\w+ )?(?:pills|tablets|meds|medication|painkillers|sleeping pills)",
    r"(?:saving|stockpiling|hoarding|collecting) (?:up )?(?:my |the )?(?:pills|tablets|meds)",
    r"(?:hang|drown|shoot|poison|gas|stab|starve) (?:myself|himself|herself)",
    r"noose",
    r"(?:slit|cut|slice|slash) (?:my |his |her )?(?:wrists?|throat)",
    r"(?:jump|jumping|step|stepping|throw myself) (?:off|of|from|in front of|under) (?:a |the |this |that )?(?:bridge|building|roof|balcony|cliff|train|bus|truck|car|window|tower)",
    r"(?:drive|crash|driving|crashing) (?:my car |the car )?(?:into|off) (?:a |the )?(?:tree|wall|river|bridge|cliff|traffic|oncoming)",
    r"(?:bought|buying|got|get|loaded|loading) (?:a|my|the) gun",
    r"(?:goodbye|good bye|bye) (?:forever|cruel world|everyone for)",
    r"this is (?:my )?(?:goodbye|final goodbye)", r"final goodbye",
    r"(?:suicide|goodbye) (?:note|letter)", r"(?:wrote|writing|write|left) (?:a |my )?(?:last|final) (?:note|letter)",
    r"(?:i am|feel like) (?:\w+ )?a burden (?:to|on) (?:everyone|everybody|my family|the world|all)",
]

# Hurting oneself on purpose. ("sh" is the common short form: "sh again", "urge to sh".)
SELF_HARM = [
    r"self (?:harm\w*|injur\w*|mutilat\w*)",
    r"(?:cut|cuts|cutting|burn|burns|burned|burnt|burning|hurt|hurts|hurting|harm|harms|harmed|harming|hit|hits|hitting|punch|punched|punching|slap|slapped|slapping|punish|punished|punishing|scratch|scratched|scratching|starve|starved|starving|bite|bit|biting|bruise|bruised|carve|carved|carving|stab|stabbed|stabbing|choke|choked|choking|strangle|strangled) myself",
    r"(?:cut|cuts|cutting|burn|burning|burned|carve|carving|slice|slicing) (?:into )?(?:my )?(?:arms?|legs?|thighs?|wrists?|skin|stomach|belly|hips?)",
    r"(?:started|start|starting|back to|relapsed?|relapsing|been|urge to|urges to|want to|going to) (?:\w+ ){0,2}(?:cutting|self harm\w*|sh)(?! (?:back|down|out|off|corners|costs|ties|contact|the|my hair|his|her|him|them|class|school|work)\b)",
    r"cutting again",
    r"(?:urge|urges) to (?:cut|burn|hurt|harm)(?! (?:him|her|them|it|off|out|back|down|ties|contact|corners|things|people)\b)",
    r"sh (?:again|scars?|urges?|relapse|free)",
    r"(?:relapsed?|relapsing) (?:on |into |with )?sh",
    r"(?:clean|free) (?:from|of) (?:sh|cutting|self harm)",
    r"(?<!like )(?<!like i am )(?<!like i was )bang\w* my head (?:against|on|into)",
    r"(?:razor|blade)s? (?:on|to|against|into|across) my",
    r"(?:deserve|want|need) to (?:feel pain|hurt|suffer|bleed)(?! (?:him|her|them)\b)",
]

# Being hurt, threatened, controlled or coerced by a partner (or anyone at home).
PARTNER_VIOLENCE = [
    # physical harm
    rf"{ATTACKER}{_VIOLENCE_TO_ME}",
    rf"{WHO} {GAP}(?:pushed|shoved|threw|kicked|dragged) me (?:down|into|against|out|off|across)",
    r"(?:was|got|been|being|get) (?:hit|slapped|punched|kicked|choked|strangled|beaten|beat up|pushed|shoved|raped|assaulted|attacked|hurt|stabbed) by (?:him|her|them|he|she|my|his|her|the)",
    r"(?:bruises?|black eye|marks|scars?) (?:he|she|they) (?:left|gave me)",
    r"(?:gave|give|gives|left) me (?:a black eye|bruises|a bruise|a split lip|a broken)",
    r"(?:knife|gun|weapon) (?:on|at|to) (?:me|my)",
    r"(?:raped?|rapes|raping|marital rape|sexually (?:assaulted|abused)|sexual assault)",
    rf"{WHO} {GAP}(?:forced|forces|forcing|made|makes|pressured|pressures|coerced|coerces) me (?:to |into )?(?:have sex|sex|sleep with|do (?:sexual|things)|perform)",
    r"(?:hits|hit|hitting|beats|beat|hurts|hurt) (?:the|my|our) (?:kids|children|son|daughter|baby)",
    # threats
    rf"(?:threaten\w*|swore|swears|said|says|say|told me|tells me|keeps saying|warned me|promised)(?: (?:that|he|she|they|would|will|is going to|going to|gonna|could|can|to|if|i|leave|left|ever)){{0,4}} (?:to )?{_THREAT}",
    r"threaten\w* (?:me|my life)",
    rf"{WHO} {GAP}(?:will|would|is going to|going to|gonna|might|could|may) (?:\w+ )?(?:kill|hurt|beat|hit|harm|strangle|choke|stab|shoot) me",
    r"(?:told|tells|telling|said) me to (?:go )?(?:kill (?:myself|yourself)|die|kys)",
    # fear of the partner
    rf"(?:scared|afraid|terrified|frightened|fearful|petrified|fear|frightened) (?:of|for my life with|for my safety with|to go home to|to be alone with|to leave) (?:him|her|them|{WHO})(?! (?:\w+ing|reactions?|response|answers?|reply|mood|moods|opinion|family|friends|mom|mum|mother|dad|father|parents|silence|words|texts?|feelings|thoughts|judge?ments?|decision|not|ever|too|more|less|and me)\b)",
    r"(?:scared|afraid|terrified|frightened|fearful) of (?:his|her|their|my (?:\w+) ?s?) (?:temper|rage|violence|fists|outbursts|threats|hands)",
    r"(?:scared|afraid|terrified|frightened|worried|fear) (?:that )?(?:he|she|they) (?:will|would|is going to|going to|might|could|may) (?:\w+ )?(?:kill|hurt|hit|beat|harm|find me)",
    r"(?:scared|afraid|terrified|fear|fearing) for my (?:life|safety)",
    r"(?:scared|afraid|terrified) to go (?:back )?home",
    r"live in fear",
    r"(?:not|never|do not|no longer) (?:feel )?safe (?:at home|with (?:him|her|them|my \w+)|in my (?:own )?(?:home|house|bed)|around (?:him|her|them)|to go home)",
    r"(?:feel )?unsafe (?:at home|with (?:him|her|them|my \w+)|in my (?:own )?(?:home|house)|around (?:him|her|them))",
    # control
    rf"{WHO} {GAP}(?:will not|wont|does not|do not|did not|would not|never|no longer) (?:let|lets|allow|allows) me (?:to )?(?:leave|go out|go anywhere|go to work|out of|see (?!his|her|their)|talk to (?!him|her|them)|visit|call|contact|have (?:money|my own|a phone|friends|a job|access|my phone|my keys|the car|any)|keep|use|work|get a job|drive|eat|sleep|wear|spend|access)",
    r"(?:not|never) allowed to (?:leave|go out|go anywhere|see (?:my|anyone|friends|family)|talk to (?:my|anyone|friends|family|other)|have (?:money|friends|my own|a phone)|work|spend|use (?:my|the) (?:phone|car|money))",
    rf"{WHO} {GAP}(?:takes?|took|taking|keeps?|kept|controls?|controlled|controlling|checks?|checked|checking|reads?|reading|tracks?|tracked|tracking|monitors?|monitored|monitoring|goes through|went through|going through|hides?|hid|hiding|steals?|stole) (?:all )?(?:of )?my (?:money|phone|messages|texts|emails|keys|car keys|passport|id|bank|bank account|cards?|credit cards?|location|every move|paycheck|pay|salary|wages|wallet|documents|papers)",
    r"(?:tracker|tracking app|spyware|airtag) (?:on|in) my",
    r"(?:locked|locks|locking) me (?:in|out|up|inside)",
    r"(?:isolat\w*|cut|cuts|cutting|keeps) me (?:off |away )?from (?:all )?(?:my )?(?:friends|family|everyone|everybody|the world)",
    r"(?:stalking|stalks|stalked|follows|followed|following) me (?:everywhere|home|to work|around)?",
    r"(?:abusive|abuse|abusing|abuses|abused|violent|violence)(?! (?:of|to) (?:alcohol|drugs|power|substances))",
    r"(?:control\w*) (?:all )?(?:my|the) (?:money|finances|every move|life|phone)",
]

# Wanting or being about to hurt someone else (usually the partner).
_VIOLENT = _any(
    "kill", "murder", "stab", "shoot(?! (?:him|her|them) (?:a|an|the|some|my|back)\b)", "strangle", "choke",
    "beat(?! (?:him|her|them) (?:at|in|to)\b)", "beat up", "punch", "smack", "slap", "hit(?! (?:him|her|them) up\b)",
    "attack", "strangle", "suffocate", "poison", "run over", "unalive", "bash", "stab",
)
HARM_OTHERS = [
    rf"(?:want|wanted|wanting|going|about|ready|tempted|trying|tried|plan|planning|urge|need) (?:\w+ ){{0,2}}to (?:\w+ )?{_VIOLENT} {OBJ}",
    rf"(?:i|ill) (?:\w+ )?(?:could|will|would|might|am going to|going to|am about to|swear i will|feel like i could|can) (?:\w+ )?{_VIOLENT} {OBJ}",
    rf"(?:kill|murder|strangle|unalive|stab|suffocate|poison) {OBJ}",
    rf"(?<!not )(?<!never )(?<!not ever )(?:want|wanted|going|gonna|about|ready|could|will|might|urge) to (?:\w+ )?(?:hurt|harm) {OBJ}(?! (?:by|if i|when i|with (?:my )?words)\b)",
    rf"i (?:could|will|would|might|am going to) (?:\w+ )?(?:hurt|harm) {OBJ}(?! (?:by|if i|when i)\b)",
    rf"i (?:hit|slapped|punched|choked|strangled|kicked|beat|smacked|shoved|stabbed|attacked|bit) {OBJ}(?! (?:up|with (?:the truth|a text|a message|facts))\b)",
    rf"i (?:pushed|shoved) {OBJ}(?! (?:away|to|into|for|on|about|harder|out of)\b)",
    r"i (?:threw|throw) (?:a|the|my|his|her) \w+ at (?:him|her|them)",
    r"make (?:him|her|them) (?:suffer|bleed|hurt)",
    r"(?:snap|lose it|lose control|lost control|flip) and (?:\w+ )?(?:hit|hurt|kill|attack|strangle|choke|punch) (?:him|her|them|someone|somebody)",
    r"(?:scared|afraid|worried|terrified) of what i (?:might|will|could|would) do (?:to (?:him|her|them)|next)",
    r"(?:told|tell|telling) (?:him|her|them) to (?:go )?(?:kill (?:himself|herself|themselves|yourself)|die)",
    r"kill yourself",
    r"(?:thinking|thought|dream\w*|fantasi\w*|fantasy) (?:about|of) (?:killing|hurting|stabbing|strangling|murdering) (?:him|her|them|my)",
]

TABLES: dict[Category, list[str]] = {
    "suicide": SUICIDE,
    "self_harm": SELF_HARM,
    "partner_violence": PARTNER_VIOLENCE,
    "harm_others": HARM_OTHERS,
}

# ----------------------------------------------------------------- normalisation

# Contractions whose apostrophe matters ("he'll" is not "hell", "we'd" is not "wed").
_CONTRACTION = re.compile(r"\b(i|you|he|she|it|we|they|who|that|there|what|everyone|everybody)'(ll|d|re|ve|m|s)\b")
_CONTRACTED = {"ll": "will", "d": "would", "re": "are", "ve": "have", "m": "am", "s": "is"}
_NOT = re.compile(r"\b(can|won|ain|shan)'t\b|n't\b")

# Chat forms, contractions typed without an apostrophe, and misspellings seen in real
# messages, one word at a time. Values are what the patterns above expect.
_WORDS = {
    # contractions without apostrophes (only ones that are not also ordinary words)
    "im": "i am", "ive": "i have", "id": "i would", "ill": "i will", "dont": "do not", "doesnt": "does not",
    "didnt": "did not", "cant": "can not", "cannot": "can not", "wont": "will not", "wouldnt": "would not",
    "couldnt": "could not", "shouldnt": "should not", "isnt": "is not", "wasnt": "was not", "arent": "are not",
    "werent": "were not", "havent": "have not", "hasnt": "has not", "aint": "is not", "hes": "he is",
    "shes": "she is", "theyre": "they are", "theyll": "they will", "theyd": "they would", "youre": "you are",
    "hed": "he would", "thats": "that is", "whats": "what is", "theres": "there is", "noone": "no one",
    # chat forms
    "wanna": "want to", "wana": "want to", "wnna": "want to", "wan": "want", "wnat": "want", "wamt": "want",
    "gonna": "going to", "gona": "going to", "gunna": "going to", "finna": "going to", "gotta": "got to",
    "tryna": "trying to", "ima": "i am going to", "imma": "i am going to", "iam": "i am", "u": "you",
    "ya": "you", "ur": "your", "r": "are", "n": "and", "pls": "please", "plz": "please", "bc": "because",
    "cuz": "because", "cos": "because", "coz": "because", "rn": "right now", "idk": "i do not know",
    "istg": "i swear", "tbh": "to be honest", "anymore": "any more", "hubby": "husband", "wifey": "wife",
    "boyf": "boyfriend", "girlf": "girlfriend", "bae": "partner", "kms": "kill myself", "kys": "kill yourself",
    "killmyself": "kill myself", "kilmyself": "kill myself", "killmyslef": "kill myself", "kil": "kill",
    "kll": "kill", "kiil": "kill", "unalived": "unalive", "unaliving": "unalive", "ded": "dead",
    "diee": "die", "dye": "dye", "dieing": "dying", "dyin": "dying",
    # misspellings (one slip from "suicide"/"suicidal"/"overdose"/"myself" is handled below)
    "sucide": "suicide", "suiside": "suicide", "suicde": "suicide", "suiscide": "suicide", "suecide": "suicide",
    "sucidal": "suicidal", "suicdal": "suicidal", "suisidal": "suicidal", "suacide": "suicide",
    "sewerslide": "sewerslide", "overdoze": "overdose", "overdozed": "overdosed",
    "selfharm": "self harm", "selfharming": "self harming", "selfharmed": "self harmed",
    "hurted": "hurt", "hitted": "hit", "choaked": "choked", "chocked": "choked", "chocking": "choking",
    "strangeled": "strangled", "strangeld": "strangled", "punshed": "punched", "slaped": "slapped",
    "threatend": "threatened", "thretened": "threatened", "threatned": "threatened", "threatning": "threatening",
    "thretening": "threatening", "abussive": "abusive", "rapped": "raped",
}

# Common words that are one slip from a key word and must stay themselves.
_NOT_A_SLIP = frozenset({"overdoes", "overdone", "overdoing", "suicides"})


def _one_slip(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from `word`."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


for _key in ("suicide", "suicidal", "overdose", "overdosed", "myself"):
    for _slip in _one_slip(_key) - _NOT_A_SLIP:
        _WORDS.setdefault(_slip, _key)

_QUOTES = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u201b": "'", "\u02bc": "'", "\u0060": "'", "\u00b4": "'", "\u2032": "'",
    "\uff07": "'",
    # invisible characters that would split a word in two
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None,
})
_RUN3 = re.compile(r"([^\W\d_])\1{2,}")  # a letter three or more times: "dieeee", "killlll"
_NOT_WORD = re.compile(r"[\W_]+")  # keeps letters and digits of any script
_DISTANCE = re.compile(r"(\d) ?kms\b")  # "20 kms" is kilometres, not "kill myself"
_PHRASES = re.compile(r" (?:my self|my slef|self harm|self injury) ")

# Words of the patterns that have a double letter: "killlll" squeezes back to "kill", not "kil".
_DOUBLED = frozenset(
    word
    for table in TABLES.values()
    for pattern in table
    for word in re.findall(r"[a-z]+", pattern)
    if re.search(r"(.)\1", word)
) | frozenset(("kill", "all", "will", "off", "too", "see", "feel", "sleep", "need", "happened"))


def _squeeze(word: str) -> str:
    doubled = _RUN3.sub(r"\1\1", word)
    return doubled if doubled in _DOUBLED or doubled in _WORDS else _RUN3.sub(r"\1", word)


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces, with one space at each end."""
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES)).casefold()
    if not text.isascii():  # drop accents: "suïcide" -> "suicide"
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    if "'" in text:
        text = _CONTRACTION.sub(lambda m: f"{m.group(1)} {_CONTRACTED[m.group(2)]}", text)
        text = _NOT.sub(lambda m: f"{ {'can': 'can', 'won': 'will', 'ain': 'is', 'shan': 'shall'}[m.group(1)]} not"
                        if m.group(1) else " not", text)
        text = text.replace("'", "")
    text = _DISTANCE.sub(r"\1 km", text)
    words = _NOT_WORD.sub(" ", text).split()
    if _RUN3.search(text):
        words = [_squeeze(w) for w in words]
    plain = " " + " ".join([_WORDS.get(w, w) for w in words]) + " "
    return _PHRASES.sub(lambda m: " " + m.group(0).strip().replace("my s", "mys").replace("slef", "self")
                        .replace("self ", "self ") + " ", plain) if " self " in plain or " my s" in plain else plain


# One expression per category: a pattern matches whole words of the normalised text.
_COMPILED: dict[Category, re.Pattern[str]] = {
    category: re.compile(" (?:" + "|".join(f"(?:{p})" for p in patterns) + ")(?= )")
    for category, patterns in TABLES.items()
}


def detect(text: str) -> CrisisSignal | None:
    """The crisis categories `text` touches, or None. Never logs, never raises on odd text."""
    if not text or text.isspace():
        return None
    plain = normalise(text)
    found = frozenset(category for category, pattern in _COMPILED.items() if pattern.search(plain))
    return CrisisSignal(found) if found else None
