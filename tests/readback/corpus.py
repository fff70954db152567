"""The read-back corpus: answers as people type them, per slot kind.

`answers/<slot>.txt` holds about forty answers per slot kind (`partner`: what the partner
does, in the pattern's "When I …, they …"), written by hand the way
people type (capitals and full stops, one word, emoji, "I …" and "that …" starts, two
sentences, he/she/they, 300 characters). Each is then typed again the other ways people
type the same thing (`typed_ways`): all lower case without the full stop, a capital and a
full stop, an exclamation, an emoji after it, a slip of the keyboard, the slot's own lead-in
("I felt …", "that …", "I need …"), a second short sentence. Deterministic, no randomness.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

ANSWERS = Path(__file__).parent / "answers"

SLOTS = ("trigger", "meaning", "surface", "action", "underneath", "longing", "feeling", "about", "need", "partner")

# What people put in front of an answer in each slot, echoing the question.
LEAD_IN = {
    "trigger": "When ",
    "meaning": "that ",
    "surface": "I felt ",
    "action": "I ",
    "underneath": "I feel ",
    "longing": "I want ",
    "feeling": "I feel ",
    "about": "about ",
    "need": "I need ",
    "partner": "then ",
}

# A second sentence people add after the first.
SECOND = {
    "trigger": "Again.",
    "meaning": "Same as always.",
    "surface": "Really bad.",
    "action": "Not proud of it.",
    "underneath": "I think.",
    "longing": "That's all.",
    "feeling": "Honestly.",
    "about": "It keeps happening.",
    "need": "Soon.",
    "partner": "Every time.",
}

EMOJI = ("😔", "🙁", "😤", "💔", "🥺", "😩")


def _slip(text: str) -> str:
    """Two letters swapped in the longest word, as a thumb does."""
    words = re.findall(r"[a-zA-Z]{4,}", text)
    if not words:
        return text
    word = max(words, key=len)
    i = len(word) // 2
    typo = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return text.replace(word, typo, 1)


def _bare(text: str) -> str:
    return text.rstrip(".!?… ")


def typed_ways(slot: str, answer: str, n: int) -> list[str]:
    bare = _bare(answer)
    lead = LEAD_IN[slot]
    lower = bare[:1].lower() + bare[1:]
    ways = [
        answer,
        bare.lower(),
        bare[:1].upper() + bare[1:] + ".",
        bare + "!" if n % 2 else bare + "...",
        f"{bare} {EMOJI[n % len(EMOJI)]}",
        _slip(answer),
        answer if answer.lower().startswith(lead.strip().lower()) else (lead + lower).strip(),
        f"{bare[:1].upper() + bare[1:]}. {SECOND[slot]}" if len(bare) < 120 else answer,
        f"{bare.lower()}." if n % 3 else f"{bare}  ",
    ]
    return ways


@cache
def corpus(slot: str) -> tuple[str, ...]:
    """Every answer for one slot kind, each once, in a fixed order."""
    written = [line for line in (ANSWERS / f"{slot}.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    seen: dict[str, None] = {}
    for n, answer in enumerate(written):
        for way in typed_ways(slot, answer, n):
            seen.setdefault(way, None)
    return tuple(seen)
