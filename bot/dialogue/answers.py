"""How a typed answer is read at a question with buttons or a scale. Pure: words in, a reading out.

People answer in their own way: "yep", "nah 👎", "TURN TOWARD", "text or call agian",
"seven", "7/10", "like a 7", "rather not say". This module reads such answers against a
step's choices and scale; the engine decides what to do with the reading:

- `polarity(text)`: "yes" or "no" for the everyday forms of either (case, trailing
  punctuation and emoji aside), else None;
- `choice_polarity(choice)`: what a button means, from its label ("Yes, sometimes",
  "No thanks", "I agree", "OK"), its id, or the words its author says it also accepts
  (`also:` in the YAML);
- `closest(text, options)`: the option a typed label with a typo or in other case is
  clearly closest to;
- `scale_value(text)`: the number in "seven", "7/10", "7 out of 10", "a solid 8", "7.5";
- `wants_skip(text)`: "skip", "pass", "rather not say";
- `lead_polarity(text)`: the yes or no a longer answer starts with ("nah not like that, I
  just meant I'm exhausted");
- `by_words(text, choices)`: the one button an answer names in its own words ("some ideas
  please", "im in australia", "I'm safe for now I think.", "half an hour");
- `question_of(text)`: the question at the end of a step's words (what a re-ask repeats).

Meaning beyond the words (the person's own sentence at a choice step) is judged by a
`Meaning` the engine is handed (the sentence encoder, outside this layer).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

from bot.dialogue.model import ChoiceDef

Polarity = Literal["yes", "no"]

_NOT_WORD = re.compile(r"[^\w\s]+")


def fold(text: str) -> str:
    """Case, accents, emoji and punctuation aside: "Text or CALL again!!" -> "text or call again"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    folded = folded.replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_WORD.sub(" ", folded).split())


# The everyday forms of yes and no, as `fold` leaves them (apostrophes dropped: "im", "dont").
YES_WORDS = frozenset(
    {
        "yes", "yess", "yesss", "yeah", "yea", "yeh", "yah", "ya", "yep", "yup", "yas", "y", "ye",
        "sure", "sure thing", "ok", "okay", "okey", "okie", "oki", "okk", "k", "kk", "alright", "all right",
        "aight", "fine", "yes please", "yes pls", "yes plz", "yeah please", "yeah sure", "sure please",
        "ok please", "okay please", "ok sure", "ok thanks", "okay thanks", "correct", "thats right",
        "that is right", "right", "true", "i am", "yes i am", "yeah i am", "i do", "yes i do", "i have",
        "i agree", "agreed", "agree", "absolutely", "definitely", "of course", "certainly", "indeed",
        "go", "go ahead", "lets go", "lets do it", "do it", "please", "yes thank you", "yes thanks",
        "sounds good", "sounds great", "good", "great", "perfect", "deal", "affirmative", "si", "ja", "oui",
        "yes indeed", "yes of course", "yep please", "yup please", "uh huh", "mhm", "mm hmm", "yesh",
        "i did", "yes i did", "yeah i did", "yep i did", "yup i did", "i have yes", "yes i have", "yeah i have",
    }
)  # fmt: skip
NO_WORDS = frozenset(
    {
        "no", "noo", "nooo", "nope", "nah", "naw", "nay", "n", "not really", "no thanks", "no thank you",
        "no thx", "no ty", "nope thanks", "nah thanks", "no please", "please no", "not now", "not yet",
        "no not now", "i am not", "im not", "no im not", "no i am not", "i dont", "no i dont", "i do not",
        "not at all", "no way", "never", "negative", "nein", "non", "definitely not", "of course not",
        "no not really", "nah not really", "rather not", "id rather not", "i would rather not",
        "i didnt", "no i didnt", "nope i didnt", "nah i didnt", "i havent", "no i havent", "not like that",
        "not that", "not that way", "not like this", "no not like that", "nah not like that",
        "no not that", "not what i meant", "thats not what i meant", "not what i mean", "no i didnt mean that",
    }
)  # fmt: skip
_THANKS = frozenset({"thanks", "thank", "you", "thx", "ty", "please", "pls", "plz"})
# Emoji that say yes or no (checked before `fold` drops them).
YES_EMOJI = frozenset("👍👌✅✔☑🆗🙆")
NO_EMOJI = frozenset("👎❌✖🚫🙅⛔")

