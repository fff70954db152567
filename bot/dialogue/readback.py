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


def fits(answer: object) -> bool:
    """Whether an answer can be fitted into a sentence (False: it is quoted instead).

    It fits when, once its closing marks are gone, it is at most `LONGEST_FITTED`
    characters, asks no question, and has at most two sentences.
    """
    text = _strip_end(str(answer or ""))
    if not text:
        return False
    sentences = _SENTENCE_END.split(text)
    return len(text) <= LONGEST_FITTED and "?" not in str(answer) and len(sentences) <= 2


def quote(answer: object) -> str:
    """The answer as typed, in curly quotes: “He went silent. Again.”"""
    return "“" + str(answer or "").strip() + "”"


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


def sentence(answer: object) -> str:
    """The answer at the end of a line of ours, with one closing mark: its own, or a full stop.

    "Talking it out!" stays as it is; "talking it out" becomes "talking it out." and
    "better 🙂" "better 🙂."; the capital is left as typed, since the answer follows a colon.
    """
    text = str(answer or "").strip().rstrip(",;: ")
    if not text:
        return ""
    return text if text[-1] in ".!?…" else text + "."


_OBJECTS = frozenset({"us", "him", "her", "them", "me", "you", "it"})


def is_someone_to(clause: object) -> bool:
    """Whether a fitted clause reads "him to tell me …": after "what I long for is" it needs "for"."""
    words = _WORD.findall(str(clause or ""))
    return len(words) >= 2 and words[0].lower() in _OBJECTS and words[1].lower() == "to"


def is_clause(answer: object) -> bool:
    """Whether the answer starts with a subject: "you were on your phone", "we argued"."""
    match = _WORD.match(str(answer or "").strip())
    return match is not None and match.group().lower() in _SUBJECTS
