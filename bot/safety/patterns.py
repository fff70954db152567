"""The pattern tables of crisis detection: what each category of crisis language looks like
once `normalise` has made it plain lowercase words ("i am not ok", "he will kill me").

Each category has a table of certain patterns (the words leave little doubt) and one of
unsure ones (the grey zone: the service asks one direct question first). Around them sit
the rules that keep meaning in view:

- `NEGATED`: a plain negation of the crisis words in the same clause ("i am not suicidal",
  "i would never kill myself") is blanked out before matching, and nothing else is: "i do
  not want to die but i can not live like this" still matches its second clause.
- `NOT_VIOLENCE`: words that look like violence to "me" but are grief, idiom, hyperbole or
  a wish to die ("losing my mom hit me hard", "my wife will kill me for forgetting", "i wish
  a car would hit me") are blanked out before the violence tables run.
- `PAST` and `PRESENT`: a violence match in a clause about the past or childhood, with
  nothing in it about now, is unsure ("my dad used to hit me when i was a kid").
- `MEDIA`: a violence match in a clause about a film, book or the news is unsure when it
  touches the person ("me", "my"), and nothing when it does not.
- `RECOVERED`: self-harm in the past with recovery in the same sentence is no crisis now;
  in the past alone it is unsure.
- `STRESSOR` plus `HEIGHTS`: a loss in one sentence and a question about bridges or tall
  buildings in another is unsure suicide, anywhere in the message.
- `FIRST_PERSON`, `SOMEONE_ELSE`, `A_THING`: whom a suicide or self-harm match is about (the
  nearest person named before it): someone else's risk ("my brother tried to kill himself"),
  or a film's, is unsure; a death told in grief is set aside with the negations.
- `TOPIC`: a course, an essay, a training: no alarm for words that are not the person's own.
- `PLAY`: sport, play, games, sleep, a hand that stopped a fall: violence words that are none.
- `RESOLVED` and `ONGOING`: violence in the past the person has left ("i am safe now") is no
  alarm, unless the sentence says it goes on ("again", "still").
- `BENIGN`: a reason that makes control ordinary ("because i asked her to"): a certain
  control match is unsure, an unsure one no alarm. A joke ("lol", "haha") does the same for
  violence, unless it goes on; `RETRACTED` ("i was joking", "not literally") for any kind.
- `ACCIDENT` without `INTENT`: a burn on the oven, a scratch in the garden is no self-harm.
- `ARRANGED`: giving things away or "just in case" while travelling, a spare key: no alarm
  for the grey-zone suicide tables (the certain ones stand).

The building blocks (`WHO`, `OBJ`, `GAP`, ...) name the recurring parts. A pattern matches
whole words: it starts after a space and ends before one; "." is a sentence end. Each group
of plain words becomes a trie when compiled (`words`), which keeps a typical message fast.
Nothing here logs.
"""

from __future__ import annotations

import re
from typing import Literal

Category = Literal["suicide", "self_harm", "partner_violence", "harm_others"]

# ----------------------------------------------------------------- building blocks


def any_of(*patterns: str) -> str:
    """An alternation of patterns."""
    return "(?:" + "|".join(patterns) + ")"


_Trie = dict[str, "_Trie"]


def words(*words: str) -> str:
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
_PARTNER_NOUN = words(
    "partner",
    "husband",
    "wife",
    "boyfriend",
    "girlfriend",
    "bf",
    "gf",
    "fiance",
    "fiancee",
    "spouse",
    "ex",
    "ex husband",
    "ex wife",
    "ex boyfriend",
    "ex girlfriend",
    "ex partner",
    "other half",
    "man",
    "woman",
    "dad",
    "father",
    "mom",
    "mum",
    "mother",
    "stepdad",
    "stepfather",
    "brother",
    "sister",
    "son",
    "daughter",
    "roommate",
    "flatmate",
)
WHO = rf"(?:{words('he', 'she', 'they', 'someone', 'somebody')}|(?:(?:my|his|her|the) )?{_PARTNER_NOUN})"

# Who the person might hurt (object forms). "her" is excluded when a possession follows it:
# "I don't want to hurt her feelings" is not a threat.
_POSSESSED = words(
    "feeling",
    "feelings",
    "chance",
    "chances",
    "pride",
    "ego",
    "career",
    "reputation",
    "relationship",
    "trust",
    "heart",
    "self esteem",
    "confidence",
    "plan",
    "plans",
    "vibe",
    "buzz",
    "mood",
    "mind",
    "phone",
    "car",
    "game",
    "battery",
    "time",
)
OBJ = any_of(
    words("him", "them", "someone", "somebody", "everyone", "everybody", "people"),
    rf"her(?! {_POSSESSED}\b)",
    rf"(?:my|his|her) {_PARTNER_NOUN}",
    "that (?:guy|girl|woman|man)",
    "(?:the|my|our) (?:kids|children|baby|son|daughter|child|toddler|newborn)",
)

# Things that "hit", "shook" or "hurt" a person only figuratively: "it hit me that...", "the
# news hit me hard", "his words shook me". Never taken for an attacker, even a few words
# after "he": "he left and reality hit me" is not an assault.
_IDIOM_SUBJECT = words(
    "it",
    "that",
    "this",
    "which",
    "what",
    "there",
    "reality",
    "news",
    "truth",
    "realization",
    "realisation",
    "thought",
    "thoughts",
    "memory",
    "memories",
    "idea",
    "feeling",
    "feelings",
    "wave",
    "song",
    "smell",
    "grief",
    "sadness",
    "loneliness",
    "anxiety",
    "panic",
    "fear",
    "guilt",
    "shame",
    "depression",
    "exhaustion",
    "tiredness",
    "everything",
    "something",
    "nothing",
    "all",
    "words",
    "comment",
    "comments",
    "message",
    "messages",
    "text",
    "texts",
    "silence",
    "tone",
    "question",
    "answer",
    "reply",
    "joke",
    "look",
    "criticism",
    "rejection",
    "distance",
    "coldness",
    "behavior",
    "behaviour",
    "attitude",
    "absence",
    "karma",
    "life",
    "work",
    "stress",
    "traffic",
    "car",
    "bus",
    "ball",
    "door",
    "wind",
    "heat",
    "cold",
    "lightning",
    "one",
    "tears",
    "sleep",
    "death",
    "passing",
    "loss",
    "losing",
    "funeral",
    "dying",
    "diagnosis",
    "leaving",
    "divorce",
    "breakup",
    "anniversary",
    "miscarriage",
    "lockdown",
    "pandemic",
    "hangover",
    "flu",
    "covid",
    "cancer",
    # animals, things and little children: they bite, kick and hit, but that is no assault
    "dog",
    "dogs",
    "puppy",
    "cat",
    "cats",
    "kitten",
    "horse",
    "pony",
    "goose",
    "bird",
    "parrot",
    "hamster",
    "rabbit",
    "bee",
    "wasp",
    "mosquito",
    "spider",
    "snake",
    "puck",
    "dodgeball",
    "frisbee",
    "football",
    "toy",
    "toddler",
    "toddlers",
    "newborn",
    "infant",
    "baby",
    "babies",
    "branch",
    "wave",
    "waves",
)
# Little words that can stand just before a verb ("it finally hit me", "kind of hit me"):
# a bare word before "hit me" that is on neither list is taken for a name ("Mark hit me").
_NOT_A_NAME = words(
    "really",
    "finally",
    "just",
    "suddenly",
    "actually",
    "literally",
    "truly",
    "then",
    "also",
    "only",
    "kind",
    "kinda",
    "sort",
    "totally",
    "hard",
    "now",
    "today",
    "yesterday",
    "tonight",
    "once",
    "first",
    "still",
    "even",
    "always",
    "sometimes",
    "so",
    "too",
    "and",
    "but",
    "when",
    "because",
    "as",
    "if",
    "honestly",
    "basically",
    "probably",
    "maybe",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "like",
    "by",
    "from",
    "about",
    "i",
    "we",
    "not",
    "never",
    "almost",
    "nearly",
    "fully",
    "deeply",
    "a",
    "an",
    "the",
    "would",
    "could",
    "should",
    "will",
    "might",
    "may",
    "must",
    "can",
    "did",
    "does",
    "do",
    "wish",
    "hope",
    "please",
    "who",
    "that",
    "to",
    "it",
    "me",
    "you",
    "he",
    "she",
    "they",
    "car",
    "bus",
    "truck",
    "train",
    "lorry",
    "someone",
    "somebody",
    "keep",
    "keeps",
    "kept",
)
NAME = rf"(?!(?:{_IDIOM_SUBJECT}|{_NOT_A_NAME}) )[a-z]+"
# Up to three words in between: "he really hit me", "my husband when he drinks hits me".
GAP = rf"(?:(?!{_IDIOM_SUBJECT} )[a-z]+ ){{0,3}}"

# Physical violence done to "me". Each verb carries the idioms it must not match.
_VIOLENCE_TO_ME = any_of(
    r"hit(?:s|ting)? me(?! (?:up|with (?:the|a|an|that|this|his|her|some) (?:silent|silence|cold|question|news|truth|guilt|look|comment|text|message|line|speech|lecture|list|reality|facts))\b)",
    r"(?:slap|punch|kick|smack|strangl|assault|molest|headbutt)\w* me",
    r"stab\w* me(?! in the back)",
    r"(?:kneed|kneeing) me",
    r"attack\w* me(?! (?:verbally|with (?:words|criticism|questions|accusations)|for|about|over|when i)\b)",
    r"chok(?:e|ed|es|ing) me(?! up)",
    r"beat(?:s|en|ing)? me(?! (?:at|to|in|on|by)\b)",
    r"(?:push|shov)\w* me(?! (?:away|to|too|over the edge|for|on|about|harder|further|forward|out of my comfort|into (?:doing|it|this|that|therapy|\w+ing)|(?:in|into) the (?:pool|snow|leaves|sand|ball pit))\b)",
    r"grab\w* me(?! (?:a|an|some|something|lunch|dinner|coffee|food|drinks?|one)\b)",
    r"(?:bit|bites|biting|bitten) me",
    r"(?:threw|throws|throwing|thrown) me (?:down|into|against|across|onto|out|off|around)",
    r"(?:slam\w*|pinn\w*|pins|pin) me (?:down|into|against|onto|to)",
    r"drag\w* me (?:by|across|down|along|into the|out of the|off)",
    r"(?:shook|shakes|shaking) me (?:by|so hard|violently|against)",
    r"(?:burn\w*|cut\w*) me (?:with|on)",
    r"(?:spat|spit|spits|spitting) (?:on|at) me",
    r"(?:raped|rapes|raping) me",
    r"(?:threw|throws|thrown|throwing) (?:(?:a|the|his|her|my) )?(?!(?:shade|fit|tantrum|look|glance|questions?|insults|accusations|compliments|words|hints?|money|back|it|that|this|everything|stuff) )\w+ (?:at|on) me",
    r"pull\w* my hair",
    r"(?:physically|violently) (?:hurt|hurts|hurting|harmed|attacked) me",
    r"hurt\w* me (?:physically|badly|so bad)",
)

# What a partner (never "the job" or "this app") does: "he won't let me see my friends".
_DONE_BY_PARTNER = any_of(
    r"(?:pushed|shoved|threw|kicked|dragged) me (?:down|into|against|out|off|across|to the (?:ground|floor))",
    r"(?:forced|forces|forcing|made|makes|pressured|pressures|coerced|coerces) me (?:to |into )?(?:have sex|sex|sleep with|do (?:sexual|things)|perform)",
    r"(?:will|would|is going to|going to|might|could|may) (?:\w+ )?(?:kill|beat|hit|harm|strangle|choke|stab|shoot) me(?! (?:if|when|once) (?:he|she|they) (?:finds out|found out|find out|knew|knows|sees|saw|hears|heard|catches|caught)\b)",
    r"(?:isolat\w*|cut|cuts|cutting|keeps|kept) me (?:off |away )?from (?:all )?(?:my )?(?:friends|family|everyone|everybody|the world)",
    r"(?:will not|does not|do not|did not|would not|never|no longer) (?:let|lets|allow|allows) me (?:to )?(?:leave(?! without (?:a |my |his |her )?(?:snack|coat|jacket|breakfast|lunch|food|hug|kiss|umbrella|scarf|water|goodbye)\b)|go out|go anywhere|go to work|out of|see(?! (?:his|her|their)\b)|talk to(?! (?:him|her|them)\b)|visit|call|contact|have (?:money|my own|a phone|friends|a job|access|my phone|my keys|the car|any)|keep|use(?! (?:his|her|their)\b)|work|get a job|drive(?! (?:his|her|their)\b)|eat|sleep|wear|spend|access)",
    r"(?:takes?|took|taking|keeps?|kept|controls?|controlled|controlling|tracks?|tracked|tracking|monitors?|monitored|monitoring|goes through|went through|going through|hides?|hid|hiding|steals?|stole) (?:all )?(?:of )?my (?:money|phone|messages|texts|emails|keys|car keys|passport|id|bank|bank account|cards?|credit cards?|location|every move|paycheck|pay|salary|wages|wallet|documents|papers)",
    r"(?:is|was|gets|got|has been|can be|becomes|became|turns|turned) (?:\w+ )?violent",
)

# What a threat is about: "threatened to kill me", "says he'll take the kids if I leave".
_THREAT = any_of(
    r"(?:kill|beat|hit|harm|strangle|choke|stab|shoot|slap|punch|break) me",
    r"(?:kill|hurt) (?:himself|herself|themselves|myself|the kids|the children|the dog|the cat|my \w+)",
    r"take (?:away )?(?:the|my|our) (?:kids|children|child|baby|son|daughter)(?= $| away| from me| if| unless| and never| and run| forever| for good| so i)",
    r"take (?:them|the kids|the children) away",
    r"(?:slit|cut|slice) my throat",
    r"end (?:it all|(?:his|her|their) (?:own )?life)(?= (?:\w+ ){0,3}if i| and it (?:will|would) be my fault)",
    r"(?:post|leak|share|send|show) my (?:photos|pictures|pics|nudes|videos)",
    r"(?:report|call) (?:me )?(?:to )?immigration",
    r"get me deported",
    r"(?:kick|throw) me out",
    r"ruin my life",
    r"destroy me",
    r"make me (?:regret|pay|suffer|disappear)",
    r"burn (?:the|my|our) (?:house|place|flat|apartment)",
)

# ----------------------------------------------------------------- the tables

# Suicide, wanting to die, or not to exist.
_DIE = r"(?:die(?! (?:down|out|off|of (?:laughter|embarrassment|boredom|cringe|shame|envy|jealousy|happiness|excitement|old age)|laughing|for|on (?:that|this) hill)\b)|be dead|not exist|not be alive|not be here(?= any more| at all| tomorrow| $)|stop existing|stop living|not wake up|never wake up|sleep forever)"
SUICIDE = [
    r"suicid\w*",  # suicide, suicidal (misspellings are normalised to this)
    r"sewerslide",
    r"unalive\w*",
    r"(?:kill|killing|killed|kills) (?:myself|himself|herself|themselves)(?! laughing\b)",
    rf"(?:want|wanted|wanting|wish|wishing|ready|deserve|hope|plan|planning|going|trying|tried|try|prefer|like) (?:\w+ ){{0,2}}to (?:\w+ ){{0,2}}{_DIE}",
    r"(?:wish|hope|pray) i (?:was|were|would be|could be|am|had been) (?:dead|gone|never born)",
    r"wish i (?:had |would have |would )?never (?:been born|existed|woke up)",
    r"(?:wish|hope|pray) i (?:\w+ ){0,2}(?:die|do not wake up|never wake up|did not exist|stop existing)(?! (?:down|of)\b)",
    r"(?:should|would rather|rather|better off|deserve to|might as well|may as well) (?:just )?(?:die|be dead)(?! (?:of|laughing|for|down|than)\b)",
    r"(?:would rather|rather|sooner) (?:just )?(?:die|be dead) than (?:\w+ )?(?:keep|go on|going on|go through|going through|carry on|carrying on|continue|live|living|feel|feeling|be like this|wake up|face|spend another|deal with this|do this|suffer)",
    r"feel(?:ing)? like dying",
    r"(?:want|wish for|long for|pray for|welcome) death",
    r"(?:end|ending|ended) (?:it all|my (?:own )?life|my suffering|it (?:tonight|today|now|soon|for good|forever))",
    r"take my (?:own )?life",
    r"better of+ (?:dead|without me|if i (?:was|were|am|had|died|disappeared|never|left(?! (?:my|him|her|them|the|this|that|our|his|work|school|town|home)\b)|could)|with me (?:dead|gone))",
    r"(?:world|everyone|everybody|they|he|she|family|kids) (?:\w+ )?(?:would|will) be better (?:of+ )?without me",
    r"(?:no one|nobody|no body) (?:would|will) (?:even )?(?:miss me|notice if i|care if i)",
    r"(?:no|nothing|no reason) (?:left )?(?:to|for me to) live for",
    r"no (?:reason|point|purpose|will) (?:in |to )?(?:living|live|life|be alive|being alive|go on|going on|keep going|carry on|anything any more|exist|existing)",
    r"(?:what|what is) the point (?:of|in) (?:living|life|being alive|going on|existing|anything)",
    r"(?:see|find) (?:the|any) point (?:of|in) (?:living|life|being alive|going on|existing|anything)",
    r"want (?:it all|everything) to (?:all )?(?:end|stop|be over)(?= $| now| forever| for good| i)",
    r"do not want to (?:live(?! (?:with|in|there|here|together|near|alone|at|like that)\b)|be alive|be here any more|exist|wake up|go on|keep going|keep living|carry on)",
    r"(?:life|living) (?:is not|is no longer|is not even|is just not) (?:\w+ )?worth (?:it|living)",
    r"not worth living",
    r"life (?:is|feels) (?:so |completely |totally )?(?:pointless|meaningless)",
    r"(?:tired|sick|exhausted) of (?:living|being alive|life|existing)",
    r"(?:done|finished) with (?:life|living|being alive|existing|it all)",
    r"give up on (?:life|living)",
    r"(?:disappear|vanish) (?:for ?ever|for good|for real|permanently|and never come back|off the face)",
    r"(?:want|wish|wanted|need|going) (?:\w+ ){0,2}to (?:just )?(?:disappear|vanish)(?! (?:for (?:a|an|the|some|few|couple|tonight|today|this)|into|to|from|under|in|with|off (?:social|insta|the internet)|until|till|after|on|every time|whenever|when|each time|while|during)\b)",
    r"wish i could (?:just )?(?:disappear|vanish)(?! (?:for (?:a|an|the|some)|into|to|from|every time|whenever|when|each time|while|during|at)\b)",
    r"can not (?:go on living|keep living|do life|be here any more|bear living|stay alive|live any more|live with myself)(?! like this with| with (?:him|her|them|my)\b| in this (?:relationship|marriage|house|flat|job)\b)",
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
    r"(?:goodbye|good bye) (?:forever|cruel world)(?! (?:\. )?(?:old |my |to (?:my|the|our) )?(?:sofa|couch|car|phone|flat|house|job|office|desk|bed|mattress|fridge|laptop|hair|beard|braces|cast|crutches|student loan|debt|overdraft|commute|landlord|uni|school|city|town)\b)",
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
    r"(?<!like )(?<!like i am )(?<!like i was )bang\w* my head (?:against|on|into)(?! (?:a |the )?brick wall\b| (?:a |the )?wall (?:trying|with (?:him|her|them|this)|over|about)\b)",
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
    r"(?<!dropped a )(?<!dropped the )(?<!dropped my )(?:knife|gun|weapon) (?:on|at|to) (?:me|my(?! (?:foot|feet|toe|toes|finger|fingers|thumb)\b))",
    r"(?:hands?|arms?|fingers) (?:around|round|on) my (?:neck|throat)",
    r"(?:grab\w*|held|holds?|holding|squeez\w*|pinned) me by (?:the|my) (?:throat|neck|hair)",
    r"forc\w* (?:himself|herself|themselves) (?:on|onto|upon) me",
    r"(?:rape|raped|rapes|raping|sexually (?:assaulted|abused)|sexual assault)",
    r"(?:hits|hit|hitting|beats|beat|beating) (?:the|my|our) (?:kids|children|son|daughter|baby)",
    # threats
    rf"(?:threaten\w*|swore|swears|said|says|say|saying|told me|tells me|keeps saying|warned me|promised)(?: (?:that|he|she|they|hell|shell|hed|shed|would|will|is going to|going to|could|can|to|if|i|leave|left|ever)){{0,6}} (?:to )?{_THREAT}",
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
    r"(?:locked|locks|locking) me (?:in|out|up|inside)(?! of (?:netflix|spotify|disney|the (?:wifi|group chat|group|chat|game|netflix|spotify))\b)",
    r"stalk\w* me",
    r"(?:follows|followed|following) me (?:everywhere|home|to work)",
    r"(?<!substance )(?<!drug )(?<!alcohol )(?<!is that )(?<!is this )(?<!is it )(?<!that emotional )(?<!this emotional )(?<!that verbal )(?<!this verbal )abus(?:e|ed|es|ing|ive|er)(?! (?:of |to )?(?:alcohol|drugs|power|substances?|pills|the system)\b)",
    r"(?:domestic|family|intimate partner|relationship|partner|sexual) violence",
    r"violent (?:with|towards?|to) me",
    r"(?:controls|controlled|controlling) (?:all )?(?:my|the|our) (?:money|finances|every move)",
]

