"""When a follow-up falls due, and how to say when it will come.

A flow writes a delay ("20m", "2h", "1d", "evening", "tonight", "tomorrow",
"tomorrow-evening", "morning", "weekend", "sunday"), or names the moment the person
chose for their step ("now", "later today", "tomorrow", ...; `after_plan`), and
`due_time` turns it into a moment in the person's own time zone. Without a time zone
(they never told us their time) nothing is placed on a clock we cannot read: "tomorrow"
is 24 hours from now (the same time of their day, whatever their zone), "tonight" a few
hours from now. `when_said` says a due moment back in words that are true: a clock time
only in a zone we know.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.dialogue.clock import read_clock

EVENING = time(20, 0)  # "tonight", "tomorrow-evening": the look back after an evening step
MORNING = time(10, 0)  # "morning": tomorrow morning (homework reminders)
WEEKEND = time(11, 0)  # "weekend": Saturday (or Sunday) late morning
WEEK_END = time(18, 0)  # "sunday": the weekly look back
DAY_START = time(10, 0)  # "tomorrow" is the same time of day as now, moved into these hours
DAY_END = time(20, 0)
_DELAY = re.compile(r"^(\d+)(m|h|d)$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_OFFSET = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")
DELAYS = frozenset({"evening", "tonight", "tomorrow", "tomorrow-evening", "morning", "weekend", "sunday"})

QUIET_START = time(21, 0)  # "daytime only" follow-ups wait from here...
QUIET_END = time(9, 0)  # ...until here, in the person's time

# When the person plans to take their step -> when the look back at it comes.
_AFTER_PLAN = {
    "now": "2h",
    "right now": "2h",
    "in a couple of hours": "4h",
    "later": "tonight",
    "later today": "tonight",
    "this evening": "morning",
    "tonight": "morning",
    "tomorrow": "tomorrow-evening",
    "at the weekend": "weekend",
    "this weekend": "weekend",
    "in the next few days": "3d",
    # the break: the check-in comes as the break they chose ends
    "back in 20 minutes": "20m",
    "back in 30 minutes": "30m",
    "back in an hour": "1h",
    # set-it-free: time given to their own life, starting now; the look back comes after it
    "30 minutes": "1h",
    "an hour": "2h",
    "2 hours": "3h",
}


def zone(name: str | None) -> tzinfo:
    """An IANA name ("Europe/Berlin"), or a fixed offset worked out from the person's clock
    ("UTC+05:30"); anything else is UTC (see `known_zone`)."""
    offset = _OFFSET.match(name or "")
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3))), offset.group(0))
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def known_zone(name: str | None) -> bool:
    """Whether `name` is a time zone we can place a clock time in (not a guess)."""
    if not name:
        return False
    if _OFFSET.match(name):
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def offset_from_clock(local: str, now: datetime) -> str | None:
    """The person's UTC offset from the time they say it is ("14:30", "2:30 pm", "9pm",
    "half 9", "noon"), to the nearest quarter hour; None if it cannot be read (see
    `bot.dialogue.clock`)."""
    read = read_clock(local)
    if read is None:
        return None
    hour, minute = read
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


def after_plan(planned: object) -> str | None:
    """The delay for the look back at a step planned for `planned` ("now", "later today",
    "tomorrow", "at the weekend"...); None when the words name no time ("not sure yet")."""
    if not isinstance(planned, str):
        return None
    return _AFTER_PLAN.get(" ".join(planned.lower().split()))


def _at(day: date, moment: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, moment, tz)


def due_time(after: str, now: datetime, timezone: str | None = None) -> datetime:
    """The moment (UTC-aware, like `now`) a follow-up written `after` is due, in the
    person's time zone (see the module's docstring)."""
    match = _DELAY.match(after)
    if match:
        return now + timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if after not in DELAYS:
        raise ValueError(f"unknown delay {after!r}")
    known = known_zone(timezone)
    local = now.astimezone(zone(timezone))
    today, tz = local.date(), local.tzinfo
    assert tz is not None
    if after == "sunday":
        target = _at(today + timedelta(days=6 - local.weekday()), WEEK_END, tz)
        if target <= local:
            target += timedelta(days=7)
    elif not known:
        # No clock of theirs to read: whole days keep the time of their day, whatever it is.
        days = {"tomorrow": 1, "tomorrow-evening": 1, "morning": 1}.get(after)
        if after == "weekend":
            days = max(1, (5 - local.weekday()) % 7)
        target = local + (timedelta(days=days) if days else timedelta(hours=4))
    elif after in ("evening", "tonight"):
        target = max(_at(today, EVENING, tz), local + timedelta(hours=1))
        if target.time() > time(22, 0) or target.date() != today:
            target = _at(today + timedelta(days=1), MORNING, tz)  # the evening has gone: the morning
    elif after == "tomorrow":
        same = local.time().replace(second=0, microsecond=0)
        target = _at(today + timedelta(days=1), min(max(same, DAY_START), DAY_END), tz)
    elif after == "tomorrow-evening":
        target = _at(today + timedelta(days=1), EVENING, tz)
    elif after == "morning":
        target = _at(today + timedelta(days=1), MORNING, tz)
    else:  # weekend: the next Saturday or Sunday late morning at least two hours away
        day = today
        while day.weekday() < 5 or _at(day, WEEKEND, tz) < local + timedelta(hours=2):
            day += timedelta(days=1)
        target = _at(day, WEEKEND, tz)
    return target.astimezone(now.tzinfo)


def _clock(moment: datetime) -> str:
    if moment.hour == 12 and moment.minute == 0:
        return "noon"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour} {suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d} {suffix}"


def _about(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 55:
        return f"in about {max(5, round(minutes / 5) * 5)} minutes"
    hours = round(minutes / 60)
    if hours <= 1:
        return "in about an hour"
    if hours < 36:
        return f"in about {hours} hours"
    return f"in about {round(hours / 24)} days"


def when_said(due: datetime, now: datetime, timezone: str | None) -> str:
    """When a follow-up comes, in words that hold: "in about 20 minutes", "this evening at
    8 pm", "tomorrow at 10:30 am", "on Saturday at 11 am" in the person's zone; without a
    zone only what is true anywhere ("in about 4 hours", "tomorrow around this time")."""
    delta = due - now
    if delta < timedelta(hours=3):
        return _about(delta)
    if not known_zone(timezone):
        if abs(delta - timedelta(days=1)) < timedelta(minutes=30):
            return "tomorrow around this time"
        return _about(delta)
    tz = zone(timezone)
    local, there = now.astimezone(tz), due.astimezone(tz)
    days = (there.date() - local.date()).days
    clock = _clock(there)
    if days == 0:
        return f"this evening at {clock}" if there.hour >= 17 else f"later today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    if days < 7:
        return f"on {there:%A} at {clock}"
    return f"on {there:%A} {there.day} {there:%B} at {clock}"


def day_said(then: datetime, now: datetime, timezone: str | None) -> str:
    """When something happened, to open a sentence: "Earlier today", "Yesterday", "On
    Monday", "Last week" (by the person's calendar; without their zone, by hours)."""
    if known_zone(timezone):
        tz = zone(timezone)
        days = (now.astimezone(tz).date() - then.astimezone(tz).date()).days
    else:
        days = round((now - then).total_seconds() / 86400)
    if days <= 0:
        return "Earlier today" if known_zone(timezone) else "Earlier"
    if days == 1:
        return "Yesterday"
    if days < 7 and known_zone(timezone):
        return f"On {then.astimezone(zone(timezone)):%A}"
    return "A few days ago" if days < 7 else "Last week" if days < 14 else "A while ago"
