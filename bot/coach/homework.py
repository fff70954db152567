"""Homework arithmetic, pure: secret tokens, how often and when, and where an assignment
stands. No database, no Telegram; `bot.coach.practice` applies it."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from bot.features.schedule import due_time
from bot.storage.therapy import AssignmentRow

TOKEN_BYTES = 24  # 192 random bits from the OS; 32 URL-safe characters, within Telegram's 64
LINK_LIFETIME = timedelta(days=7)
MAX_ALIAS = 40
MAX_NOTE = 500
SHARE_LEVELS = ("completion", "answers")
CADENCES = {"once": 1, "daily": 7, "weekly": 1, "twice-weekly": 2, "three-weekly": 3}
DUE_DELAYS = {"3d": 3, "1w": 7, "2w": 14}


def printable(text: str) -> str:
    """Text without NUL and other control characters (line breaks and tabs stay):
    PostgreSQL refuses NUL in text, and none of them can be shown in a chat."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))


def new_secret() -> tuple[str, str]:
    """A fresh token and the digest that is stored instead of it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


# ---------------------------------------------------------------------------- cadence


def total(a: AssignmentRow) -> int:
    """How many times the homework is to be done."""
    if a.cadence == "once":
        return 1
    return (7 if a.cadence == "daily" else a.per_week) * a.weeks


def reminder_day(a: AssignmentRow, k: int) -> int:
    """Days after acceptance on which reminder `k` (0-based) goes: daily from the next day,
    N a week spread over each week, once the day before the due date (or the next day)."""
    if a.cadence == "daily":
        return k + 1
    if a.cadence == "once":
        if a.due_at is not None and a.accepted_at is not None:
            return max(1, (a.due_at - a.accepted_at).days - 1)
        return 1
    week, slot = divmod(k, a.per_week)
    return week * 7 + (slot * 7) // a.per_week + 1


def reminder_time(a: AssignmentRow, k: int, timezone: str | None) -> datetime:
    assert a.accepted_at is not None
    base = a.accepted_at + timedelta(days=reminder_day(a, k) - 1)
    # The next day, 10:00 in the client's time (UTC's, as it always was, if they never said).
    return due_time("morning", base, timezone or "UTC")


def period_end(a: AssignmentRow) -> datetime | None:
    if a.due_at is not None:
        return a.due_at
    if a.accepted_at is None:
        return None
    return a.accepted_at + timedelta(days=7 * a.weeks) if a.cadence != "once" else None


def status(a: AssignmentRow, now: datetime) -> str:
    """pending, declined, revoked, deleted, ended, done, due or overdue."""
    if a.sharing in ("pending", "declined", "revoked", "deleted"):
        return a.sharing
    if len(a.done) >= total(a):
        return "done"
    if a.ended_at is not None:
        return "ended"
    end = period_end(a)
    return "overdue" if end is not None and now > end else "due"


def cadence_text(a: AssignmentRow | dict[str, Any]) -> str:
    get = a.get if isinstance(a, dict) else (lambda k: getattr(a, k))
    cadence, weeks = get("cadence"), get("weeks")
    span = f"for {weeks} week{'s' if weeks != 1 else ''}"
    if cadence == "once":
        return "once"
    if cadence == "daily":
        return f"every day {span}"
    per_week = get("per_week")
    return f"{'once' if per_week == 1 else 'twice' if per_week == 2 else f'{per_week} times'} a week {span}"


def plan(values: dict[str, Any], now: datetime) -> dict[str, Any] | None:
    """The assignment columns from the assign flow's answers; None if they don't add up."""
    cadence = values.get("cadence")
    if cadence not in CADENCES:
        return None
    alias = " ".join(printable(str(values.get("alias") or "")).split())[:MAX_ALIAS]
    if not alias:
        return None
    weeks = values.get("weeks") if cadence != "once" else 1
    if not isinstance(weeks, int) or not 1 <= weeks <= 12:
        weeks = 1
    delay = DUE_DELAYS.get(str(values.get("due")))
    note = values.get("note")
    return {
        "flow_id": str(values["flow"]),
        "alias": alias,
        "cadence": "weekly" if cadence.endswith("weekly") else cadence,
        "per_week": CADENCES[cadence] if cadence.endswith("weekly") else 1,
        "weeks": weeks,
        "due_at": now + timedelta(days=delay) if delay else None,
        "note": printable(str(note))[:MAX_NOTE] or None if note else None,
        "notify": values.get("notify") is not False,
    }
