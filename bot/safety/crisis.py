"""Crisis language in free text: suicide, self-harm, being hurt, threatened or controlled by
a partner, wanting to hurt someone. Runs on every message before the dialogue engine.

`detect(text)` is the one public function (evaluation tooling imports it from here). It is
pure, never raises and never logs. It works in two layers:

1. Patterns (`bot/safety/patterns.py`) over the normalised text (`bot/safety/normalise.py`):
   certain ones act at once, unsure ones make the service ask first. Negation is scoped to
   its clause, idioms and grief are set aside, and violence in the past, in childhood, in
   someone else's life or in a story is unsure at most. Someone else's risk, a film's, the
   person's own past recovered from and words called a joke are unsure; sport, play, study,
   everyday accidents and a violent past the person has left are no alarm (`_context`).
2. When the patterns are not certain, the trained layer (`bot/safety/classifier.py`, run by
   `bot/safety/semantic.py`): each sentence window's MiniLM vector scored by a logistic
   regression averaged with its nearest training lines, and half of the score from the
   window's words and word pairs (their log odds of a crisis line), fitted on about 23,000 messages
   written independently of the patterns and of the evaluation set. A score past
   `classifier.UNSURE` is unsure (the service asks first), past `classifier.SURE` certain.
   Sentences that plainly negate crisis words are not read by it. It adds what the
   patterns miss.

It errs toward false positives: a missed crisis is far worse than one question too many.

To add a phrase: put it in `tests/safety/positive.txt` first (and the everyday sentence it
must not swallow in `negative.txt`), then the pattern, or training lines in
`bot/safety/train/` (then `hedgehog safety-train`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from bot.safety import patterns, semantic
from bot.safety.normalise import normalise
from bot.safety.patterns import Category, words

__all__ = ["Category", "CrisisSignal", "detect", "detect_patterns", "normalise", "speaks_of_ending", "warm"]

LIMIT = 20_000  # characters read; a Telegram message is at most 4,096


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


# A group of plain words in a pattern, "(?:cut|cuts|cutting)", becomes a trie when compiled:
# the same matches, read in a fraction of the time.
_WORD_GROUP = re.compile(r"\(\?:([a-z ]+(?:\|[a-z ]+)+)\)")


def _body(pattern_list: list[str]) -> str:
    return "|".join(_WORD_GROUP.sub(lambda m: words(*m.group(1).split("|")), p) for p in pattern_list)


_LOOKAHEAD = re.compile(r"\(\?= ((?:[^()]|\([^()]*\))*)\)")


def _whole_words(match: re.Match[str]) -> str:
    """A look-ahead of words, "(?= $| i| now)", reads whole words: " i" is not " into"."""
    first, *rest = match.group(1).split("|")
    alternatives = [" " + first, *rest]
    return "(?=" + "|".join(a + r"\b" if a[-1:].isalpha() else a for a in alternatives) + ")"


def _compile(pattern_list: list[str]) -> re.Pattern[str]:
    """One expression for a table: any pattern, matching whole words of the normalised text
    (a pattern's "$" in a look-ahead is also a sentence end)."""
    body = _LOOKAHEAD.sub(_whole_words, _body(pattern_list).replace("(?= $|", r"(?= (?:\.|$)|"))
    return re.compile(f" (?:{body})(?= )")


@dataclass(frozen=True, slots=True)
class _Compiled:
    """Every table as one expression, compiled once, on first use: compiling takes most of a
    second, which a process that never reads free text (a command, a test) need not pay."""

    certain: dict[Category, re.Pattern[str]]
    unsure: dict[Category, re.Pattern[str]]
    deaths: re.Pattern[str]
    negated: re.Pattern[str]
    not_violence: re.Pattern[str]
    past: re.Pattern[str]
    present: re.Pattern[str]
    media: re.Pattern[str]
    stressor: re.Pattern[str]
    heights: re.Pattern[str]
    recovered: re.Pattern[str]
    resolved: re.Pattern[str]
    ongoing: re.Pattern[str]
    play: re.Pattern[str]
    benign: re.Pattern[str]
    accident: re.Pattern[str]
    intent: re.Pattern[str]
    topic: re.Pattern[str]
    retracted: re.Pattern[str]
    arranged: re.Pattern[str]


_TABLES: list[_Compiled] = []
_LOCK = threading.Lock()


def _tables() -> _Compiled:
    if not _TABLES:
        with _LOCK:
            if not _TABLES:
                _TABLES.append(
                    _Compiled(
                        certain={category: _compile(table) for category, table in patterns.TABLES.items()},
                        unsure={category: _compile(table) for category, table in patterns.UNSURE.items()},
                        deaths=_compile(patterns.DEATHS),
                        negated=_compile(patterns.NEGATED),
                        not_violence=_compile(patterns.NOT_VIOLENCE),
                        past=_compile(patterns.PAST),
                        present=_compile(patterns.PRESENT),
                        media=_compile(patterns.MEDIA),
                        stressor=_compile(patterns.STRESSOR),
                        heights=_compile(patterns.HEIGHTS),
                        recovered=_compile(patterns.RECOVERED),
                        resolved=_compile(patterns.RESOLVED),
                        ongoing=_compile(patterns.ONGOING),
                        play=_compile(patterns.PLAY),
                        benign=_compile(patterns.BENIGN),
                        accident=_compile(patterns.ACCIDENT),
                        intent=_compile(patterns.INTENT),
                        topic=_compile(patterns.TOPIC),
                        retracted=_compile(patterns.RETRACTED),
                        arranged=_compile(patterns.ARRANGED),
                    )
                )
    return _TABLES[0]


def warm() -> None:
    """Compile the patterns and load the trained layer now (at start-up, say), so the first
    person to write does not wait for it."""
    _tables()
    semantic.load()


_BLANK = " ~"
_DEATH_VERB = re.compile(rf" (?:{'|'.join(patterns.DEATH_VERBS)}) ")


def _died(match: re.Match[str]) -> str:
    """Someone else's suicide or overdose, told ("my brother killed himself"), read as "my
    brother died": no one's intent, and still a death a wish to follow can name."""
    said = match.group(0) + " "
    verb = _DEATH_VERB.search(said)
    return (said[: verb.start()] if verb else " they") + " died"


_PERSONAL = re.compile(r" (?:me|my|myself) ")
_THEMSELVES = frozenset({"himself", "herself", "themselves"})
_REPORTED = re.compile(rf"(?:^| ){patterns.REPORTED} (?:i )?$")  # right before a match: someone else's words
# Words that make a violence match the person's own, or a threat against them ("he'll kill himself if i leave").
_MINE_OR_THREAT = patterns.FIRST_PERSON | {"my", "mine"} | _THEMSELVES


def _clause(plain: str, start: int, end: int, before: int = 0, after: int = 0) -> str:
    """The sentence around plain[start:end] (and `before` sentences ahead of it, `after`
    sentences after it)."""
    left = start + 2  # a match starts at the space before its first word, which may end a " . "
    for _ in range(before + 1):
        found = plain.rfind(" . ", 0, left)
        left = 0 if found < 0 else found
        if found < 0:
            break
    right = end - 1
    for _ in range(after + 1):
        right = plain.find(" . ", right + 1)
        if right < 0:
            break
    return plain[left : len(plain) if right < 0 else right + 1] + " "


def _whose(plain: str, match: re.Match[str], category: Category) -> str | None:
    """Whom a match is about: "me" when it names the person ("myself"; for suicide also "my
    pills", "my life") or the nearest person named before it in its sentence is the person
    ("i", "me"), "other" when that is someone else ("he", "my sister", "the main
    character") or the words are someone else's, told ("my son said i want to die"), None
    when its sentence names nobody or a thing ("the film")."""
    said = match.group(0).split()
    left = plain.rfind(" . ", 0, match.start() + 2)
    if _REPORTED.search(plain, left + 2 if left >= 0 else 0, match.start() + 1):  # within its sentence
        return "other"
    if patterns.FIRST_PERSON.intersection(said) or (category == "suicide" and "my" in said):
        return "me"
    if _THEMSELVES.intersection(said):
        return "other"
    before = plain[left + 1 if left >= 0 else 0 : match.start()].split()[-10:]
    for at in range(len(before) - 1, -1, -1):
        word = before[at]
        if word in patterns.FIRST_PERSON:
            return "me"
        if word in patterns.SOMEONE_ELSE:
            # "your girl is done", "ya boy": the person, in chat
            chat = at and before[at - 1] in ("your", "you", "yo") and word in ("girl", "boy", "guy")
            return "me" if chat else "other"
        if word in patterns.A_THING:
            return None
    return None


# Said as a joke: laughter in words or faces (the normalised text has dropped both).
_JOKING = re.compile(
    r"\b(?:lol+|lmao+|lmfao|rofl|haha\w*|hehe\w*|jk|jokes)\b"
    "|[\U0001f602\U0001f923\U0001f606\U0001f605\U0001f61c\U0001f61d\U0001f643]"
)
_NOT_JOKING = re.compile(r"\bnot (?:lol|joking|kidding|a joke)\b|\bbut not\b|\bno joke\b|\bnot funny\b")
# What a control or monitoring match names: a reason (`patterns.BENIGN`) can make it ordinary.
_CONTROL = frozenset(
    {
        "phone",
        "messages",
        "texts",
        "keys",
        "key",
        "passport",
        "money",
        "bank",
        "app",
        "card",
        "cards",
        "wallet",
        "charger",
        "let",
        "lets",
        "allow",
        "allows",
        "allowed",
        "location",
        "laptop",
        "documents",
        "emails",
        "car",
    }
)
# The person's own past, just before a suicide match: "i was suicidal", "i used to want to die".
_WAS = re.compile(r" (?:was|were|used to|had been|once|wanted|tried|attempted|wrote|past|previous|old|last) (?:\w+ )?$")


def _context(
    tables: _Compiled, category: Category, plain: str, match: re.Match[str], text: str, grey: bool = False
) -> bool | None:
    """How sure a match is, given its sentence: True certain, False unsure, None no alarm.

    Suicide and self-harm: unsure when the sentence is about someone else ("my friend wants
    to die"), about a film or a course and not the person, or (suicide) the person's past
    recovered from, or words they call a joke; self-harm recovered from, or an everyday
    accident ("burned my wrist on the oven"), is no alarm. Violence: no alarm in sport,
    play, sleep or help ("she grabbed me to stop me falling"), or in a past the person has
    left ("my ex hit me years ago, i am safe now"), or a story about others; unsure in a
    past with nothing about now, in a story that touches the person, with a reason that
    makes control ordinary ("because i asked her to"), or said as a joke ("lol"). A match
    of the grey-zone tables (`grey`) that such a reason or a joke would make unsure is no
    alarm."""
    here = _clause(plain, match.start(), match.end())
    if category in ("suicide", "self_harm"):
        whose = _whose(plain, match, category)
        if whose != "me" and tables.topic.search(here):
            return None
        if category == "self_harm" and tables.accident.search(here) and not tables.intent.search(here):
            return None
        if whose == "other" or (whose is None and tables.media.search(here)):
            return False
    if category == "suicide":
        before = plain[max(0, match.start() - 40) : match.start()] + " "
        past = tables.past.search(_clause(plain, match.start(), match.end(), before=1)) or _WAS.search(before)
        if past and tables.recovered.search(_clause(plain, match.start(), match.end(), after=1)):
            return False
        if tables.retracted.search(plain):
            return None if grey else False
        return True
    violence = category in ("partner_violence", "harm_others")
    if violence and (tables.play.search(here) or tables.topic.search(here)):
        return None
    if category != "self_harm" and tables.media.search(here):
        return False if _PERSONAL.search(match.group(0) + " ") else None
    past = tables.past.search(_clause(plain, match.start(), match.end(), before=1))
    if violence and past and tables.resolved.search(here) and not tables.ongoing.search(here):
        return None
    sure: bool | None = True
    if past and not tables.present.search(here):
        if category == "self_harm":
            return None if tables.recovered.search(here) else False
        sure = category == "harm_others"
    if category == "partner_violence" and _CONTROL.intersection(match.group(0).split()) and tables.benign.search(here):
        sure = False if sure and not grey else None
    if category == "partner_violence" and sure and not _MINE_OR_THREAT.intersection(match.group(0).split()):
        # "my brother's girlfriend says she's scared of him": someone else's danger, asked about
        sure = False if _whose(plain, match, category) == "other" else sure
    joking = (_JOKING.search(text) and not _NOT_JOKING.search(text)) or tables.retracted.search(plain)
    if sure is not None and violence and joking and not tables.ongoing.search(here):
        sure = None if grey else False
    return sure


def detect_patterns(text: str) -> CrisisSignal | None:
    """The pattern layer alone."""
    tables = _tables()
    plain = tables.negated.sub(_BLANK, tables.deaths.sub(_died, normalise(text[:LIMIT], sentences=True)))
    raw = text[:LIMIT].casefold()
    certain: set[Category] = set()
    unsure: set[Category] = set()
    for category, table in tables.certain.items():
        violence = category in ("partner_violence", "harm_others")
        seen = tables.not_violence.sub(_BLANK, plain) if violence else plain
        for match in table.finditer(seen):
            sure = _context(tables, category, seen, match, raw)
            if sure:
                certain.add(category)
                break
            if sure is False:
                unsure.add(category)
        if category in certain or category in unsure:
            continue
        # the grey zone: a question, unless the sentence says it is no alarm at all
        for match in tables.unsure[category].finditer(seen):
            if category == "suicide" and tables.arranged.search(_clause(seen, match.start(), match.end())):
                continue  # "giving my plants to my neighbour while i am travelling"
            if _context(tables, category, seen, match, raw, grey=True) is not None:
                unsure.add(category)
                break
    if not certain and "suicide" not in unsure and tables.stressor.search(plain) and tables.heights.search(plain):
        unsure.add("suicide")
    if certain:
        return CrisisSignal(frozenset(certain))
    return CrisisSignal(frozenset(unsure), certain=False) if unsure else None


_ALL: frozenset[str] = frozenset(patterns.TABLES)
_VIOLENCE: frozenset[str] = frozenset({"partner_violence", "harm_others"})
_SELF_HARM: frozenset[str] = frozenset({"self_harm"})


def _not_read(text: str) -> Callable[[str], frozenset[str]]:
    """What the trained layer must not read into a sentence window of `text`: nothing at all
    when the window plainly says "not" to crisis words (its meaning is near the words it
    denies), no violence when the patterns set its words aside as not violence (grief, idiom,
    "he has never hit me", a wish to be hit by a car) or as sport and play, no self-harm when its sentence is past
    and recovered from ("i used to cut as a teen, 4 years clean now"), as the patterns read
    them."""
    tables = _tables()
    sentences = [f" {sentence.strip()} " for sentence in normalise(text, sentences=True).split(" . ")]
    recovered = [one for one in sentences if tables.past.search(one) and tables.recovered.search(one)]

    def ignore(window: str) -> frozenset[str]:
        plain = normalise(window, sentences=True)
        if tables.negated.search(plain) or tables.deaths.search(plain):
            return _ALL
        ignored = _VIOLENCE if tables.not_violence.search(plain) or tables.play.search(plain) else frozenset()
        words = normalise(window)
        if any(words in sentence for sentence in recovered):
            ignored |= _SELF_HARM
        return ignored

    return ignore


def detect(text: str) -> CrisisSignal | None:
    """The crisis categories `text` touches, and how sure that is; None when it touches none.
    Never logs, never raises on odd text."""
    try:
        if not text or text.isspace():
            return None
        found = detect_patterns(text)
        if found is not None and found.certain:
            return found
        near = semantic.judge(text[:LIMIT], ignore=_not_read(text[:LIMIT]))
    except Exception:  # a detector that raises would stop the message: answer with what we have
        return None
    grey = found.categories if found else frozenset()
    # a kind the patterns judged a grey zone ("I just want to end it", "I relapsed") stays one:
    # the trained layer may make certain only what the patterns did not weigh
    sure = frozenset(match.category for match in near if match.certain and match.category not in grey)
    if sure:
        return CrisisSignal(sure)
    unsure = frozenset(match.category for match in near) | grey
    return CrisisSignal(unsure, certain=False) if unsure else None


# "I want it to end", "I want out", "I'm done", "make it stop", "it's over": words that may
# mean the relationship or a life. The clarifying question names that ambiguity only when
# the message has one of them; otherwise it asks plainly.
_ENDING = re.compile(r" (?:end|ends|ending|ended|over|out|finish|finished|stop|done|quit|through) ")


def speaks_of_ending(text: str) -> bool:
    """Whether `text` speaks of something ending (which could be the relationship or a life).
    Pure; never raises on odd text."""
    try:
        return _ENDING.search(normalise(text[:LIMIT])) is not None
    except Exception:
        return False
