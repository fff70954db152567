"""Text as the patterns read it: lowercase words separated by single spaces, with a space at
each end. NFKC, casefold, accents dropped, curly quotes folded, emoji and punctuation gone,
letters stretched for emphasis squeezed ("dieeee" -> "die", "killlll" -> "kill"),
contractions and chat forms expanded ("i'll" -> "i will", "wanna" -> "want to", "kms" ->
"kill myself"), known misspellings fixed ("sucide", "kil", and anything one typing slip
away from "suicide", "suicidal", "overdose", "myself", "strangled", "threatened",
"paracetamol").

`normalise(text, sentences=True)` also keeps where sentences end, as a "." word: the
patterns never run across it ("He left. Reality hit me" is two sentences), and a clause's
context (a past or a present marker) is read within it.
"""

from __future__ import annotations

import re
import string
import unicodedata

from bot.safety.patterns import pattern_words

# Contractions whose apostrophe matters ("he'll" is not "hell", "we'd" is not "wed").
_CONTRACTION = re.compile(r"\b(i|you|he|she|it|we|they|who|that|there|what|everyone|everybody)'(ll|d|re|ve|m|s)\b")
_CONTRACTED = {"ll": "will", "d": "would", "re": "are", "ve": "have", "m": "am", "s": "is"}
_NOT = re.compile(r"\b(can|won|ain|shan)'t\b|n't\b")

# Chat forms, contractions typed without an apostrophe, and misspellings seen in real
# messages, one word at a time. Values are what the patterns above expect.
_WORDS = {
    # contractions without apostrophes (only ones that are not also ordinary words)
    "im": "i am",
    "ive": "i have",
    "id": "i would",
    "ill": "i will",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "wont": "will not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "shouldnt": "should not",
    "isnt": "is not",
    "wasnt": "was not",
    "arent": "are not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "aint": "is not",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "theyll": "they will",
    "theyd": "they would",
    "youre": "you are",
    "hed": "he would",
    "thats": "that is",
    "whats": "what is",
    "theres": "there is",
    "noone": "no one",
    # chat forms
    "wanna": "want to",
    "wana": "want to",
    "wnna": "want to",
    "wan": "want",
    "wnat": "want",
    "wamt": "want",
    "gonna": "going to",
    "gona": "going to",
    "gunna": "going to",
    "finna": "going to",
    "gotta": "got to",
    "tryna": "trying to",
    "ima": "i am going to",
    "imma": "i am going to",
    "iam": "i am",
    "u": "you",
    "ya": "you",
    "ur": "your",
    "r": "are",
    "n": "and",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "cuz": "because",
    "cos": "because",
    "coz": "because",
    "rn": "right now",
    "idk": "i do not know",
    "istg": "i swear",
    "tbh": "to be honest",
    "ngl": "not going to lie",
    "anymore": "any more",
    "hubby": "husband",
    "wifey": "wife",
    "boyf": "boyfriend",
    "girlf": "girlfriend",
    "bae": "partner",
    "kms": "kill myself",
    "kys": "kill yourself",
    "killmyself": "kill myself",
    "kilmyself": "kill myself",
    "killmyslef": "kill myself",
    "kil": "kill",
    "kll": "kill",
    "kiil": "kill",
    "unalived": "unalive",
    "unaliving": "unalive",
    "ded": "dead",
    "diee": "die",
    "dieing": "dying",
    "dyin": "dying",
    # misspellings (one slip from "suicide"/"suicidal"/"overdose"/"myself" is handled below)
    "sucide": "suicide",
    "suiside": "suicide",
    "suicde": "suicide",
    "suiscide": "suicide",
    "suecide": "suicide",
    "sucidal": "suicidal",
    "suicdal": "suicidal",
    "suisidal": "suicidal",
    "suacide": "suicide",
    "overdoze": "overdose",
    "overdozed": "overdosed",
    "selfharm": "self harm",
    "selfharming": "self harming",
    "selfharmed": "self harmed",
    "hurted": "hurt",
    "hitted": "hit",
    "choaked": "choked",
    "chocked": "choked",
    "chocking": "choking",
    "strangeled": "strangled",
    "strangeld": "strangled",
    "punshed": "punched",
    "slaped": "slapped",
    "threatend": "threatened",
    "thretened": "threatened",
    "threatned": "threatened",
    "threatning": "threatening",
    "thretening": "threatening",
    "abussive": "abusive",
    "rapped": "raped",
    # more chat forms and slips seen in crisis texts
    "dnt": "do not",
    "cnt": "can not",
    "wnt": "want",
    "nvr": "never",
    "ppl": "people",
    "abt": "about",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tonite": "tonight",
    "2nite": "tonight",
    "b4": "before",
    "evry": "every",
    "evryone": "everyone",
    "every1": "everyone",
    "some1": "someone",
    "sum1": "someone",
    "no1": "no one",
    "any1": "anyone",
    "smth": "something",
    "idc": "i do not care",
    "ik": "i know",
    "lyf": "life",
    "wud": "would",
    "wld": "would",
    "cud": "could",
    "shud": "should",
    "wen": "when",
    "wat": "what",
    "aloud": "allowed",
    "alowed": "allowed",
    "allowd": "allowed",
    "pils": "pills",
    "pillz": "pills",
    "tabs": "tablets",
    "tabz": "tablets",
    "preggo": "pregnant",
    "preggers": "pregnant",
    "pregnent": "pregnant",
    "condums": "condoms",
    "condum": "condom",
    "hubs": "husband",
    "bby": "baby",
    "choaking": "choking",
    "strangld": "strangled",
    "beated": "beat",
    "slammd": "slammed",
    "pushd": "pushed",
    "thretens": "threatens",
    "threatns": "threatens",
    "stalkin": "stalking",
    "stalkng": "stalking",
    "killin": "killing",
    "livin": "living",
    "goin": "going",
    "nothin": "nothing",
    "somethin": "something",
    "cuttin": "cutting",
    "hurtin": "hurting",
    "burnin": "burning",
    "wakeup": "wake up",
    "outta": "out of",
    "kinda": "kind of",
    "sorta": "sort of",
    "lemme": "let me",
    "gimme": "give me",
    "dunno": "do not know",
    "unalivng": "unalive",
    "unalve": "unalive",
    "shing": "self harming",
    "sewerslided": "suicide",
    "tylenols": "tylenol",
    "paracetamols": "paracetamol",
    "panadol": "paracetamol",
    "airtags": "airtag",
}

