"""Fitting what a person typed into a read-back sentence, or quoting it when it won't fit.

A read-back says the person's own words back inside a sentence of ours ("When <trigger>,
I told myself <meaning>, ..."). People type as people do: "He went silent.", "I texted him
6 times", "That he's done with me. He's going to leave.", "😶". These filters are
registered on every template environment (see `templates.make_environment`):

- ``answer|fit("that", "because")``: the answer as a clause for the middle of a sentence,
  or, when it can't read well there, the answer quoted (see `fit`).
- ``answer|sentence``: the answer as the end of a line, with one closing mark of its own.
- ``clause is someone_to``: a fitted clause reads "him to tell me …", so after "what I
  long for is" it takes "for".
- ``answer is clause``: the answer starts with a subject ("you were on your phone"), so a
  template can say "about how …" rather than "about you were …".
- ``text is first_person``: it starts with "I", "I'd", "I'm"…, so it needs no "I need" before it.
- ``text is ended``: the text already ends a sentence ("first??", "“fine.”"), so a template
  adds no full stop of its own.
- ``move|i_do`` and ``move|they_do(other, …)``: one move of a pattern as a clause with its
  subject, for "When <I do>, <they do>": "I follow her round the house", "I'm crying";
  "she says nothing" as typed, "he goes quiet" ("goes" with "him" in the other answers),
  "they go quiet", "what comes back is silence".
"""

from __future__ import annotations

import re

# Closing marks and separators a clause should not carry into the middle of our sentence.
_TRAILING = ".!?…,;:"
# Where one sentence of an answer ends and the next begins.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")
_WORD = re.compile(r"[^\W_][\w'\u2019-]*", re.UNICODE)
# Longer than this, an answer is quoted rather than fitted: a sentence of ours around a
# paragraph of theirs reads as neither.
LONGEST_FITTED = 160
# Subject words that make an answer a clause of its own ("you were late", "we argued").
_SUBJECTS = frozenset({"i", "you", "he", "she", "they", "we", "it"})


def _strip_end(text: str) -> str:
    return text.rstrip().rstrip(_TRAILING + " \t\n").rstrip()


def _is_i(word: str) -> bool:
    """ "I", "I'm", "I've", "I'd", "I'll" (typed with either apostrophe)."""
    return word == "I" or bool(re.fullmatch(r"I['\u2019][a-z]{1,2}", word))


def _names(text: str) -> set[str]:
    """Capitalised words that are not at the start of a sentence: names, "Mum", "Friday"."""
    names: set[str] = set()
    for sentence in _SENTENCE_END.split(text):
        words = _WORD.findall(sentence)
        names.update(w for w in words[1:] if w[:1].isupper())
    return names


def _keeps_capital(word: str, names: set[str]) -> bool:
    if _is_i(word) or word in names:
        return True
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)  # "UK", "ADHD"


def _lower_first(text: str, names: set[str]) -> str:
    match = _WORD.match(text)
    if match is None or _keeps_capital(match.group(), names):
        return text
    return text[:1].lower() + text[1:]


def _fix_i(text: str) -> str:
    """A lower-case "i" typed on its own ("i texted him") is the person saying I."""
    return re.sub(r"(?<![\w'\u2019])i(?=$|[\s,.!?;:]|['\u2019](?:m|ve|d|ll)\b)", "I", text)


def _drop_leading(text: str, phrases: tuple[str, ...]) -> str:
    """Remove the longest of `phrases` the answer starts with, again while one matches
    ("I feel I felt lonely"), as long as something is left ("I need 🤗" stays whole)."""
    ordered = sorted(phrases, key=len, reverse=True)
    while True:
        for phrase in ordered:
            pattern = re.compile(r"\s*" + re.escape(phrase) + r"(?![\w'\u2019])[\s,:]*", re.IGNORECASE)
            match = pattern.match(text)
            if match:
                break
        else:
            return text
        rest = text[match.end() :]
        if not rest.strip(_TRAILING + " "):
            return text
        text = rest


def dropped_words(answer: str, *drop: str) -> list[str]:
    """The leading words `fit` leaves out of `answer` (for tests): [] if none."""
    text = _fix_i(str(answer).strip())
    rest = _drop_leading(text, drop)
    return _WORD.findall(text[: len(text) - len(rest)])


