"""The coach service: one incoming event of one chat in, the replies to show out.

    transport -> Coach.handle(Incoming) -> [engine, storage] -> list[Reply] -> transport

Everything for one event happens in one database transaction that holds the chat's
lock: claim the update id (exactly once), load the session, run the engine, save the
new state, carry out its effects and put its replies in the outbox. After the commit the
transport sends the claimed outbox rows and marks each one sent, so a crash at any point
either loses nothing (the update comes again) or leaves rows that the redelivered update,
the chat's next update or a restart sends.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.chart import progress_png
from bot.dialogue.templates import Prompt
from bot.engine.engine import Engine, Result
from bot.engine.state import (
    Assign,
    Attachment,
    Choice,
    Command,
    ConfirmCrisis,
    Effect,
    EraseData,
    Event,
    FlowEnded,
    MarkHomeworkDone,
    NoteSafety,
    RecordAnswer,
    RecordJournal,
    Reply,
    SavePlan,
    ScheduleFollowUp,
    SessionState,
    SetCountry,
    SetFollowUps,
    Share,
    Text,
    UndoSafety,
)
from bot.export import export_files
from bot.progress import summarize, week_facts
from bot.safeguards import PLAN_FLOW, Safeguards
from bot.safety.crisis import detect
from bot.schedule import due_time, offset_from_clock, quiet_until
from bot.storage import ChatKey, ChatTx, Delivery, DueFollowUp, Store
from bot.storage.therapy import therapist_of
from bot.therapy import HOMEWORK_FLOW, Practice

log = logging.getLogger("hedgehog.service")

# Words the service says itself (commands and the space between flows).
SERVICE_PROMPTS = {
    "help": "system/help.j2",
    "stopped": "system/stopped.j2",
    "welcome_back": "system/welcome-back.j2",
    "no_session": "system/no-session.j2",
    "unknown_command": "system/unknown-command.j2",
    "switched": "system/switched.j2",
    "private_only": "system/private-only.j2",
    "crisis": "system/crisis.j2",
    "sos": "system/sos.j2",
    "followup": "system/followup.j2",
    "export": "system/export.j2",
    "escalation": "system/escalation.j2",
    "progress": "system/progress.j2",
    "sorry": "system/sorry.j2",  # a message that failed every time it was tried
}
DELETE_FLOW = "delete"
ONBOARDING_FLOW = "onboarding"  # a new person's first conversation; ends with an "onboarding" entry
SAFETY_FLOW = "safety-review"  # /safety: see or change what was noted
# A follow-up does not interrupt someone who was busy in the bot this recently...
BUSY_WINDOW = timedelta(hours=2)
# ...it waits this long and tries again.
POSTPONE = timedelta(minutes=30)
# The exactly-once ledger keeps an update id this long: far past Telegram's 24-hour resends.
# Outbox rows and the tombstones of erasing updates go with it.
LEDGER_KEEP = timedelta(days=7)
# /hide: Telegram lets a bot delete messages of a private chat for 48 hours; a margin.
HIDE_WINDOW = timedelta(hours=47)
REMINDERS_FLOW = "reminders"  # /reminders: when the bot's check-ins are welcome
COUNTRY_FLOW = "country"  # /country: whose help lines the person sees
REVIEW_FLOW = "weekly-review"  # started with the person's last seven days as its wk_* variables



@dataclass(frozen=True, slots=True)
class Incoming:
    chat: ChatKey
    event: Event
    update_id: int | None = None
    locale: str | None = None  # e.g. Telegram's language_code "en-GB": picks crisis lines
    message_id: int | None = None  # the person's own message on Telegram (for /hide)

@dataclass(frozen=True, slots=True)
class Handled:
    """What became of an event: the replies it made, an outcome for transports and logs
    (moved, stayed (re-asked), duplicate, started, resumed, stopped, help, no-session, ...),
    and what to send now: the chat's claimed outbox rows, oldest first (anything left
    unsent before, then these replies; for a duplicate, whatever of it is still unsent)."""

    replies: list[Reply]
    outcome: str
    deliveries: list[Delivery] = field(default_factory=list)


class Coach:
    def __init__(
        self,
        engine: Engine,
        store: Store,
        default_flow: str = "checkin",
        clock: Callable[[], datetime] | None = None,
        log_salt: str | None = None,
    ) -> None:
        engine.flow(default_flow)  # fail at start, not at a person's first message
        engine.flow(DELETE_FLOW)
        engine.flow(ONBOARDING_FLOW)
        engine.flow(SAFETY_FLOW)
        engine.flow(REVIEW_FLOW)
        engine.flow(COUNTRY_FLOW)
        engine.flow(REMINDERS_FLOW)
        self.engine = engine
        self.store = store
        self.default_flow = default_flow
        self.clock = clock or (lambda: datetime.now(UTC))
        self.salt = (log_salt or secrets.token_hex(16)).encode()
        self.words: dict[str, Prompt] = {
            key: engine.templates.file_prompt(name) for key, name in SERVICE_PROMPTS.items()
        }
        self.safety = Safeguards(self)  # crisis language, violence gating, escalation, help lines
        self.practice = Practice(self)  # therapists, homework and what clients share

    # ------------------------------------------------------------------ entry points

    def handle(self, incoming: Incoming) -> list[Reply]:
        """`process`, for a caller that shows the replies itself, at once (the terminal, tests)."""
        return self.shown(self.process(incoming))

    def shown(self, handled: Handled) -> list[Reply]:
        """Mark every delivery sent (shown in this process: no message ids); their replies."""
        for delivery in handled.deliveries:
            self.store.outbox_sent(delivery, [], self.clock())
        return [d.reply for d in handled.deliveries if d.reply is not None]

    def process(self, incoming: Incoming) -> Handled:
        started = time.perf_counter()
        outcome = "ok"
        with self.transaction(incoming.chat) as tx:
            if incoming.update_id is not None and not tx.claim_update(incoming.update_id, incoming.message_id):
                # Handled before (Telegram resent it): change nothing; what it said and was
                # not sent yet goes out below, the rest is not said twice.
                state, replies, outcome = None, [], "duplicate"
                if tx.was_erased(incoming.update_id):
                    tx.forget_new_chat()  # it erased this chat: it re-creates nothing
                    outcome = "erased-before"
            else:
                state = tx.load_session()
                event = incoming.event
                free_text = isinstance(event, Text) and not self.engine.names_a_button(state, event.text)
                signal = detect(event.text) if free_text and isinstance(event, Text) else None
                if signal is not None:
                    replies = self.safety.crisis(tx, state, signal, incoming.locale)
                    outcome = "crisis" if signal.certain else "asked"  # the grey zone: asked first
                else:
                    replies, outcome = self.dispatch(tx, state, incoming.event, incoming.locale)
                replies = self.safety.support_if_redirected(tx, state, replies, incoming.locale)
                tx.queue(replies, incoming.update_id)
            deliveries = tx.claim_outbox()
        self.log(incoming, state, outcome, started)
        return Handled(replies, outcome, self.store.claimed(deliveries))

    def group_notice(self, chat: ChatKey) -> Reply | None:
        """The words for a group the bot was added to, the first time only; afterwards None."""
        with self.transaction(chat) as tx:
            first = tx.created
        return self.say("private_only") if first else None

    def blocked(self, chat: ChatKey) -> None:
        """The person blocked the bot: nothing more is sent or scheduled for them."""
        with self.transaction(chat) as tx:
            tx.deactivate()
        self.log(Incoming(chat, Command("blocked")), None, "blocked", time.perf_counter())

    def transaction(self, chat: ChatKey) -> AbstractContextManager[ChatTx]:
        """The chat's transaction, stamped with the coach's clock (one clock for everything)."""
        return self.store.chat(chat, self.clock())

    def forget_old_updates(self) -> int:
        """Drop ledger entries Telegram can no longer resend (it keeps updates for 24
        hours); how many went."""
        return self.store.prune_processed(self.clock() - LEDGER_KEEP)

    def due_followups(self, transport: str | None = None, chat: ChatKey | None = None) -> list[DueFollowUp]:
        return self.store.due_followups(self.clock(), transport=transport, chat=chat)

    def follow_up(self, due: DueFollowUp) -> Handled | None:
        """Start a due follow-up, once even with several processes. Someone busy in the bot
        within the last two hours is not interrupted: it waits half an hour. Otherwise it
        runs on top of any old, open session, which resumes when the follow-up ends."""
        started = time.perf_counter()
        now = self.clock()
        with self.transaction(due.chat) as tx:
            if due.kind == "menu":  # the operator changed the role: the transport redraws the menu
                if not tx.take_followup(due.id):
                    return None
                return Handled([], "menu-therapist" if therapist_of(tx) is not None else "menu-client")
            state = tx.load_session()
            busy = tx.session_updated_at is not None and now - tx.session_updated_at < BUSY_WINDOW
            if state is not None and busy:
                if state.flow_id == due.target_flow:
                    tx.take_followup(due.id)  # already doing what it would suggest
                else:
                    tx.postpone_followup(due.id, now + POSTPONE)
                return None
            night_ends = quiet_until(now, tx.timezone) if tx.followups == "daytime" else None
            if night_ends is not None:
                tx.postpone_followup(due.id, night_ends)  # not at night: first thing in their morning
                return None
            if not tx.take_followup(due.id):
                return None  # another process sent it
            if due.kind == "notice":
                notice = self.practice.notice(tx, due)
                replies = [notice] if notice else []
            elif due.kind == "homework":
                reminder = self.practice.reminder(tx, due)
                if reminder is None:
                    return None  # the homework is over: nothing to remind
                assignment, words = reminder
                result = self.engine.interrupt(state, due.target_flow, redirect=self.safety.redirect(tx))
                self.save(tx, state, result)
                self.practice.started(tx, assignment.id, due.target_flow)
                self.practice.schedule_reminder(tx, [assignment], assignment.id)
                replies = [Reply(text=words), *result.replies]
            else:
                facts = self.facts(tx, due.target_flow)
                result = self.engine.interrupt(state, due.target_flow, facts, redirect=self.safety.redirect(tx))
                self.save(tx, state, result)
                source = self.engine.flow(due.source_flow).title if due.source_flow in self.engine.flows else ""
                replies = [self.say("followup", source=source, target=due.target_flow), *result.replies]
            tx.queue(replies)
            deliveries = tx.claim_outbox()
        self.log(Incoming(due.chat, Command("follow-up")), state, due.kind, started)
        return Handled(replies, "follow-up", self.store.claimed(deliveries))

    def unsent(self, chat: ChatKey) -> list[Delivery]:
        """The chat's outbox rows nobody is sending (a crash left them, or a send failed),
        claimed for this process, oldest first."""
        return self.store.claim_outbox(chat, self.clock())

    def waiting(self, transport: str) -> list[ChatKey]:
        """Chats with outbox rows nobody is sending."""
        return self.store.outbox_waiting(self.clock(), transport)

    def open(self, chat: ChatKey, flow_id: str | None = None) -> list[Reply]:
        """Begin a conversation: what a crash left unsent, then a follow-up that fell due
        while away, else resume the open session, or start `flow_id` (or the default).
        The replies are taken as shown (the terminal prints them at once)."""
        left = self.shown(Handled([], "unsent", self.unsent(chat)))
        if flow_id is None:
            for due in self.due_followups(chat=chat)[:1]:
                handled = self.follow_up(due)
                if handled is not None:
                    return [*left, *self.shown(handled)]
        started = time.perf_counter()
        with self.transaction(chat) as tx:
            state = tx.load_session()
            if state is not None and flow_id in (None, state.flow_id, *(f.flow_id for f in state.stack)):
                result = self.engine.show(state)
                self.save(tx, state, result)
                replies = [self.say("welcome_back", title=self.engine.flow(state.flow_id).title),
                           *result.replies]
                outcome = "resumed"
            elif flow_id is None and state is None and (welcome := self.practice.welcome(tx)):
                replies, outcome = [welcome], "therapist"  # here for their clients: their commands
            else:
                replies = self.begin(tx, state, flow_id or self.default_flow, asked=flow_id is not None)
                outcome = "started"
            tx.queue(replies)
            deliveries = tx.claim_outbox()
        self.log(Incoming(chat, Command("open")), state, outcome, started)
        return [*left, *self.shown(Handled(replies, outcome, self.store.claimed(deliveries)))]

    def peek(self, chat: ChatKey) -> SessionState | None:
        """The chat's open session, read-only (for tests and tools)."""
        with self.transaction(chat) as tx:
            return tx.load_session()

    # ------------------------------------------------------------------ inside the transaction

    def dispatch(
        self, tx: ChatTx, state: SessionState | None, event: Event, locale: str | None = None
    ) -> tuple[list[Reply], str]:
        state = self.safety.refresh(tx, state)  # `not_safe` as it stands now
        if isinstance(event, Command) and event.name == "sos":
            where = self.engine.show(state).replies if state else []
            return [self.safety.sos(tx, locale), *where], "sos"
        if isinstance(event, Command) and event.name == "plan":
            result = self.engine.interrupt(state, PLAN_FLOW, self.safety.facts(tx, PLAN_FLOW, locale))
            self.save(tx, state, result)
            return result.replies, "plan"
        if isinstance(event, Command | Choice) and self.practice.handles(event):
            done = self.practice.command(tx, state, event)
            return done.replies, done.outcome
        if isinstance(event, Command) and event.name != "skip":
            return self.command(tx, state, event)
        if state is None:
            kind = "button" if isinstance(event, Choice) else "text" if isinstance(event, Text) else "other"
            return [self.say("no_session", kind=kind)], "no-session"
        result = self.engine.handle(state, event, self.safety.redirect(tx))
        extra = self.save(tx, state, result)
        confirmed = next((e for e in result.effects if isinstance(e, ConfirmCrisis)), None)
        if confirmed is not None:
            # Danger, in answer to the clarifying question: the crisis path, not the old question.
            said = [r for r in result.replies if r.step_id is None]
            return [*said, *self.safety.confirmed(tx, result.state, confirmed, locale)], "crisis"
        if any(isinstance(e, FlowEnded) and e.flow_id == "checkin" for e in result.effects):
            return [*result.replies, *extra, *self.safety.escalation(tx, locale)], "moved"
        if any(isinstance(e, EraseData) for e in result.effects):
            # Everything is gone, including the session a question would belong to.
            return [r for r in result.replies if r.step_id is None], "erased"
        ended = result.state
        if ended.flow_id == HOMEWORK_FLOW and ended.status != "active" and ended.vars.get("hw_start") == "now":
            # They agreed and want to begin now: the homework itself starts.
            extra = [*extra, *self.begin(tx, None, str(ended.vars["hw_flow"]), asked=True)]
            self.practice.started(tx, ended.vars.get("hw_id"), str(ended.vars["hw_flow"]))
        return [*result.replies, *extra], "moved" if result.moved else "stayed"

    def command(self, tx: ChatTx, state: SessionState | None, event: Command) -> tuple[list[Reply], str]:
        name = event.name
        if name == "help":
            return [self.say("help", active=state is not None, therapist=therapist_of(tx) is not None)], "help"
        if name in ("start", "resume"):
            if state is None:
                if name == "resume":
                    return [self.say("no_session", kind="resume")], "no-session"
                welcome = self.practice.welcome(tx)
                if welcome is not None:
                    return [welcome], "therapist"
                return self.begin(tx, None, self.default_flow), "started"
            result = self.engine.show(state)
            self.save(tx, state, result)
            title = self.engine.flow(result.state.flow_id).title
            return [self.say("welcome_back", title=title), *result.replies], "resumed"
        if name == "export":
            data = {**tx.export(), **self.practice.export(tx)}
            files = export_files(data, {f: self.engine.flow(f).title for f in self.engine.flows}, self.clock())
            return [Reply(text=self.words["export"].render({}), attachments=files)], "exported"
        if name == "progress":
            summary = summarize(tx.journal(), self.clock())
            where = self.engine.show(state).replies if state else []
            chart = progress_png(summary)
            text = self.words["progress"].render({"progress": summary})
            files = (Attachment("progress.png", chart, "image/png"),) if chart else ()
            return [Reply(text=text, attachments=files), *where], "progress"
        if name == "safety":
            result = self.engine.interrupt(state, SAFETY_FLOW, {"violence_noted": tx.violence_noted})
            self.save(tx, state, result)
            return result.replies, "safety-review"
        if name == "reminders":
            result = self.engine.interrupt(state, REMINDERS_FLOW, {"current": tx.followups})
            self.save(tx, state, result)
            return result.replies, "reminders"
        if name == "country":
            result = self.engine.interrupt(state, COUNTRY_FLOW)
            self.save(tx, state, result)
            return result.replies, "country"
        if name == "delete":
            result = self.engine.interrupt(state, DELETE_FLOW)
            self.save(tx, state, result)
            return result.replies, "delete-asked"
        if name == "hide":
            # Quick exit: the chat's recent messages, theirs and the bot's, go from the
            # screen (the data stays: /delete is for that). Nothing is said after it.
            tx.queue_delete(tx.recent_messages(self.clock() - HIDE_WINDOW), tx.update_id)
            return [], "hidden"
        if name == "checkin":
            return self.begin(tx, state, "checkin"), "started"
        if name == "review":
            return self.begin(tx, state, REVIEW_FLOW), "started"
        if name == "restart":
            flow_id = state.stack[0].flow_id if state and state.stack else state.flow_id if state else None
            return self.begin(tx, state, flow_id or self.default_flow, quiet=True), "restarted"
        if name == "stop":
            cancelled = tx.cancel_followups(homework=False)
            if state is None:
                return [self.say("no_session", kind="stop", cancelled=cancelled)], "no-session"
            tx.end_session("stopped")
            title = self.engine.flow(state.flow_id).title
            return [self.say("stopped", title=title, cancelled=cancelled)], "stopped"
        where = self.engine.show(state).replies if state else []
        return [self.say("unknown_command", name=name), *where], "unknown-command"

    def begin(
        self, tx: ChatTx, current: SessionState | None, flow_id: str, quiet: bool = False, asked: bool = False,
        variables: Mapping[str, Any] | None = None,
    ) -> list[Reply]:
        """Start `flow_id`, closing any open session first (its answers stay saved). Someone
        new meets onboarding first, unless a particular flow was asked for by name (a
        terminal's --flow, a therapist's link). Flows for therapists start only for one;
        the homework offer only from a link (`variables` carries the assignment)."""
        if flow_id in self.practice.therapist_flows and therapist_of(tx) is None:
            return [self.practice.say("therapist_only", name=flow_id)]
        if flow_id == HOMEWORK_FLOW and not variables:
            return [self.practice.say("link_invalid", reason="unknown")]
        replies: list[Reply] = []
        if (not asked and current is None and not tx.has_event("entry", ONBOARDING_FLOW)
                and therapist_of(tx) is None):  # therapists are here for their clients
            flow_id = ONBOARDING_FLOW
        if current is not None:
            tx.end_session("stopped")
            if not quiet and current.flow_id != flow_id:
                replies.append(self.say("switched", title=self.engine.flow(current.flow_id).title))
        variables = {**self.facts(tx, flow_id), **(variables or {})}
        result = self.engine.start(
            flow_id, variables, seq=current.seq if current else 0, redirect=self.safety.redirect(tx)
        )
        self.save(tx, None, result)
        return [*replies, *result.replies]

    def facts(self, tx: ChatTx, flow_id: str) -> dict[str, Any]:
        """What a flow is started with from the person's own records (their week, for the
        weekly review); nothing for most flows."""
        facts = self.safety.facts(tx, flow_id)
        return {**facts, **week_facts(tx.journal(), self.clock())} if flow_id == REVIEW_FLOW else facts

    def save(self, tx: ChatTx, before: SessionState | None, result: Result) -> list[Reply]:
        """Store the new state and carry out its effects; replies some effects add (a
        therapist's new homework link)."""
        if result.state != before:
            tx.save_session(result.state)
        extra: list[Reply] = []
        for effect in result.effects:
            if isinstance(effect, Assign):
                extra.extend(self.practice.assign(tx, effect))
            elif isinstance(effect, Share):
                self.practice.share(tx, result.state, effect)
            else:
                self.apply(tx, effect)
        return extra

    def apply(self, tx: ChatTx, effect: Effect) -> None:
        if isinstance(effect, RecordAnswer):
            tx.record_answer(effect.flow_id, effect.step_id, effect.variable, effect.value)
        elif isinstance(effect, RecordJournal):
            tx.record_entry(effect.flow_id, effect.step_id, effect.entry, effect.values)
        elif isinstance(effect, ScheduleFollowUp):
            if tx.followups == "none" and self.engine.flow(effect.target_flow).tags.get("opt-in") is not True:
                return  # they asked for no follow-ups (an opt-in one they just said yes to)
            now = self.clock()
            due = due_time(effect.after, now, tx.timezone)
            tx.schedule_followup(
                source_flow=effect.flow_id,
                source_step=effect.step_id,
                target_flow=effect.target_flow,
                due_at=due,
                # One prompt of a flow per moment, whichever steps asked for it: every
                # check-in of a week asks for that Sunday's review, and it comes once.
                dedupe_key=f"{tx.chat_id}:{effect.target_flow}:{due:%Y%m%d%H%M}",
            )
        elif isinstance(effect, MarkHomeworkDone):
            tx.record_homework_done(effect.flow_id, effect.step_id)
            self.practice.homework_done(tx, effect.flow_id, tx.saved_session_id, effect.called)
        elif isinstance(effect, EraseData):
            self.practice.forget(tx)  # therapists keep only that it was deleted
            tx.erase()
        elif isinstance(effect, NoteSafety):
            tx.note_violence(effect.unsafe)
        elif isinstance(effect, UndoSafety):
            self.safety.undo(tx, effect)
        elif isinstance(effect, SavePlan):
            tx.save_plan({k: v if isinstance(v, str) and v.strip() else None for k, v in effect.sections.items()})
        elif isinstance(effect, SetCountry):
            code = str(effect.country or "").upper()
            tx.set_country(code if code in self.safety.resources else None)
        elif isinstance(effect, SetFollowUps):
            when = effect.when if effect.when in ("any", "daytime", "none") else "any"
            local = effect.local_time if isinstance(effect.local_time, str) else None
            tx.set_followups(when, offset_from_clock(local, self.clock()) if local else None)
            if when == "none":
                tx.cancel_followups(homework=False)  # homework reminders are managed in /sharing
        # FlowEnded: the saved state already carries the outcome.

    # ------------------------------------------------------------------ words and logs

    def say(self, key: str, **context: Any) -> Reply:
        return Reply(text=self.words[key].render(context))

    def log(self, incoming: Incoming, state: SessionState | None, outcome: str, started: float) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        fields: Mapping[str, Any] = {
            "chat": self.chat_hash(incoming.chat),
            "event": type(incoming.event).__name__.lower(),
            "flow": state.flow_id if state else "-",
            "step": state.step_id if state else "-",
            "outcome": outcome,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        log.info("update", extra={"fields": fields})

    def chat_hash(self, chat: ChatKey) -> str:
        digest = hashlib.blake2b(f"{chat.transport}:{chat.address}".encode(), key=self.salt[:64], digest_size=6)
        return digest.hexdigest()