# Common words that are one slip from a key word and must stay themselves.
_NOT_A_SLIP = frozenset(
    {"overdoes", "overdone", "overdoing", "suicides", "strangler", "strangles", "strangle", "threatener", "threatens"}
)


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


_KEYS = (
    "suicide",
    "suicidal",
    "overdose",
    "overdosed",
    "myself",
    "strangled",
    "threatened",
    "paracetamol",
    "acetaminophen",
    "strangling",
    "threatening",
)
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
_DOUBLED = frozenset(word for word in pattern_words() if re.search(r"(.)\1", word)) | frozenset(
    ("kill", "all", "will", "off", "too", "see", "feel", "sleep", "need")
)


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


_ENDS = re.compile(r"[.!?;\n\u2026\u3002\uff01\uff1f]+")
_END_WORD = " qqendqq "
_END_RUNS = re.compile(r"(?: \.)+(?= )")


# Words people add around what they mean ("tbh", "ngl", "lol"): dropped, so a pattern that
# looks for the end of a clause finds it, and "not going to lie" is no negation.
_FILLER = re.compile(r" (?:to be honest|honestly|not going to lie|lol|lmao|lmfao|haha|hahaha|tho)(?= )")


def normalise(text: str, sentences: bool = False) -> str:
    """Lowercase words separated by single spaces, with one space at each end; with
    `sentences`, each sentence end inside the text is kept as the word "."."""
    if sentences:
        text = _ENDS.sub(_END_WORD, text)
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
    plain = f" {plain} ".replace(" my self ", " myself ")
    if _FILLER.search(plain):  # "i just want it all to end tbh": the filler hides where the clause ends
        plain = _FILLER.sub("", plain)
    if sentences:
        plain = _END_RUNS.sub(" .", plain.replace(" qqendqq ", " . ").replace(" qqendqq ", " . "))
        plain = plain.removeprefix(" .").removesuffix(" . ") or " "
        plain = plain if plain.endswith(" ") else plain + " "
    return plain