# A sentence that starts with one of these and ends with "?" asks something ("why does he
# do that?"); one that doesn't is a statement said unsure of itself ("kind of invisible?").
ASKING = frozenset(
    [
        "what",
        "whats",
        "what's",
        "why",
        "why's",
        "how",
        "how's",
        "who",
        "who's",
        "whom",
        "whose",
        "when",
        "where",
        "where's",
        "which",
        "is",
        "isnt",
        "isn't",
        "are",
        "arent",
        "aren't",
        "am",
        "was",
        "wasnt",
        "wasn't",
        "were",
        "do",
        "dont",
        "don't",
        "does",
        "doesnt",
        "doesn't",
        "did",
        "didnt",
        "didn't",
        "can",
        "cant",
        "can't",
        "could",
        "couldnt",
        "couldn't",
        "would",
        "wouldnt",
        "wouldn't",
        "will",
        "wont",
        "won't",
        "should",
        "shouldnt",
        "shouldn't",
        "shall",
        "must",
        "may",
        "might",
        "has",
        "have",
        "had",
        "hasnt",
        "hasn't",
        "havent",
        "haven't",
    ]
)


def asks(answer: object) -> bool:
    """Whether the answer asks a question: a "?" inside a sentence, or a sentence ending in
    "?" that starts like a question. "idk, kind of invisible?" and "check with me first??"
    ask nothing."""
    for part in _SENTENCE_END.split(str(answer or "").strip()):
        if "?" not in part:
            continue
        words = _WORD.findall(part)
        if "?" in part.rstrip(_TRAILING + " ") or (words and words[0].lower() in ASKING):
            return True
    return False


def fits(answer: object) -> bool:
    """Whether an answer can be fitted into a sentence (False: it is quoted instead).

    It fits when, once its closing marks are gone, it is at most `LONGEST_FITTED`
    characters, asks no question (see `asks`), and has at most two sentences.
    """
    text = _strip_end(str(answer or ""))
    if not text:
        return False
    sentences = _SENTENCE_END.split(text)
    return len(text) <= LONGEST_FITTED and not asks(answer) and len(sentences) <= 2


def quote(answer: object) -> str:
    """The answer as typed, in curly quotes: “He went silent. Again.” Quotes inside it
    become single ones, as quotes inside quotes are: “I said \u2018fine\u2019 and left.”"""
    inner = str(answer or "").strip().replace("“", "\u2018").replace("”", "\u2019")
    return "“" + inner + "”"


def fit(answer: object, *drop: str) -> str:
    """The person's answer as a clause inside one of our sentences.

    The rule, in order:

    1. An answer that doesn't fit (see `fits`: over 160 characters, a question, or three
       sentences or more) is returned quoted, exactly as typed: “…”.
    2. Closing marks and separators at the end go (. ! ? … , ; :), emoji stay.
    3. A lone lower-case "i" becomes "I".
    4. The longest of `drop` the answer starts with is left out, again while one matches,
       as long as something is left: the words the template already says ("I need" before
       "I need you to …"; "I need 🤗" stays whole).
    5. Two sentences are joined with a comma, the second's first letter lowered like the
       first's.
    6. The first letter is lowered unless the word is "I", "I'm", "I've" …, ALL CAPS
       ("UK"), or written with a capital elsewhere in the answer where no sentence starts
       (a name: "Sam").

    One word and emoji answers come back whole. An empty answer comes back empty.
    """
    if answer is None:
        return ""
    raw = str(answer).strip()
    if not raw:
        return ""
    if not fits(raw):
        return quote(raw)
    names = _names(raw)
    text = _drop_leading(_fix_i(_strip_end(raw)), drop)
    sentences = [_strip_end(s) for s in _SENTENCE_END.split(text)]
    return ", ".join(_lower_first(s, names) for s in sentences if s)


def is_first_person(text: object) -> bool:
    """Whether `text` starts with "I" or "I'd", "I'm"... : "I'd like us to plan an evening"."""
    match = _WORD.match(str(text or "").strip())
    return match is not None and _is_i(match.group())


def is_ended(text: object) -> bool:
    """Whether `text` already ends a sentence: its last mark is . ! ? or …, also inside a
    closing quote or bracket ("“first??”", "(sorry.)")."""
    stripped = str(text or "").rstrip().rstrip("”\u2019\"')")
    return bool(stripped) and stripped[-1] in ".!?…"


# An answer that opens with when it happened ("last week when she went to bed", "yesterday he
# ignored me") is a sentence's opening already: "When last week …" would say "when" twice.
TIMED = re.compile(
    r"^(?:last|yesterday|yday|earlier|tonight|today|this (?:morning|afternoon|evening|week|weekend)"
    r"|(?:on )?(?:mon|tues|wednes|thurs|fri|satur|sun)day|(?:at|over|on) the weekend|the other (?:day|night)"
    r"|just now|a (?:few|couple of|couple) \w+ ago|\d+ \w+ ago|an? \w+ ago|in the (?:morning|afternoon|evening|night)"
    r"|at (?:dinner|lunch|breakfast|bedtime)|after|before|during)\b",
    re.IGNORECASE,
)


def is_timed(text: object) -> bool:
    """Whether an answer opens with when it happened: "last week when…", "yesterday he…"."""
    return TIMED.match(str(text or "").strip()) is not None