# Wanting, or being about to, hurt someone else (usually the partner).
_VIOLENT = any_of(
    "kill",
    "murder",
    "stab(?! (?:him|her|them) in the back)",
    r"shoot(?! (?:him|her|them) (?:a|an|the|some|my|back)\b)",
    "strangle",
    "choke",
    r"beat(?! (?:him|her|them) (?:at|in|to)\b)",
    "beat up",
    "punch",
    "smack",
    "slap",
    r"hit(?! (?:him|her|them) up\b)",
    "attack",
    "suffocate",
    "poison",
    "run over",
    "unalive",
)
_NOT_MEANT = r"(?! with kindness| in the back)"
HARM_OTHERS = [
    rf"(?:want|wanted|wanting|going|about|ready|tempted|trying|tried|plan|planning|urge|need) (?:\w+ ){{0,2}}to (?:\w+ )?{_VIOLENT} {OBJ}{_NOT_MEANT}",
    rf"(?:i|ill) (?:\w+ )?(?:will|would|might|am going to|going to|am about to|swear i will|can) (?:\w+ )?{_VIOLENT} {OBJ}{_NOT_MEANT}",
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


# ----------------------------------------------------------------- more certain patterns
# Kinds the first tables missed, grouped as crisis services describe them.

_MEDS = r"(?:pills|tablets|meds|medication|medicine|painkillers|pain killers|sleeping pills|sleeping tablets|paracetamol|tylenol|acetaminophen|ibuprofen|advil|aspirin|codeine|tramadol|oxy|oxycodone|xanax|valium|insulin|antidepressants|lithium|benadryl|diphenhydramine|opioids|percocet|vicodin|morphine|fentanyl|seroquel|zopiclone|melatonin)"
_MANY = r"(?:[1-9]\d+|twenty|thirty|forty|fifty|sixty|hundred|a hundred|all|all of|a lot of|lots of|loads of|a bunch of|a handful of|handfuls of|the rest of|the whole|a whole|every|too many|way too many|enough|double|triple|two packs of|two boxes of|a bottle of|a box of|a pack of|packs of|boxes of|bottles of|(?:a |the |an |my |his |her )?(?:whole |entire |full )(?:bottle|box|pack|packet|strip|blister pack|tub|jar|sheet|container|sleeve)s? of)"
# Hot or sharp things held to the skin, and the skin they are held to.
_HOT = r"(?:lighter|lit lighter|lighter flame|flame|lit cigarette|cigarette|cig|lit match|match|hot (?:knife|spoon|metal|iron|coin|key|pan|glue gun|poker)|iron|curling iron|straighteners|hair straighteners)"
_HOT_THING = rf"(?:{_HOT}|blade|razor|razor blade)"
_BODY = r"(?:arms?|forearms?|wrists?|legs?|thighs?|skin|hands?|stomach|belly|hips?|chest|ankles?|shoulders?|palms?)"

SUICIDE += [
    # wishes and plans, in every inflection
    r"(?:wish|wishes|wished|wishing|hope|hopes|hoped|hoping|pray|prays|prayed|praying) (?:\w+ ){0,2}(?:i|i could|i would|i will) (?:just )?(?:die|be dead|stop existing|not exist|disappear for ?ever|never wake up|not wake up|fall asleep and (?:never|not) wake up|go to sleep and (?:never|not) wake up)",
    r"(?:wish|wishes|wished|wishing|hope|hoping|pray|praying) (?:that )?(?:i|i could|i would) (?:\w+ ){0,2}(?:was|were|would be|could be) (?:dead|gone for good|not alive|not here|not around|never born)",
    r"(?:wish|wishes|wished|wishing|hope|hoping|pray|praying|want|wanted|wanting) (?:that )?(?:a |some |the |an )?(?:car|bus|truck|lorry|train|plane|someone|somebody|something|anyone|lightning|meteor|asteroid|stray bullet|drunk driver) (?:would |will |could |might |to |just )*(?:hit|hits|kill|kills|run me over|runs me over|shoot|shoots|crash into|crashes into|take me|end me|finish me)(?: me)?",
    r"(?:hope|hoping|wish|wishing) i (?:get|got) (?:hit|run over|killed|shot|struck|cancer)",
    r"(?:would not|do not|does not|would not even|will not) (?:mind|care) if i (?:died|did not wake up|never woke up|was gone|were gone|was dead|were dead|got hit|got killed|stopped existing|disappeared for ?ever)",
    r"(?:sleep|go to sleep|fall asleep|close my eyes) (?:and|n) (?:\w+ )?(?:never|not|do not) (?:wake|open)(?! (?:up )?(?:till|until|til|before (?:noon|lunch|midday|\d+)|for (?:\w+ ){0,2}(?:hours|days|a day|weeks|a week|months|a month|years|a year))\b)",
    r"(?:not|never) (?:to )?wake up (?:again|ever|tomorrow|in the morning)",
    r"(?:thinking|thought|think|thoughts|dreaming|dream|fantasi\w*|fantasy) (?:a lot |so much |constantly |all the time )?(?:about|of) (?:dying|death|being dead|not being (?:here|alive|around)|ending (?:it all|my life|my own life|everything)|killing myself|taking my (?:own )?life|suicide|not existing|no longer existing|my own death|my funeral)",
    r"(?:plan|plans|planned|planning|decided|deciding|decision|ready|prepared|going|about) (?:\w+ ){0,2}(?:to )?(?:end (?:it all|my life|everything)|kill myself|take my (?:own )?life|do it tonight|go through with it)",
    r"(?:picked|chosen|chose|set|have|got) (?:a|the) (?:date|day|time|place|spot) (?:to|for|when) (?:i )?(?:do it|die|end it|go|kill myself|end my life)",
    r"(?:painless|easiest|easy|quickest|quick|fastest|best|surest|most effective|least painful) (?:way|ways|method|methods) (?:to|of) (?:die|dying|go|end it|kill myself|end my life|not wake up|do it|suicide|commit)",
    r"(?:looked|looking|look|searched|searching|search|googled|googling|researched|researching|research|read up) (?:up |into |on )?(?:how|ways|methods|what it takes) (?:to|of) (?:die|dying|kill myself|end it|end my life|hang|overdose|od|tie a noose|slit|not wake up)",
    r"(?:ready|prepared|want|wanted|wanting|going|about) to (?:leave this world|go to sleep for ?ever|join (?:my|her|him) (?:in heaven|up there))",
    r"(?:end|ending|ended) (?:this life|this existence|everything for good|my existence|the pain for good)",
    r"(?:killed|kill|killing) myself (?:\w+ ){0,3}(?:before|once|last year|attempt)",
    r"(?:tried|attempted|attempting|try) (?:\w+ ){0,2}(?:suicide|to kill myself|to end my life|to end it all|to take my life|to overdose|to hang myself)",
    r"(?:i will not|i won t|i am not going to|will not) be (?:here|around|alive) (?:\w+ ){0,2}(?:by|for|next|to see|much longer|for long|after|tomorrow|christmas|my birthday)",
    r"(?:do not|can not) see (?:myself|me) (?:being )?(?:alive|here|around) (?:in|by|next|for|much)",
    r"(?:better off|happier|easier) (?:\w+ ){0,3}(?:without me|if i (?:was|were|was not|were not|had|died|disappeared|never|left for good|just died|stopped existing|was gone|were gone|was dead|were dead))",
    r"(?:world|everyone|everybody|they|he|she|family|kids|people|my \w+) (?:\w+ ){0,3}(?:would|will|could) (?:all )?be (?:better|happier|fine|okay|ok) (?:\w+ )?without me",
    r"(?:no one|nobody|no body|not a single person) (?:would|will|is going to|going to) (?:even )?(?:miss me|care if i (?:die|died|was gone|am gone)|notice if i (?:die|died|was gone|am gone|disappeared)|come to my funeral)",
    r"(?:want|wanted|wanting|wish|need|needs) (?:\w+ ){0,2}(?:the|this|my) (?:pain|suffering|hurting|misery|life) to (?:stop|end|be over) (?:for ?ever|for good|permanently)",
    r"(?:do not|does not|no longer|not) (?:want|wanna) to (?:be )?(?:alive|breathe|wake up|live any more|live any longer|exist|be here any more|be in this world)",
    r"(?:i am|im|feel|feeling) (?:so |just )?(?:done|finished) (?:with )?(?:living|life|being alive|existing|this life)",
    # method and means (crisis services' high-risk terms)
    rf"(?:saving|saved|save|stockpiling|stockpiled|hoarding|hoarded|collecting|collected|counting|counted|stocking up on|stocked up on|storing|stored|gathering|gathered|stashing|stashed|hiding|hid|keeping) (?:up )?(?:all )?(?:my |the |some |enough |up )?(?:\w+ )?{_MEDS}",
    rf"(?:took|take|taking|taken|swallow|swallowed|swallowing|down|downed|downing|ate|eat|eating|chug|chugged|chugging) (?:\w+ ){{0,2}}{_MANY} (?:of )?(?:my |the |his |her |these |those |mums |moms |dads )?(?:\w+ )?{_MEDS}(?! (?:back )?(?:to|round to|over to|in to|into|for) (?:my|his|her|their|our|the|a|work|school|gran|nan|grandma|grandpa)\b)",
    rf"(?:how many|how much|what amount of|what dose of|which) (?:\w+ ){{0,4}}{_MEDS}(?: \w+){{0,8}} (?:to die|to kill|would kill|kill you|kill me|kill a person|does it take|would it take|is lethal|is fatal|is deadly|to overdose|to od|to not wake up|to never wake up|is too many|is an overdose|to end it|to be fatal|until you die|before you die|to stop breathing|is toxic|for an overdose)",
    r"(?:lethal|fatal|deadly|toxic|overdose) (?:dose|doses|amount|quantity|level|number)",
    rf"{_MEDS} (?:overdose|od|poisoning)",
    rf"(?:mg|milligrams|grams) of (?:\w+ )?{_MEDS} (?:\w+ ){{0,4}}(?:kill|die|fatal|lethal|deadly|overdose)",
    r"(?:rope|belt|cord|cable|scarf|sheet|ligature|noose|tie|leash) (?:\w+ ){0,2}(?:around|round|on|to) (?:my|his|her) (?:neck|throat)",
    r"(?:ligature|ligatures)",
    r"(?:strong|sturdy) enough to (?:hold|take) my weight",
    r"(?:tie|tied|tying|tie up|hang|hung|hanging) (?:a |the |my )?(?:rope|belt|noose|cord|sheet) (?:\w+ ){0,3}(?:to|from|on|over) (?:the |a |my )?(?:ceiling|beam|door|doorknob|door handle|tree|rafter|banister|railing|closet|wardrobe|hook|pipe)",
    r"(?:bought|buy|buying|got|get|have|found|tested|testing|ordered|picked out) (?:a |the |some |my )?(?:rope|noose)(?! (?:for (?:the |a |my |our )?(?:washing|clothes|laundry|camping|climbing|boat|garden|tent|swing|hammock|dog|tyre|tire|tug of war|gym|crafts?)|to (?:tie|hang (?:the |my |our )?(?:washing|laundry|clothes|hammock|swing))|swing|climbing)\b) (?:\w+ ){0,3}(?:to|for|that|and|today|yesterday|strong|long enough|tonight)",
    r"(?:jump|jumping|jumped|leap|leaping|leapt|fall|falling|throw myself|throwing myself) (?:\w+ ){0,2}(?:off|from|of|out of|in front of|under|onto) (?:\w+ ){0,3}(?:bridges?|buildings?|roofs?|rooftops?|balcony|balconies|cliffs?|towers?|car park|parking garage|parking lot|windows?|ledge|overpass|train|trains|tracks|subway|metro|tube|bus|truck|lorry|traffic|motorway|highway|dam|floor)",
    r"(?:step|stepping|stepped|walk|walking|walked|lie|lay|lying|laying|stand|standing|stood) (?:\w+ )?(?:in front of|onto|on|under|into) (?:a |the |an )?(?:oncoming )?(?:train|trains|tracks|train tracks|railway|railway line|rail line|subway|traffic|motorway|highway|lorry|truck|bus)",
    r"(?:walk|walking|walked|swim|swimming|swam|drive|driving|drove|go|going|went|run|running|ran) (?:\w+ )?(?:out )?into (?:the )?(?:sea|ocean|river|lake|water|waves) (?:and|until|till|to) (?:\w+ ){0,2}(?:never|not|die|drown|disappear|end)",
    r"(?:standing|stood|stand|sitting|sat|sit|waiting|waited) (?:\w+ ){0,2}(?:on|at|near) (?:the |a )?(?:edge|ledge|railing|rail|parapet) (?:\w+ ){0,3}(?:bridge|roof|building|balcony|cliff|platform|tracks)",
    r"(?:thinking|thought|think|thoughts|keep|kept) (?:about |of )?(?:jumping|stepping in front|throwing myself|driving off|crashing my car|the train|the bridge|the rope|the pills|the gun|hanging|drowning|overdosing|slitting)",
    r"(?:car|engine) (?:\w+ ){0,2}running in (?:the|a|my) (?:garage|closed garage|shut garage)",
    r"(?:exhaust|hose) (?:\w+ ){0,3}(?:into|in|through) (?:the |my )?(?:car|window)",
    r"(?:carbon monoxide|co poisoning|exhaust fumes)",
    r"(?:in|inside) (?:the|a|my) (?:car|garage) (?:\w+ ){0,5}(?:engine|motor) (?:running|on)",
    r"(?:charcoal|bbq|barbecue|barbeque) (?:\w+ ){0,5}(?:room|tent|car|sealed|tape|bathroom|bedroom|closed|inside|indoors)",
    r"(?:burn|burning|light|lighting|lit) (?:\w+ ){0,2}charcoal (?:in|inside)",
    r"(?:gun|pistol|firearm|rifle|shotgun|revolver|handgun) (?:to|against|in) my (?:head|mouth|temple|chest)",
    r"(?:keep|kept|keeps|been|sit|sat|sitting) (?:\w+ ){0,2}(?:looking at|thinking about|holding|staring at|touching) (?:the|my|his|her|a|dads|my dads|our) (?:gun|pistol|rifle|shotgun|pills|rope|noose|razor|blade|bottle of pills)",
    r"(?:gun|pistol|firearm|rifle|shotgun|handgun) (?:\w+ ){0,5}(?:to end it|to do it|to kill myself|for myself|and i keep thinking|and i think about|on myself|end it all)",
    r"(?:bought|buying|buy|got|get|loaded|loading|cleaned|cleaning|took out|take out) (?:a |my |the |his |her |dads |my dads )?(?:gun|pistol|rifle|shotgun|firearm|bullets|ammo)(?= (?:\.|$)| to | and | for | today| tonight| yesterday| last)",
    # preparatory acts
    r"(?:goodbye|good bye|farewell|suicide|final) (?:note|notes|letter|letters|video|videos|post|posts|message to (?:everyone|my family|my kids))",
    r"(?:wrote|written|writing|write|left|leave|leaving|drafted|drafting|recorded|recording|sent|sending|send|typed|typing) (?:\w+ ){0,2}(?:goodbye|good bye|farewell) (?:to|for|note|notes|letter|letters|message|messages|texts?|video|post)",
    r"(?:letters?|notes?|messages?) (?:\w+ )?for (?:everyone|my family|my kids|my parents|them|him|her) (?:\w+ ){0,3}(?:to find|to read|for when|after i|when i am gone|when they find)",
    r"(?:this is|it is) (?:the|my) last (?:time|message|text|post) (?:you will|anyone will|you ll|i will|i am) (?:ever )?(?:hear|see|get|send|write)",
    r"(?:you will|you ll|nobody will|no one will) (?:never|not) (?:hear from|see) me again",
    r"(?:when|after|once|if) (?:i am|im) (?:gone|dead|no longer here|not here any more|not around any more)(?! for| on| to| in| at| away)",
    r"(?:look after|take care of|care for|feed|raise|have|take|adopt|keep) (?:\w+ ){0,2}(?:dog|dogs|cat|cats|pets?|puppy|kitten|rabbit|bird|fish|kids|children|son|daughter|baby|plants) (?:\w+ ){0,4}(?:after i am gone|when i am gone|once i am gone|after i die|when i die|if i die|when i am dead|after i am dead|when i am not here|when i am no longer here)",
    r"(?:giving|gave|give|given) away (?:\w+ )?(?:of )?(?:my|most of my|all my) (?:things|stuff|belongings|possessions|prized|favourite|favorite|most precious|treasured|guitar|games|art|jewelry|jewellery|savings)",
    r"(?:giving|gave|give|given) (?:my |all my )?(?:things|stuff|belongings|possessions|pets?|dog|cat) away (?:to|because|so|since|before)",
    r"(?:putting|put|getting|got|sorting|sorted) (?:all )?my (?:affairs|things|stuff) in order",
    r"(?:tying|tie|tied) up (?:all )?(?:my )?loose ends",
    r"(?:i am|i have been|been) (?:\w+ )?(?:a )?(?:huge |total |complete |such a |nothing but a )?burden (?:to|on|for) (?:everyone|everybody|my family|my kids|my parents|my partner|him|her|them|people|the people|all)",
    r"(?:why|how come) (?:can not|could not|do not|cant) i (?:just )?(?:die|be dead|stop existing|not wake up|disappear for ?ever)",
    r"(?:let me|i need to|i have to|i deserve to|time for me to|time to) (?:just )?die(?! (?:down|of|laughing|for)\b)",
    r"(?:would|will|could) (?:all )?be (?:relieved|glad|free|lighter|fine|okay|ok|better off|happier|better) (?:\w+ ){0,2}(?:if i (?:was|were) (?:not here|gone|dead|not around|not alive)|without me|when i am gone|if i (?:died|disappeared|was not here|were not here|did not exist))",
    r"(?:who|would anyone|does anyone|will anyone|would anybody|no one|nobody) (?:\w+ ){0,2}(?:care|notice|miss me|even care|even notice) if i (?:was|were|am|died|die|disappeared|was gone|were gone|killed myself|was dead|were dead|did not wake up|never came back)",
    r"no (?:real )?reason (?:\w+ ){0,3}(?:to|for) (?:keep living|live|go on|keep going|be alive|stay alive|exist|carry on|stay|wake up)",
    r"(?:if i|i could|i would|i want to|i wish i could|to) (?:just )?(?:stopped|stop|cease|ceased) (?:existing|living|being alive|breathing|to exist)",
    r"(?:easier|better|simpler|a relief|kinder|best) (?:for (?:everyone|everybody|them|all) )?if i (?:just )?(?:died|was dead|were dead|did not exist|never existed|stopped existing|killed myself|was not alive)",
    rf"(?:[1-9]\d+|twenty|thirty|forty|fifty|a hundred) (?:of )?(?:my |the |these )?(?:\w+ )?{_MEDS} (?:\w+ ){{0,3}}(?:enough|be enough|do it|kill|to die|lethal|fatal|too many|would do|will do)",
    rf"(?:stash|stockpile|supply|collection|hoard|pile|box full|bag full|drawer full) of (?:\w+ )?{_MEDS}",
    r"(?:swallowed|took|taken|downed|ate|take|taking|swallow|swallowing) (?:everything|all|the whole|whatever|every pill|every tablet|all the pills|all the tablets) (?:\w+ ){0,3}(?:medicine cabinet|medicine cupboard|first aid|bathroom cabinet|pill box|pill bottle|bottle|cabinet|cupboard|i could find|i had|in the house)",
    r"(?:how long|how quickly|how fast) (?:\w+ ){0,5}(?:to die|to bleed out|until you die|before you die|to lose consciousness|to pass out|until death) (?:from|by|of|if|when|with|after)",
    r"(?:die|dying|death) (?:from|by|of) (?:hanging|an overdose|overdose|overdosing|drowning|jumping|bleeding out|carbon monoxide|pills|suffocation|strangulation|a gunshot)",
    r"(?:does|would|will|is) (?:\w+ )?(?:hanging|drowning|jumping|an overdose|overdosing|bleeding out|slitting) (?:\w+ )?(?:hurt|be painful|painful|be quick|quick|be fast|work)",
    r"(?:pills|tablets|meds|rope|noose|gun|pistol) (?:\w+ ){0,2}(?:lined up|laid out|counted out|in front of me|in my hand|on the table in front of me|next to me on|ready to go|all ready)",
    r"(?:say|said|saying) (?:my )?goodbyes? (?:\w+ ){0,4}before i (?:go|leave|do it|die|am gone)",
    r"(?:you|nobody|no one|they|he|she|everyone|people) (?:will not|will never|never|do not|wont|will not ever) (?:have to|need to|ever have to|ever need to) (?:worry about|deal with|put up with|see|bother with|take care of|look after|hear from) me (?:again|any more|any longer|much longer|after tonight|after today|soon|for long)",
    r"(?:they|he|she|someone|somebody|my \w+|you|people) (?:will|would|is going to|are going to) find (?:me|my body) (?:tomorrow|in the morning|when|after|later|soon|tonight|dead)",
    r"(?:imagine|imagining|picture|picturing|pictured|thinking about|think about) (?:\w+ )?(?:my own death|my own funeral|my funeral|being dead|killing myself|ending my life|not being alive)",
]

SELF_HARM += [
    r"(?:cut|cuts|cutting|cutted|slit|slitting|slice|sliced|slicing|carve|carved|carving|scratch|scratched|scratching|burn|burned|burnt|burning|stab|stabbed|stabbing|pierce|pierced|bruise|bruised|punch|punched|punching|hit|hitting|hurt|hurting|harm|harming|injure|injured|injuring|mark|marked) (?:myself|my (?:own )?(?:arms?|wrists?|legs?|thighs?|skin|stomach|belly|hips?|hands?|face|chest|ankles?|shoulders?)) (?:\w+ ){0,3}(?:on purpose|deliberately|again|until|till|with (?:a |the |my )?(?:razor|blade|knife|lighter|cigarette|scissors|glass|compass|pencil sharpener|sharpener|iron|hot)|to (?:cope|feel|punish|calm|forget|stop)|so i|because|when i|every)",
    r"(?:with|using) (?:a |the |my )?(?:razor|blade|razor blade|lighter|cigarette|compass|box cutter|sharpener blade|pencil sharpener) (?:on|against|into|across) my (?:skin|arms?|wrists?|legs?|thighs?|hands?|stomach|hips?)",
    r"(?:took|take|taking) (?:apart )?(?:a |the |my )?(?:pencil sharpener|sharpener|razor) (?:apart )?(?:to|for|so)",
    r"(?:hide|hiding|hid|hidden|keep|kept|keeping|stash|stashed|stashing) (?:\w+ ){0,2}(?:razors?|blades?|razor blades?) (?:in|under|inside|behind|so|for|just in case)",
    r"(?:hide|hiding|hid|cover|covering|covered|cover up|covering up) (?:up )?(?:my |the )?(?:fresh )?(?:cuts|wounds|self harm|sh scars|cut marks|burn marks|burns) ",
    r"(?:fresh|new|deep|bleeding|open) (?:cuts|wounds|burns|cut marks) (?:on|all over|across) my",
    r"(?:until|till|so that|so) (?:it|they|i|my skin|my arm|my arms) (?:bleeds?|bled|bleeding|started bleeding|scarred|scars|bruise|bruised|blistered)",
    r"(?:hit|hitting|punch|punching|slap|slapping|bang|banging|banged|smack|smacking) (?:myself|my (?:own )?(?:head|face|legs?|thighs?|arms?|stomach|fists?)) (?:\w+ ){0,3}(?:until|till|so hard|on purpose|against the|into the|when i|because|to)",
    r"(?:urge|urges|craving|cravings|need|want|wanted|wanting|tempted|tempting|itching) (?:\w+ ){0,2}to (?:cut|self harm|sh|burn myself|hurt myself|harm myself|relapse|bleed|scratch myself)(?! (?:him|her|them|it|off|out|back|down|ties|contact|corners|things|people|anyone|someone|my (?:hair|losses|hours|spending|ties))\b)",
    r"(?:relapsed|relapsing|relapse|relapses) (?:\w+ ){0,2}(?:on |into |with )?(?:self harm|cutting|sh|burning|hurting myself)",
    r"(?:self harm|cutting|sh) (?:relapse|relapsed|urges?|again|scars?|wounds?|cuts?|kit|box|tools?)",
    r"(?:did|do|doing|does) sh (?:again|last|today|yesterday|tonight|this)",
    r"(?:days|weeks|months|years) (?:\w+ )?(?:clean|free) (?:from|of) (?:self harm|sh|cutting|hurting myself)",
    r"(?:punish|punishing|punished) (?:myself|my body) (?:\w+ ){0,3}(?:with (?:pain|cuts|a razor|the blade|a lighter|burns|hunger)|by (?:cutting|burning|hitting|starving|hurting))",
    r"(?:pain|hurting myself|cutting|sh) (?:is )?(?:the only thing|all) that (?:helps|calms me|makes me feel|works)",
    r"(?:hit|hitting|hits|punch|punching|punched|slap|slapping|slapped|smack|smacking|bang|banging|banged) (?:my (?:own )?(?:head|face|legs?|thighs?|arms?|stomach)|myself) (?:\w+ )?(?:with (?:my |a |the )?(?:fists?|hands?|hairbrush|belt|book|phone)|against (?:the |a )?(?:wall|floor|door|desk))",
    r"(?:used to|started|start|keep|kept) (?:\w+ )?(?:self harming|cutting myself|burning myself|hurting myself|harming myself)(?! (?:as a teen|years ago|in school)\b)",
    rf"(?:press|presses|pressing|pressed|hold|holds|holding|held|put|puts|putting|touch|touching|touched|stub|stubbing|stubbed) (?:a |the |my |an )?{_HOT_THING} (?:\w+ ){{0,2}}(?:to|on|onto|against|into|in) my (?:own )?{_BODY}",
    rf"{_HOT} (?:to|on|onto|against|into) my (?:own )?{_BODY}",
]

PARTNER_VIOLENCE += [
    # burnt or cut by someone: "he burned my arm with the iron", "she pressed a lighter to my wrist"
    rf"{WHO} {GAP}(?:burn|burns|burned|burnt|burning|scald|scalds|scalded|scalding|brand|branded|cut|cuts|cutting|slashed|slashes|stabbed|stabs) my (?:own )?(?:{_BODY}|face|neck|back|head)(?! (?:on|by accident|accidentally)\b)",
    rf"{WHO} {GAP}(?:hit|hits|banged|bangs|slammed|slams|smashed|smashes|knocked|knocks) my head (?:against|on|into|off)",
    rf"{WHO} {GAP}(?:press|presses|pressing|pressed|hold|holds|holding|held|put|puts|putting|stub|stubs|stubbed) (?:out )?(?:a |the |his |her |their |my |an )?{_HOT_THING} (?:out )?(?:\w+ ){{0,2}}(?:to|on|onto|against|into|in) (?:me|my (?:{_BODY}|face|neck|back))",
    # passive voice: "i was choked", "got pushed down the stairs"
    r"(?:i |i have |i had |i |me )?(?:was|got|been|being|get|gets|am|keep getting|kept getting) (?:\w+ )?(?:hit|slapped|punched|kicked|choked|strangled|beaten|beat up|smacked|shoved|raped|molested|assaulted|stabbed|dragged|pinned down|held down|bitten|thrown against|thrown into|thrown down|thrown across|pushed down|pushed against|pushed into|shoved down|shoved against|suffocated|smothered|headbutted|threatened|stalked|spat on|locked in|locked up)(?! (?:by (?:a|the|an|my|his|her|our|their) (?:car|bus|truck|ball|wave|dog|cat|horse|pony|goose|bee|wasp|bat|puck|stone|rock|branch|virus|flu|storm|dodgeball|football|frisbee|toy|toddler|puppy|kitten)|on\b|up on|out of (?:the|a|my) (?:bar|club|game|class|team|group|school|party)|at (?:chess|cards|tennis|football|the game|poker)|in (?:the|a) (?:game|match|final|race|traffic|rain)|with (?:a fine|a bill|the bill|a ticket|a parking|the flu|covid|fees|taxes)|by (?:the|my) (?:news|truth|reality|flu|traffic|heat|sun|boss at)|off (?:the|a) (?:team|list|project)|down by (?:the|a) (?:flu|cold|virus)|hard by|(?:\w+ ){1,4}by (?:a|the|an|my|his|her|our|their) (?:car|bus|truck|ball|dog|cat|horse|pony|goose|cow|bee|wasp|puck|dodgeball|football|frisbee|toy|toddler|puppy|kitten|goblin|boss|zombie))\b)",
    r"(?:hit|slapped|punched|kicked|choked|strangled|beaten|beat up|pushed|shoved|raped|assaulted|attacked|stabbed|threatened|stalked|dragged|grabbed) by (?:my |his |her |an |the )?(?:ex|partner|husband|wife|boyfriend|girlfriend|bf|gf|fiance|fiancee|spouse|other half|man|date)",
    # strangulation
    r"(?:hand|hands|arm|arms|fingers|forearm|knee|belt|rope|cord|pillow) (?:\w+ )?(?:around|round|on|over|against|across|pressed on|pressed against) my (?:neck|throat|mouth and nose|face until)",
    r"(?:squeezed|squeezing|squeezes|pressed|pressing|presses|held|holding|holds|grabbed|grabbing|grabs|pinned|pinning|pins|choked|choking|chokes|strangled|strangling|strangles) (?:\w+ ){0,4}(?:until|till|so hard|so tight|and) (?:i|i could|i literally) (?:could not|can not|couldnt|cant|was not able to|struggled to) (?:breathe|breath|talk|speak|scream)",
    r"(?:could not|can not|could barely|can barely) (?:breathe|breath) (?:\w+ ){0,3}(?:(?:his|her|their) (?:hands?|arm|grip|weight)|(?:he|she|they) (?:was|were) (?:on top|choking|strangling|squeezing|holding))",
    r"(?:chokehold|choke hold|headlock|sleeper hold)",
    r"(?:chok|strangl)\w* (?:me )?(?:out|unconscious|until i passed out|until i blacked out)",
    # sexual coercion
    r"(?:made|makes|make|making|forced|forces|force|forcing|pressured|pressures|pressure|pressuring|pushed|pushes|pushing|guilted|guilts|guilting|coerced|coerces|manipulated|manipulates|bullied|bullies|talked|talks) me (?:\w+ ){0,2}(?:to |into )?(?:have sex|having sex|sex|sleep with|sleeping with|do (?:it|things|stuff|sexual|that)|doing (?:it|things|stuff|sexual)|perform|give (?:him|her|them) (?:head|oral)|have (?:oral|anal)|watch porn|send nudes|sending nudes|be intimate|do stuff i (?:did not|do not) want|do things i (?:did not|do not) want|film)",
    r"(?:would not|will not|does not|did not|never|refuses to|refused to|won t) (?:take|accept|listen to|hear|respect) (?:my )?no(?: for an answer)?(?= (?:\.|$)| and| when| even| he| she| they| so| i)",
    r"(?:even (?:though|when|after|if)|when|after|although|but) i (?:said|say|told (?:him|her|them)|tell (?:him|her|them)|kept saying|was saying|begged) (?:\w+ )?(?:no|stop|to stop|i did not want to|i do not want to|i was not ready)",
    r"(?:did not|does not|would not|never|will not) (?:stop|listen) (?:\w+ ){0,2}when i (?:said|say|told (?:him|her|them)|tell (?:him|her|them)|begged|asked|cried)",
    r"(?:touch\w*|grop\w*|has sex with|had sex with|have sex with|having sex with|does (?:stuff|things)|did (?:stuff|things)|starts? having sex|started having sex|undress\w*|films?|filmed|filming|photograph\w*|takes pictures of|took pictures of|gets on top of|got on top of) (?:\w+ ){0,4}(?:when|while|whilst|after) i (?:am|was|fall|fell) (?:\w+ )?(?:asleep|sleeping|passed out|unconscious|too drunk|drunk|out of it|high|half asleep)",
    r"(?:when|while|whilst) i (?:am|was) (?:asleep|sleeping|passed out|unconscious|too drunk to) (?:\w+ ){0,2}(?:he|she|they) (?:touch\w*|grop\w*|has sex|had sex|does things|did things|starts|started|takes|took|films?|filmed|undress\w*)",
    r"i (?:did not|do not|never) (?:want|wanted) (?:to|it|sex) (?:\w+ ){0,3}(?:but|and) (?:he|she|they) (?:made|makes|kept|keeps|forced|forces|insisted|insists|pressured|pressures|did it anyway|does it anyway|went ahead|carried on|would not stop|will not stop)",
    r"(?:sex|sleep with (?:him|her|them)|do it|give in) (?:\w+ ){0,4}(?:or (?:else|he will|she will|they will|he gets|she gets|he would|she would)|to keep (?:the )?peace|so (?:he|she|they) (?:will not|does not|do not|would not) (?:get angry|get mad|yell|shout|hit|hurt|explode|leave|cheat))",
    r"(?:owe|owed|owes) (?:him|her|them) sex",
    r"(?:said|say|told (?:him|her|them)|tell (?:him|her|them)|kept saying|was saying) (?:no|stop)(?: (?:\w+ ){0,2})? (?:but|and) (?:he|she|they) (?:\w+ )?(?:kept going|kept on|carried on|did it anyway|does it anyway|did not stop|does not stop|would not stop|will not stop|continued|went ahead|still did|did not listen|does not listen|kept touching|kept trying|forced|made me)",
    # stalking, monitoring
    rf"{WHO} {GAP}(?:tracks|tracked|tracking|track|monitors|monitored|monitoring|watches|watched|watching|follows|followed|following|logs|logged|records|recorded|recording) (?:all )?(?:of )?(?:my |where i )?(?:phone|location|every move|gps|whereabouts|movements|go|am|went|search history|browser history|browsing|emails|diary|journal|mail|dms|chats|whatsapp|snapchat|instagram|call log|calls|camera roll|photos|car|mileage|spending|steps)",
    rf"{WHO} {GAP}(?:checks|checked|checking) (?:all )?(?:of )?(?:my |where i )?(?:location|every move|gps|whereabouts|movements|mileage)",
    r"(?:put|puts|putting|installed|installs|installing|hid|hides|hidden|placed|planted|found|find|there is|there was) (?:an? |some |the |his )?(?:airtag|air tag|tracker|tracking device|gps tracker|gps|spyware|tracking app|stalkerware|spy app|hidden camera|hidden cameras|camera|cameras|keylogger|listening device|bug|app) (?:\w+ )?(?:on|in|under|inside|into|to) (?:my|our)",
    r"airtag",
    r"(?:find my|life360|location sharing|share my location|sharing my location|find my friends) (?:\w+ ){0,4}(?:or (?:else|he|she)|he makes|she makes|makes me|made me|forces|forced|demands|demanded|insists|gets angry|gets mad|at all times|all the time|24 7|every second)",
    rf"{WHO} {GAP}(?:shows|showed|showing|turns|turned|turning|keeps showing|keeps turning|kept showing|kept turning|shows back|turned back) up (?:\w+ ){{0,3}}(?:at|outside|to) (?:my|the) (?:work|job|office|house|home|place|school|door|gym|parents|friends|flat|apartment|college|uni|workplace|car|hotel|new place|sisters|mums|moms)",
    rf"{WHO} {GAP}(?:shows|showed|turns|turned|keeps showing|keeps turning) up (?:uninvited|unannounced|everywhere|wherever i (?:go|am)|out of nowhere)",
    r"(?:waits|waiting|waited|parks|parked|parking|sits|sitting|sat|hangs around|hanging around|lurks|lurking|drives past|drove past|driving past|keeps driving past) (?:\w+ ){0,2}outside (?:my|the) (?:house|work|flat|apartment|office|home|place|school|door|window|gym|job)",
    r"(?:made|makes|making|created|creates|creating|keeps making) (?:fake|new|another|other|multiple) (?:accounts?|profiles?|numbers?) (?:to|so (?:he|she) can) (?:message|contact|watch|follow|stalk|harass|text|find|reach|check on) me",
    r"(?:knows|knew|finds out|found out) (?:exactly )?(?:everywhere|everything|where|who) i (?:go|am|was|went|have been|talk to|see|talked to|text) (?:\w+ ){0,3}(?:even|without|though|and i never|i never told)",
    r"(?:keeps|kept|won t stop|will not stop|would not stop|does not stop) (?:calling|texting|messaging|emailing|showing up|following) (?:me )?(?:\w+ )?(?:after i (?:left|blocked|broke up|told)|even though i (?:blocked|left|said|told|asked)|from (?:new|different|other) numbers|hundreds of times|a hundred times|all night|every few minutes|nonstop|non stop)",
    r"(?:reads|read|reading|checks|check|checked|checking|goes through|went through|going through|looks through|looked through|scrolls through) (?:all )?(?:of )?my (?:messages|texts|phone|emails|dms|chats|diary|journal|whatsapp|mail|browser|search history) (?:\w+ ){0,3}(?:every|each|all the|when i|while i|without|behind|while|at night)",
    r"(?:always|constantly|keeps|kept|still) (?:\w+ )?(?:reads|read|reading|checks|check|checking|goes through|going through|looks through|scrolls through) (?:all )?(?:of )?my (?:messages|texts|phone|emails|dms|chats|diary|journal|whatsapp|mail|browser|search history)",
    r"(?:reads|read|reading|checks|checked|checking|goes through|went through|looks through|looked through) all (?:of )?my (?:messages|texts|emails|dms|chats|whatsapp|mail|call logs?|calls|photos)",
    rf"{WHO} {GAP}(?:checks|checking|goes through|controls) (?:all )?(?:of )?my (?:bank|bank account|bank accounts|bank statements|statements|receipts|spending|banking)",
    r"(?:demands|demanded|demanding|makes me (?:give|share|tell)|made me (?:give|share|tell)|forces me to (?:give|share)|has|knows|changed|changes) (?:all )?(?:of )?(?:my )?(?:passwords?|pin|passcode|phone code|login)",
    # reproductive coercion
    rf"{WHO} {GAP}(?:hid|hides|hidden|hiding|threw|throws|thrown|throwing|flushed|flushes|flushing|took|takes|taking|stole|steals|stealing|destroyed|destroys|messed with|messes with|tampered with|tampers with|swapped|swaps|replaced|replaces|switched|switches|stopped|stops|got rid of|gets rid of|threw away|throws away|throws out|threw out|binned|cut up|poked|removed|pulled out) (?:away |out )?(?:all )?(?:of )?(?:my |the |our )?(?:birth control|pills?|contraception|contraceptives?|contraceptive pills?|the pill|iud|coil|implant|patch|nuvaring|ring|condoms?|morning after pill|plan b|prep)",
    r"(?:poked|poke|pokes|poking|put|puts|putting|made|makes|making|punched|pricked|pricking) (?:\w+ )?holes? in (?:the |a |our |my |his )?(?:condoms?|rubbers?)",
    r"(?:took|takes|pulled|pulls|taking|pulling|slipped|slips|removed|removes|ripped|rips) (?:the |a |his )?condom off",
    r"(?:stealthed|stealthing|stealths)",
    r"(?:refuses|refused|refusing|will not|would not|won t|does not want|never) (?:to )?(?:wear|use|put on) (?:a |any )?(?:condom|condoms|protection)",
    rf"{WHO} {GAP}(?:pressures|pressured|pressuring|pushes|pushed|pushing|forcing|forces|forced|insists|insisted|insisting|keeps trying to get|keeps trying to make|tries to get|tried to get|wants to get|trying to get|keeps begging|keeps pushing|guilts|guilted|nags|bullies|manipulates) (?:me )?(?:\w+ ){{0,2}}(?:to |into )?(?:get|getting|become|becoming|be|being|me) pregnant",
    r"(?:will not|wont|does not|doesnt|did not|never|would not|refuses to|refused to) (?:let|lets|allow|allows|allowing) me (?:\w+ )?(?:use|take|get|go on|be on|have|keep|buy|start|see a doctor about) (?:any )?(?:protection|birth control|contraception|condoms?|the pill|my pill|my pills|an abortion|an iud|the implant|plan b|the morning after pill|contraceptives?)",
    r"(?:made|makes|forced|forces|forcing|pressured|pressures|pressuring|pushed|pushes) me (?:to |into )?(?:have|get|getting|having) (?:an )?abortion",
    r"(?:made|makes|forced|forces|forcing|will not let me) (?:me )?(?:to )?(?:keep|have) the baby",
    r"(?:threatened|threatens|said (?:he|she) would|says (?:he|she) will|will) (?:\w+ ){0,3}(?:leave|hurt|kill|hit) me if i (?:do not |did not |refuse to )?(?:get|got|have|keep|become) (?:pregnant|an abortion|the baby|rid of it)",
    # intimidation
    rf"{WHO} {GAP}(?:punches|punched|punching|punch|kicks|kicked|kicking|smashes|smashed|smashing|hits|hitting|bangs|banging|headbutts|headbutted|puts|put|putting|makes|made) (?:a |his |her |their )?(?:fist |foot |head )?(?:holes? in |through |into )?(?:the |a |our |my )?(?:walls?|doors?|windows?|holes? in (?:the|our) walls?)",
    rf"{WHO} {GAP}(?:smashes|smashed|smashing|breaks|broke|breaking|broken|destroys|destroyed|destroying|wrecks|wrecked|throws|threw|throwing|rips|ripped|ripping|tears|tore|tearing|burned|burns|burnt|cut up|cuts up) (?:up )?(?:all )?(?:of )?my (?:things|stuff|phone|laptop|belongings|glasses|car|keys|plates|tv|possessions|gifts|photos|furniture|guitar|computer|tablet|ipad|passport|documents)",
    rf"{WHO} {GAP}(?:drives|drove|driving|drive|speeds|sped|speeding|swerves|swerved|swerving) (?:\w+ ){{0,4}}(?:recklessly|dangerously|really fast|so fast|too fast|like a maniac|like a madman|at \d+|into oncoming|off the road|with me in the car|to scare me|to frighten me|when (?:he|she|they) is angry|when we argue|when we fight)",
    r"(?:to|just to|trying to|tries to|tried to|wants to|likes to|in order to) (?:scare|frighten|intimidate|terrify|threaten|control|punish) me",
    rf"{WHO} {GAP}(?:stands|stood|standing|towers|towered|towering|looms|loomed|looming|leans|leaned|leaning|gets|got|getting|stands right) (?:over|above|in front of|right in|up in|in) (?:me|my face)(?! (?:about|with a smile|to hug)\b)",
    r"(?:corners|cornered|cornering|barricades|barricaded) me",
    r"(?:blocks|blocked|blocking|stands in|stood in|standing in) (?:the door|the doorway|my way out|the exit|my exit|me in|me from leaving|the door so i)",
    r"(?:raises|raised|raising|lifts|lifted|shakes|shook|shaking|waves|waved) (?:his|her|their|a) (?:fist|fists|hand|hands) (?:at|to|in front of|over) me",
    r"(?:acts|acted|pretends|pretended|pretending|makes|made|faked) (?:\w+ )?(?:like|as if|as though) (?:he|she|they) (?:is|was|were|are) (?:going|gonna|about) to (?:hit|punch|hurt|slap|kill|strangle) me",
    r"(?:shows|showed|showing|flashes|flashed|waves|waved|waving|cleans|cleaned|cleaning|leaves|left|keeps|kept|points|pointed|pointing) (?:me )?(?:his|her|their|a|the) (?:gun|knife|knives|weapon|rifle|pistol|bat|machete) (?:\w+ ){0,3}(?:at me|to scare|to frighten|when we argue|when we fight|when (?:he|she) is angry|where i can see|in front of me|on the table|as a warning|after we argue|after we fight|to remind me)",
    rf"{WHO} {GAP}(?:hurt|hurts|hurting|kicked|kicks|kicking|killed|kills|hits|hit|hitting|beat|beats|beating|threw|throws|throwing|strangled|choked|starved|starves|drowned|poisoned|tortures|tortured) (?:the |my |our )?(?:dog|dogs|cat|cats|pet|pets|puppy|kitten|rabbit|bird|hamster|horse)",
    # fear of the partner
    rf"(?:scared|afraid|terrified|frightened|fearful|petrified|nervous|dreading|dread|fear|worried) (?:of )?(?:what|how) (?:he|she|they|hell|shell|{WHO}) (?:\w+ )?(?:will|would|might|is going to|going to|could|may) do(?! (?:with|without|for|about|next (?:year|week|month)|after (?:college|school|graduation|uni))\b)",
    rf"(?:scared|afraid|terrified|frightened|petrified|dreading|dread|fear|panic|panicking|shaking) (?:\w+ ){{0,3}}(?:when|until|for when|before|every time|whenever) (?:he|she|they|{WHO}) (?:\w+ )?(?:gets|comes|get|come|is|are|walks|arrives|pulls up|drives) (?:back )?(?:home|back|in the door|in drunk|in angry|in the driveway|drunk)",
    r"(?:scared|afraid|terrified|frightened|petrified|dreading|dread|fear|worried) (?:of )?what (?:hell|shell|hed|shed) (?:\w+ )?(?:do|be like|say)",
    r"(?:flinch|flinched|flinches|flinching|cower|cowered|cowering|freeze up|freezes up) (?:\w+ ){0,2}(?:when|every time|whenever|if) (?:he|she|they) (?:raises|moves|lifts|comes|walks|yells|shouts|gets angry|comes near|comes close|reaches)",
    r"(?:hide|hiding|hid|lock myself|locked myself|locking myself) (?:\w+ ){0,2}(?:in the|in my|in our) (?:bathroom|bedroom|closet|car|room|wardrobe) (?:\w+ ){0,3}(?:from him|from her|from them|when he|when she|when they|until he|until she|until they|so he|so she|because he|because she)",
    r"(?:need|needs|have|had|want|planning|plan|trying|tried) to (?:get away|escape|run away|flee) from (?:him|her|them|my (?:husband|wife|partner|boyfriend|girlfriend|ex|bf|gf|fiance|fiancee)) (?:\w+ ){0,3}(?:safely|before (?:he|she)|without (?:him|her) (?:knowing|finding)|but (?:he|she) (?:will|would|watches|tracks))",
    r"(?:if (?:he|she|they) (?:can not|could not) have me (?:no one|nobody) (?:can|will|could|else can|else will))",
    r"(?:no one|nobody) (?:would|will|is going to|could) (?:ever )?find (?:my|your|the) body",
    r"(?:said|says|told me|tells me|threatened|threatens|warned|warns|swore|swears|texted|texts) (?:\w+ ){0,4}(?:i (?:will|would|am going to) (?:regret|be sorry|pay|end up)|i am dead|i was dead|you are dead|you will not survive|i will not survive|i will not live|end up dead|end up in (?:the )?hospital|six feet under|i would disappear|make me disappear|i will never see (?:the|my) (?:kids|children|baby) again|i will never see them again)",
    # control: money, isolation, phone, papers
    r"(?:gives|gave|giving|give) me (?:an |a )?(?:allowance|pocket money|weekly money|spending money)",
    r"(?:have|has|had|need|needs) to (?:ask|beg|get permission from) (?:him|her|them|my \w+) (?:for|before) (?:money|every penny|anything|spending|buying|going|i go|seeing|leaving)",
    r"(?:makes|made|forces|forced|making) me (?:account for|justify|show (?:him|her|them) )?(?:every|all) (?:penny|cent|dollar|pound|receipt|receipts|purchase|purchases|minute|hour|text)",
    r"(?:makes|made|forces|forced|making) me (?:show|hand over|give (?:him|her|them)|share|send (?:him|her|them)) (?:my )?(?:receipts|bank statements|location|passwords?|phone|pin|messages)",
    r"(?:took|takes|taking|has|holds|holding|kept|keeps|keeping|hid|hides|hidden|hiding|locked up|locks up|destroyed|burned|confiscated|stole|steals|will not give me back|won t give me back|would not give me back|refuses to give me|refused to give me) (?:\w+ )?my (?:passport|passports|id card|documents|papers|visa|green card|residence permit|birth certificate|driving licence|driver s license|drivers license|bank card|debit card|credit card|cards|car keys|keys|money|wallet|phone|paycheck|wages|salary|benefits)",
    r"(?:not|never) (?:allowed|permitted) (?:to )?(?:go out|leave (?:the house|home|him|her|them|without)|see (?:my|anyone|friends|family)|talk to (?:my|anyone|friends|family|other|men|women|guys|people)|speak to (?:my|anyone|friends|family)|call (?:my|anyone)|visit (?:my|anyone|friends|family)|have (?:money|friends|my own|a phone|a job|a bank|access|my phone|my keys|the car|any money)|work|drive|use (?:my|the) (?:phone|car|money|bank)|spend (?:money|any)|wear (?:what|makeup|short|anything)|eat (?:without|unless|until|what)|go (?:anywhere|out|to work|to the doctor|to church|to the gym|home)|meet (?:my|friends|anyone)|text (?:my|anyone)|contact (?:my|anyone)|keep (?:my|any)|open (?:my|a bank)|get (?:a job|my own))",
    r"(?:forbids|forbade|forbidden|bans|banned|stops|stopped|stopping|prevents|prevented|preventing) me (?:from )?(?:seeing|talking to|going|leaving|working|having|using|calling|visiting|contacting|getting|driving|spending)",
    r"(?:cut|cuts|cutting|cutting me) me off from (?:all |my |everyone|everybody|the world|friends|family)",
    rf"{WHO} {GAP}(?:gets|got|becomes|became|goes|went|flies|flew) (?:\w+ )?(?:furious|violent|crazy|insane|into a rage|ballistic|nuts|aggressive) (?:\w+ ){{0,3}}(?:if|when|whenever|every time) i (?:see|talk to|go out|go out with|text|call|visit|meet|speak to|leave|say no|go to) (?:\w+ )?(?:friends|family|mum|mom|mother|sister|brother|anyone|people|work|the gym|my|other)",
    # threats to children or pets
    r"(?:threaten\w*|says|said|told me|tells me|swore|swears|warned|warns) (?:\w+ ){0,5}(?:hurt|kill|harm|drown|get rid of|snatch|kidnap|never let me see|give away|put down) (?:the |my |our )?(?:kids|children|child|baby|son|daughter|dog|cat|pets?|puppy|kitten)",
    r"(?:take|taking|took|snatch|kidnap) (?:the |my |our )?(?:kids|children|child|baby|son|daughter) (?:away|from me|out of the country|abroad|and disappear|and i will never)",
    rf"{WHO} {GAP}(?:gets|got|getting|becomes|became|turns|turned|goes|went) (?:\w+ )?physical(?! (?:with (?:the|his|her) (?:kids|dog)|affection|therapy|education|exam|check|activity|work)\b)",
    r"(?:grabbed|grabs|grabbing|held|holds|holding|squeezed|squeezes|squeezing|clutched|seized|had|gripped|grips) (?:me by )?(?:my|the) (?:throat|neck)",
    r"(?:pressed|presses|pressing|held|holds|holding|put|puts|shoved|forced|smothered) (?:a |the |his |her |their )?(?:pillow|hand|hands|bag|plastic bag|towel|blanket|cushion) (?:over|on|against|into) my (?:face|mouth|nose|head)",
    r"(?:smothered|smothers|smothering|suffocated|suffocates|suffocating|tried to smother|tried to suffocate|tried to strangle|tried to choke|tried to drown) me",
    r"(?:sleep with|have sex with|had sex with|sex with|do it with|give in to) (?:him|her|them) (?:\w+ ){0,3}(?:because|or|so|otherwise|or else) (?:he|she|they) (?:\w+ ){0,2}(?:gets|will get|would get|get|becomes|is|goes) (?:\w+ )?(?:scary|angry|mad|violent|aggressive|mean|cruel|nasty|crazy|furious)",
    r"(?:only|just) (?:sleep with|have sex with|do it with) (?:him|her|them) (?:because|so|to keep|out of fear|since i am scared)",
    rf"{WHO} {GAP}(?:follows|followed|following|tails|tailed|tailing|trails|trailed) me (?:when i (?:go|went|leave|left|am)|whenever i|every time i|to (?:work|school|the shop|my friends|the gym|my)|in (?:his|her|their|the) car|out)",
    r"(?:texts|texted|texting|calls|called|calling|rings|ringing|messages|messaged|messaging|emails|emailed|contacts|contacted) me (?:\w+ ){0,4}from (?:different|new|other|fake|unknown|blocked|withheld|private|burner) (?:numbers|accounts|profiles|phones|emails)",
    rf"{WHO} {GAP}(?:showed|shows|showing|flashed|flashes|pulled|pulls|pulling|waved|waves|brandished|pointed|points|took out|takes out|got out|gets out|loaded|loads|loading|cleaned|cleans|cleaning|sharpened|sharpens|sharpening) (?:me )?(?:his|her|their|a|the) (?:gun|knife|knives|weapon|rifle|pistol|machete|blade|shotgun)(?! (?:set|collection|sharpener|block)\b)",
    r"(?:made|makes|forced|forces|pressured|pressures|pushed|pushes|bullied) me (?:to |into )?(?:quit|quitting|leave|leaving|give up|giving up|stop|stopping) (?:my )?(?:job|work|studies|school|college|uni|university|career|course|friends|hobbies|gym)",
    r"so (?:that )?i (?:have to )?(?:depend|rely|am dependent|am stuck) on (?:him|her|them)",
    r"(?:tell|telling|call|calling|report|reporting|ring|ringing) (?:me to )?(?:\w+ )?(?:social services|cps|child services|child protective services|family court) (?:\w+ ){0,8}(?:take|took|taken|lose|remove|removed) (?:the|my|our) (?:baby|kids|children|child|son|daughter)",
    r"(?:says|said|threatens|threatened|threatening|told me|tells me|keeps saying) (?:\w+ ){0,6}(?:social services|cps|child services|child protective services|custody) (?:\w+ ){0,8}(?:take|took|lose|never see|away)",
    rf"{WHO} {GAP}(?:hurts|hurt|hurting|hits|hit|hitting|beats|beat|beating|kicks|kicked|slaps|slapped|smacks|smacked|shakes|shook|threw|throws|locks|locked|chokes|choked|punches|punched|burns|burned) (?:the|my|our) (?:kids|children|son|daughter|baby|child|boy|girl|toddler|little one)",
    r"(?:grabbed|grabs) my (?:throat|neck) and",
]

_WHERE = r"i know (?:exactly )?where (?:he|she|they|\w+) (?:lives|live|parks|park|works|work|sleeps|drinks|is staying|are staying|walks|jogs|goes running|goes to school|gets off|takes the kids)"
_SORRY = r"(?:regret (?:it|this|that|the day)|pay for (?:it|this|that|what)|be sorry|get what is coming)"
HARM_OTHERS += [
    # a veiled threat: "she will regret it, i know where she parks"
    rf"{_SORRY} (?:\w+ ){{0,5}}(?:\. )?{_WHERE}",
    rf"{_WHERE} (?:\w+ ){{0,5}}(?:\. )?(?:\w+ ){{0,3}}{_SORRY}",
    rf"(?:urge|urges|impulse|impulses|temptation|temptations|intrusive thoughts?|thoughts|thought|images|visions|fantasies|fantasy) (?:\w+ ){{0,2}}(?:to |of |about )?(?:hit|hitting|hurt|hurting|harm|harming|kill|killing|strangle|strangling|choke|choking|stab|stabbing|punch|punching|slap|slapping|shake|shaking|smother|smothering|drown|drowning|suffocate|suffocating|push|pushing|throw|throwing|poison|poisoning|run over|running over) {OBJ}",
    rf"(?:scared|afraid|worried|terrified|frightened|fear|fearing|panicking|panicked) (?:\w+ ){{0,2}}(?:that |of what )?i (?:might|will|could|would|am going to|may) (?:\w+ ){{0,2}}(?:do to|hurt|harm|kill|hit|shake|smother|drown|snap and|lose it and|lose control and|strangle|choke|stab|attack) (?:{OBJ}|someone|somebody|my|the)",
    rf"(?:scared|afraid|worried|terrified|frightened) (?:of myself|of what i am capable of|of my (?:own )?(?:anger|rage|temper|thoughts|hands)) (?:\w+ ){{0,3}}(?:around|with|near|towards?|when i am with) (?:{OBJ}|my|the)",
    rf"(?:do not|can not|no longer) trust myself (?:\w+ )?(?:around|with|near|alone with) (?:{OBJ}|my|the|a) ?(?:\w+ )?(?:baby|kids|children|son|daughter|child|partner|husband|wife|him|her|them|anyone|people|knives|a knife|the knife)?",
    rf"(?:almost|nearly|came close to|close to|about to) (?:\w+ )?(?:hit|hitting|hurt|hurting|slapped|slapping|punched|punching|strangled|strangling|choked|choking|shook|shaking|killed|killing|stabbed|stabbing|smothered|smothering|pushed|pushing|shoved|shoving|attacked|attacking) {OBJ}(?! (?:up|with (?:the truth|a text)|back)\b)",
    r"i (?:shook|shoved|hit|slapped|grabbed|choked|pushed|kicked|punched|smacked|strangled|bit|scratched|threw (?:something|a \w+) at|spanked|hurt|attacked|beat) (?:my|the|our) (?:baby|kids|son|daughter|child|toddler|newborn|partner|wife|husband|girlfriend|boyfriend|gf|bf|fiance|fiancee|mum|mom|dad|mother|father|brother|sister)(?! (?:up|at|in|with (?:the truth|a text)|back|on|off)\b)",
    rf"(?:picture|picturing|pictured|imagine|imagining|imagined|visualise|visualising|visualize|visualizing|fantasi\w*|dream\w*) (?:about )?(?:{OBJ}|him|her|them) (?:\w+ )?(?:dead|dying|bleeding|suffering|in pain|getting hurt|being hurt|choking|screaming)",
    r"(?:going|want|wanted|plan|planning|planned|about) to (?:\w+ ){0,2}(?:get|buy|grab|bring|take) (?:a |the |my |his |her )?(?:gun|knife|weapon|bat|machete|hammer) (?:and|to|for|so i can) (?:\w+ ){0,3}(?:him|her|them|his|her|their|that|the)",
    rf"(?:wish|wishing|hope|hoping|want|wanted) (?:that )?(?:he|she|they|{OBJ}) (?:was|were|would|will|to) (?:just )?(?:die|dead|drop dead|get hurt|suffer|be dead|get killed|be killed)",
    r"(?:make|making|made|going to make) (?:him|her|them|that (?:guy|girl|woman|man)) (?:pay|suffer|bleed|hurt|regret it) (?:\w+ ){0,3}(?:with my (?:fists|hands)|physically|for real|i swear|when i (?:see|find|get))",
    r"(?:want|wanted|wanting|going|need|about|ready|tempted) to (?:\w+ )?(?:hurt|harm|kill|attack|stab|shoot) (?:someone|somebody|anyone|people|everyone|a person)(?! (?:s feelings|by|with words)\b)",
    r"(?:lose|lost|losing) (?:it|control|my temper|my shit) (?:\w+ ){0,3}(?:and (?:\w+ ){0,2}(?:hurt|hit|shake|shook|kill|harm|attack|strangle|choke)|with (?:the|my) (?:baby|kids|children|son|daughter|child))",
    r"(?:shaking|shake|shook) (?:my|the|our) (?:baby|newborn|toddler|child|son|daughter) (?:\w+ ){0,2}(?:to make|until|so hard|because|when|to stop)",
    rf"(?:imagine|imagining|imagined|picture|picturing|pictured|fantasi\w*|dream\w* (?:about|of)|think about|thinking about|thought about|thoughts of|thoughts about) (?:\w+ )?(?:stabbing|killing|hurting|strangling|choking|smothering|shooting|poisoning|drowning|beating|hitting|punching|running over|murdering|suffocating) (?:him|her|them|my|the|someone|somebody|{OBJ})",
    r"(?:knife|gun|weapon|bat|machete|hammer|pistol|rifle) (?:\w+ ){0,6}(?:going to|heading to|on my way to|go to|driving to|waiting (?:for|outside)|outside) (?:his|her|their|the|that) (?:place|house|flat|apartment|work|office|door|home)",
    r"(?:want|wanted|wish|need|wanting) (?:him|her|them|my ex|my \w+|that (?:guy|girl|man|woman)) (?:dead|to die|gone for good|in the ground|six feet under|to suffer|to bleed)",
    rf"(?:snap|lose it|lose control|lost control|flip|losing it) (?:\w+ )?and (?:\w+ )?(?:hit|hurt|kill|attack|strangle|choke|punch|shake|harm) {OBJ}",
    r"(?:get|grab|take|bring|use|got|grabbed|took|brought) (?:my |his |her |my dads |dads |the |a )?(?:gun|rifle|pistol|knife|weapon|shotgun) (?:\w+ ){0,2}(?:and|to) (?:show|teach|make|scare|get|hurt|shoot|kill|go after|deal with|sort out|finish) (?:them|him|her|those|that|everyone|people|\w+ a lesson)",
    rf"(?:going to|gonna|will|want to|about to|i am going to|i will) (?:\w+ ){{0,5}}(?:and|then) (?:\w+ )?{_VIOLENT} (?:him|her|them)",
    r"(?:beat|kick|punch|stab|hit) (?:him|her|them) (?:half )?(?:to death|to a pulp|senseless|black and blue|within an inch)",
    # the wall this time, the person next time: "i punched the wall and next time it will be him"
    r"(?:punched|punch|hit|smashed|smash|kicked|kick|threw|throw|broke|break) (?:\w+ ){0,4}(?:wall|door|table|mirror|window|plate|plates|phone|glass|tv|cupboard) (?:\w+ ){0,6}next time (?:\w+ ){0,2}(?:it will|it ll|it is going to|it is gonna|will|might|could) be (?:him|her|them|his (?:face|head)|her (?:face|head)|their (?:face|head)|my (?:husband|wife|partner|boyfriend|girlfriend|ex))(?= (?:\.|$)| i| and| not| for real)",
]

# ----------------------------------------------------------------- preparation and burden
# What the first tables missed of the two kinds held-out sets catch least: acts that prepare
# for not being there, and the burden or no-future of "everyone would manage without me".
# Written from the training lines (`bot/safety/train/`), never from an evaluation part.
_FINDS = r"(?:whoever|the one who|the ones who|the person who|the first one to|the one to|the ones to|the person to)"
SUICIDE += [
    rf"{_FINDS} (?:\w+ )?(?:finds|find|found) me(?= (?:\.|$)| i| and| so| dead| like| in| on| at| after| first| tomorrow)",
    r"(?:do not|never|am not) (?:plan|planning|intend|intending|going) (?:on |to )?(?:be|being) (?:here|around|alive) (?:\w+ ){0,3}(?:after|by|for|much longer|next)",
    r"(?:do not|never) plan (?:on|to) (?:be|being) (?:here|around|alive)(?= (?:\.|$)| any more| much longer)",
    r"so (?:they|nobody|no one|he|she|the police|someone|somebody|the paramedics|whoever comes) (?:will not|do not|does not|would not) (?:have|need) to (?:break (?:in|down the door|the door)|force the door)",
    r"(?:note|letter|message) (?:\w+ ){0,2}for the (?:police|coroner|paramedics|ambulance)",
    r"(?:i am|i m|i would be|i d be) (?:\w+ )?worth more dead",
    r"(?:i have |i ve |i )?(?:had|have had) enough of (?:living|life|being alive|existing|breathing)(?= (?:\.|$)| i| and| honestly| now| already| all| every)",
    r"(?:do not|never) (?:think|feel like|believe) (?:i am|i was) (?:meant|supposed) to be (?:alive|born)",
    r"(?:death|dying|being dead|not being alive|not existing|not waking up) (?:honestly |just |really )?(?:sounds|seems|feels|would be|looks) (?:like )?(?:a |such a )?(?:relief|peaceful|peace|nice|easier|better|freedom|welcome)",
    r"(?:take|taking|took) myself out of (?:the picture|the equation|this world|the world|everyones lives|everyone s lives)",
    r"(?:only|just) (?:ending|end) me(?= (?:\.|$))",
    r"(?:stop|end) (?:\w+ ){0,3}(?:and )?i (?:think i )?(?:know|have found|found|figured out|worked out) (?:exactly )?how(?= (?:\.|$))",
    r"(?:check|checking|checked) out (?:\. )?(?:for good|of life|permanently|of this world|of this life|for ever|forever)",
    r"(?:reasons|reason) to (?:stay|live|keep going|stay alive|keep living)(?: and)? (?:\w+ ){0,4}(?:is empty|are empty|list is empty|blank|nothing on it|none left)",
    r"how long (?:\w+ ){0,4}(?:to die|to bleed out|to drown|until you die|until death|to suffocate|to lose consciousness)(?= (?:\.|$)| from| by| of| if| when| with| after| in| at| under)",
    rf"{_MEDS} (?:\w+ ){{0,8}}(?:take|taking|swallow|swallowing|down|downing) (?:them|these|those|it) all(?= (?:\.|$)| tonight| now| today| at once| in one go| when| after| i| and)",
    rf"{_MEDS} (?:\w+ ){{0,8}}(?:take|taking|swallow|swallowing|down|downing) (?:all of|every one of) (?:them|these|those)",
    r"(?:how high|how far|how many (?:floors|storeys|stories)|what height) (?:\w+ ){0,6}(?:not survive|definitely die|kill you|kill me|be fatal|be enough to die)",
    r"(?:will not|not going to|wont|will no longer|am not going to) (?:be )?(?:a )?(?:problem|burden|bother|worry|nuisance) (?:to|for) (?:\w+ ){0,2}(?:much longer|for long|any more|any longer|soon|after (?:tonight|today|this week))",
    r"if i (?:was|were|am) (?:not here|not around|gone|dead|not alive|no longer here|not in (?:it|the picture|their lives)) (?:\w+ ){0,2}(?:nobody|no one|everyone|everybody|people|they|the world|my \w+|he|she) (?:would|will) (?:\w+ ){0,3}(?:have to|need to|be|notice|care|miss|worry|deal|manage|cope)",
    r"(?:everyone|everybody|the world|my family|people|they all|all of them|my kids) (?:\w+ ){0,2}(?:would|will|could) (?:\w+ ){0,2}(?:manage|cope|do|be|get on|go on|live)(?: \w+){0,2} (?:fine|better|happier|lighter|free|easier|ok|okay) (?:\w+ ){0,3}(?:without me(?! (?:at|for|on|in|tonight|this)\b)|if i (?:was|were) (?:not (?:here|around|alive|in it)|gone|dead))",
    r"(?:life|lives|everything) (?:would|will) be (?:\w+ )?(?:lighter|better|easier|happier) if i (?:was|were) (?:not in it|not in (?:it|them|the picture)|never born|not around|gone)",
    r"(?:can not|could not) (?:see|picture|imagine) (?:myself|me) (?:\w+ )?(?:alive|still alive|being alive|still here|here) (?:next|by|in|at|this|after)",
    r"(?:on|at|by|looking at|looked at|staring at|stood on|standing on|went to|go to|drove to|walked to) the (?:bridge|edge|cliff|tracks|ledge|railway|train tracks|platform edge) (?:\w+ ){0,6}(?:thinking about (?:it|jumping|doing it)|for a long time|do not know about next time|almost jumped|nearly jumped|did not jump|could not do it|next time)",
    # a container of medicine swallowed ("downed a strip of my sleeping tablets"; a whole one,
    # whatever the verb, is in `_MANY`), and the slang of the training lines' misses
    rf"(?:swallow|swallowed|swallowing|downed|downing) (?:\w+ ){{0,2}}(?:bottle|box|pack|packet|strip|blister pack|tub|jar)s? of (?:my |the |his |her )?(?:\w+ )?{_MEDS}",
    r"(?:top|tops|topping|topped) myself(?! (?:up|off)\b)",
    r"(?:rope|roping) myself",
]

# ----------------------------------------------------------------- the grey zone
# Unsure: the service asks one direct, private question before it acts.

UNSURE: dict[Category, list[str]] = {
    "suicide": [
        # "end it" with no object that makes it the relationship or life
        r"(?<!we agreed to )(?<!we decided to )(?<!both agreed to )(?<!both decided to )(?<!mutually agreed to )(?:end|ending|ended|finish|finishing) it(?! (?:\w+ ){0,5}(?<!not mean )(?<!not mean it )(?:we want different things|stay friends|on good terms|part ways|separate ways|still be friends|break up|breakup|split up|the relationship|our relationship|this relationship|the marriage|our marriage|a divorce|counselling|couples therapy|amicably|mutually)\b)(?= (?:\.|$)| all| now| tonight| today| soon| already| for real| i| and| but| because| so| honestly| please| forever| for good| this time| properly| once and| we)",
        r"(?:end|ending|finish|finishing) (?:everything|this|things)(?= (?:\.|$)| tonight| now| soon| for good| forever| once and)",
        r"want (?:it|this|everything|all this|it all) to (?:be over|stop|end)(?= (?:\.|$)| now| already| soon| forever| for good| i| please)",
        r"(?:it|this|everything) (?:will|would) (?:all )?be over (?:soon|tonight|tomorrow)",
        r"(?:want|need|wish) (?:\w+ )?(?:the|this) (?:pain|hurting|suffering|misery) to (?:stop|end|go away)(?= (?:\.|$)| now| please| i| and| but)",
        # no way out, can not go on
        r"(?:no|not any|not a|can not see a|can not see any|do not see a|do not see any|there is no|there is not a) (?:\w+ )?way out(?! of (?:the|this) (?:building|car park|parking|room|maze|contract|lease|meeting|city|traffic)\b)",
        r"(?:trapped|stuck) (?:\w+ ){0,2}(?:forever|with no way out|and there is no way out|and i can not get out|in my own life)",
        r"can not (?!(?:go on|keep going|carry on) like this with (?:him|her|them|my)\b)(?:go on|keep going|carry on|do this any more|do it any more|take it any more|take this any more|take any more|cope any more|cope|handle (?:it|this|life) any more|live like this|bear (?:it|this)|keep doing this|do this|be here)(?= (?:\.|$)| any more| any longer| like this| i| and| but| honestly| please| with| without| no more| much longer)",
        r"(?:i am|i am just|feel|feeling) (?:so )?(?:done|finished)(?= (?:\.|$)| with everything| with it all| i can not| honestly)",
        # a whole container swallowed with no medicine named, rope as a verb, following the dead
        r"(?:swallowed|downed|swallowing|downing|took) (?:a |the |my )?(?:whole|entire) (?:packet|pack|bottle|box|strip|blister pack)(?! of (?:\w+ )?(?:sweets|crisps|chips|biscuits|cookies|gum|candy|chocolates?|wine|water|beer|vodka|gin|rum|juice|coke|cola|haribo|skittles|oreos|cereal|pringles|doritos|cider|prosecco|milk|tea|coffee|mints)\b)",
        r"(?:thinking (?:about|of)|gonna|going to|want to|wanna|might|about to|plan to|planning to|ready to|just) (?:go )?rop(?:e|ing)(?= (?:\.|$)| tonight| today| now| soon| tbh| honestly| i| and| fr)",
        r"(?:going to|gonna|want to|wanna|will|ready to|need to|about to|time to|wish i could|i could) (?:just )?(?:join|follow|be with|be reunited with|go be with) (?:him|her|them|my \w+(?: \w+)?)(?: (?:\w+|\.)){0,5} (?:he|she|they|who)(?: \w+){0,3} (?:died(?! laughing| of (?:laughter|embarrassment|boredom|cringe))|passed away|passed(?= (?:\.|$)| last| in| on| years| months| weeks| when)|dead|in heaven|grave|funeral|killed (?:himself|herself|themselves))",
        r"(?:join|follow|be with|be reunited with) (?:him|her|them|my \w+(?: \w+)?) (?:\w+ ){0,2}(?:in heaven|up there|on the other side|in death|in the grave|wherever (?:he|she|they) (?:is|are) now)",
        r"(?:there is no|there s no|what is the|whats the|what is even the|no|not any) point(?= (?:\.|$)| any more| in anything| of anything| in trying| in going on| in me| of me| to anything| trying| i| to me| any longer| in any of (?:it|this)| of any of (?:it|this))",
        r"(?:no|not any|do not have a|do not see a|can not see a|do not have any) (?:\w+ )?future (?:for me|left|any more|ahead of me)",
        r"(?:nothing|no one|nobody) (?:left )?(?:to|for me to) (?:live|stay|hold on|keep going) for",
        r"(?:i am|i feel like|feel like i am|i am just|i have become) (?:\w+ )?(?:a )?(?:huge |total |complete |such a |nothing but a )?burden(?= (?:\.|$)| to| on| for| and| i| honestly)",
        r"(?:everyone|everybody|they|people|he|she|my family|my kids) (?:\w+ ){0,2}(?:would|will) be (?:better|happier|fine) (?:off )?(?:if i (?:left|disappeared|was not here|were not here))",
        r"(?:i |just )?(?:want|wanted|wish|need) to (?:disappear|vanish)(?= (?:\.|$)| i| and| but| honestly| completely| forever| for good)",
        r"(?:wish|wishing|wished) i (?:was|were) (?:not|never) (?:here|around|born|alive)",
        r"(?:wish|wishing|wished) i (?:could )?(?:sleep|go to sleep) (?:for ever|forever|for a (?:very )?long time|for weeks|for months|for years|and not|and never)",
        r"(?:i do not|i dont|do not) (?:care|mind) (?:if i|whether i) (?:live|die|wake up|make it|survive)",
        r"(?:what is|whats) the point of (?:me|waking up|getting up|trying any more|living like this|carrying on|keeping going)",
        r"(?:tired|sick|exhausted) of (?:everything|fighting to stay|being me|being here|waking up|trying|it all)(?= (?:\.|$)| i| and| honestly| any more)",
        r"(?:i am|i m) (?:so )?(?:tired|exhausted)(?= (?:\.|$)) (?:\w+ )?(?:of|i) ",
        # preparatory acts that may be ordinary
        r"(?:wrote|written|writing|write|made|making|make|updated|updating|sorted|sorting|finished|did|doing|drew up|drawing up) (?:out )?(?:a |my )will(?= (?:\.|$)| and (?:a|my|the|wrote|left) | today| last night| yesterday| already| just in case| tonight)",
        r"(?:wrote|written|writing|write|left|leave|leaving|sent|sending|send|recorded|recording) (?:a |my |the |some )?(?:final|last) (?:note|notes|letter|letters|message|messages|texts?|video|words)(?! to (?:my )?(?:ex|him|her) (?:before|and (?:then )?blocked))",
        r"(?:saying|said|say|to say|said my|saying my) (?:my )?(?:goodbyes?|good byes?|bye) to (?:everyone|everybody|all|my family|my friends|the world|you all|people|my kids|my parents|my loved ones)",
        r"(?:giving|gave|give|given) (?:away )?(?:\w+ )?(?:my|all my) (?:things|stuff|belongings|possessions|clothes|books|games|plants|pets?|dog|cat)(?: away)?(?= (?:\.|$)| to| because| so| since| i| and)",
        r"(?:gave|giving|give|given) away (?:everything|all of it|all my stuff)",
        r"(?:will not|wont|won t) (?:need|be needing) (?:this|it|them|my \w+|these|those|any of (?:this|it)) (?:any more|any longer|much longer|where i am going|soon|after)",
        # a stressor-free question about means
        rf"(?:how many|how much) (?:\w+ ){{0,3}}{_MEDS} (?:\w+ ){{0,3}}(?:too many|is safe|is dangerous|is deadly|can (?:kill|hurt)|would hurt|at once|all at once|together|in one go)",
        r"(?:tallest|highest|high|tall|taller|higher) (?:\w+ ){0,3}(?:bridges?|buildings?|cliffs?|roofs?|rooftops?|towers?|parking garages?|car parks?) (?:\w+ ){0,4}(?:to jump|jump from|jump off|fall from|high enough|tall enough|that (?:would|could) kill|to die|i can get (?:on|to|onto)|with no (?:fence|railing|barrier)|without (?:a )?(?:fence|railing|barrier|net))",
        r"(?:gun|pistol|firearm|rifle|shotgun|handgun) (?:\w+ ){0,4}(?:in the house|at home|in my (?:drawer|closet|car|room|nightstand|safe|house)|in the (?:drawer|closet|safe|garage|nightstand|wardrobe))(?! (?:for (?:protection|hunting|safety)|is locked)\b)",
        # suicide in the past: it still deserves a question
        r"(?:used to be|was|had been|have been) (?:\w+ )?suicidal",
        r"(?:i am|i m|am|being|who is not|who is|i have become|i feel like|feel like|i was|is not) (?:\w+ ){0,3}burden(?! of (?:proof|debt|the)\b)",
        r"burden (?:to|on|for) (?:everyone|everybody|my|them|him|her|people|the people|all)",
        r"(?:i )?(?:just )?want out(?= (?:\.|$)| of (?:everything|this life|life|it all|here|all of (?:it|this)))",
        r"(?:end|ends|ending|ended|finish|finished) everything",
        r"(?:it is|its|maybe it is|maybe its) (?:time|about time) (?:for me )?(?:i |to )?(?:just )?(?:end|go|leave|say goodbye|gave up|give up|stop)",
        r"(?:how|when|where) i (?:would|will|could|am going to|might) do it",
        r"(?:hidden|hid|hide|hiding|stashed|keep|kept) (?:\w+ ){0,4}just in case",
        r"(?:tallest|highest|high|tall) (?:\w+ ){0,4}(?:bridges?|buildings?|roofs?|rooftops?|towers?|parking garages?|car parks?|cliffs?|floor|floors|places?) (?:\w+ ){0,4}(?:around here|near me|nearby|in my area|close to me|i can get (?:to|on|onto|into)|i can access|you can get (?:to|on|onto)|open at night|without (?:a )?(?:fence|railing|barrier))",
        r"(?:wish|wishing|wished) (?:my )?(?:mum|mom|mother|parents|dad|father|they) (?:had )?never (?:had me|gave birth to me|had kids|adopted me)",
        r"(?:will not|wont|won t) (?:need|be needing) (?:it|them|this|these|those|my \w+|any of (?:it|this|them)|anything|it all)(?= (?:\.|$)| any more| where| soon| after| for| now)",
        r"(?:calling|called|call|texting|texted|messaging|messaged|visiting|visited|seeing|saw|writing to|wrote to|hugging|hugged) (?:\w+ ){0,2}(?:everyone|everybody|my family|my friends|people|all of them|them all) (?:\w+ ){0,2}to say (?:goodbye|bye|good bye|i love (?:them|you)|sorry|thank you|thanks)",
        r"my (?:last|final) (?:message|text|post|words|goodbye)(?! to (?:you|him|her|my ex|them)\b)",
        r"(?:wrote|written|writing|left|leaving|leave|write) (?:\w+ )?(?:letters|notes|cards) (?:to|for) (?:everyone|everybody|each of|all of|my family|my kids|the people i love|all my|my friends)",
        r"(?:wrote|written|writing|left|leaving|leave|write) (?:a |my )?(?:note|letter) for (?:my )?(?:mum|mom|mother|dad|father|parents|family|kids|children|wife|husband|partner|sister|brother|friends|son|daughter|everyone)(?= (?:\.|$)| to find| for when| in case| explaining| saying sorry| to read)",
        r"(?:closed|closing|cancelled|canceled|cancelling|canceling|deleted|deleting) (?:all )?(?:of )?my (?:accounts|bank accounts|subscriptions|social media|savings account)",
        r"if anything (?:happens|should happen|were to happen|ever happens|happened) to me",
        r"(?:passwords|pin|pins|bank details|accounts|instructions|insurance|affairs|paperwork) (?:\w+ ){0,4}for (?:after|afterwards|when i am gone|when i am not here|once i am gone)(?= (?:\.|$)| i| when| just)",
        r"(?<!wish i could )(?<!if only i could )(?<!wish i could just )(?:say|tell|hear|see|hug|hold|talk to|love) (?:\w+ ){0,4}one (?:last|final|more) time(?= (?:\.|$)| before| goodbye| i)",
        r"(?:better|happier|better off|at peace) (?:off )?dead",
        # idioms as often as not: "kill me now", "i would rather die than ..."
        r"kill me (?:now|already|please)",
        r"(?:would rather|rather|sooner) (?:just )?(?:die|be dead) than",
    ],
    "self_harm": [
        # cutting in the past, with nothing said about now: "i used to cut, it has been on my mind"
        r"i (?:\w+ )?(?:used to|use to|started to) (?:\w+ )?(?:cut|sh|self harm)(?= (?:\.|$)| but| it (?:is|was|has) | again| lately| when (?!i was |i were )| on my| a lot| sometimes| every| to cope| and (?:it|i|now|lately|the) )",
        r"(?:i |just |so )?(?:relapsed|relapse|relapsing)(?= (?:\.|$)| again| last| today| yesterday| after| tonight| this| and| i| so| badly| hard)",
        r"(?:my |the |old |fresh )?(?:scars|cuts) (?:on my|from|are showing|again|will show|keep|have|still|opened)",
        r"(?:hide|hiding|hid|cover|covering|covered) (?:up )?(?:my )?(?:arms|wrists|thighs|scars) (?:\w+ ){0,3}(?:long sleeves|sleeves|bracelets|bands|jumper|hoodie|so no one|so nobody|in summer)",
        r"(?:bang|banging|banged) my head (?:against|on|into) (?:the |a )?(?:wall|floor|door|desk|table)(?= (?:\.|$)| until| till| again| when| so| because| i| and| every)",
        r"(?:punched|punch|punching|hit|hitting|kicked|kicking) (?:the |a )?(?:wall|walls|door|mirror|window) (?:\w+ ){0,3}(?:until|till|and) (?:my )?(?:hand|hands|knuckles|fist|fists) (?:bled|bleed|broke|was bleeding|were bleeding|bruised|swelled|split)",
        r"(?:pull|pulling|pulled|rip|ripping|ripped|tear|tearing|tore) (?:out )?(?:my )?(?:own )?hair (?:out )?(?:\w+ ){0,3}(?:until|till|bald|patches|out in clumps|when i am)",
        r"(?:starve|starving|starved|not eating|stopped eating|refusing to eat|skip meals|skipping meals) (?:\w+ ){0,3}(?:to punish|as a punishment|as punishment|because i do not deserve|because i deserve)",
        r"(?:i )?(?:deserve|deserved) (?:the )?(?:pain|to be hurt|to hurt|it all|to suffer|to bleed)",
    ],
    "partner_violence": [
        # fear, eggshells, leaving
        r"(?:walk|walking|walked|tiptoe|tiptoeing|tip toe|tip toeing) on eggshells(?= (?:\.|$)| (?:around|with|near|because of) (?:him|her|them|my (?:partner|husband|wife|boyfriend|girlfriend|bf|gf|fiance|fiancee|spouse|ex))| at home| in my (?:own )?(?:home|house|relationship)| all the time| every day| because| so (?:he|she|they)| in case| constantly| 24 7)",
        r"(?:scared|afraid|terrified|frightened) (?:to|of) (?:leave|leaving|go home|going home|be home|being home|be alone with|being alone with) (?:him|her|them|my (?:partner|husband|wife|boyfriend|girlfriend|bf|gf|fiance|fiancee|spouse))?(?= (?:\.|$)| because| he| she| they| i| what| in case)",
        rf"(?:scared|afraid|terrified|frightened|nervous|worried) (?:of )?how (?:he|she|they|{WHO}) (?:will|would|might|is going to|going to) react",
        r"(?:he|she|they) (?:has|had|have) (?:a )?(?:bad |scary |terrible |awful |violent )(?:temper|anger|rage|streak)(?= (?:\.|$)| and i| i| so i| when he| when she)",
        # hyperbole that could be literal
        rf"{WHO} {GAP}(?:will|would|is going to|going to|might|could) (?:literally |actually |seriously |honestly )?kill me (?:if|when|once) (?:he|she|they) (?:finds out|found out|find out|knew|knows|sees|saw|hears|heard|catches|caught)",
        # control that may be ordinary jealousy
        rf"{WHO} {GAP}(?:gets|got|becomes|became|goes|went) (?:\w+ )?(?:angry|mad|jealous|upset|furious) (?:\w+ ){{0,3}}(?:if|when|whenever|every time) i (?:see|talk to|go out with|text|call|visit|meet|speak to) (?:my )?(?:friends|family|mum|mom|mother|sister|brother|anyone|people)",
        rf"{WHO} {GAP}(?:always|constantly|keeps|kept) (?:wants|wanting|needs|needing|asks|asking|demands|demanding) to know where i (?:am|was|go|went) (?:\w+ ){{0,3}}(?:every|all|at all|each)",
        # someone else's experience, or the past
        rf"(?:he|she|they|{WHO}) {GAP}(?:hits|hit|beats|beat|chokes|choked|strangles|strangled|slaps|slapped|punches|punched|kicks|kicked|pushes|pushed|abuses|abused|rapes|raped|threatens|threatened|hurts|hurt) (?:her|him|them|my (?:mom|mum|mother|dad|father|sister|brother|friend|aunt|cousin|grandma|nan))(?! (?:up|back|with (?:the truth|a text|facts)|s feelings|feelings|where it hurts)\b)",
        r"(?:my|a|her|his) (?:friend|friends|sister|sisters|brother|brothers|mum|mom|mother|dad|father|cousin|aunt|neighbour|neighbor|coworker|colleague|daughter|son|best friend)s? (?:husband|wife|boyfriend|girlfriend|partner|bf|gf|ex|fiance|fiancee)? ?(?:\w+ ){0,2}(?:is|was|being|been|gets|got) (?:abused|beaten|hit|hurt|raped|strangled|choked|stalked|controlled|threatened)(?! by (?:a|the|an) (?:car|bus|truck|bike|ball|van|taxi|cyclist|train|lorry|motorbike)\b)",
        r"(?:grew up|growing up) (?:in|with) (?:a |an )?(?:violent|abusive|scary|dangerous) (?:home|house|family|household|dad|father|mum|mom|mother|parents)",
        r"(?:abus\w*|violence|violent|hit|beaten|beat) (?:\w+ ){0,3}(?:when i was (?:a |little|young|small|younger|\d+|a kid|a child|in school)|as a (?:kid|child|teen|teenager|little girl|little boy)|growing up|in my childhood|years ago)",
        r"(?:scared|afraid|terrified|frightened|too scared|too afraid) (?:to|of) (?:tell|telling|say|saying|ask|asking) (?:him|her|them) (?:\w+ ){0,3}(?:leave|leaving|break up|divorce|want out|it is over|no)",
        r"(?:texts|texted|texting|calls|called|calling|messages|messaged|messaging) me (?:\w+ ){0,3}(?:[2-9]\d|\d{3,}|hundreds of|dozens of|fifty|a hundred) times",
        r"(?:is|was|would|does) (?:this|that|it) (?:\w+ ){0,2}(?:abuse|abusive|count as abuse)",
        # reading or checking the phone: monitoring when it is habit or hidden (certain, above), else a question
        rf"{WHO} {GAP}(?:checks|checked|checking|check|reads|read|reading|looks at|looked at|looks through|looked through|scrolls through) (?:all )?(?:of )?my (?:phone|messages|texts|emails|dms|chats|whatsapp|call log|calls|camera roll|photos|bank|bank app|bank account|banking|statements|receipts|location|search history|browser history|mail|post|diary|journal)",
    ],
    "harm_others": [
        rf"(?:so |really |sometimes )?(?:angry|mad|furious|enraged|livid) (?:\w+ ){{0,3}}(?:i|that i) (?:could|want to|wanted to|feel like i could|might) (?:\w+ )?(?:hit|hurt|punch|slap|kill|strangle|choke|smash) (?:{OBJ}|something|someone|things)",
        rf"(?:do not|can not) trust myself (?:\w+ )?(?:around|with|near|alone with) (?:{OBJ}|my|the|a)",
        r"(?:i am )?(?:scared|afraid|worried|terrified) (?:of what|that) i (?:might|will|could|would|may) (?:do|snap|lose it|lose control)(?= (?:\.|$)| if| when| next| one day| to| i| and| because)",
        r"(?:make|making|made|going to make|will make|i will make) (?:him|her|them|that (?:guy|girl|woman|man)|(?:my|his|her|their) \w+(?: \w+)?) (?:pay|suffer|regret it|regret this|sorry)(?= (?:\.|$)| for (?:what|this|that|it|everything|all of it|hurting|cheating|lying|leaving|taking)\b| i| and| if| when| one day| one way| i swear)",
        # veiled threats: a third party will be sorry; "i know where he lives"
        r"(?:he|she|they|him|her|them|my \w+|that (?:guy|girl|woman|man|bitch|bastard)) (?:will|is going to|are going to|gonna|is gonna) (?:regret (?:it|this|that|the day|ever|what)|pay for (?:it|this|that|what)|be sorry|get what is coming)",
        r"i know where (?:he|she|they|\w+) (?:lives|live|parks|park|works|work|sleeps|drinks|is staying|are staying|walks|jogs|goes running|goes to school|gets off|takes the kids)(?! (?:so|and) (?:i|we) (?:can|could|will) (?:drop|send|post|return|give|bring)\b)",
        r"(?:all i (?:can )?think about is|planning|plan|want|wanting|going to get|will get|get my) revenge(?= (?:\.|$)| on| i| and)",
        rf"(?:i|ill) (?:\w+ )?(?:could|feel like i could) (?:\w+ )?{_VIOLENT} {OBJ}{_NOT_MEANT}",
    ],
}

UNSURE["suicide"] += [
    # preparing for not being there: the acts people name, which may also be ordinary
    r"(?:wrote|written|writing|write|finished|finish|finishing|left|leave|leaving|hid|hidden) (?:writing )?(?:my|the) (?:note|letter)(?= (?:\.|$)| last| and| today| tonight| yesterday| for| to| in| on| under)",
    r"(?:my|the) note (?:\w+ ){0,2}in an (?:envelope|envelop|evelope)",
    r"(?:playlist|songs?|music|photo|picture|outfit|instructions|plan|plans|readings?|flowers) (?:\w+ ){0,2}for (?:my (?:own )?)?funeral|(?:my (?:own )?funeral) (?:plan|playlist|instructions|songs?|wishes)|(?:organised|organized|arranged|planned|paid for|prepaid|paid off|booked|planning|organising|organizing) (?:\w+ ){0,2}my (?:own )?funeral",
    r"(?:where|how) (?:i want )?my ashes(?: (?:to be )?(?:scattered|spread|to go))?",
    r"(?:who|which one) (?:gets|should get|will get|is getting|goes to) (?:what|which|my \w+)(?= (?:\.|$)| its| it is| and| after)|who (?:it|they|each thing|everything|each one) (?:goes|go|should go|belongs) to",
    r"(?:paid|paying|set up|sorted|sorting|arranged|labelled|labeled|organised|organized|cleared|clearing|made sure|making sure|deleted|deleting|throwing away|threw away|thrown away|set|wrote|written|left|put|returned|cancelled|canceled) (?:\w+ ){1,10}(?<!out )(?<!up )(?:after|afterwards|for after)(?= (?:\.|$))",
    r"(?:so|making sure|make sure|made sure) (?:that )?(?:nothing is|nothing s|theres nothing|there is nothing|nobody is|no one is|nobody has to|no one has to|nobody can say|nobody gets|no one gets|nothing will be|nobody will be|less for) (?:\w+ ){0,4}(?:left (?!out\b|behind\b)|sort|pay|deal|clean|stuck|mess|to do|with it)",
    r"(?:tidying|tidy|tidied|clearing|cleared|sorting|sorted|getting everything|got everything|cleaning) (?:\w+ ){0,4}(?:before i go|for when (?:they|he|she|someone|people) (?:come|comes|find|finds))(?= (?:\.|$))",
    r"(?:tying|tied|tie) up (?:\w+ )?loose ends|loose ends (?:\w+ ){0,3}(?:tied|sorted|done)",
    r"(?:does not|did not|do not|never|has no|had no|have no) (?:know|idea|clue) (?:that )?(?:it is|it was|this is|this was|that was) (?:the last|goodbye|a goodbye|my last|our last)",
    r"(?:do not|please do not) (?:try to |come to |bother trying to )?(?:find|look for|come looking for) me(?= (?:\.|$))",
    r"(?:it is|today is|this is|tonight is) (?:my |the )?last (?:day|night)(?= (?:\.|$)| i| of my life| alive| on earth)",
    r"(?:the|my) last (?:chance|time|one) (?:i will|i ll|ill) (?:get|have|see|ever)",
    r"(?:spending|spend|spent) my last (?:few )?(?:days|weeks|hours|day|night)",
    r"(?:visiting|visited|visit|going round|went round|go round|seeing|saw|see) (?:\w+ ){0,4}(?:one last time|for the last time|a last time)",
    r"(?:say|said|saying) (?:my )?goodbye(?:s)? properly|(?:said|say|saying|made) (?:all )?my (?:goodbyes(?! (?:at|to) (?:the )?(?:airport|station|party|door|gate|leaving do|farewell))|peace with everyone|peace with everything)|made my peace(?= (?:\.|$)| with (?:everyone|everybody|it all|everything|dying|the world))",
    r"(?:not|never) coming back(?= (?:\.|$)| for (?:them|the kids|my \w+)| after (?:friday|tonight|today|this|tomorrow|monday|tuesday|wednesday|thursday|saturday|sunday)| ever| this time| home)",
    r"(?:will not|wont|won t) be (?:needing|playing|using|wearing|reading|driving|around|here)(?: (?:it|them|this|that|the \w+|my \w+|any of (?:it|this|them)))?(?= (?:\.|$)| any more| any longer| much longer| after| where| soon)",
    r"(?:letter|note|message|video)s? (?:\w+ ){0,6}(?:it was my (?:own )?choice|it is not (?:his|her|their|your|anyones|anyone s) fault|not (?:his|her|their|your) fault)",
    r"(?:letter|card|message|video)s? for (?:every|each) (?:\w+ )?(?:birthday|christmas|anniversary|year)",
    r"memory box for (?:my|the|our) (?:kids|children|son|daughter|family|boys|girls)",
    r"(?:deleted|deleting|wiped|wiping|closed|closing) (?:all )?(?:of )?my (?:instagram|facebook|twitter|tiktok|snapchat|photos|messages|dating profile|profiles|laptop|phone|diaries|journals|search history)(?: and (?:my )?\w+)*(?= (?:\.|$)| and| so| today| tonight| tidying| before)",
    r"(?:gave|giving|given|handed over|handing over) (?:\w+ ){0,3}(?:all my money|all my savings|my savings|my watch|my necklace|my ring|my guitar|my jewellery|my jewelry|my journal|my diary|my bike|my console|my games console) (?:\w+ ){0,3}(?:to|and told|forever|for good)",
    r"(?:signed over|signing over|transferred|transferring|put|putting) (?:\w+ ){0,2}(?:all my money|all my savings|my savings|the car|the house|my car|my house|my flat|my pension) (?:\w+ ){0,2}(?:to (?:my|her|his|their)|in (?:her|his|their|my \w+ s?) name|account)",
    r"(?:gave|giving|give|given) away (?:\w+ ){0,2}(?:my|all my) (?:\w+ ){0,2}(?:books|plants|things|stuff|bike|games|records|art|jewellery|jewelry)(?= (?:\.|$)| my| except| apart| but| just| to(?! charity| the charity)| and)",
    r"(?:gave|giving|give|given) away all (?:of )?my (?:clothes|things|stuff|belongings)(?! to (?:charity|the charity))",
    r"(?:passwords|pin numbers|bank stuff|bank details) (?:\w+ ){0,6}(?:envelope|where the will is|for him|for her|for my \w+|for whoever)",
    r"(?:chosen|picked|set|decided on|have|got) (?:the|a) (?:date|day)(?: in mind)? (?:\w+ ){0,6}(?:getting everything ready|everything ready|so i do not ruin|after (?:\w+ ){0,3}(?:birthday|christmas|wedding|exams))",
    r"(?:waiting|wait|waited) (?:until|till) after (?:\w+ ){1,4}so (?:i|it) (?:do not|does not|will not) ruin",
    r"(?:stopped|not|stop) (?:booking|planning|making plans for) (?:anything )?(?:after|past|beyond) (?:the )?\w+",
    r"(?:promise|promised) (?:\w+ ){0,3}(?:look after|take care of|watch over) (?:mum|mom|dad|my \w+|the kids|them|her|him)(?= (?:\.|$)| for me| when| after)",
    r"(?:none of this|nothing|it) will (?:be my problem|matter) (?:\w+ ){0,2}(?:after|soon|much longer|any more)",
    r"(?:feels|it is all|everything feels|it all feels) (?:so |very )?final(?= (?:\.|$))",
    r"(?:calm|at peace|peaceful|relieved|lighter|ready) (?:\w+ ){0,4}(?:made|making|have made|i made) (?:the|my|a) (?:decision|choice)|i (?:think i )?have (?:just )?decided(?= (?:\.|$))|made up my mind(?= (?:\.|$)| i just| and i| this time)",
    r"ready to go (?:\. )?(?:\w+ ){0,4}(?:calm|at peace|peaceful|relieved|ready)",
    r"(?:one way ticket|hotel room|room for one night) (?:\w+ ){0,6}(?:to do it|where i want to|no return|not coming back|told nobody|told no one)",
    r"(?:where|the place where|somewhere) i (?:want|plan|am going|intend|would like) to do it",
    # burden, no future, no reason
    r"(?:weight|millstone|anchor|drain|burden) (?:around|round|on) (?:everyones|everyone s|every ones|everybodys|everybody s|my familys|my family s|their|his|her|your) necks?",
    r"(?:i am|i m|just|such|nothing but) (?:a )?(?:complete |total |useless )?(?:waste of (?:space|oxygen|air|a life|skin)|lost cause)",
    r"stop (?:taking up|wasting) (?:space|room|air|oxygen)",
    r"(?:they|everyone|everybody|people|my family|my kids) (?:would|will) (?:all )?be (?:so )?relieved(?= (?:\.|$)| i| honestly| if| when)",
    r"(?:would|will) (?:\w+ ){0,2}(?:get over (?:it|me)|move on|forget (?:about )?me|cry for a (?:day|week|bit|while)) (?:\w+ ){0,3}(?:in a few|after a|within|quickly|soon|and then)",
    r"(?:waiting|wait) for me to (?:go|die|disappear|be gone)(?= (?:\.|$)| i| for good| already)",
    r"(?:would|will) be (?:\w+ )?better off (?:not having to|without having to|never having to) (?:worry about|deal with|look after|take care of|put up with) me",
    r"(?:better|happier|fine|okay|ok) (?:off )?without me(?= (?:\.|$)| around| in (?:it|their lives|the picture)| honestly| anyway| i)",
    r"(?:there is|theres|there s) nothing (?:left )?(?:for me|here for me)(?= (?:\.|$)| here| any more| now)|nothing left for me(?= (?:\.|$)| here| any more| now)",
    r"(?:nothing|it|things|life) (?:is|will) (?:never|not ever) (?:going to )?(?:get|be) (?:any )?better(?= (?:\.|$)| and| i| for me| no matter)",
    r"no (?:\w+ )?(?:version of (?:the |my )?future|future) (?:where|in which) i (?:am|m) (?:ok|okay|alive|here|happy|fine)",
    r"(?:can not|could not) (?:see|picture|imagine) (?:myself|me) (?:getting through|making it|surviving|being here|still here|alive|living)",
    r"(?:do not know|not sure|no idea) how (?:much )?(?:longer|long) i can (?:keep going|go on|do this|carry on|hold on|keep this up|last|survive|keep fighting)",
    r"another (?:\d+ |\w+ )?(?:years?|decades?) (?:of (?:this|it|life|living|feeling)|like this)|(?:refuse|will not|can not) (?:to )?(?:live|do|face) (?:\w+ ){0,2}(?:more|another) (?:\w+ )?(?:years|decades) (?:like this|of this)",
    r"(?:not|never) (?:scared|afraid|frightened) of (?:dying|death|being dead|dying any more)",
    r"unless i (?:stop|end) it(?= (?:\.|$)| myself| for good)",
    r"(?:i am|i m) (?:just |done |finally )?checking out(?= (?:\.|$)| i| now| tonight| do not)",
    r"tonight (?:might|could|will|is going to|may) be the night",
    r"counting down (?:the )?days(?= (?:\.|$)| honestly| now| until i| till i)",
    r"(?:why|how) (?:am i|i am|i m) (?:even )?still (?:here|alive|breathing|around)(?= (?:\.|$)| honestly| any more| at all)",
    r"(?:the )?only (?:thing|one|reason|person) (?:keeping|that keeps|holding|that holds) me (?:here|alive|around)",
    r"(?:feel|felt|feeling) like (?:i am|i m|im) already (?:gone|dead)",
    r"why (?:drag|draw|dragging) (?:it|this|things) out|why (?:keep going|carry on|go on|bother living|stay alive|keep living|bother)(?= (?:\.|$)| when| if| any more)",
    r"my life is (?:over|done|finished)(?= (?:\.|$)| at| now| i| any more)",
    r"(?:living|being alive|life|existing|being me) (?:feels|is|has become) (?:like )?(?:a |one )?(?:long )?(?:punishment|torture|prison|sentence|curse)",
    r"can not do (?:this )?life(?: thing| any more)?(?= (?:\.|$)| any more| thing)",
    r"i (?:just )?can not (?:\. )?(?:any more|any longer)(?= (?:\.|$)| i)",
    r"give up on (?:life|living|everything|myself|being alive)|i give up (?:\. )?(?:\w+ ){0,3}(?:this time|for good|on everything)",
    r"(?:run|ran) out of reasons|(?:will not|wont|do not|no longer) have (?:a|any) reason(?: (?:left|to live|to stay|to keep going))?(?= (?:\.|$)| any more| left)",
    r"(?:life insurance|insurance (?:policy|payout|money)) (?:\w+ ){0,6}(?:more for (?:them|her|him|my)|than i (?:ever )?(?:could|can)|pays out if|better than me)",
    r"if (?:he|she|they|my \w+) (?:leaves|leave|goes|walks out|left)(?: me)? (?:i am|i m|i will|ill|i) (?:not going to|never|not|will not) (?:carry on|go on|survive|make it|live|be here|keep going)",
    r"(?:top|highest) (?:floor|level|deck) of (?:the |a )?(?:car park|parking garage|parking lot|multi storey|building|hospital) (?:\w+ ){0,6}(?:do not want to (?:go|drive|come) home|thinking about it|looking down|for hours|for a long time)",
    r"(?:fastest|quickest|easiest|best|most painless|least painful|surest) way (?:\w+ )?to (?:make (?:the |it |this |all )?(?:pain|hurt|it|this|everything) stop|stop (?:the pain|hurting|everything|it all|existing)|end (?:it|the pain|everything|things))",
    r"(?:would|will|is) (?:it|that|death) (?:be )?(?:instant|instantaneous|painless)(?= (?:\.|$)| if| or| when)",
    r"(?:train|trains) (?:\w+ ){0,5}(?:that do not stop|that does not stop|do not stop|does not stop|not stopping|that goes straight through|passing through without)",
    r"(?:bridge|quarry|cliff|viaduct|car park|tower|overpass|roof) (?:\w+ ){0,5}(?:fence|railing|railings|barrier|net) (?:\w+ ){0,6}(?:get over|climb over|still get|finished|easy to climb|gap|high)|(?:does|do|is there|has) (?:the )?(?:\w+ ){0,5}(?:quarry|bridge|cliff|viaduct|car park|roof) (?:\w+ ){0,5}(?:have a fence|have railings|a fence|railings|a barrier)",
    r"how deep (?:is|are) (?:the )?(?:river|water|lake|sea|canal|reservoir|quarry) (?:\w+ ){0,4}(?:under|below|beneath|by|near|off) (?:the )?(?:\w+ ){0,3}(?:bridge|cliff|viaduct|pier)",
    r"(?:jumping|jump|falling|fall) (?:from|off) (?:\d+|ten|\w+) (?:storeys|stories|floors)",
    r"(?:without|stop|stopped) (?:eating|food) and (?:drinking|water) (?:\w+ ){0,4}(?:too late|die|before)",
    r"(?:i am|i m|i will|ill) (?:not going to|never going to) (?:be|feel) happy (?:\w+ ){0,2}(?:so|and)",
]

# ----------------------------------------------------------------- what is not crisis language

# Negation of the crisis words in the same clause: blanked out before matching. Never "can
# not" or "could not" ("i can not kill myself because of my kids" stays), and never the
# words that are themselves a crisis ("not wake up", "not want to live", "not be here").
_NEGATION = r"(?<!can )(?<!could )(?:not|never|no longer|not ever|nt)"
_NEGATION_GAP = r"(?:(?:really|ever|actually|seriously|at all|going to|gonna|want to|wanting to|planning to|planning on|thinking of|thinking about|have|had|be|been|being|feeling|feel|trying to|try to|would|do|ever be|and|or|even|likely to|about to|intending to|intend to|gonna be|any more|so|that|remotely|in danger of|considering|considered|thought about|thinking|that i would|had thoughts of|thoughts of|thoughts about|thought of|any thoughts of|felt like|step|stepped) ){0,4}"
_NEGATED_TARGET = r"(?:(?:step|walk|run) (?:out )?(?:into|in front of|onto) (?:the |a |an |oncoming )?(?:traffic|road|train|bus|car)|suicidal|suicide|sewerslide|unalive\w*|kill myself|killing myself|end my (?:own )?life|ending my (?:own )?life|end it all|ending it all|take my (?:own )?life|taking my (?:own )?life|hurt myself|hurting myself|harm myself|harming myself|self harm\w*|cut myself|cutting myself|cut again|die|dying|do anything stupid|do anything to myself|act on (?:it|them|those thoughts|my thoughts)|hurt (?:him|her|them|anyone|anybody|someone|somebody|my (?:\w+ )?(?:kids|children|baby|son|daughter|partner|husband|wife|girlfriend|boyfriend|family))|harm (?:him|her|them|anyone|anybody|someone|somebody)|hit (?:him|her|them|anyone|my (?:kids|children|partner|wife|husband|girlfriend|boyfriend))|kill (?:him|her|them|anyone|anybody|someone|somebody)|lay a (?:hand|finger) on (?:him|her|them|anyone))"
_OTHER_PERSON = r"(?:he|she|they|(?:my|his|her|their|our) (?:\w+ )?(?:friend|friends|coworker|colleague|neighbour|neighbor|cousin|uncle|aunt|classmate|boss|teacher|brother|sister|mum|mom|mother|dad|father|son|daughter|grandad|grandpa|grandma|nan|niece|nephew|partner|husband|wife|boyfriend|girlfriend|ex|stepdad|stepmum|stepmom|brother in law|sister in law|mate|mates|buddy|teenager|teen|kid|child|toddler)s?|a (?:\w+ )?(?:friend|coworker|colleague|neighbour|neighbor|classmate|celebrity|student|man|woman|boy|girl|guy|kid|teenager|teen|person|singer|actor)(?: (?:in|at|from) (?:my|our|the) \w+)?|someone (?:at|from|in) (?:work|school|my \w+))"
# Someone else's death or attempt, grieved or told (their risk now, "he wants to die", is unsure:
# crisis.py): read as "<who> died" before matching, so a wish to follow them still reads as one
# ("i want to follow him. he killed himself last spring") and the words are no one's intent.
# DEATH_VERBS are the words that begin what each pattern says happened: what comes before the
# first of them is who, and stays.
# Someone else's words told ("my teenager said i want to die because i asked her to empty the
# dishwasher"): the "i" that follows is theirs, so the match is someone else's risk (unsure).
REPORTED = rf"{_OTHER_PERSON} (?:\w+ )?(?:said|says|yelled|screamed|shouted|texted|messaged|wrote|sobbed|cried|told me|tells me|keeps saying|kept saying|was like|is like)(?: to me| me)?(?: that| like)?"
DEATH_VERBS = ("attempted", "committed", "died", "lost", "killed", "hanged", "took", "passed", "overdosed")
DEATHS = [
    rf"{_OTHER_PERSON} (?:\w+ ){{0,2}}(?:attempted|committed|died by|died of|died from|lost (?:\w+ )?to) suicide",
    rf"{_OTHER_PERSON} (?:\w+ ){{0,2}}(?:(?:killed|hanged) (?:himself|herself|themselves)|took (?:his|her|their) own life|(?:died|passed away|passed) (?:of|from) (?:an )?overdose|overdosed|died by overdose)",
]
# a screening question answered no ("... and i said no"), unless the answer is taken back ("but that was a lie")
_ANSWERED_NO = r"(?:\. )?(?:we|i|she|he|they) (?:both )?(?:said|answered|say|says|told (?:her|him|them)) no(?!(?: \.)? (?:\w+ ){0,2}(?:but|though|which|when|lied|lie|lying|not true|not the truth))"
NEGATED = [
    r"(?:lost|losing) (?:my|our|his|her|their) (?:\w+ ){0,3}to (?:an overdose|overdose|suicide|drugs)",
    # suicide as a subject of study, statistics or prevention, not as anyone's intent
    r"suicide (?:prevention|awareness|rates?|statistics|stats|research|risk assessment|risk factors|first aid|intervention training|hotline posters?)",
    r"(?:theory|theories|rates?|statistics|prevention|epidemiology|sociology|stigma|research) (?:of|on|about|into) suicide",
    r"(?:the word|the term|why do (?:people|they) (?:say|use)|people (?:say|use)) unalive(?! myself| me\b)",
    r"unalive (?:instead of|trend|is (?:so )?(?:weird|cringe|dumb|silly|funny|annoying))",
    rf"{_NEGATION} {_NEGATION_GAP}{_NEGATED_TARGET}",
    r"no (?:suicidal|self harm|sh) (?:thoughts|feelings|plans|urges|ideas|intent|intentions)(?: at all)?",
    r"(?:no|nope no|not any) (?:self harm|sh|cutting)(?= (?:\.|$)| just| but| at all| no| thank)",
    # medicine taken the way it is meant to be: "i take all my tablets in the morning"
    r"(?<!going to )(?<!gonna )(?:take|taking) (?:all )?(?:of )?my (?:\w+ )?(?:pills|tablets|meds|medication|medicine|vitamins|supplements) (?:\w+ ){0,2}(?:in the morning|in the mornings|every morning|every day|each day|daily|every night|at night|with (?:food|breakfast|dinner|my dinner|water)|as prescribed|on time|like i am supposed to|like the doctor said|together in the morning)(?= (?:\.|$)| and| but| so| i| now)",
    # a week's tablets sorted into a pill organiser: "counting my pills into the weekly organiser on sunday"
    r"(?:count|counts|counting|counted|sort|sorts|sorting|sorted|put|puts|putting|fill|fills|filling|filled|pop|popping) (?:out )?(?:all )?(?:of )?(?:my|our|his|her|the) (?:\w+ )?(?:pills|tablets|meds|medication|medicine|vitamins) (?:\w+ ){0,2}(?:into|in|for) (?:the |my |a |our |his |her )?(?:weekly |daily |week s |7 day |seven day |days of the week )?(?:organiser|organizer|pill box|pillbox|dosette|dosette box|pill case|blister pack|compartments)",
    # hyperbole of the body: "i am so full i am going to die"
    r"(?:so|too) (?:full|stuffed|bored|embarrassed|hungry|sore|hot|cold) (?:\w+ ){0,3}(?:going to|could|will|might|about to) die",
    r"no (?:thoughts|plans|intention|intentions|intent|desire|wish|urge) (?:of|to|about) (?:suicide|killing myself|kill myself|hurting myself|hurt myself|dying|die|ending my life|end my life|self harm|harming (?:myself|anyone|him|her))",
    r"(?:nothing|no one|nobody) (?:is going to|will|would|could) (?:ever )?make me (?:kill myself|hurt myself|do that)",
    r"(?:suicidal|suicide) (?:thoughts )?(?:is|are|was|were) (?:never|not) (?:an option|on the table|something i)",
    # a screening question answered no: "the counsellor asked if either of us ever felt unsafe at home and we both said no"
    rf"(?:asked|asks|asking) (?:me |us |him |her )?(?:\w+ ){{0,4}}(?:questions?|screening|whether|if) (?:\w+ ){{0,5}}(?:suicide|suicidal|self harm|hurting (?:myself|yourself)|killing (?:myself|yourself)|ending (?:my|your) life|wanting to die)(?: \w+){{0,8}} {_ANSWERED_NO}",
    rf"(?:if|whether) (?:\w+ ){{0,4}}(?:felt|feel|feels|were|was|are|is|ever felt|ever feel) (?:\w+ )?(?:unsafe|afraid|scared|frightened)(?: \w+){{0,6}} {_ANSWERED_NO}",
    # reassurance to a partner: staying, not leaving ("i love you and i'm not going anywhere")
    r"(?:i am|i will|we are) (?:still )?not going anywhere",
    r"i (?:will|am going to) (?:still )?be (?:right )?here (?:for you|when you|if you|waiting|after)",
]

# Not violence done to the person, though the words look like it: grief, idiom, hyperbole,
# a wish to die (that is suicide, not violence). Blanked out before the violence tables run.
NOT_VIOLENCE = [
    r"(?:losing|lost|loss of|death of|passing of|the death|the loss|the passing|funeral|missing|grief|grieving|miss|missing) (?:\w+ ){0,4}(?:hit|hits|hitting|shook|shakes|crushed|crushes|destroyed|wrecked|floored|broke|breaks|killed|kills|gutted|knocked) me(?: (?:\w+ ){0,3}(?:hard|harder|hardest|badly|bad|like a|so much|really|out of nowhere|again|today|last|this))?",
    r"(?:hit|hits|hitting|shook|shakes) me (?:hard|harder|the hardest|really hard|so hard|like a (?:truck|train|ton of bricks|wave|brick)|out of nowhere|all at once|in waves)(?! (?:in|on|across|with|until|and i (?:fell|bled|could not))\b)",
    r"(?:will|would|is going to|going to|gonna|is gonna) (?:literally |actually |totally |absolutely )?(?:kill|murder|strangle) me (?:for (?:\w+ing|being late|the mess|this|that|not|buying|spending|eating|the bill|the dishes)|if i (?:am|was|get|got) (?:late|home late|back late)|if i (?:forget|forgot|spend|eat|break|lose|miss|do not (?:call|text|clean|finish|come))|when (?:she|he|they) (?:sees?|notices?) (?:the|this|my|how much|what i (?:spent|bought|ate)))",
    r"(?:wish|wishes|wished|wishing|hope|hopes|hoped|hoping|pray|praying|want|wanted|wanting) (?:that )?(?:a |some |the |an )?(?:car|bus|truck|lorry|train|plane|someone|somebody|something|anyone|lightning|meteor|asteroid|drunk driver) (?:would |will |could |might |to |just )*(?:hit|hits|kill|kills|run me over|runs me over|shoot|shoots|crash into|crashes into|take me|end me|finish me)(?: me)?",
    r"(?:hit|hits|hitting) me up",
    r"(?:kills|killing|killed) me (?:inside|slowly|every day|that|how|when|to see|to know|to think|with)",
    r"(?:hit|hits) me (?:that|how|right in the feels|in the feels|with (?:the|a|an|his|her|some) (?:news|truth|question|look|comment|text|silence|guilt))",
    r"(?:kill|murder|strangle|throttle|smack|slap) (?:him|her|them|my \w+) (?:for (?:\w+ing|being|not|the|that|this|his|her|their)|if (?:he|she|they) (?:\w+ ){0,2}(?:leaves|forgets|eats|says that|does that|is late|keeps|again|one more time))",
    r"(?:has never|never|has not ever|has not|did not|does not|would never|will never|never once|not once) (?:ever )?(?:\w+ )?(?:hit|hurt|touched|laid a (?:hand|finger) on|pushed|slapped|threatened|hits|hurts|choked|abused|raped) me",
    r"(?:threw|throws|throwing|thrown|chucked|tossed) (?:a |the |my |his |her |some )?(?:pillow|cushion|sock|socks|paper|towel|ball|teddy|toy|popcorn|grape|grapes|snowball|water|blanket|jumper|shirt|tissue|napkin|crumb) at me",
    r"(?:not|never|no longer) (?:\w+ ){0,2}(?:scared|afraid|frightened|terrified|fearful) (?:of|for|to be (?:alone )?with) (?:him|her|them|my \w+)",
    r"(?:never|not|have not|has not|had not) (?:ever )?(?:been|got|gotten|was|were) (?:\w+ )?(?:hit|hurt|threatened|pushed|slapped|choked|strangled|abused|raped|beaten|stalked|kicked|punched|attacked)",
    r"(?:not|never|no longer) (?:\w+ ){0,2}(?:felt |feel |feeling |been )?(?:unsafe|in danger)(?: (?:with|around|at home|in my (?:own )?home)(?: (?:him|her|them|my \w+))?)?",
    r"(?:is not|was not|are not|were not|not|never|never been|has never been) (?:really |at all |even |ever |physically |remotely )?(?:abusive|violent|controlling)",
    r"(?:does not|did not|do not|would not|will not|never|not) (?:ever |even |really )?(?:check|checks|read|reads|go through|goes through|look at|looks at|track|tracks|monitor|monitors|control|controls|take|takes) (?:my|at my) (?:phone|messages|texts|location|money|emails|bank|passport|keys)",
    r"(?:hit|hits|hitting) me with (?:the |a |an |his |her |their |some |this |that )?(?:\w+ ){0,2}(?:line|lines|question|questions|news|truth|joke|jokes|comment|comments|text|message|look|speech|lecture|list|reality|facts|guilt|silent treatment|excuse|excuses|compliment|compliments|pun|puns|meme|memes|request|bill|idea|ideas|plan|story|spoiler|spoilers|song|playlist)",
    # "i am going to kill him, he ate my leftovers": anger at a small thing, said as people say it
    r"(?:kill|murder|strangle|throttle|smack|slap) (?:him|her|them|my \w+) (?:he|she|they) (?:\w+ ){0,2}(?:ate|eaten|eats|used|uses|borrowed|borrows|finished|drank|drinks|spoiled|spoilt|spoils|wore|wears|stole|nicked|pinched|forgot|forgets|lost|loses|hid|moved|deleted|unplugged|ruined|scratched|dented|shrank|shrunk|sat on|stepped on|took the last) (?:my|the|our|all|his|her|their|a|an)",
    # "if he leaves his socks on the floor one more time im going to kill him": a chore, not a threat
    r"(?:if|when) (?:he|she|they|my \w+) (?:\w+ ){0,3}(?:leaves?|leaving|left|forgets?|forgot|eats?|ate|steals?|stole|hogs?|hogged|snores?|snored|chews?|puts?|loads?|touches|touched|uses?|used|drinks?|drank|finishes|finished) (?:\w+ ){0,4}(?:socks?|dishes|washing up|towels?|toilet seat|milk|leftovers|crisps|chips|blanket|duvet|remote|thermostat|dishwasher|bins?|bin bags?|shoes|laundry|wet towel|crumbs|cereal|coffee|last slice|charger|seat) (?:\w+ ){0,6}(?:i am|i m|im|i will|ill|i swear i will|i swear) (?:going to |gonna |actually |literally )*(?:kill|murder|strangle|throttle) (?:him|her|them)",
    r"(?:will|would|is going to|going to|said (?:he|she|they) would|says (?:he|she|they) will|threaten\w* to) (?:literally |actually |totally )?(?:kill|murder|strangle) me if i (?:buy|bought|spoil|spoiled|spoilt|touch|touched|eat|ate|finish|finished|use|used|wear|wore|forget|forgot|sing|sang|play|played|watch|watched|move|moved|borrow|borrowed|do not fix|did not fix|do not clean|get another|buy another|bring home another)",
]

# A violence match in a clause like these (and none about now) is unsure at most.
PAST = [
    r"when i was (?:a |little|young|small|younger|\d+|in (?:school|high school|college|middle school|primary|elementary)|a kid|a child|a teen|a teenager|growing up|pregnant with)",
    r"(?:at|in) (?:high |secondary |middle |primary )?school(?! (?:today|this|now|tomorrow)\b)",
    r"as a (?:kid|child|teen|teenager|little girl|little boy|young girl|young boy|baby)",
    r"(?:growing up|grew up|in my childhood|my childhood|childhood|years ago|long ago|a long time ago|decades ago|ages ago|back then|in the past|in my past|back in the day|once upon a time)",
    r"(?:my )?(?:last|previous|old|first|former) (?:relationship|marriage|partner|boyfriend|girlfriend|husband|wife|bf|gf)",
    r"used to",
    r"when we were (?:together|married|dating|living together|still together)",
    r"my ex (?:\w+ ){0,3}(?:was|used to|did|would|had)",
    r"before (?:i left|we split|we broke up|the divorce|i got out|i escaped)",
]
PRESENT = [
    r"(?:again|still|now|right now|last night|tonight|today|this morning|this evening|this week|yesterday|every day|every night|currently|at the moment|keeps|just now|recently|lately|these days|any more)",
]

# Self-harm in the past with recovery in the same sentence ("i used to self harm as a teen but
# im five years free") is not a crisis now.
RECOVERED = [
    r"(?:free|clean|recovered|in recovery|proud|stopped|quit|gave up|behind me|healed|better now|doing well|have not since|not since|no longer)",
    r"(?:the depression talking|in a (?:good|better|great|much better) place|(?:fine|okay|ok|happy|stable|safe|healthy|well) (?:now|these days)|doing (?:really |so |much )?(?:well|great|good|better)|happily (?:married|remarried)|remarried|therapy (?:really )?helped|glad i (?:stayed|am still here|did not)|worked through it|long in the past|that was (?:ages|years|a long time|(?:\d+|two|three|four|five|six|seven|eight|nine|ten|many) years) ago|(?:had|did|got|went through) (?:lots of |a lot of |years of |loads of )?(?:therapy|counselling|counseling|treatment)|(?:have|has) been (?:stable|well|healthy|fine|safe) for)",
]

# Violence in the past that the person has left behind ("my ex hit me years ago, i am safe now"):
# no alarm, unless the same sentence says it goes on ("again", "still", "last night").
RESOLVED = [
    *RECOVERED,
    r"(?:i am|i feel|i have been) safe now",
    r"(?:got out|i left (?:him|her|them|that relationship|that marriage)|left (?:him|her|them) (?:\w+ ){0,2}ago|now i am with|i am now with|my partner now|with someone (?:kind|new|lovely|good|gentle|safe)|moved on)",
]
ONGOING = [
    r"(?:again|still|last night|tonight|today|this morning|this evening|this week|yesterday|every day|every night|keeps|just now|right now|recently|lately)(?! (?:fine|okay|ok|happy|safe|healthy|doing well)\b)",
]

# Sport, play, sleep and help: words of violence that are none. A violence match in a clause
# with one of these is no alarm.
PLAY = [
    r"(?:in|at|during|playing|after) (?:a |the |our |my )?(?:rugby|football|soccer|hockey|ice hockey|basketball|netball|lacrosse|dodgeball|volleyball|baseball|cricket|boxing|kickboxing|sparring|spar|jiu jitsu|bjj|judo|karate|taekwondo|mma|martial arts|wrestling|training|practice|pe|gym class|self defence class|self defense class|krav maga|paintball|laser tag)(?: (?:match|game|class|session|practice|training|today|on|last|this))?",
    r"(?:when|while) (?:we|they|the kids|he|she) (?:play|played|playing|wrestle|wrestled|wrestling|rough ?house|roughhouse|spar|sparred|play fight|play fought)",
    r"(?:pillow fight|play fight\w*|play fighting|messing around|mucking about|tickle fight|snowball fight|water fight|nerf|rough ?housing|horsing around|tickl\w+)",
    r"in (?:his|her|their|my) sleep",
    r"(?:choked|choke|chokes|choking) (?:me )?out in (?:jiu jitsu|bjj|judo|training|class|sparring)",
    r"(?:to stop me|so i (?:would not|did not|could not)|before i|from) (?:from )?(?:falling|fell|fall|slipping|slipped|slip|tripping|tripped|trip|stepping into|step into|walking into|getting hit|being hit|hurting myself|drowning)",
    r"on the ice|on the stairs so i",
    r"(?:boss fight|by a boss|in (?:the|a|that) (?:video )?game|video game|playing (?:\w+ )?(?:games?|xbox|playstation|ps5|switch))",
    r"(?:in|playing) (?:my |our |the )?(?:dnd|d and d|dungeons and dragons|skyrim|elden ring|dark souls|minecraft|fortnite|roblox|zelda|the sims|sims|call of duty|cod|gta|baldurs gate|warzone|pokemon|among us|overwatch|valorant)(?: (?:campaign|game|session))?",
]

# Reasons that make a control or monitoring match ordinary: the person asked for it, it was a
# joke, it was care. A certain match with one of these in its clause is unsure; an unsure one
# is no alarm.
BENIGN = [
    r"(?:because|since|as) i (?:asked|wanted) (?:him|her|them) to(?! (?:stop|not|leave|get off|quit|go|back off)\b)",
    r"i (?:asked|wanted) (?:him|her|them) to(?! (?:stop|not|leave|get off|quit|go|back off)\b)",
    r"with my (?:permission|consent|blessing)",
    r"(?:to help me|helping me) (?:stop|quit|save|budget|with)",
    r"(?:as a|for a|as a little) (?:prank|joke|laugh)|prank|pranked|pranking|jokingly|playfully",
    r"(?:to see|checking) if i (?:had|have) (?:heard|got|gotten|replied)",
    r"(?:to|at) the post office|to (?:renew|get it renewed)",
    r"so (?:that )?we (?:can |could |would |actually )*(?:talk|eat|connect|focus|be present)",
    r"(?:out loud|aloud) (?:to me|for me)",
    r"(?:good call|it is sweet|so sweet|was sweet|is cute|it was cute)",
    r"so i (?:would not|did not|could not|will not) (?:drive|text|call) (?:\w+ ){0,2}(?:drunk|after|while)|after (?:\w+ ){0,2}(?:beers|drinks|pints|wine)",
    r"because i am driving",
    r"(?:we have|we agreed|we made|our|house|family) (?:a |on a )?(?:no phones?|no screens?|phone free|screen free|phones away) (?:rule|policy|agreement|deal|at dinner|at the table|dinner)",
    r"because i (?:was|kept) (?:doom ?scrolling|scrolling|gaming|on my phone|on it) (?:again|at dinner|at the table|all night|in bed)",
]

# A self-harm match in a clause about an everyday accident is no alarm, unless it says the
# harm was meant.
ACCIDENT = [
    r"(?:by accident|accidentally|by mistake)",
    r"(?:on|against|with) (?:the|a|an|my) (?:oven|oven rack|oven door|stove|hob|kettle|pan|frying pan|baking tray|tray|grill|bbq|barbecue|toaster|radiator|exhaust|rose bush|rose|bush|bushes|thorns?|brambles?|fence|nail|staple|stapler|tin|can|paper|cardboard|box|cheese grater|grater|mandoline|glass|broken glass|mug)",
    r"(?:while|when|whilst) (?:i was )?(?:cooking|baking|gardening|shaving|ironing|cleaning|chopping|cutting (?:up )?(?:the |some )?(?:veg|vegetables|onions|bread|meat)|doing (?:the )?(?:dishes|washing up|gardening))",
    r"(?:gardening|cooking|baking|shaving|ironing|washing up|chopping)",
    r"(?:mosquito|insect|bug|midge|flea|spider|gnat) bites?",
]
INTENT = [
    r"(?:on purpose|deliberately|intentionally|meant to|to feel|to cope|to punish|because i deserve|again|every time|when i am (?:sad|upset|angry|stressed|overwhelmed)|relapse\w*)",
]

# Everyday arrangements that look like putting affairs in order: a grey-zone suicide match in a
# sentence with one of these is no alarm (a certain one stays).
ARRANGED = [
    r"while (?:i am|i m|we are|i will be|i will be) (?:\w+ )?(?:travelling|traveling|away|abroad|on holiday|on vacation|in hospital|moving|on a trip|on tour|deployed|working away)",
    r"(?:before|until) (?:i|we) (?:go|get back|come back|return|leave) (?:on|from)? ?(?:holiday|vacation|the trip|my trip|travelling|traveling|tour)",
    r"(?:on|during) (?:the|my|our|this) (?:hike|trip|climb|flight|drive|holiday|vacation|trek|expedition|run|swim|dive)",
    r"(?:spare key|spare keys|a spare|the spare)",
    r"(?:since|because) (?:she|he|they) (?:is|are|was|loves?|wants?|wanted|asked|needs?|got)",
    r"(?:at|for) (?:my|the|our) (?:leaving do|leaving party|farewell party|going away party|last day|wedding|retirement)",
    r"(?:for|on) (?:his|her|their|my) birthday",
]

# Suicide, self-harm or violence as a subject of study or training: no alarm for someone
# else's words; when the match is the person's own, a question.
TOPIC = [
    r"(?:essay|course|coursework|lecture|seminar|module|assignment|dissertation|thesis|school project|project|presentation|workshop|webinar|training course|textbook|exam) (?:\w+ ){0,2}(?:on|about|covering|into)",
    r"(?:class|we|lecture|course|module|teacher|professor|lecturer|training|trainer) (?:\w+ ){0,2}(?:covered|discussed|talked about|learned about|learnt about|taught us about|went over|is about|was about)",
    r"(?:training to be|studying to be|qualified as|work as|working as) (?:a |an )?(?:counsellor|counselor|therapist|nurse|social worker|psychologist|mental health first aider|paramedic|doctor|teacher|crisis line volunteer|volunteer)",
    r"(?:awareness (?:week|month|day|campaign)|mental health first aid\w*|for (?:my|a|the) (?:class|course|degree|essay|paper|project|module))",
]

# "I was joking", "not literally": said of the person's own words, a question and not an act.
RETRACTED = [
    r"(?<!thinks )(?<!think )(?<!thought )(?<!says )(?<!said )(?:i was|i am) (?:only |just )?(?:joking|kidding)(?! (?:\w+ ){0,6}but\b)",
    r"(?:i )?(?:meant|mean) (?:the|it|that) (?:\w+ ){0,3}not (?:literally|for real)|(?<!but )not literally(?! but\b)|figure of speech|just an expression",
    r"(?:^|\. )(?:ok|okay|well|lol|haha|jk) not really(?= (?:\.|$)| but| lol| obviously| haha)",
]

# A violence match in a clause about a story is unsure at most.
MEDIA = [
    r"(?:film|films|movie|movies|show|shows|tv|series|documentary|documentaries|book|books|novel|novels|article|articles|podcast|podcasts|episode|episodes|story|stories|news|headline|headlines|character|characters|game|video game|song|lyrics|scene|play|musical|true crime|netflix|season|chapter|thriller|horror|murder mystery|crime drama|soap|reading about|read about|watched|watching)",
]

# A loss or blow in one sentence, a question about heights in another: unsure suicide.
STRESSOR = [
    r"(?:lost|lose|losing) (?:my|the|our) (?:job|work|house|home|flat|apartment|wife|husband|partner|girlfriend|boyfriend|kids|children|baby|son|daughter|mum|mom|mother|dad|father|best friend|everything|scholarship|business|savings|money|visa|case|custody)",
    r"(?:got|been|was|am|just got) (?:fired|sacked|laid off|let go|dumped|evicted|kicked out|expelled|rejected|diagnosed|arrested|deported|cheated on|left)",
    r"(?:broke up with me|dumped me|left me|divorcing me|divorced me|cheated on me|kicked me out|fired me|laid me off|let me go)",
    r"(?:failed|failing|flunked) (?:my|the|all my|every) (?:exams?|class|classes|course|degree|bar|test|year)",
    r"(?:bankrupt|bankruptcy|foreclosure|eviction|evicted|in debt|drowning in debt|can not pay (?:the |my )?(?:rent|bills|mortgage))",
    r"(?:died|passed away|passed|killed|committed suicide|took (?:his|her|their) own life)",
    r"(?:everything is|my life is) (?:falling apart|ruined|over|a mess)",
]
HEIGHTS = [
    r"(?:bridges?|buildings?|skyscrapers?|roofs?|rooftops?|towers?|cliffs?|parking garages?|car parks?|multi storey|overpasses?|dams?|balconies|balcony|viaducts?) (?:\w+ ){0,5}(?:tall|taller|high|higher|highest|tallest|height|feet|ft|metres|meters|\d+ ?m|\d+ ?ft|stor(?:e)?ys?|floors?|drop|fall|jump|access|open to the public|can i get (?:on|to|onto)|to climb|over water)",
    r"(?:tallest|highest|tall|high|taller|higher) (?:\w+ ){0,3}(?:bridges?|buildings?|skyscrapers?|roofs?|rooftops?|towers?|cliffs?|parking garages?|car parks?|overpasses?|dams?|places)",
    r"how (?:high|tall|far down) (?:is|are) (?:the |a )?(?:\w+ ){0,3}(?:bridge|building|tower|cliff|roof|drop|fall)",
    r"(?:train|trains|subway|metro|railway|tube) (?:\w+ ){0,3}(?:schedule|times|timetable|pass|passes|go through|fastest|express|do not stop|that does not stop)",
    rf"(?:where|how) (?:can i|to|do i|could i) (?:buy|get|find) (?:a |an |some )?(?:gun|rope|{_MEDS}|charcoal|helium|a lot of)",
]

# Who a sentence is about, read backwards from a suicide or self-harm match to the nearest of
# these: the person ("i", "me") or someone else ("he", "my sister", "the main character").
FIRST_PERSON = frozenset({"i", "me", "myself"})
# A thing as the subject ("it handled suicide", "the film shows"): the sentence is not the person's.
A_THING = frozenset(
    {
        "it",
        "this",
        "that",
        "film",
        "movie",
        "show",
        "series",
        "episode",
        "book",
        "novel",
        "song",
        "lyrics",
        "article",
        "post",
        "video",
        "documentary",
        "podcast",
        "news",
        "report",
        "story",
        "chapter",
        "scene",
        "game",
        "we",
        "us",
    }
)
SOMEONE_ELSE = frozenset(
    {
        "he",
        "she",
        "they",
        "someone",
        "somebody",
        "himself",
        "herself",
        "themselves",
        "friend",
        "friends",
        "mate",
        "brother",
        "sister",
        "mum",
        "mom",
        "mother",
        "dad",
        "father",
        "son",
        "daughter",
        "cousin",
        "aunt",
        "uncle",
        "grandma",
        "grandad",
        "grandpa",
        "nan",
        "niece",
        "nephew",
        "partner",
        "husband",
        "wife",
        "boyfriend",
        "girlfriend",
        "bf",
        "gf",
        "ex",
        "fiance",
        "fiancee",
        "colleague",
        "coworker",
        "neighbour",
        "neighbor",
        "classmate",
        "student",
        "students",
        "teacher",
        "boss",
        "client",
        "patient",
        "girl",
        "boy",
        "guy",
        "man",
        "woman",
        "kid",
        "teen",
        "teenager",
        "person",
        "people",
        "character",
        "characters",
        "celebrity",
        "singer",
        "actor",
        "actress",
        "rapper",
        "author",
        "stepdad",
        "stepmum",
        "stepmom",
        "roommate",
        "flatmate",
    }
)

TABLES: dict[Category, list[str]] = {
    "suicide": SUICIDE,
    "self_harm": SELF_HARM,
    "partner_violence": PARTNER_VIOLENCE,
    "harm_others": HARM_OTHERS,
}


def pattern_words() -> set[str]:
    """Every plain word the tables use (the normaliser squeezes "killlll" to a known one)."""
    every = [
        *DEATHS,
        *NEGATED,
        *NOT_VIOLENCE,
        *STRESSOR,
        *HEIGHTS,
        *RECOVERED,
        *RESOLVED,
        *ONGOING,
        *PLAY,
        *BENIGN,
        *ACCIDENT,
        *INTENT,
        *TOPIC,
        *RETRACTED,
        *ARRANGED,
    ]
    every += [pattern for table in (*TABLES.values(), *UNSURE.values()) for pattern in table]
    return {word for pattern in every for word in re.findall(r"[a-z]+", pattern)}