# The first words of a button's label that say what it means ("Yes, sometimes", "No thanks").
# "Not sure" is not a no; "Not now" and "Not yet" are.
_YES_LEADS = ("yes", "yeah", "ok", "okay", "sure", "i agree", "sounds good")
_NO_LEADS = ("no", "nope", "not now", "not yet", "not really", "nah", "not this", "not today")
_YES_IDS = frozenset({"yes", "agree", "confirm", "sure"})
_NO_IDS = frozenset({"no", "decline", "nope", "not-now", "cancel"})


def polarity(text: str) -> Polarity | None:
    """ "yes" or "no" for an everyday yes or no ("Yep!", "nah 👎", "OK.", "no thanks"); else None."""
    marks = {c for c in text if not c.isspace()}
    words = fold(text)
    if not words:
        if marks and marks <= YES_EMOJI | {"️", "🏻", "🏼", "🏽", "🏾", "🏿"} and marks & YES_EMOJI:
            return "yes"
        if marks and marks <= NO_EMOJI | {"️", "🏻", "🏼", "🏽", "🏾", "🏿"} and marks & NO_EMOJI:
            return "no"
        return None
    if words in YES_WORDS:
        return "yes"
    if words in NO_WORDS:
        return "no"
    parts = words.split()
    # Everyday forms strung together: "yeah ok", "ok sure thanks", "not really no", "no no not at all".
    strung: tuple[tuple[Polarity, frozenset[str]], ...] = (("no", NO_WORDS), ("yes", YES_WORDS))
    for said, phrases in strung:
        if _strung(parts, phrases):
            return said
    return None


# A yes or a no, then the reason: "nah not like that, I just meant I'm exhausted", "yes, mostly".
# The first clause alone is read; a "but" after it makes the whole thing unclear.
_CLAUSE = re.compile(r"[,.;:!?\n]|\s[-\u2013\u2014]\s|\s(?=i\s+(?:just\s+)?(?:meant|mean|was|am|m)\b)")
_TURNS = ("but", "though", "although", "except", "unless")


def lead_polarity(text: str) -> Polarity | None:
    """The yes or no a longer answer opens with, when what follows does not turn it round;
    None otherwise (and for a bare yes or no, which `polarity` reads)."""
    pieces = _CLAUSE.split(text.strip().casefold().replace("\u2019", "'"), maxsplit=1)
    first, rest = pieces[0], fold(pieces[1]) if len(pieces) > 1 else ""
    if not rest:
        return None
    said = polarity(first)
    if said is None or rest.split()[0] in _TURNS:
        return None
    if polarity(rest) not in (None, said):
        return None  # "no, yes" is no answer
    return said


def _strung(parts: list[str], phrases: frozenset[str]) -> bool:
    """Whether `parts` is two or more of `phrases` (and "thanks"), one after another."""
    if len(parts) > 8:
        return False
    reach = [0]  # positions the phrases can reach, from the start
    for at in range(len(parts)):
        if at not in reach:
            continue
        for length in range(1, min(5, len(parts) - at) + 1):
            piece = " ".join(parts[at : at + length])
            if piece in phrases or (length == 1 and piece in _THANKS):
                reach.append(at + length)
    pieces = set(parts) - _THANKS
    return len(parts) in reach and len(parts) > 1 and bool(pieces)


def _leads(label: str, leads: Iterable[str]) -> bool:
    return any(label == lead or label.startswith(lead + " ") for lead in leads)


def choice_polarity(choice: ChoiceDef) -> Polarity | None:
    """What a button means as a yes or a no: from its label, its id, or its `also` words."""
    label = fold(choice.label)
    meanings: set[Polarity] = set()
    if _leads(label, _YES_LEADS) or label in YES_WORDS:
        meanings.add("yes")
    elif _leads(label, _NO_LEADS) or label in NO_WORDS:
        meanings.add("no")
    elif choice.id in _YES_IDS:
        meanings.add("yes")
    elif choice.id in _NO_IDS:
        meanings.add("no")
    for phrase in choice.also:
        said = polarity(phrase)
        if said is not None:
            meanings.add(said)
    return meanings.pop() if len(meanings) == 1 else None