def opening(text: object) -> str:
    """Our words fitted at the start of a line: the first letter up ("last week…" -> "Last week…")."""
    said = str(text or "")
    return said[:1].upper() + said[1:]


def sentence(answer: object) -> str:
    """The answer at the end of a line of ours, with one closing mark: its own, or a full stop.

    "Talking it out!" stays as it is; "talking it out" becomes "talking it out." and
    "better 🙂" "better 🙂."; "he said “sorry!”" keeps the mark inside its quote. The
    capital is left as typed, since the answer follows a colon.
    """
    text = str(answer or "").strip().rstrip(",;: ")
    if not text:
        return ""
    return text if is_ended(text) else text + "."


_OBJECTS = frozenset({"us", "him", "her", "them", "me", "you", "it"})


def is_someone_to(clause: object) -> bool:
    """Whether a fitted clause reads "him to tell me …": after "what I long for is" it needs "for"."""
    words = _WORD.findall(str(clause or ""))
    return len(words) >= 2 and words[0].lower() in _OBJECTS and words[1].lower() == "to"


def is_clause(answer: object) -> bool:
    """Whether the answer starts with a subject and goes on: "you were on your phone",
    "we argued" ("it" alone is no clause)."""
    words = _WORD.findall(str(answer or ""))
    first = _WORD.match(str(answer or "").strip())
    return first is not None and len(words) >= 2 and first.group().lower() in _SUBJECTS


# Words a move starts with that are not what someone does but what comes ("silence",
# "the silent treatment"), and words before the doing ("always", "just").
_THINGS = frozenset(
    [
        "the",
        "a",
        "an",
        "some",
        "more",
        "total",
        "complete",
        "nothing",
        "silence",
        "crickets",
        "tears",
        "anger",
        "blame",
        "excuses",
        "sarcasm",
        "criticism",
        "coldness",
        "distance",
        "radio",
    ]
)
_BEFORE_DOING = frozenset(
    [
        "always",
        "just",
        "usually",
        "often",
        "normally",
        "sometimes",
        "still",
        "also",
        "then",
        "eventually",
        "basically",
        "mostly",
    ]
)
_NOT_DOING = frozenset({"nothing", "something", "everything", "anything", "thing", "morning", "evening", "king"})
_HE = frozenset({"he", "him", "his", "himself"})
_SHE = frozenset({"she", "her", "hers", "herself"})
# The lists above by name, for the preview page's port of `i_do` and `they_do`.
MOVE_WORDS = {"things": _THINGS, "before_doing": _BEFORE_DOING, "not_doing": _NOT_DOING, "he": _HE, "she": _SHE}


def _doing(word: str) -> bool:
    """ "crying", "shouting": a move said as what is going on."""
    w = word.lower()
    return len(w) > 4 and w.endswith("ing") and w not in _NOT_DOING


def _does(word: str) -> bool:
    """ "goes", "says", "walks": a move said of one person (he or she)."""
    w = word.lower()
    return w in {"has", "does", "is", "was"} or (len(w) > 2 and w.endswith("s") and not w.endswith(("ss", "us", "is")))


def pronoun(*answers: object) -> str | None:
    """ "he" or "she" when the person's own words speak of their partner that way (and not
    both ways); None otherwise."""
    words = {w.lower() for a in answers for w in _WORD.findall(str(a or ""))}
    he, she = bool(words & _HE), bool(words & _SHE)
    return "he" if he and not she else "she" if she and not he else None


def i_do(answer: object) -> str:
    """The person's own move as a clause with its subject, for "When <it>, …": "I follow her
    round the house", "I'm crying", "we argue" (their own subject kept). Quoted when it
    doesn't fit (see `fit`)."""
    text = fit(answer, "when", "so", "then", "and then")
    if not fits(answer) or not text or is_clause(text):
        return text
    words = _WORD.findall(text)
    return ("I'm " if words and _doing(words[0]) else "I ") + text


def they_do(answer: object, *others: object) -> str:
    """Their move as a clause with its subject, for "When I …, <it>": as typed when it has
    one ("she says nothing", "my wife walks off"); "he goes quiet" / "she goes quiet" when
    the verb speaks of one person and the person's words say which ("my partner goes quiet"
    when they don't); "they go quiet"; "what comes back is silence" for a thing, not a doing.
    Quoted when it doesn't fit (see `fit`)."""
    text = fit(answer, "and then", "then", "and", "so")
    if not fits(answer) or not text:
        return text
    words = _WORD.findall(text)
    if is_clause(text) or (len(words) >= 2 and words[0].lower() in ("my", "our")):
        return text
    first = next((w for w in words if w.lower() not in _BEFORE_DOING), words[0] if words else "")
    if words and (words[0].lower() in _THINGS or _doing(words[0])):
        return "what comes back is " + text
    if first and _does(first):
        return (pronoun(answer, *others) or "my partner") + " " + text
    return "they " + text
