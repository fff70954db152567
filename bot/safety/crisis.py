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
   category that matched. When a table is compiled, each group of plain words becomes a
   trie, which keeps a typical 100-character message near 30 microseconds (keep it
   there: this runs on every message).

To add a phrase: put it in `tests/safety/positive.txt` first (and the everyday sentence it
must not swallow in `negative.txt`), then the pattern here. Nothing here logs anything.
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
    """The crisis categories one message touched (never empty), and how sure the match is.

    `certain` is True when the words leave little doubt ("I want to die", "he choked me"):
    the service acts at once. It is False in the grey zone ("I just want to end it", a
    mention of past abuse): the service asks one direct, private question before acting,
    as clinicians do. A message with any certain match is certain, and `categories` then
    holds only the certain ones."""

    categories: frozenset[Category]
    certain: bool = True


# ----------------------------------------------------------------- building blocks


def _any(*patterns: str) -> str:
    """An alternation of patterns."""
    return "(?:" + "|".join(patterns) + ")"


_Trie = dict[str, "_Trie"]


def _words(*words: str) -> str:
    """An alternation of literal words, built as a trie ("he|her|here" -> "he(?:r(?:e)?)?") so
    the engine reads each letter once instead of trying every word in turn: these lists are
    tried at every word of every message."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return build(trie)


# People who can hurt, threaten or control the person: partners, exes, family, anyone.
# Subject forms only ("her" and "his" are possessives far more often: "her words hurt").
_PARTNER_NOUN = _words(
    "partner", "husband", "wife", "boyfriend", "girlfriend", "bf", "gf", "fiance", "fiancee", "spouse",
    "ex", "ex husband", "ex wife", "ex boyfriend", "ex girlfriend", "ex partner", "other half", "man", "woman",
    "dad", "father", "mom", "mum", "mother", "stepdad", "stepfather", "brother", "sister", "son", "daughter",
    "roommate", "flatmate",
)
WHO = rf"(?:{_words('he', 'she', 'they', 'someone', 'somebody')}|(?:(?:my|his|her|the) )?{_PARTNER_NOUN})"

# Who the person might hurt (object forms). "her" is excluded when a possession follows it:
# "I don't want to hurt her feelings" is not a threat.
_POSSESSED = _words(
    "feeling", "feelings", "chance", "chances", "pride", "ego", "career", "reputation", "relationship", "trust",
    "heart", "self esteem", "confidence", "plan", "plans", "vibe", "buzz", "mood", "mind", "phone", "car", "game",
    "battery", "time",
)
OBJ = _any(_words("him", "them", "someone", "somebody", "everyone", "everybody", "people"),
           rf"her(?! {_POSSESSED}\b)", rf"(?:my|his|her) {_PARTNER_NOUN}", "that (?:guy|girl|woman|man)",
           "(?:the|my) (?:kids|children|baby)")

# Things that "hit", "shook" or "hurt" a person only figuratively: "it hit me that...", "the
# news hit me hard", "his words shook me". Never taken for an attacker, even a few words
# after "he": "he left and reality hit me" is not an assault.
_IDIOM_SUBJECT = _words(
    "it", "that", "this", "which", "what", "there", "reality", "news", "truth", "realization", "realisation",
    "thought", "thoughts", "memory", "memories", "idea", "feeling", "feelings", "wave", "song", "smell",
    "grief", "sadness", "loneliness", "anxiety", "panic", "fear", "guilt", "shame", "depression", "exhaustion",
    "tiredness", "everything", "something", "nothing", "all", "words", "comment", "comments", "message",
    "messages", "text", "texts", "silence", "tone", "question", "answer", "reply", "joke", "look", "criticism",
    "rejection", "distance", "coldness", "behavior", "behaviour", "attitude", "absence", "karma", "life", "work",
    "stress", "traffic", "car", "bus", "ball", "door", "wind", "heat", "cold", "lightning", "one", "tears",
    "sleep",
)
# Little words that can stand just before a verb ("it finally hit me", "kind of hit me"):
# a bare word before "hit me" that is on neither list is taken for a name ("Mark hit me").
_NOT_A_NAME = _words(
    "really", "finally", "just", "suddenly", "actually", "literally", "truly", "then", "also", "only", "kind",
    "kinda", "sort", "totally", "hard", "now", "today", "yesterday", "tonight", "once", "first", "still", "even",
    "always", "sometimes", "so", "too", "and", "but", "when", "because", "as", "if", "honestly", "basically",
    "probably", "maybe", "of", "to", "in", "on", "at", "for", "with", "like", "by", "from", "about", "i", "we",
    "not", "never", "almost", "nearly", "fully", "deeply", "a", "an", "the",
)
NAME = rf"(?!(?:{_IDIOM_SUBJECT}|{_NOT_A_NAME}) )[a-z]+"
# Up to three words in between: "he really hit me", "my husband when he drinks hits me".
GAP = rf"(?:(?!{_IDIOM_SUBJECT} )[a-z]+ ){{0,3}}"

# Physical violence done to "me". Each verb carries the idioms it must not match.
_VIOLENCE_TO_ME = _any(
    r"hit(?:s|ting)? me(?! (?:up|with (?:the|a|an|that|this|his|her|some) (?:silent|silence|cold|question|news|truth|guilt|look|comment|text|message|line|speech|lecture|list|reality|facts))\b)",
    r"(?:slap|punch|kick|smack|strangl|assault|molest|headbutt)\w* me",
    r"stab\w* me(?! in the back)",
    r"(?:kneed|kneeing) me",
    r"attack\w* me(?! (?:verbally|with (?:words|criticism|questions|accusations)|for|about|over|when i)\b)",
    r"chok(?:e|ed|es|ing) me(?! up)",
    r"beat(?:s|en|ing)? me(?! (?:at|to|in|on|by)\b)",
    r"(?:push|shov)\w* me(?! (?:away|to|too|over the edge|for|on|about|harder|further|forward|out of my comfort|into (?:doing|it|this|that|therapy|\w+ing))\b)",
    r"grab\w* me(?! (?:a|an|some|something|lunch|dinner|coffee|food|drinks?|one)\b)",
    r"(?:bit|bites|biting|bitten) me",
    r"(?:threw|throws|throwing|thrown) me (?:down|into|against|across|onto|out|off|around)",
    r"(?:slam\w*|pinn\w*|pins|pin) me (?:down|into|against|onto|to)",
    r"drag\w* me (?:by|across|down|along|into the|out of the|off)",
    r"(?:shook|shakes|shaking) me (?:by|so hard|violently|against)",
    r"(?:burn\w*|cut\w*) me (?:with|on)",
    r"(?:spat|spit|spits|spitting) (?:on|at) me",
    r"(?:raped|rapes|raping) me",
    r"(?:threw|throws|thrown|throwing) (?:(?:a|the|his|her|my) )?(?!(?:shade|fit|tantrum|look|glance|questions?|insults|accusations|compliments|words|hints?|money) )\w+ (?:at|on) me",
    r"pull\w* my hair",
    r"(?:physically|violently) (?:hurt|hurts|hurting|harmed|attacked) me",
    r"hurt\w* me (?:physically|badly|so bad)",
)

# What a partner (never "the job" or "this app") does: "he won't let me see my friends".
_DONE_BY_PARTNER = _any(
    r"(?:pushed|shoved|threw|kicked|dragged) me (?:down|into|against|out|off|across|to the (?:ground|floor))",
    r"(?:forced|forces|forcing|made|makes|pressured|pressures|coerced|coerces) me (?:to |into )?(?:have sex|sex|sleep with|do (?:sexual|things)|perform)",
    r"(?:will|would|is going to|going to|might|could|may) (?:\w+ )?(?:kill|beat|hit|harm|strangle|choke|stab|shoot) me",
    r"(?:isolat\w*|cut|cuts|cutting|keeps|kept) me (?:off |away )?from (?:all )?(?:my )?(?:friends|family|everyone|everybody|the world)",
    r"(?:will not|does not|do not|did not|would not|never|no longer) (?:let|lets|allow|allows) me (?:to )?(?:leave|go out|go anywhere|go to work|out of|see(?! (?:his|her|their)\b)|talk to(?! (?:him|her|them)\b)|visit|call|contact|have (?:money|my own|a phone|friends|a job|access|my phone|my keys|the car|any)|keep|use|work|get a job|drive|eat|sleep|wear|spend|access)",
    r"(?:takes?|took|taking|keeps?|kept|controls?|controlled|controlling|checks?|checked|checking|reads?|reading|tracks?|tracked|tracking|monitors?|monitored|monitoring|goes through|went through|going through|hides?|hid|hiding|steals?|stole) (?:all )?(?:of )?my (?:money|phone|messages|texts|emails|keys|car keys|passport|id|bank|bank account|cards?|credit cards?|location|every move|paycheck|pay|salary|wages|wallet|documents|papers)",
    r"(?:is|was|gets|got|has been|can be|becomes|became|turns|turned) (?:\w+ )?violent",
)

# What a threat is about: "threatened to kill me", "says he'll take the kids if I leave".
_THREAT = _any(
    r"(?:kill|beat|hit|harm|strangle|choke|stab|shoot|slap|punch|break) me",
    r"(?:kill|hurt) (?:himself|herself|themselves|myself|the kids|the children|the dog|the cat|my \w+)",
    r"take (?:away )?(?:the|my|our) (?:kids|children|child|baby|son|daughter)(?= $| away| from me| if| unless| and never| and run| forever| for good| so i)",
    r"take (?:them|the kids|the children) away",
    r"(?:post|leak|share|send|show) my (?:photos|pictures|pics|nudes|videos)",
    r"(?:report|call) (?:me )?(?:to )?immigration", r"get me deported",
    r"(?:kick|throw) me out", r"ruin my life", r"destroy me", r"make me (?:regret|pay|suffer|disappear)",
    r"burn (?:the|my|our) (?:house|place|flat|apartment)",
)

# ----------------------------------------------------------------- the tables

# Suicide, wanting to die, or not to exist.
_DIE = r"(?:die(?! (?:down|out|off|of (?:laughter|embarrassment|boredom|cringe)|laughing|for|on (?:that|this) hill)\b)|be dead|not exist|not be alive|not be here(?= any more| at all| tomorrow| $)|stop existing|stop living|not wake up|never wake up|sleep forever)"
SUICIDE = [
    r"suicid\w*",  # suicide, suicidal (misspellings are normalised to this)
    r"sewerslide",
    r"unalive\w*",
    r"(?:kill|killing|killed|kills) (?:myself|himself|herself|themselves)",
    r"kill me (?:now|already|please)",
    rf"(?:want|wanted|wanting|wish|wishing|ready|deserve|hope|plan|planning|going|trying|tried|try|prefer|like) (?:\w+ ){{0,2}}to (?:\w+ ){{0,2}}{_DIE}",
    r"(?:wish|hope|pray) i (?:was|were|would be|could be|am|had been) (?:dead|gone|never born)",
    r"wish i (?:had |would have |would )?never (?:been born|existed|woke up)",
    r"(?:wish|hope|pray) i (?:\w+ ){0,2}(?:die|do not wake up|never wake up|did not exist|stop existing)(?! (?:down|of)\b)",
    r"(?:should|would rather|rather|better off|deserve to|might as well|may as well) (?:just )?(?:die|be dead)(?! (?:of|laughing|for|down)\b)",
    r"feel(?:ing)? like dying",
    r"(?:want|wish for|long for|pray for|welcome) death",
    r"(?:end|ending|ended) (?:it all|my (?:own )?life|my suffering|it (?:tonight|today|now|soon|for good|forever))",
    r"take my (?:own )?life",
    r"better of+ (?:dead|without me|if i (?:was|were|am|had|died|disappeared|never|left|could)|with me (?:dead|gone))",
    r"(?:world|everyone|everybody|they|he|she|family|kids) (?:\w+ )?(?:would|will) be better (?:of+ )?without me",
    r"(?:no one|nobody|no body) (?:would|will) (?:even )?(?:miss me|notice if i|care if i)",
    r"(?:no|nothing|no reason) (?:left )?(?:to|for me to) live for",
    r"no (?:reason|point|purpose|will) (?:in |to )?(?:living|live|life|be alive|being alive|go on|going on|keep going|carry on|anything any more|exist|existing)",
    r"(?:what|what is) the point (?:of|in) (?:living|life|being alive|going on|existing|anything)",
    r"(?:see|find) (?:the|any) point (?:of|in) (?:living|life|being alive|going on|existing|anything)",
    r"want (?:it all|everything|it) to (?:all )?(?:end|stop|be over)(?= $| now| forever| for good| i)",
    r"do not want to (?:live(?! (?:with|in|there|here|together|near|alone|at|like that)\b)|be alive|be here any more|exist|wake up|go on|keep going|keep living|carry on)",
    r"(?:life|living) (?:is not|is no longer|is not even|is just not) (?:\w+ )?worth (?:it|living)",
    r"not worth living",
    r"life (?:is|feels) (?:so |completely |totally )?(?:pointless|meaningless)",
    r"(?:tired|sick|exhausted) of (?:living|being alive|life|existing)",
    r"(?:done|finished) with (?:life|living|being alive|existing|it all)",
    r"give up on (?:life|living)",
    r"(?:disappear|vanish) (?:for ?ever|for good|for real|permanently|and never come back|off the face)",
    r"(?:want|wish|wanted|need|going) (?:\w+ ){0,2}to (?:just )?(?:disappear|vanish)(?! (?:for (?:a|an|the|some|few|couple|tonight|today|this)|into|to|from|under|in|with|off (?:social|insta|the internet)|until|till|after|on)\b)",
    r"wish i could (?:just )?(?:disappear|vanish)(?! (?:for (?:a|an|the|some)|into|to|from)\b)",
    r"can not (?:go on|keep going|keep living|carry on|live like this|do this any more|do it any more|do life|take it any more|take this any more|take any more|cope any more|handle (?:it|this|life) any more|be here any more|any more|bear (?:it|this|living))",
    r"(?:will not|might not|may not) be (?:here|around|alive) (?:tomorrow|much longer|for long|any more)",
    r"(?:over ?dos\w*|od on|to od)",
    r"(?:take|taking|took|taken|swallow\w*) (?:all|a lot|a bunch|a handful|too many|loads|the whole|a whole) (?:of )?(?:my |the |these |those |bottle of |box of |pack of )?(?:\w+ )?(?:pills|tablets|meds|medication|painkillers)",
    r"(?:saving|stockpiling|hoarding|collecting) (?:up )?(?:my |the )?(?:pills|tablets|meds)",
    r"(?:hang|shoot|poison|gas|starve) (?:myself|himself|herself)",
    r"drown (?:myself|himself|herself)(?! in (?:work|my work|projects|hobbies|tv|netflix|games|books|the gym)\b)",
    r"noose",
    r"(?:slit|cut|slice|slash) (?:my |his |her )?(?:wrists?|throat)",
    r"(?:jump|jumping|step|stepping|throw myself) (?:off|of|from|in front of|under) (?:a |the |this |that )?(?:bridge|building|roof|balcony|cliff|train|bus|truck|car|window|tower)",
    r"(?:drive|crash|driving|crashing) (?:my car |the car )?(?:into|off) (?:a |the )?(?:tree|wall|river|bridge|cliff|traffic|oncoming)",
    r"(?:bought|buying|got|get|loaded|loading) (?:a|my|the) gun",
    r"(?:goodbye|good bye) (?:forever|cruel world)",
    r"this is (?:my )?(?:goodbye|final goodbye)",
    r"final goodbye",
    r"(?:suicide|goodbye) (?:note|letter)",
    r"(?:wrote|writing|write|left) (?:a |my )?(?:last|final) (?:note|letter)",
    r"(?:i am|feel like) (?:\w+ )?a burden (?:to|on) (?:everyone|everybody|my family|the world|all)",
]

# Hurting oneself on purpose. ("sh" is the common short form: "sh again", "urge to sh".)
_SELF_HARM_THEN = r"(?= $| again| myself| since| for| every| when| because| and| but| i| to cope| a lot| more| on my)"
SELF_HARM = [
    r"self (?:harm\w*|injur\w*|mutilat\w*)",
    r"(?:cut|cuts|cutting|burn|burns|burned|burnt|burning|hurt|hurts|hurting|harm|harms|harmed|harming|hit|hits|hitting|punch|punched|punching|slap|slapped|slapping|punish|punished|punishing|scratch|scratched|scratching|starve|starved|starving|bite|bit|biting|bruise|bruised|carve|carved|carving|stab|stabbed|stabbing|choke|choked|choking|strangle|strangled) myself",
    r"(?:cut|cuts|cutting|burn|burning|burned|carve|carving|slice|slicing) (?:into )?(?:my )?(?:arms?|legs?|thighs?|wrists?|skin|stomach|belly|hips?)",
    rf"(?:started|start|starting|back to|relapsed?|relapsing|been|urge to|urges to|want to|going to) (?:\w+ ){{0,2}}(?:cutting|self harm\w*|sh){_SELF_HARM_THEN}",
    r"cutting again",
    r"(?:going to|want to|urge to|about to|need to) cut(?= $| again| tonight| myself| deeper)",
    r"carv\w* (?:\w+ ){0,3}(?:into|on) my (?:arms?|legs?|thighs?|wrists?|skin|stomach|hips?)",
    r"(?:urge|urges) to (?:cut|burn|hurt|harm)(?! (?:him|her|them|it|off|out|back|down|ties|contact|corners|things|people|anyone|someone)\b)",
    r"sh (?:again|scars?|urges?|relapse|free)",
    r"(?:relapsed?|relapsing) (?:on |into |with )?sh",
    r"(?:clean|free) (?:from|of) (?:sh|cutting|self harm)",
    r"(?<!like )(?<!like i am )(?<!like i was )bang\w* my head (?:against|on|into)",
    r"(?:razor|blade)s? (?:on|to|against|into|across) my (?:wrists?|arms?|skin)",
    r"deserve to (?:feel pain|hurt|suffer|bleed|be hurt|be punished)(?! (?:him|her|them)\b)",
    r"(?:want|need) to (?:feel pain|feel physical pain|bleed)",
]

# Being hurt, threatened, controlled or coerced by a partner (or anyone at home).
PARTNER_VIOLENCE = [
    # physical harm, sexual coercion, threats and control by someone named or described
    rf"{WHO} {GAP}(?:{_VIOLENCE_TO_ME}|{_DONE_BY_PARTNER})",
    rf"{NAME} {_VIOLENCE_TO_ME}",
    rf"(?:was|got|been|being|get) (?:hit|slapped|punched|kicked|choked|strangled|beaten|beat up|pushed|shoved|raped|assaulted|attacked|stabbed) by (?:him|her|them|{WHO})",
    r"(?:bruises?|black eye|marks|scars?) (?:he|she|they) (?:left|gave me)",
    r"(?:gave|give|gives|left) me (?:a black eye|bruises|a bruise|a split lip|a broken)",
    r"(?:knife|gun|weapon) (?:on|at|to) (?:me|my)",
    r"(?:hands?|arms?|fingers) (?:around|round|on) my (?:neck|throat)",
    r"(?:grab\w*|held|holds?|holding|squeez\w*|pinned) me by (?:the|my) (?:throat|neck|hair)",
    r"forc\w* (?:himself|herself|themselves) (?:on|onto|upon) me",
    r"(?:rape|raped|rapes|raping|sexually (?:assaulted|abused)|sexual assault)",
    r"(?:hits|hit|hitting|beats|beat|beating) (?:the|my|our) (?:kids|children|son|daughter|baby)",
    # threats
    rf"(?:threaten\w*|swore|swears|said|says|say|told me|tells me|keeps saying|warned me|promised)(?: (?:that|he|she|they|would|will|is going to|going to|could|can|to|if|i|leave|left|ever)){{0,6}} (?:to )?{_THREAT}",
    r"threaten\w* (?:me|my life)(?! with (?:divorce|a breakup|leaving|breaking up)\b)",
    r"(?:threaten\w*|swore|swears) (?:to )?(?:hurt|harm) (?:me|the kids|the children|my \w+)",
    r"(?:said|says|told me|tells me|warned me|swore) (?:that )?(?:he|she|they) (?:would|will|is going to|going to|could|might) (?:\w+ )?hurt me",
    r"threaten\w* to take (?:away )?(?:the|my|our) (?:kids|children|child|baby|son|daughter)",
    r"(?:told|tells|telling|said) me to (?:go )?(?:kill (?:myself|yourself)|die)",
    # fear of the partner
    rf"(?:scared|afraid|terrified|frightened|fearful|petrified|fear) (?:of|for my life with|for my safety with|to go home to|to be alone with) (?:him|her|them|{WHO})(?! (?:\w+ing|reactions?|response|answers?|reply|mood|moods|opinion|family|friends|mom|mum|mother|dad|father|parents|silence|words|texts?|feelings|thoughts|judge?ments?|decision|not|ever|too|more|less|and me)\b)",
    r"(?:scared|afraid|terrified|frightened|fearful) of (?:his|her|their|my \w+) (?:temper|rage|violence|fists|outbursts|threats|hands)",
    r"(?:scared|afraid|terrified|frightened|worried|fear) (?:that )?(?:he|she|they) (?:will|would|is going to|going to|might|could|may) (?:\w+ )?(?:kill|hurt|hit|beat|harm|find me)",
    r"(?:scared|afraid|terrified|fear|fearing) for my (?:life|safety)",
    r"(?:scared|afraid|terrified) to go (?:back )?home",
    r"live in fear",
    r"(?:not|never|do not|no longer) (?:feel )?safe (?:at home|with (?:him|her|them|my \w+)|in my (?:own )?(?:home|house|bed)|around (?:him|her|them)|to go home)",
    r"unsafe (?:at home|with (?:him|her|them|my \w+)|in my (?:own )?(?:home|house)|around (?:him|her|them))",
    # control and coercion
    r"(?:not|never) allowed to (?:leave|go out|go anywhere|see (?:my|anyone|friends|family)|talk to (?:my|anyone|friends|family|other)|have (?:money|friends|my own|a phone)|work|spend|use (?:my|the) (?:phone|car|money))",
    r"(?:tracker|tracking app|spyware|airtag) (?:on|in) my",
    r"(?:locked|locks|locking) me (?:in|out|up|inside)",
    r"stalk\w* me",
    r"(?:follows|followed|following) me (?:everywhere|home|to work)",
    r"(?<!substance )(?<!drug )(?<!alcohol )abus(?:e|ed|es|ing|ive|er)(?! (?:of |to )?(?:alcohol|drugs|power|substances?|pills|the system)\b)",
    r"(?:domestic|family|intimate partner|relationship|partner|sexual) violence",
    r"violent (?:with|towards?|to) me",
    r"(?:controls|controlled|controlling) (?:all )?(?:my|the|our) (?:money|finances|every move)",
]

# Wanting, or being about to, hurt someone else (usually the partner).
_VIOLENT = _any(
    "kill", "murder", "stab(?! (?:him|her|them) in the back)", r"shoot(?! (?:him|her|them) (?:a|an|the|some|my|back)\b)",
    "strangle", "choke", r"beat(?! (?:him|her|them) (?:at|in|to)\b)", "beat up", "punch", "smack", "slap",
    r"hit(?! (?:him|her|them) up\b)", "attack", "suffocate", "poison", "run over", "unalive",
)
_NOT_MEANT = r"(?! with kindness| in the back)"
HARM_OTHERS = [
    rf"(?:want|wanted|wanting|going|about|ready|tempted|trying|tried|plan|planning|urge|need) (?:\w+ ){{0,2}}to (?:\w+ )?{_VIOLENT} {OBJ}{_NOT_MEANT}",
    rf"(?:i|ill) (?:\w+ )?(?:could|will|would|might|am going to|going to|am about to|swear i will|feel like i could|can) (?:\w+ )?{_VIOLENT} {OBJ}{_NOT_MEANT}",
    rf"(?:kill|murder|strangle|unalive) {OBJ}{_NOT_MEANT}",
    r"run (?:him|her|them) over",
    r"beat the (?:shit|crap|hell|life) out of (?:him|her|them)",
    rf"(?<!not )(?<!never )(?<!not ever )(?:want|wanted|going|about|ready|tempted|urge) to (?:\w+ )?(?:hurt|harm) {OBJ}(?! (?:by|if i|when i|with (?:my )?words)\b)",
    rf"i (?:could|will|would|might|am going to) (?:\w+ )?(?:hurt|harm) {OBJ}(?! (?:by|if i|when i)\b)",
    rf"i (?:hit|slapped|punched|choked|strangled|kicked|beat|smacked|stabbed|attacked|bit) {OBJ}(?! (?:up|at|in|with (?:the truth|a text|a message|facts))\b)",
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
    "diee": "die", "dieing": "dying", "dyin": "dying",
    # misspellings (one slip from "suicide"/"suicidal"/"overdose"/"myself" is handled below)
    "sucide": "suicide", "suiside": "suicide", "suicde": "suicide", "suiscide": "suicide", "suecide": "suicide",
    "sucidal": "suicidal", "suicdal": "suicidal", "suisidal": "suicidal", "suacide": "suicide",
    "overdoze": "overdose", "overdozed": "overdosed",
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


_KEYS = ("suicide", "suicidal", "overdose", "overdosed", "myself")
for _key in _KEYS:
    for _slip in _one_slip(_key) - _NOT_A_SLIP - set(_KEYS):
        _WORDS.setdefault(_slip, _key)

# Apostrophe look-alikes become "'", invisible characters that would split a word vanish.
_FOLD = (
    *((quote, "'") for quote in "\u2019\u2018\u201b\u02bc\u00b4\u2032\uff07`"),
    *((invisible, "") for invisible in "\u200b\u200c\u200d\u2060\ufeff\u00ad"),
)
_RUN3 = re.compile(r"([^\W\d_])\1{2,}")  # a letter three or more times: "dieeee", "killlll"
_NOT_WORD = re.compile(r"[\W_]+")  # keeps letters and digits of any script
_ASCII_SPACES = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})  # the same, faster
_REPEATED = re.compile(r"(.)\1\1")  # a cheap first look for stretched letters
_DISTANCE = re.compile(r"(\d) ?kms\b")  # "20 kms" is kilometres, not "kill myself"
_NOT_FORMS = {"can": "can not", "won": "will not", "ain": "is not", "shan": "shall not"}

# Words of the patterns that have a double letter: "killlll" squeezes back to "kill", not "kil".
_DOUBLED = frozenset(
    word
    for table in TABLES.values()
    for pattern in table
    for word in re.findall(r"[a-z]+", pattern)
    if re.search(r"(.)\1", word)
) | frozenset(("kill", "all", "will", "off", "too", "see", "feel", "sleep", "need"))


def _twice(match: re.Match[str]) -> str:
    return match.group(1) * 2


def _once(match: re.Match[str]) -> str:
    return match.group(1)


def _squeeze(word: str) -> str:
    """ "dieeee" -> "die", "killlll" -> "kill": a stretched letter becomes two if that makes a
    word the patterns know, else one."""
    doubled = _RUN3.sub(_twice, word)
    if doubled not in _DOUBLED and doubled not in _WORDS:
        doubled = _RUN3.sub(_once, word)
    return _WORDS.get(doubled, doubled)


def _squeeze_all(plain: str) -> str:
    """`_squeeze` every word of `plain` that has a letter three times in a row."""
    parts, done = [], 0
    while found := _REPEATED.search(plain, done):
        start = plain.rfind(" ", 0, found.start()) + 1
        end = plain.find(" ", found.end())
        end = len(plain) if end < 0 else end
        parts += [plain[done:start], _squeeze(plain[start:end])]
        done = end
    parts.append(plain[done:])
    return "".join(parts)


def _expand(match: re.Match[str]) -> str:
    return f"{match.group(1)} {_CONTRACTED[match.group(2)]}"


def _expand_not(match: re.Match[str]) -> str:
    return _NOT_FORMS[match.group(1)] if match.group(1) else " not"


def normalise(text: str) -> str:
    """Lowercase words separated by single spaces, with one space at each end."""
    if text.isascii():
        text = text.lower()
    else:
        for odd, plain in _FOLD:
            if odd in text:
                text = text.replace(odd, plain)
        text = unicodedata.normalize("NFKC", text).casefold()
        letters = unicodedata.normalize("NFD", text)
        if letters != text:  # drop accents: "suïcide" -> "suicide"
            text = "".join(c for c in letters if not unicodedata.combining(c))
    if "`" in text:
        text = text.replace("`", "'")
    if "'" in text:
        text = _CONTRACTION.sub(_expand, text)
        text = _NOT.sub(_expand_not, text).replace("'", "")
    if "kms" in text:
        text = _DISTANCE.sub(r"\1 km", text)
    words = (text.translate(_ASCII_SPACES) if text.isascii() else _NOT_WORD.sub(" ", text)).split()
    plain = " ".join([_WORDS.get(w, w) for w in words])
    if _REPEATED.search(plain):  # rare: stretched letters ("dieeee"), so squeeze and look up again
        plain = _squeeze_all(plain)
    return f" {plain} ".replace(" my self ", " myself ")


# A group of plain words in a pattern, "(?:cut|cuts|cutting)", becomes a trie when compiled:
# the same matches, read in a fraction of the time.
_WORD_GROUP = re.compile(r"\(\?:([a-z ]+(?:\|[a-z ]+)+)\)")


def _compile(patterns: list[str]) -> re.Pattern[str]:
    """One expression for a table: any pattern, matching whole words of the normalised text."""
    body = "|".join(_WORD_GROUP.sub(lambda m: _words(*m.group(1).split("|")), p) for p in patterns)
    return re.compile(f" (?:{body})(?= )")


_COMPILED: dict[Category, re.Pattern[str]] = {category: _compile(patterns) for category, patterns in TABLES.items()}


def detect(text: str) -> CrisisSignal | None:
    """The crisis categories `text` touches, or None. Never logs, never raises on odd text."""
    if not text or text.isspace():
        return None
    plain = normalise(text)
    found = frozenset(category for category, pattern in _COMPILED.items() if pattern.search(plain))
    return CrisisSignal(found) if found else None