def by_polarity(choices: Sequence[ChoiceDef], said: Polarity) -> ChoiceDef | None:
    """The one button that means what was said, or None (none does, or more than one). Of
    two buttons where one says no ("Not now"), the other is the yes ("Start a check-in"),
    and the other way round; a step's only button is what a yes agrees to."""
    meanings = [choice_polarity(c) for c in choices]
    if len(choices) == 1 and meanings[0] is None:
        meanings = ["yes"]  # one button ("OK", "I'll try", "Use this one"): a yes agrees to it
    if len(choices) == 2 and meanings.count(None) == 1:
        known = next(m for m in meanings if m is not None)
        meanings = [m if m is not None else ("no" if known == "yes" else "yes") for m in meanings]
    found = [c for c, m in zip(choices, meanings, strict=True) if m == said]
    return found[0] if len(found) == 1 else None


def names(choice: ChoiceDef) -> tuple[str, ...]:
    """What a button answers to, folded: its label, its id as words, and its `also` phrases."""
    return tuple(dict.fromkeys(n for n in (fold(choice.label), *(fold(a) for a in choice.also)) if n))


# How close a typed label must be to count ("text or call agian" -> "Text or call again"),
# and how far ahead of the next-closest it must be to be clearly that one.
TYPO_RATIO = 0.8
TYPO_MARGIN = 0.1


def closest(text: str, options: Sequence[Sequence[str]], ratio: float = TYPO_RATIO) -> int | None:
    """The index of the option (a button's folded names) `text` is clearly a typo of; None
    when nothing is close or two are about as close."""
    said = fold(text)
    if not said or not options:
        return None
    scores: list[float] = []
    for names_ in options:
        best = 0.0
        for name in names_:
            if not name:
                continue
            if said == name:
                return len(scores)
            best = max(best, difflib.SequenceMatcher(None, said, name, autojunk=False).ratio())
        scores.append(best)
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    top = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    if scores[top] >= ratio and scores[top] - runner_up >= TYPO_MARGIN:
        return top
    return None


# ----------------------------------------------------------------- scales

