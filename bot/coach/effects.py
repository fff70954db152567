"""Effects, one handler each: what the coach does, inside the event's transaction, with each
effect value the engine returns (`bot/engine/state.py`).

`HANDLERS` maps every effect value class to one function `(turn, state, effect, parts) ->
extra replies`; `Effects.check` fails at start if an effect class has no handler, and
`Effects.apply` raises `UnhandledEffect` for one it does not know, never treats it as
another kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.coach.practice import Practice
from bot.coach.safeguards import Safeguards
from bot.coach.turn import Turn
from bot.engine.state import (
    EFFECT_CLASSES,
    Assign,
    ConfirmCrisis,
    Count,
    Effect,
    EraseData,
    FlowEnded,
    MarkHomeworkDone,
    NoteSafety,
    RecordAnswer,
    RecordJournal,
    Reply,
    RunCommand,
    SavePlan,
    ScheduleFollowUp,
    SessionState,
    SetCountry,
    SetFollowUps,
    Share,
    UndoSafety,
)
from bot.errors import UnhandledEffect
from bot.features.schedule import after_plan, due_time, known_zone, offset_from_clock, quiet_until, when_said

FOLLOWUP_CHOICES = ("any", "daytime", "none")
# The most of a plan a follow-up keeps to read back: a start-up's whole sentence (its three
# parts at their longest, 800 characters, and the words around them) fits.
PLAN_LENGTH = 900


@dataclass(frozen=True, slots=True)
class Parts:
    """The helpers a handler may need besides the turn."""

    safety: Safeguards
    practice: Practice


Handler = Callable[[Turn, SessionState, Any, Parts], list[Reply]]
HANDLERS: dict[type, Handler] = {}


def handles(kind: type) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[kind] = handler
        return handler

    return register


@handles(RecordAnswer)
def record_answer(turn: Turn, state: SessionState, effect: RecordAnswer, parts: Parts) -> list[Reply]:
    turn.tx.record_answer(effect.flow_id, effect.step_id, effect.variable, effect.value)
    return []


@handles(RecordJournal)
def record_journal(turn: Turn, state: SessionState, effect: RecordJournal, parts: Parts) -> list[Reply]:
    turn.tx.record_entry(effect.flow_id, effect.step_id, effect.entry, effect.values)
    return []


@handles(ScheduleFollowUp)
def schedule_followup(turn: Turn, state: SessionState, effect: ScheduleFollowUp, parts: Parts) -> list[Reply]:
    tx = turn.tx
    if tx.followups == "none" and turn.engine.flow(effect.target_flow).tags.get("opt-in") is not True:
        return []  # they asked for no follow-ups (an opt-in one they just said yes to)
    now = turn.clock()
    due = due_time(after_plan(effect.planned) or effect.after, now, tx.timezone)
    if tx.followups == "daytime":
        due = quiet_until(due, tx.timezone) or due  # it would wait for the morning anyway: say so
    plan = {
        key: value.strip()[:PLAN_LENGTH]
        for key, value in (("plan", effect.plan), ("planned", effect.planned))
        if isinstance(value, str) and value.strip()
    }
    tx.schedule_followup(
        source_flow=effect.flow_id,
        source_step=effect.step_id,
        target_flow=effect.target_flow,
        due_at=due,
        # One prompt of a flow per moment, whichever steps asked for it: every
        # check-in of a week asks for that Sunday's review, and it comes once.
        dedupe_key=f"{tx.chat_id}:{effect.target_flow}:{due:%Y%m%d%H%M}",
        plan=plan or None,
    )
    if not isinstance(effect.planned, str):
        return []
    # The time depended on the person's choice: the coach says when, from the row itself.
    return [turn.say("followup_promise", when=when_said(due, now, tx.timezone), known=known_zone(tx.timezone))]


@handles(Count)
def count(turn: Turn, state: SessionState, effect: Count, parts: Parts) -> list[Reply]:
    # Where a flow counts (bot/features/counts.py) is also where its homework is done.
    turn.tx.record_count(effect.flow_id, effect.step_id, effect.what)
    parts.practice.homework_done(turn.tx, effect.flow_id, turn.tx.saved_session_id, effect.called)
    return []


@handles(MarkHomeworkDone)
def homework_done(turn: Turn, state: SessionState, effect: MarkHomeworkDone, parts: Parts) -> list[Reply]:
    turn.tx.record_homework_done(effect.flow_id, effect.step_id)
    parts.practice.homework_done(turn.tx, effect.flow_id, turn.tx.saved_session_id, effect.called)
    return []


@handles(EraseData)
def erase(turn: Turn, state: SessionState, effect: EraseData, parts: Parts) -> list[Reply]:
    parts.practice.forget(turn.tx)  # therapists keep only that it was deleted
    turn.tx.erase()
    return []


@handles(NoteSafety)
def note_safety(turn: Turn, state: SessionState, effect: NoteSafety, parts: Parts) -> list[Reply]:
    turn.tx.note_violence(effect.unsafe)
    return []


@handles(UndoSafety)
def undo_safety(turn: Turn, state: SessionState, effect: UndoSafety, parts: Parts) -> list[Reply]:
    parts.safety.undo(turn.tx, effect)
    return []


@handles(SavePlan)
def save_plan(turn: Turn, state: SessionState, effect: SavePlan, parts: Parts) -> list[Reply]:
    turn.tx.save_plan({k: v if isinstance(v, str) and v.strip() else None for k, v in effect.sections.items()})
    return []


@handles(SetCountry)
def set_country(turn: Turn, state: SessionState, effect: SetCountry, parts: Parts) -> list[Reply]:
    code = str(effect.country or "").upper()
    turn.tx.set_country(code if code in parts.safety.resources else None)
    return []


@handles(SetFollowUps)
def set_followups(turn: Turn, state: SessionState, effect: SetFollowUps, parts: Parts) -> list[Reply]:
    when = effect.when if effect.when in FOLLOWUP_CHOICES else "any"
    local = effect.local_time if isinstance(effect.local_time, str) else None
    turn.tx.set_followups(when, offset_from_clock(local, turn.clock()) if local else None)
    if when == "none":
        turn.tx.cancel_followups(homework=False)  # homework reminders are managed in /sharing
    return []


@handles(Assign)
def assign(turn: Turn, state: SessionState, effect: Assign, parts: Parts) -> list[Reply]:
    return parts.practice.assign(turn.tx, effect)  # the therapist's new link, as a reply


@handles(Share)
def share(turn: Turn, state: SessionState, effect: Share, parts: Parts) -> list[Reply]:
    parts.practice.share(turn.tx, state, effect)
    return []


@handles(ConfirmCrisis)  # the coach reads it from the result: the crisis path follows (`Coach.dispatch`)
@handles(RunCommand)  # the coach reads it from the result and runs the command (`Coach.dispatch`)
@handles(FlowEnded)  # the saved state already carries the outcome
def nothing(turn: Turn, state: SessionState, effect: Any, parts: Parts) -> list[Reply]:
    return []


class Effects:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.check()

    @staticmethod
    def check() -> None:
        """Every effect value class has a handler: fail at start, not in a conversation."""
        for kind in EFFECT_CLASSES:
            if kind not in HANDLERS:
                raise UnhandledEffect(kind.__name__)

    def apply(self, turn: Turn, state: SessionState, effect: Effect) -> list[Reply]:
        handler = HANDLERS.get(type(effect))
        if handler is None:
            raise UnhandledEffect(type(effect).__name__)
        return handler(turn, state, effect, self.parts)
