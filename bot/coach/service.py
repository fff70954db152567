"""The coach service: one incoming event of one chat in, the replies to show out.

    transport -> Coach.process(Incoming) -> [safety, engine, storage] -> Handled -> transport

Everything for one event happens in one database transaction that holds the chat's
lock: claim the update id (exactly once), load the session, run the engine, save the
new state, carry out its effects and put its replies in the outbox. After the commit the
transport sends the claimed outbox rows and marks each one sent (`Coach.sending`), so a
crash at any point either loses nothing (the update comes again) or leaves rows that the
redelivered update, the chat's next update or a restart sends.

This module holds the doors and the transaction; the rest is handed this event's `Turn`:
commands (`commands.py`), effects (`effects.py`), follow-ups (`followups.py`), safety
(`safeguards.py`), therapists and homework (`practice.py`).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot import metrics
from bot.coach import followups
from bot.coach.commands import (
    REMINDERS_ASKED_VAR,
    RESTART_ASKED_VAR,
    Asked,
    answer,
    pressed,
    typed_at_reminders,
    typed_at_restart,
)
from bot.coach.effects import Effects, Parts
from bot.coach.practice import Practice
from bot.coach.roles import Roles
from bot.coach.safeguards import Safeguards
from bot.coach.sending import Sending
from bot.coach.turn import Turn
from bot.contract import FOLLOWUP_BUTTON, RESTART_BUTTON, Handled, Incoming, Role, is_service_button
from bot.dialogue.templates import Prompt
from bot.engine.engine import Engine, Result
from bot.engine.state import (
    Choice,
    Command,
    ConfirmCrisis,
    EraseData,
    FlowEnded,
    Reply,
    RunCommand,
    SessionState,
    Text,
)
from bot.features.progress import week_facts
from bot.safety.crisis import detect, speaks_of_ending
from bot.storage import ChatKey, ChatTx, Delivery, DueFollowUp, Store
from bot.storage.therapy import therapist_of

log = logging.getLogger("hedgehog.service")
T = TypeVar("T")

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
    "followup_promise": "system/followup-promise.j2",  # when the look back at a plan comes
    "reminders_list": "system/reminders-list.j2",  # /reminders: what is planned, each to cancel
    "reminder_cancelled": "system/reminder-cancelled.j2",
    "restart_asked": "system/restart-asked.j2",  # /restart: the question first
    "restart_kept": "system/restart-kept.j2",
}
# The exactly-once ledger keeps an update id this long: far past Telegram's 24-hour resends.
# Outbox rows and the tombstones of erasing updates go with it.
LEDGER_KEEP = timedelta(days=7)


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
        self.roles = Roles(engine)  # every flow the coach starts by itself, by its tag
        self.engine = engine
        self.store = store
        self.default_flow = default_flow
        self.clock = clock or (lambda: datetime.now(UTC))
        self.salt = (log_salt or secrets.token_hex(16)).encode()
        self.words: dict[str, Prompt] = {
            key: engine.templates.file_prompt(name) for key, name in SERVICE_PROMPTS.items()
        }
        self.safety = Safeguards(engine, self.roles)  # crisis language, violence gating, escalation, help lines
        self.practice = Practice(engine, self.roles)  # therapists, homework and what clients share
        self.parts = Parts(self.safety, self.practice)
        self.effects = Effects(self.parts)
        self.sending = Sending(store, lambda: self.clock())  # what transports do with the outbox rows

    # ------------------------------------------------------------------ entry points

    def handle(self, incoming: Incoming) -> list[Reply]:
        """`process`, for a caller that shows the replies itself, at once (the terminal, tests)."""
        return self.shown(self.process(incoming))

    def shown(self, handled: Handled) -> list[Reply]:
        """Mark every delivery sent (shown in this process: no message ids); their replies."""
        for delivery in handled.deliveries:
            self.sending.sent(delivery, [])
        return [d.reply for d in handled.deliveries if d.reply is not None]

    def process(self, incoming: Incoming) -> Handled:
        started = time.perf_counter()
        # Typed words are read for crisis language before the transaction begins, so the
        # sentence model's milliseconds hold no lock (on SQLite, the write lock every chat
        # shares). Whether they were free text or a button's label typed out is known only
        # inside; for a label the reading goes unused.
        typed = incoming.event.text if isinstance(incoming.event, Text) else None
        reading = detect(typed) if typed is not None else None
        with self.transaction(incoming.chat) as tx:
            if incoming.update_id is not None and not tx.claim_update(incoming.update_id, incoming.message_id):
                # Handled before (Telegram resent it): change nothing; what it said and was
                # not sent yet goes out below, the rest is not said twice.
                state, done = None, Handled([], "duplicate")
                if tx.was_erased(incoming.update_id):
                    tx.forget_new_chat()  # it erased this chat: it re-creates nothing
                    done = Handled([], "erased-before")
            else:
                state = tx.load_session()
                turn = self.turn(tx, state, incoming.locale)
                event = incoming.event
                free_text = isinstance(event, Text) and not self.engine.names_a_button(state, event.text)
                signal = reading if free_text else None
                if signal is not None:
                    certainty = "certain" if signal.certain else "unsure"
                    for category in signal.categories:
                        metrics.CRISIS.labels(metrics.label(category), certainty).inc()
                if signal is not None and self.safety.acts_on(state, signal):
                    # The grey zone is asked about first.
                    ending = isinstance(event, Text) and speaks_of_ending(event.text)
                    replies = self.safety.crisis(turn, signal, ending=ending)
                    done = Handled(replies, "crisis" if signal.certain else "asked")
                else:
                    done = self.dispatch(turn, event)
                replies = self.safety.support_if_redirected(turn, state, done.replies)
                done = Handled(replies, done.outcome, moved=done.moved, role_changed=done.role_changed)
                tx.queue(replies, incoming.update_id)
            deliveries = tx.claim_outbox()
        self.log(incoming, state, done.outcome, started)
        kind = type(incoming.event).__name__.lower()
        metrics.UPDATES.labels(kind, metrics.label(done.outcome)).inc()
        metrics.STEP_SECONDS.labels(kind).observe(time.perf_counter() - started)
        return Handled(
            done.replies, done.outcome, self.store.claimed(deliveries), moved=done.moved, role_changed=done.role_changed
        )

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
        return counted_due(self.store.due_followups(self.clock(), transport=transport, chat=chat))

    def claim_followups(self, transport: str, limit: int, lease: timedelta) -> list[DueFollowUp]:
        """Due follow-ups leased to this process for `lease` (replicas split the due work),
        oldest first; each is still started once, by `follow_up`."""
        return counted_due(self.store.claim_followups(self.clock(), limit, lease, transport))

    def release_followups(self, ids: list[int]) -> None:
        """Leased follow-ups this process will not start after all (it is stopping): any
        process may take them now."""
        self.store.release_followups(ids)

    def follow_up(self, due: DueFollowUp) -> Handled | None:
        """Start a due follow-up, once even with several processes (`followups.py` has the
        policy: busy people and nights wait; each kind says its own thing)."""
        started = time.perf_counter()
        now = self.clock()
        with self.transaction(due.chat) as tx:
            if due.kind == "menu":  # the operator changed the role: the transport redraws the menu
                if not tx.take_followup(due.id):
                    return None
                role: Role = "therapist" if therapist_of(tx) is not None else "client"
                return Handled([], f"menu-{role}", role_changed=role)
            state = tx.load_session()
            turn = self.turn(tx, state, None)
            wait = followups.wait(turn, due, now)
            kind = metrics.label(due.kind)
            if wait is not None:
                if wait.until is None:
                    tx.take_followup(due.id)  # already doing what it would suggest
                    metrics.FOLLOWUPS.labels(kind, "skipped").inc()
                else:
                    tx.postpone_followup(due.id, wait.until)
                    metrics.FOLLOWUPS.labels(kind, "postponed").inc()
                return None
            if not tx.take_followup(due.id):
                metrics.FOLLOWUPS.labels(kind, "elsewhere").inc()
                return None  # another process sent it
            replies = followups.start(turn, due, self.parts)
            if replies is None:
                return None
            tx.queue(replies)
            deliveries = tx.claim_outbox()
        metrics.FOLLOWUPS.labels(kind, "sent").inc()
        self.log(Incoming(due.chat, Command("follow-up")), state, due.kind, started)
        return Handled(replies, "follow-up", self.store.claimed(deliveries))

    def unsent(self, chat: ChatKey) -> list[Delivery]:
        """The chat's outbox rows nobody is sending, claimed for this process, oldest first."""
        return self.sending.unsent(chat)

    def waiting(self, transport: str) -> list[ChatKey]:
        """Chats with outbox rows nobody is sending."""
        return self.sending.waiting(transport)

    def open(
        self,
        chat: ChatKey,
        flow_id: str | None = None,
        at: str | None = None,
        variables: Mapping[str, Any] | None = None,
    ) -> list[Reply]:
        """Begin a conversation: what a crash left unsent, then a follow-up that fell due
        while away, else resume the open session, or start `flow_id` (or the default).
        With `at`, `flow_id` starts afresh at that step, `variables` set (an author's or a
        transcript's start mid-flow). The replies are taken as shown (the terminal
        prints them at once)."""
        left = self.shown(Handled([], "unsent", self.unsent(chat)))
        if flow_id is None:
            for due in self.due_followups(chat=chat)[:1]:
                handled = self.follow_up(due)
                if handled is not None:
                    return [*left, *self.shown(handled)]
        started = time.perf_counter()
        with self.transaction(chat) as tx:
            state = tx.load_session()
            turn = self.turn(tx, state, None)
            if at is None and state is not None and flow_id in (None, state.flow_id, *(f.flow_id for f in state.stack)):
                result = self.engine.show(state)
                self.save(turn, state, result)
                replies = [self.say("welcome_back", title=self.engine.flow(state.flow_id).title), *result.replies]
                outcome = "resumed"
            elif flow_id is None and state is None and (welcome := self.practice.welcome(tx)):
                replies, outcome = [welcome], "therapist"  # here for their clients: their commands
            else:
                replies = self.begin(
                    turn, state, flow_id or self.default_flow, asked=flow_id is not None, variables=variables, at=at
                )
                outcome = "started"
            tx.queue(replies)
            deliveries = tx.claim_outbox()
        self.log(Incoming(chat, Command("open")), state, outcome, started)
        return [*left, *self.shown(Handled(replies, outcome, self.store.claimed(deliveries)))]

    def peek(self, chat: ChatKey) -> SessionState | None:
        """The chat's open session, read-only (for tests and tools)."""
        with self.transaction(chat) as tx:
            return tx.load_session()

    # ------------------------------------------------------------------ for transports

    @property
    def local(self) -> bool:
        """Work here is local and short (SQLite): a transport may `try_now` on its event loop."""
        return self.store.local

    def try_now(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` at once, if its transaction can begin without waiting; otherwise
        `Busy` is raised as it begins, before anything was read or written, and the caller
        runs it where waiting is fine (a worker thread). See `Store.at_once`."""
        with self.store.at_once():
            return work(*args)

    def schema(self) -> tuple[str | None, str]:
        """The database's schema revision and the newest this Hedgehog knows; raises when
        the database does not answer (for a readiness check)."""
        return self.store.schema()

    def transient(self, exc: BaseException) -> bool:
        """The database is away or busy: worth trying the same thing again later."""
        return self.store.transient(exc)

    def quarantine(self, transport: str, update_id: int, kind: str, error: str, tries: int) -> None:
        """Record an update given up on (by id, kind and error class; never its text)."""
        self.store.quarantine(transport, update_id, kind, error, tries, self.clock())

    def write_links(self, link: Callable[[str], str]) -> None:
        """How a homework link is written on this transport (a t.me deep link on Telegram)."""
        self.practice.link = link

    # ------------------------------------------------------------------ inside the transaction

    def turn(self, tx: ChatTx, state: SessionState | None, locale: str | None) -> Turn:
        """This event's turn, handed to the helpers instead of the coach."""
        return Turn(tx, state, locale, self.clock, self.engine, self.roles, self)

    @contextmanager
    def turn_of(self, chat: ChatKey, locale: str | None = None) -> Iterator[Turn]:
        """A turn in the chat's own transaction (for tests and tools)."""
        with self.transaction(chat) as tx:
            yield self.turn(tx, tx.load_session(), locale)

    def dispatch(self, turn: Turn, event: Text | Choice | Command | Any) -> Handled:
        tx = turn.tx
        state = self.safety.refresh(tx, turn.state)  # `not_safe` as it stands now
        # The coach's own questions (/restart's, the /reminders list) open over a session: the
        # session remembers them until the next event, which answers them in words or passes.
        restart_open = state is not None and state.vars.get(RESTART_ASKED_VAR) == state.seq
        listed = state is not None and state.vars.get(REMINDERS_ASKED_VAR) == state.seq
        if state is not None and (RESTART_ASKED_VAR in state.vars or REMINDERS_ASKED_VAR in state.vars):
            marks = (RESTART_ASKED_VAR, REMINDERS_ASKED_VAR)
            state = replace(state, vars={k: v for k, v in state.vars.items() if k not in marks})
            tx.save_session(state)
        if isinstance(event, Text):
            asked = Asked(turn, state, Command("restart"), self.parts, self.default_flow)
            typed = typed_at_restart(asked, event.text) if restart_open else None
            if typed is None and (listed or state is None):
                typed = typed_at_reminders(replace(asked, event=Command("reminders")), event.text, listed)
            if typed is not None:
                return typed
        if isinstance(event, Choice) and is_service_button(event):
            if event.step_id and event.step_id.startswith((FOLLOWUP_BUTTON, RESTART_BUTTON)):
                shown_by = Command("restart" if event.step_id.startswith(RESTART_BUTTON) else "reminders")
                return pressed(Asked(turn, state, shown_by, self.parts, self.default_flow), event)
            return self.practice.command(turn, state, event)
        if isinstance(event, Command) and event.name != "skip":
            state = self.past_suggestion(turn, state)
            return answer(Asked(turn, state, event, self.parts, self.default_flow))
        if state is None:
            kind = "button" if isinstance(event, Choice) else "text" if isinstance(event, Text) else "other"
            return Handled([self.say("no_session", kind=kind)], "no-session")
        result = self.engine.handle(state, event, self.safety.redirect(tx), surface=tx.key.transport)
        extra = self.save(turn, state, result)
        run = next((e for e in result.effects if isinstance(e, RunCommand)), None)
        if run is not None:
            # "Did you mean /break?" "yes": the command, as if typed right. The question that was
            # open comes back through the command (shown again, or resumed after it).
            said = [r for r in result.replies if r.step_id is None]
            now = result.state if result.state.status == "active" else None
            done = answer(Asked(turn, now, Command(str(run.name)), self.parts, self.default_flow))
            return Handled([*said, *extra, *done.replies], done.outcome, moved=True, role_changed=done.role_changed)
        confirmed = next((e for e in result.effects if isinstance(e, ConfirmCrisis)), None)
        if confirmed is not None:
            # Danger, in answer to the clarifying question: the crisis path, not the old question.
            said = [r for r in result.replies if r.step_id is None]
            return Handled([*said, *self.safety.confirmed(turn, result.state, confirmed)], "crisis")
        measured = {m.flow_id for m in self.roles.measures}
        if any(isinstance(e, FlowEnded) and e.flow_id in measured for e in result.effects):
            return Handled(
                ahead_of_question(result.replies, [*extra, *self.safety.escalation(turn)]), "moved", moved=True
            )
        if any(isinstance(e, EraseData) for e in result.effects):
            # Everything is gone, including the session a question would belong to.
            return Handled([r for r in result.replies if r.step_id is None], "erased")
        ended, offer = result.state, self.roles.offer
        if (
            ended.flow_id == self.roles["homework-offer"]
            and ended.status != "active"
            and ended.vars.get(offer.start_now) == "now"
        ):
            # They agreed and want to begin now: the homework itself starts.
            assigned = str(ended.vars[offer.flow])
            extra = [*extra, *self.begin(turn, None, assigned, asked=True)]
            self.practice.started(tx, ended.vars.get(offer.assignment), assigned)
        moved = result.moved
        return Handled(ahead_of_question(result.replies, extra), "moved" if moved else "stayed", moved=moved)

    def past_suggestion(self, turn: Turn, state: SessionState | None) -> SessionState | None:
        """A command sent while "Did you mean /break?" is open answers it: the question goes,
        and the command applies to what was open before it."""
        if state is None or state.flow_id != self.roles["did-you-mean"]:
            return state
        below = self.engine.dismiss(state)
        if below is None:
            turn.tx.end_session("stopped")
        else:
            turn.tx.save_session(below)
        return below

    def begin(
        self,
        turn: Turn,
        current: SessionState | None,
        flow_id: str,
        quiet: bool = False,
        asked: bool = False,
        variables: Mapping[str, Any] | None = None,
        at: str | None = None,
    ) -> list[Reply]:
        """Start `flow_id` (at its step `at`, if given), closing any open session first (its
        answers stay saved). Someone new meets onboarding first, unless a particular flow was asked for by name (a
        terminal's --flow, a therapist's link). Flows for therapists start only for one;
        the homework offer only from a link (`variables` carries the assignment)."""
        tx = turn.tx
        if flow_id in self.practice.therapist_flows and therapist_of(tx) is None:
            return [self.practice.say("therapist_only", name=flow_id)]
        if flow_id == self.roles["homework-offer"] and not variables:
            return [self.practice.say("link_invalid", reason="unknown")]
        replies: list[Reply] = []
        onboarding = self.roles["onboarding"]
        if (
            not asked and current is None and not tx.has_event("entry", onboarding) and therapist_of(tx) is None
        ):  # therapists are here for their clients
            flow_id = onboarding
        if current is not None:
            tx.end_session("stopped")
            if not quiet and current.flow_id != flow_id:
                replies.append(self.say("switched", title=self.engine.flow(current.flow_id).title))
        variables = {**self.facts(turn, flow_id), **(variables or {})}
        result = self.engine.start(
            flow_id, variables, seq=current.seq if current else 0, redirect=self.safety.redirect(tx), at=at
        )
        self.save(turn, None, result)
        return [*replies, *result.replies]

    def facts(self, turn: Turn, flow_id: str) -> dict[str, Any]:
        """What a flow is started with from the person's own records (their week, for the
        weekly review); nothing for most flows."""
        facts = self.safety.facts(turn, flow_id)
        if flow_id != self.roles["weekly-review"]:
            return facts
        roles = self.roles
        week = week_facts(roles.count(turn.tx.journal()), self.clock(), roles.titles, roles.pull_labels)
        return {**facts, roles.week_facts: week}

    def save(self, turn: Turn, before: SessionState | None, result: Result) -> list[Reply]:
        """Store the new state and carry out its effects; replies some effects add (a
        therapist's new homework link)."""
        if result.state != before:
            turn.tx.save_session(result.state)
        extra: list[Reply] = []
        for effect in result.effects:
            extra.extend(self.effects.apply(turn, result.state, effect))
        return extra

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


def ahead_of_question(replies: list[Reply], said: list[Reply]) -> list[Reply]:
    """What effects said (a promise, a notice), put before the question the person is to
    answer next, so that question stays last on the screen; after everything when the
    replies end without one, or when what was said asks something itself."""
    if said and replies and replies[-1].expects != "nothing" and all(r.expects == "nothing" for r in said):
        return [*replies[:-1], *said, replies[-1]]
    return [*replies, *said]


def counted_due(due: list[DueFollowUp]) -> list[DueFollowUp]:
    """Due follow-ups, each counted as due in the metrics."""
    for row in due:
        metrics.FOLLOWUPS.labels(metrics.label(row.kind), "due").inc()
    return due
