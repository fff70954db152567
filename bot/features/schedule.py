"""When a follow-up written as "20m", "2h", "1d", "evening", "tomorrow" or "sunday" falls due."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EVENING = time(19, 0)
MORNING = time(10, 0)
WEEK_END = time(18, 0)  # "sunday": the weekly look back
_DELAY = re.compile(r"^(\d+)(m|h|d)$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_OFFSET = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h ](\d{2}))?\s*(am|pm)?$")


QUIET_START = time(21, 0)  # "daytime only" follow-ups wait from here...
QUIET_END = time(9, 0)  # ...until here, in the person's time


def zone(name: str | None) -> tzinfo:
    """An IANA name ("Europe/Berlin"), or a fixed offset worked out from the person's clock
    ("UTC+05:30"); anything else is UTC."""
    offset = _OFFSET.match(name or "")
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3))), offset.group(0))
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def offset_from_clock(local: str, now: datetime) -> str | None:
    """The person's UTC offset from the time they say it is ("14:30", "2:30 pm", "9"),
    to the nearest quarter hour; None if it cannot be read."""
    match = _CLOCK.match(local.strip().lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) == "pm" and hour < 12:
        hour += 12
    elif match.group(3) == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    utc = now.astimezone(UTC)
    minutes = (hour * 60 + minute) - (utc.hour * 60 + utc.minute)
    minutes = (minutes + 12 * 60) % (24 * 60) - 12 * 60  # nearest day: -12:00 .. +11:59
    minutes = round(minutes / 15) * 15
    if not -12 * 60 <= minutes <= 14 * 60:
        return None
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def quiet_until(now: datetime, timezone_name: str | None) -> datetime | None:
    """If it is night (21:00-09:00) where the person is, when it stops being night."""
    local = now.astimezone(zone(timezone_name))
    if QUIET_END <= local.time() < QUIET_START:
        return None
    morning = datetime.combine(local.date(), QUIET_END, local.tzinfo)
    if local.time() >= QUIET_START:
        morning += timedelta(days=1)
    return morning.astimezone(UTC)


def due_time(after: str, now: datetime, timezone: str | None = None) -> datetime:
    """The moment (UTC-aware) a follow-up is due, in the person's own time zone for
    "evening" (19:00 today, or tomorrow if that has passed) and "tomorrow" (10:00)."""
    match = _DELAY.match(after)
    if match:
        return now + timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    local = now.astimezone(zone(timezone))
    if after == "evening":
        target = datetime.combine(local.date(), EVENING, local.tzinfo)
        if target <= local:
            target += timedelta(days=1)
    elif after == "tomorrow":
        target = datetime.combine(local.date() + timedelta(days=1), MORNING, local.tzinfo)
    elif after == "sunday":
        target = datetime.combine(local.date() + timedelta(days=6 - local.weekday()), WEEK_END, local.tzinfo)
        if target <= local:
            target += timedelta(days=7)
    else:
        raise ValueError(f"unknown delay {after!r}")
    return target.astimezone(now.tzinfo)
