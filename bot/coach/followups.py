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
from bot.features.schedule import quiet_until
from bot.storage import DueFollowUp

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


def flow(turn: Turn, due: DueFollowUp, parts: Parts) -> list[Reply] | None:
    state = turn.state
    facts = turn.facts(due.target_flow)
    result = turn.engine.interrupt(state, due.target_flow, facts, redirect=parts.safety.redirect(turn.tx))
    turn.save(state, result)
    engine = turn.engine
    source = engine.flow(due.source_flow).title if due.source_flow in engine.flows else ""
    return [turn.say("followup", source=source, target=due.target_flow), *result.replies]


KINDS: dict[str, Kind] = {"notice": notice, "homework": homework, "flow": flow}


def start(turn: Turn, due: DueFollowUp, parts: Parts) -> list[Reply] | None:
    """What the follow-up says (and starts); None if nothing is to be sent."""
    return KINDS.get(due.kind, flow)(turn, due, parts)
