"""Crisis language in free text: suicide, self-harm, being hurt, threatened or controlled by
a partner, wanting to hurt someone. Runs on every message before the dialogue engine.

It errs toward false positives: a missed crisis is far worse than resources shown once
too often. So there is no attempt at negation ("I don't want to die" still matches).
Everyday relationship talk and common idioms ("dying to see you", "this is killing
me", "it hit me that...") are kept out by requiring the crisis shape of a phrase.

Text is normalised first: case, accents, curly quotes and emoji, letters stretched for
emphasis ("dieeee"), chat spellings ("kms", "wanna", "im") and common misspellings
("sucide", "my self"). Each category is a list of readable patterns over that text;
`\\W*` gaps tolerate punctuation and `(?:\\w+ ){0,n}` a few words in between.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Category = Literal["suicide", "self_harm", "partner_violence", "harm_others"]

# Words standing for the person's partner (or ex) in the patterns below.
PARTNER = (
    r"(?:he|she|they|him|her|them|my (?:partner|husband|wife|boyfriend|girlfriend|bf|gf|fiance|fiancee|ex|spouse"
    r"|other half|man|woman)|partner|husband|wife|boyfriend|girlfriend|bf|gf|ex)"
)
GAP = r"(?:\w+ ){0,3}"  # up to three words in between: "he hit me", "he really hit me again"

SUICIDE = [
    r"suicid\w*",  # suicide, suicidal (misspellings are normalised to this)
    r"kil+ (?:my ?self|me now|me already)",
    r"(?:want|wanted|going|planning|plan|trying|tried|ready|about) to (?:kil+ my ?self|die|end (?:it all|my life|my self|myself)|take my (?:own )?life)",
    r"end (?:it all|my (?:own )?life)",
    r"take my (?:own )?life",
    r"(?:want|wanna|wish|wishing|rather|ready) (?:\w+ ){0,2}(?:to )?(?:die|be dead|not exist|not be alive|not wake up)",
    r"wish i (?:was|were|could be) dead",
    r"better of+ (?:dead|without me|if i (?:was|were|am) (?:gone|dead|not here|not around))",
    r"(?:no|nothing|no reason) (?:left )?(?:to|for me to) live (?:for)?",
    r"no reason to (?:live|be alive|go on|keep going)",
    r"do not want to (?:live|be alive|be here|exist|wake up|go on)",
    r"not want to (?:live|be alive|exist) any ?more",
    r"(?:disappear|vanish) (?:for ?ever|for good|for real|and never come back|permanently)",
    r"want to (?:disappear|vanish)(?! (?:for (?:a|an|the|some)|into|to|from|under|in|with) )",
    r"can not (?:go on|do this any ?more|keep going|take it any ?more)",
    r"(?:over ?dose|od on)",
    r"tak(?:e|ing|en) (?:all|a lot of|a bunch of) (?:of )?(?:my|the|these|those) (?:pills|tablets|meds)",
    r"(?:hang|drown|shoot) my ?self",
    r"(?:slit|cut) my (?:wrists?|throat)",
    r"jump (?:of+|in front of) (?:a |the )?(?:bridge|building|roof|train|cliff)",
    r"(?:ending|end) it (?:tonight|today|soon)",
    r"(?:done|finished) with (?:life|living|being alive)",
    r"(?:life|living) is (?:not|no longer) worth",
    r"(?:everyone|everybody|they|he|she) (?:would|will) be better of+ (?:without me|if i (?:was|were) gone)",
    r"(?:goodbye|good bye) (?:forever|cruel world)",
]

SELF_HARM = [
    r"self ?harm\w*",
    r"(?:cut|cutting|burn|burned|burnt|burning|hurt|hurting|harm|harmed|harming|hit|hitting|punish|punished|punishing|scratch|scratched|scratching|starve|starved|starving|bite|bit|biting) my ?self",
    r"(?:cut|cutting|burn|burning) (?:my )?(?:arms?|legs?|thighs?|wrists?|skin)",
    r"(?:started|start|back to|relapsed?|relapsing) (?:\w+ ){0,2}(?:cutting|self ?harm\w*|sh)\b",
    r"\bsh again\b",
    r"bang\w* my head (?:against|on|into)",
]

PARTNER_VIOLENCE = [
    # physical harm done to the person
    rf"{PARTNER} {GAP}(?:hit|hits|hitting|slap\w*|punch\w*|kick\w*|chok\w*|strangl\w*|shov\w*|push\w*|beat\w*|smack\w*|bit|bites|grab\w*|threw|throws|kicked|hurt|hurts|hurting|attack\w*|rap\w*|shook|shakes|burn\w*|spit|spat) {GAP}me\b(?! up)",
    rf"{PARTNER} {GAP}(?:threw|throws|thrown) \w+ (?:at|on) me",
    rf"{PARTNER} {GAP}(?:pushed|shoved|threw) me (?:down|into|against|out|of+)",
    r"(?:bruises?|black eye|marks) (?:he|she|they) (?:left|gave me)",
    # threats
    rf"{PARTNER} {GAP}(?:threaten\w*|said (?:he|she|they)(?: would|'ll| will)|says (?:he|she|they)(?: would|'ll| will)|swore) {GAP}(?:to )?(?:kil+|hurt|beat|hit|take the (?:kids|children|baby)|take my (?:kids|children|baby)|ruin me|post|leak|share my)",
    rf"{PARTNER} {GAP}(?:will|would|is going to|going to|might|could) (?:kil+|hurt|beat|hit) me",
    r"(?:threaten\w*) to (?:kil+|hurt|beat) me",
    rf"(?:scared|afraid|terrified|frightened|fear|fearful) (?:of|for my life with|for my safety with|to go home to) {PARTNER}",
    r"(?:scared|afraid|terrified|frightened) (?:he|she|they) (?:will|would|is going to|going to|might|could|'ll) (?:kil+|hurt|hit|beat)",
    r"(?:scared|afraid|terrified|fear) for my (?:life|safety)",
    r"(?:not|never) (?:feel )?safe (?:at home|with (?:him|her|them|my \w+)|in my (?:own )?home|around (?:him|her|them))",
    # control
    rf"{PARTNER} {GAP}(?:won'?t|will not|does not|doesn'?t|never) let me (?:leave|go out|see|talk to|have|use|work|sleep|eat)",
    rf"{PARTNER} {GAP}(?:takes?|took|keeps?|controls?|checks?|reads?|tracks?|monitors?) (?:all )?my (?:money|phone|messages|texts|keys|passport|bank|cards?|location|every move)",
    rf"{PARTNER} {GAP}(?:locked|locks|locking) me (?:in|out|up)",
    rf"{PARTNER} {GAP}(?:forced|forces|made) me (?:to )?(?:have sex|sleep with|do things)",
    r"(?:raped|sexually assaulted|molested) me",
    rf"{PARTNER} {GAP}(?:isolat\w*|cut me off) (?:me )?from (?:my )?(?:friends|family|everyone)",
    r"(?:abusive|abuse|abusing|violent|violence) (?:relationship|partner|husband|wife|boyfriend|girlfriend|at home)",
    rf"{PARTNER} (?:is|has been|was|gets) (?:abusive|violent|abusing me)",
    r"domestic (?:violence|abuse)",
]

HARM_OTHERS = [
    rf"(?:want|wanna|going|gonna|about|ready|tempted) to (?:kil+|hurt|stab|shoot|strangle|choke|murder|beat|punch|hit) {PARTNER}",
    rf"i (?:could|will|would|might|am going to|feel like i could|am gonna|swear i'?ll) (?:kil+|strangle|stab|murder|shoot|hurt|choke|punch|hit) {PARTNER}",
    rf"i (?:hit|slapped|punched|choked|pushed|shoved|hurt|kicked|beat) {PARTNER}(?! (?:to|into) \w)",
    r"make (?:him|her|them) (?:suffer|bleed)",
    r"(?:kil+|murder) (?:him|her|them|everyone|some ?one|somebody)",
]

_TABLES: dict[Category, list[str]] = {
    "suicide": SUICIDE,
    "self_harm": SELF_HARM,
    "partner_violence": PARTNER_VIOLENCE,
    "harm_others": HARM_OTHERS,
}

# Chat spellings and misspellings, word by word, before matching.
_WORDS = {
    "im": "i am", "ima": "i am going to", "imma": "i am going to", "ive": "i have", "id": "i would",
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "can not", "cannot": "can not",
    "wont": "will not", "wouldnt": "would not", "isnt": "is not", "wasnt": "was not",
    "wanna": "want to", "wana": "want to", "gonna": "going to", "gotta": "got to", "tryna": "trying to",
    "u": "you", "ur": "your", "r": "are", "pls": "please", "bc": "because", "cuz": "because",
    "kms": "kill myself", "kys": "kill yourself", "unalive": "kill", "unaliving": "killing",
    "myslef": "myself", "mysef": "myself", "meself": "myself", "msyelf": "myself",
    "sucide": "suicide", "suicde": "suicide", "suiside": "suicide", "suicid": "suicide", "sucidal": "suicidal",
    "suicdal": "suicidal", "suiscide": "suicide", "suecide": "suicide", "sewerslide": "suicide",
    "overdoze": "overdose", "selfharm": "self harm", "selfharming": "self harming",
    "hurted": "hurt", "choaked": "choked", "chocked": "choked", "strangeled": "strangled", "punshed": "punched",
    "slaped": "slapped", "threatend": "threatened", "thretened": "threatened", "threatning": "threatening",
    "theyd": "they would", "hed": "he would", "youd": "you would", "wed": "we would",
    "boyfriend's": "boyfriend", "bf's": "bf", "gf's": "gf",
}
_APOSTROPHES = {"i'm": "i am", "i've": "i have", "i'd": "i would", "i'll": "i will", "won't": "will not",
                "can't": "can not", "don't": "do not", "he'll": "he will", "she'll": "she will",
                "they'll": "they will", "he's": "he is", "she's": "she is", "they're": "they are",
                "they'd": "they would", "he'd": "he would", "she'd": "she would", "we'd": "we would",
                "you'd": "you would", "everyone'd": "everyone would"}
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_STRETCH = re.compile(r"([a-z])\1{2,}")  # "dieeee" -> "die", "killlll" -> "kil" (patterns say kil+)
_NOT_WORD = re.compile(r"[^a-z0-9' ]+")
_CONTRACTION = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in _APOSTROPHES) + r")\b")

_COMPILED: dict[Category, re.Pattern[str]] = {
    category: re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + r")")
    for category, patterns in _TABLES.items()
}


@dataclass(frozen=True, slots=True)
class CrisisSignal:
    categories: frozenset[Category]


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_QUOTES)).encode("ascii", "ignore").decode().casefold()
    folded = _CONTRACTION.sub(lambda m: _APOSTROPHES[m.group(0)], folded)
    folded = _STRETCH.sub(r"\1", folded.replace("'", ""))
    words = _NOT_WORD.sub(" ", folded).split()
    return " " + " ".join(_WORDS.get(w, w) for w in words) + " "


def detect(text: str) -> CrisisSignal | None:
    """The crisis categories `text` touches, or None."""
    if not text or not text.strip():
        return None
    plain = normalise(text)
    found = frozenset(category for category, pattern in _COMPILED.items() if pattern.search(plain))
    return CrisisSignal(found) if found else None