NUMBER_WORDS = {
    "zero": 0, "nought": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "twenty": 20, "fifty": 50, "hundred": 100, "a hundred": 100,
    "one hundred": 100, "half": 5,
}  # fmt: skip
_WORD_NUMBER = re.compile(r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b")
_OUT_OF = re.compile(r"\s*(?:/|out of|outta|of)\s*10\b")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
# Words that may stand around a number ("like a 7", "a solid 8", "about a 7 right now").
_PLAIN = re.compile(r"[^\w\s/.,-]+")


def scale_value(text: str) -> int | None:
    """The whole number an answer to a 0-10 question gives, or None if it gives none or
    several ("7 or 8" is asked again). "7.5" rounds half up (8); out-of-range numbers come
    back as they are, for the caller to refuse."""
    said = unicodedata.normalize("NFKC", text).casefold().strip()
    said = _PLAIN.sub(" ", said)
    said = _WORD_NUMBER.sub(lambda m: str(NUMBER_WORDS[m.group(1)]), said)
    said = _OUT_OF.sub(" ", said)
    if len(said.split()) > 12:
        return None  # a sentence with a number in it is not an answer to "how strong"
    found = {float(n.replace(",", ".")) for n in _NUMBER.findall(said)}
    if len(found) != 1:
        return None
    value = found.pop()
    return int(value + 0.5) if value >= 0 else int(value)


# ----------------------------------------------------------------- own words naming a button

# Words that carry no choice: "some ideas please", "im in australia", "I'm safe for now I
# think". Negations are never among them: "not safe" must find the button that says "not".
_FILLER = frozenset(
    {
        "a", "an", "the", "some", "any", "of", "for", "to", "in", "on", "at", "from", "with", "and", "or",
        "please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "i", "im", "me", "my", "its", "it",
        "is", "am", "are", "be", "think", "guess", "suppose", "probably", "maybe", "honestly", "tbh", "ngl",
        "idk", "just", "really", "rn", "right", "now", "lol", "ok", "okay", "so", "um", "uh", "umm", "hmm",
        "like", "yeah", "well", "actually", "eh", "mate", "hun", "kinda", "bit", "little", "live", "based",
        "currently", "would",
        "id", "want", "go", "do", "lets", "that", "this", "one", "option", "say", "choose", "pick", "take",
    }
)  # fmt: skip
_SAME = {"cant": "cannot", "dont": "do", "wont": "will", "ideas": "idea", "minutes": "minute",
         "mins": "minute", "min": "minute", "hours": "hour", "hrs": "hour", "hr": "hour"}  # fmt: skip


def _content(text: str) -> frozenset[str]:
    """The words of `text` that could name a button, folded, plural -s aside."""
    out = set()
    for word in fold(text).split():
        word = _SAME.get(word, word)
        if word in _FILLER:
            continue
        out.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(out)


def by_words(text: str, choices: Sequence[ChoiceDef]) -> ChoiceDef | None:
    """The one button a short answer names in its own words, or None.

    - A length of time ("half an hour", "30 mins", "an hour") picks the button of that length.
    - All the answer's words that carry meaning are in one button's label (or its `also`
      words) and in no other's: "some ideas please" -> "Ideas for staying safe".
    - One button's label is in the answer whole, with only filler around it, and no other's
      is: "I'm safe for now I think." -> "I'm safe for now"."""
    if len(fold(text).split()) > 8:
        return None
    if _unsure(text):
        unsure = [c for c in choices if fold(c.label) in UNSURE_WORDS]
        return unsure[0] if len(unsure) == 1 else None
    said_minutes = minutes(text)
    if said_minutes is not None:
        timed = [c for c in choices if minutes(c.label) == said_minutes]
        if len(timed) == 1:
            return timed[0]
    said = _content(text)
    if not said or (said <= {str(n) for n in range(1, len(choices) + 1)}):
        return None  # a bare "2" is the second button where buttons are numbered, not "2 hours"
    named = [(c, [_content(name) for name in (c.label, *c.also)]) for c in choices]
    holding = [c for c, contents in named if any(said <= words for words in contents)]
    if len(holding) == 1:
        return holding[0]
    inside = [(c, [words for words in contents if words and words <= said]) for c, contents in named]
    whole = [(c, contents) for c, contents in inside if contents]
    if len(whole) == 1 and not said - max(whole[0][1], key=len):
        return whole[0][0]
    return None


# "I don't know" in its everyday forms, for a button that says it ("I'm not sure").
UNSURE_WORDS = frozenset(
    {
        "idk", "i dont know", "dont know", "dunno", "i dunno", "not sure", "im not sure", "i am not sure",
        "unsure", "no idea", "i have no idea", "hard to say", "maybe", "idk tbh", "not sure tbh", "idk really",
        "i dont really know", "not really sure", "im unsure", "idk honestly", "honestly idk", "i guess idk",
    }
)  # fmt: skip

_HEDGES = frozenset({"tbh", "honestly", "really", "lol", "ngl", "rn", "tho", "though", "sorry", "hmm", "um", "uh"})


def _unsure(text: str) -> bool:
    """ "idk", "i dunno tbh", "honestly not sure": an "I don't know", hedges aside."""
    words = fold(text).split()
    while words and words[0] in _HEDGES:
        words.pop(0)
    while words and words[-1] in _HEDGES:
        words.pop()
    return " ".join(words) in UNSURE_WORDS


# Lengths of time in words: "half an hour", "30 mins", "an hour and a half", "1hr", "twenty minutes".
# The scale's number words, and those a length of time also uses ("half" is the scale's 5: not here).
_DURATION_WORDS = {
    **{word: n for word, n in NUMBER_WORDS.items() if word != "half"},
    "a": 1, "an": 1, "thirty": 30, "forty": 40, "forty five": 45, "sixty": 60, "ninety": 90,
}  # fmt: skip
_DURATION = re.compile(
    r"^(?:(?:about|around|maybe|like|roughly|just|for)\s+)*"
    r"(?:(?P<half>half\s+(?:an\s+)?hour)|(?P<quarter>(?:a\s+)?quarter\s+(?:of\s+)?(?:an\s+)?hour)"
    r"|(?P<n>\d+(?:[.,]5)?|" + "|".join(sorted(_DURATION_WORDS, key=len, reverse=True)) + ")"
    r"\s*(?P<unit>h|hr|hrs|hour|hours|m|min|mins|minute|minutes))"
    r"(?P<andhalf>\s+and\s+a\s+half)?(?:\s+(?:or\s+so|ish|please|pls|i\s+think|maybe))*$"
)


def minutes(text: str) -> int | None:
    """How many minutes a length of time written in words or figures says, or None."""
    said = fold(text.replace(".5", " point five")).replace(" point five", ".5")
    match = _DURATION.match(said)
    if match is None:
        return None
    if match.group("half"):
        return 30
    if match.group("quarter"):
        return 15
    raw = match.group("n")
    amount = float(raw.replace(",", ".")) if raw[0].isdigit() else float(_DURATION_WORDS[raw])
    hours = match.group("unit").startswith("h")
    total = amount * (60 if hours else 1)
    if match.group("andhalf"):
        total += 30 if hours else 0.5
    return int(total) if total > 0 else None


# ----------------------------------------------------------------- skipping

SKIP_WORDS = frozenset(
    {
        "skip", "skip it", "skip this", "skip this one", "skip please", "please skip", "pass", "pass please",
        "ill pass", "i pass", "next", "next question", "rather not say", "id rather not say",
        "i would rather not say", "prefer not to say", "id prefer not to say", "i prefer not to say",
        "rather not answer", "id rather not answer", "no comment", "dont want to say", "i dont want to say",
        "dont want to answer", "i dont want to answer", "not telling", "n a", "skip that",
    }
)  # fmt: skip


def wants_skip(text: str) -> bool:
    """ "skip", "pass", "I'd rather not say" and the like."""
    return fold(text) in SKIP_WORDS


# ----------------------------------------------------------------- re-asking


SHORT = 200  # characters: words this short are repeated whole


def question_of(text: str) -> str:
    """What a re-ask repeats of a step's words: short words whole; otherwise the question and
    what follows it in its paragraph ("Are you safe right now? ... Whatever the answer is,
    you can tell me."), not the screen before it; without a question, all of it.
    A question mark inside an example (`<i>"Tell me again?"</i>`) is not the question."""
    text = text.strip()
    if len(text) <= SHORT:
        return text
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]

    def asks(line: str) -> bool:
        return "?" in _EXAMPLE.sub("", line)

    asking = [i for i, p in enumerate(paragraphs) if asks(p)]
    if not asking:
        return text  # no question to pick out: all of it (it is the step's own words)
    lines = paragraphs[asking[-1]].splitlines()
    first = max(i for i, line in enumerate(lines) if asks(line))
    return "\n".join(lines[first:]).strip()


