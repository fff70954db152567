"""The follow-up policy: when a due follow-up goes, and what each kind of it says.

Someone busy in the bot within the last two hours is not interrupted (the row waits half an
hour, or goes if they are already doing what it would suggest); "daytime only" holds a row
until morning in their time. Then the kind decides: a therapist's `notice`, a `homework`
reminder (starts the assigned flow, counted as the assignment's run), or a plain `flow`
follow-up, which runs on top of any old, open session and resumes it when it ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.coach.effects import Parts
from bot.coach.turn import Turn
from bot.engine.state import Reply
from bot.features.schedule import day_said, quiet_until, when_said
from bot.storage import DueFollowUp, FollowUpRow

# A follow-up does not interrupt someone who was busy in the bot this recently...
BUSY_WINDOW = timedelta(hours=2)
# ...it waits this long and tries again.
POSTPONE = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Wait:
    """Not now: until when (None: never, the person is already doing what it suggests)."""

    until: datetime | None


def wait(turn: Turn, due: DueFollowUp, now: datetime) -> Wait | None:
    """Whether the follow-up waits; None if it goes now."""
    tx, state = turn.tx, turn.state
    busy = tx.session_updated_at is not None and now - tx.session_updated_at < BUSY_WINDOW
    if state is not None and busy:
        return Wait(None) if state.flow_id == due.target_flow else Wait(now + POSTPONE)
    night_ends = quiet_until(now, tx.timezone) if tx.followups == "daytime" else None
    if night_ends is not None:
        return Wait(night_ends)  # not at night: first thing in their morning
    return None


Kind = Callable[[Turn, DueFollowUp, Parts], "list[Reply] | None"]


def notice(turn: Turn, due: DueFollowUp, parts: Parts) -> list[Reply] | None:
    said = parts.practice.notice(turn.tx, due)
    return [said] if said else []


def homework(turn: Turn, due: DueFollowUp, parts: Parts) -> list[Reply] | None:
    reminder = parts.practice.reminder(turn.tx, due)
    if reminder is None:
        return None  # the homework is over: nothing to remind
    assignment, words = reminder
    state = turn.state
    result = turn.engine.interrupt(state, due.target_flow, redirect=parts.safety.redirect(turn.tx))
    turn.save(state, result)
    parts.practice.started(turn.tx, assignment.id, due.target_flow)
    parts.practice.schedule_reminder(turn.tx, [assignment], assignment.id)
    return [Reply(text=words), *result.replies]


def carried(turn: Turn, due: DueFollowUp, now: datetime) -> dict[str, object]:
    """The plan the row keeps, as variables of the follow-up flow: `plan` (their words),
    `planned` (when they meant to take the step) and `plan_day` ("Yesterday"...). Every
    one the flow declares is set, so nothing of an older session's shows through."""
    declared = turn.engine.flow(due.target_flow).vars
    kept = due.plan or {}
    values: dict[str, object] = {
        "plan": kept.get("plan"),
        "planned": kept.get("planned"),
        "plan_day": day_said(due.created_at, now, turn.tx.timezone) if due.created_at else None,
    }
    return {name: value for name, value in values.items() if name in declared}


def flow(turn: Turn, due: DueFollowUp, parts: Parts) -> list[Reply] | None:
    state = turn.state
    facts = {**turn.facts(due.target_flow), **carried(turn, due, turn.clock())}
    result = turn.engine.interrupt(state, due.target_flow, facts, redirect=parts.safety.redirect(turn.tx))
    turn.save(state, result)
    engine = turn.engine
    source = engine.flow(due.source_flow).title if due.source_flow in engine.flows else ""
    return [turn.say("followup", source=source, target=due.target_flow), *result.replies]


def described(turn: Turn, rows: list[FollowUpRow]) -> list[dict[str, object]]:
    """Follow-up rows as the words say them: what comes (`target`), after which flow
    (`source`, its title), when (in the person's time, or only relative if we don't know
    it) and the plan in their words, if it has one."""
    now, zone_name, engine = turn.clock(), turn.tx.timezone, turn.engine
    daytime = turn.tx.followups == "daytime"
    return [
        {
            "id": f.id,
            "target": f.target_flow,
            "source": engine.flow(f.source_flow).title if f.source_flow in engine.flows else "",
            # one that falls at night waits for the morning (`wait`): that is when it comes
            "when": when_said((quiet_until(f.due_at, zone_name) if daytime else None) or f.due_at, now, zone_name),
            "plan": (f.plan or {}).get("plan"),
        }
        for f in rows
    ]


def own_pending(turn: Turn) -> list[FollowUpRow]:
    """The bot's own follow-ups still to come (homework reminders are in /sharing)."""
    return [f for f in turn.tx.pending_followups() if f.kind == "flow"]


KINDS: dict[str, Kind] = {"notice": notice, "homework": homework, "flow": flow}


def start(turn: Turn, due: DueFollowUp, parts: Parts) -> list[Reply] | None:
    """What the follow-up says (and starts); None if nothing is to be sent."""
    return KINDS.get(due.kind, flow)(turn, due, parts)
