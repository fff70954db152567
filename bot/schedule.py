"""When a follow-up written as "20m", "2h", "1d", "evening" or "tomorrow" falls due."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EVENING = time(19, 0)
MORNING = time(10, 0)
_DELAY = re.compile(r"^(\d+)(m|h|d)$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


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
    else:
        raise ValueError(f"unknown delay {after!r}")
    return target.astimezone(now.tzinfo)