_EXAMPLE = re.compile(r"<i>.*?</i>", re.DOTALL)


# ----------------------------------------------------------------- meaning


class Meaning(Protocol):
    """How alike in meaning a sentence is to each of some phrases: one similarity (cosine,
    -1..1) per phrase. The engine is handed one (the sentence encoder); without it, only
    the words above are read."""

    def __call__(self, text: str, phrases: Sequence[str]) -> Sequence[float]: ...


# A sentence counts as a choice when it is this alike to one of its phrases and clearly
# more alike than to any other choice; when it is only somewhat alike, the person is asked.
MEANT = 0.5
MEANT_MARGIN = 0.15
MAYBE = 0.4
MAYBE_BAND = 0.1  # choices this close to the best one are offered together


def nearest(text: str, choices: Sequence[ChoiceDef], meaning: Meaning) -> tuple[list[str], bool]:
    """The choice ids `text` means, best first, and whether it is clear (one id) or a guess
    to ask about (one or a few); ([], False) when nothing is near."""
    phrases: list[str] = []
    owners: list[int] = []
    for index, choice in enumerate(choices):
        for phrase in (choice.label, *choice.also):
            phrases.append(phrase)
            owners.append(index)
    if not phrases:
        return [], False
    scores = [-1.0] * len(choices)
    for owner, score in zip(owners, meaning(text, phrases), strict=True):
        scores[owner] = max(scores[owner], float(score))
    ranked = sorted(range(len(choices)), key=lambda i: -scores[i])
    best = scores[ranked[0]]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else -1.0
    if best >= MEANT and best - runner_up >= MEANT_MARGIN:
        return [choices[ranked[0]].id], True
    if best >= MAYBE:
        near = [choices[i].id for i in ranked if scores[i] >= max(MAYBE, best - MAYBE_BAND)]
        return near[:3], False
    return [], False
