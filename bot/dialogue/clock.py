"""Reading a time of day the way people type it: "21:00", "9pm", "9.30 pm", "half 9", "noon".

`read_clock(text)` gives (hour, minute) on a 24-hour clock, or None when the text is not
clearly one time: "half past nine" (am or pm?), "9ish", "after work", "9 or 10". A bare
hour from 1 to 12 with no am/pm ("9", "half 9") is taken as given, 9:00 and 9:30, as a
24-hour reading: the person's clock is then worked out to the nearest quarter hour and
they can say it again with "pm" if it was evening. Registered on every template
environment as the test ``answer is clock``, so a flow can ask again with examples.
"""

from __future__ import annotations

import re

WORDS = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}
# "9", "09", "21:00", "9:30", "9.30", "9h30", "0930", with an optional "am"/"pm"/"a.m."
_TIME = re.compile(r"^(\d{1,2})(?:(?:[:.h]|\s)(\d{2})|(\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?$")
# "half 9" (British: 9:30), with an optional am/pm
_HALF = re.compile(r"^half\s+(\d{1,2})\s*(a\.?\s?m\.?|p\.?\s?m\.?)?$")
# What people add around a clear time: "it's", "about", "now", "o'clock", "here"
_AROUND = re.compile(
    r"^(?:it'?s|it is|now|right now|about|around|roughly|exactly|just|here)\s+|"
    r"\s+(?:o'?clock|now|here|right now|exactly)$"
)


def _strip(text: str) -> str:
    text = text.strip().lower().replace("\u2019", "'").rstrip(".!? ")
    while True:
        shorter = _AROUND.sub("", text).strip()
        if shorter == text:
            return text
        text = shorter


def _meridiem(hour: int, minute: int, suffix: str | None) -> tuple[int, int] | None:
    if suffix:
        if not 1 <= hour <= 12:
            return None
        pm = suffix.startswith("p")
        hour = (hour % 12) + (12 if pm else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def read_clock(text: object) -> tuple[int, int] | None:
    """(hour, minute) for a clearly written time of day; None for anything else."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    cleaned = _strip(text)
    if cleaned in WORDS:
        return WORDS[cleaned]
    half = _HALF.match(cleaned)
    if half:
        return _meridiem(int(half.group(1)), 30, half.group(2))
    match = _TIME.match(cleaned)
    if not match:
        return None
    hour = int(match.group(1))
    minute = int(match.group(2) or match.group(3) or 0)
    if match.group(3) and len(match.group(1)) != 2:
        return None  # "930" is not clear; "0930" and "2130" are
    return _meridiem(hour, minute, match.group(4))


def is_clock(text: object) -> bool:
    """Whether `read_clock` can read it (the template test ``is clock``)."""
    return read_clock(text) is not None


def said(text: object) -> str:
    """The time read from `text`, said plainly ("9:30 pm", "noon"); "" if it can't be read."""
    read = read_clock(text)
    if read is None:
        return ""
    hour, minute = read
    if (hour, minute) == (12, 0):
        return "noon"
    if (hour, minute) == (0, 0):
        return "midnight"
    suffix = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown} {suffix}" if minute == 0 else f"{shown}:{minute:02d} {suffix}"
