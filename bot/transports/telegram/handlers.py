"""Handlers: a Telegram update becomes an event, and the event goes to the coach.

Text is `Text`, `/word` a `Command`, a button's data (`step|seq|choice`) a `Choice`; photos,
stickers, voice, files and edits are `Unsupported`. `Coach.process` commits the step with
its replies in the outbox before it returns; then the claimed rows are delivered. An update
whose handling fails is tried again (`failed`); after `MAX_TRIES` the person gets an
apology and it is confirmed and quarantined, so one bad update never holds up the rest."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import metrics
from bot.coach import Coach
from bot.contract import ChatKey, Choice, Command, Event, Handled, Incoming, Text, Unsupported, parse_callback_payload
from bot.transports.telegram.delivery import Sender
from bot.transports.telegram.menu import follow_role
from bot.transports.telegram.offload import soon
from bot.transports.telegram.ordering import AnyApplication

log = logging.getLogger("hedgehog.telegram")

TRANSPORT = "telegram"
DELIVERED_MEMORY = 10_000
MAX_TRIES = 3  # an update that fails this many times is confirmed anyway, with an apology
# Commands that read a person's whole history: always in a worker thread (see `offload`).
READS_HISTORY = frozenset({"export", "progress", "review", "clients", "client"})

# What a person may send that is not text, in words for the "I can only read text" reply.
UNSUPPORTED = (
    (filters.PHOTO, "photos"),
    (filters.Sticker.ALL, "stickers"),
    (filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE, "voice or audio messages"),
    (filters.VIDEO | filters.ANIMATION, "videos"),
    (filters.Document.ALL, "files"),
    (filters.LOCATION | filters.VENUE, "locations"),
    (filters.CONTACT, "contacts"),
    (filters.POLL | filters.Dice.ALL, "polls or dice"),
)
Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


class NotPrivate(TypeHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    """Updates from groups and channels. Deciding in `check_update` keeps private chats'
    updates (nearly all of them) from running a callback just to learn they need nothing."""

    def check_update(self, update: object) -> bool:
        chat = update.effective_chat if isinstance(update, Update) else None
        return chat is not None and chat.type != ChatType.PRIVATE


class Handlers:
    def __init__(self, coach: Coach, application: AnyApplication, sender: Sender) -> None:
        self.coach = coach
        self.app = application
        self.sender = sender
        self.failed: set[int] = set()
        self.tries: dict[int, int] = {}  # update id -> failed tries in this process
        self.quarantined = 0  # updates given up on (also in the quarantined_update table)
        # Update ids this process handled and whose replies arrived (oldest first). Only an
        # optimisation: the database ledger is what makes updates exactly-once.
        self.delivered: dict[int, None] = {}

    def install(self) -> None:
        app = self.app
        app.add_handler(NotPrivate(Update, self._groups), group=-1)
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self._guard(self._edited)))
        app.add_handler(MessageHandler(filters.COMMAND, self._guard(self._command)))
        app.add_handler(MessageHandler(filters.TEXT, self._guard(self._text)))
        app.add_handler(CallbackQueryHandler(self._guard(self._button)))
        for kind_filter, words in UNSUPPORTED:
            app.add_handler(MessageHandler(kind_filter, self._guard(self._unsupported(words))))
        app.add_handler(MessageHandler(filters.ALL, self._guard(self._unsupported("that kind of message"))))
        app.add_error_handler(self._error)

    # ------------------------------------------------------------------ failures

    def _guard(self, callback: Callback) -> Callback:
        """Every handler error is caught here, per update: see `failure`."""

        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            try:
                await callback(update, context)
            except Exception as exc:
                await self.failure(update, exc)

        return guarded

    async def failure(self, update: Update, exc: Exception) -> None:
        """An update whose handling raised. The database away (or busy) is nobody's fault:
        the update is not confirmed and comes again, for as long as it takes. Anything else
        counts as a try; after `MAX_TRIES` the person gets a short apology and the update
        is confirmed, so one bad update never holds up anyone else's, and it is recorded by
        id, kind and error class for the operator (never its text)."""
        update_id, error = update.update_id, type(exc).__name__
        kind = _kind(update)
        if self.coach.transient(exc) or isinstance(exc, NetworkError | RetryAfter):
            log.warning("update failed, will retry", extra={"fields": {"update": update_id, "error": error}})
            metrics.UPDATE_FAILURES.labels(kind, "retry").inc()
            self.failed.add(update_id)
            return
        tries = self.tries.get(update_id, 0) + 1
        self.tries[update_id] = tries
        log.error(
            "update failed", extra={"fields": {"update": update_id, "kind": kind, "error": error, "tries": tries}}
        )
        if tries < MAX_TRIES:
            metrics.UPDATE_FAILURES.labels(kind, "failed").inc()
            self.failed.add(update_id)
            return
        del self.tries[update_id]
        self.quarantined += 1
        metrics.UPDATE_FAILURES.labels(kind, "quarantined").inc()
        log.error(
            "update quarantined",
            extra={"fields": {"update": update_id, "kind": kind, "error": error, "quarantined": self.quarantined}},
        )
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.coach.quarantine, TRANSPORT, update_id, kind, error, tries)
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            with contextlib.suppress(Exception):
                await self.sender.say(chat.id, self.coach.say("sorry").text)

    async def _error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        log.error("update failed", extra={"fields": {"error": type(error).__name__}})

    async def _groups(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Hedgehog is for private chats: in a group it says so once (the database knows
        whether it has, across processes), then stays quiet."""
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.PRIVATE:
            return
        notice = await asyncio.to_thread(self.coach.group_notice, ChatKey(TRANSPORT, str(chat.id)))
        if notice is not None:
            with contextlib.suppress(TelegramError):
                await self.sender.say(chat.id, notice.text)
        raise ApplicationHandlerStop

    # ------------------------------------------------------------------ update -> event

    async def _text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        await self.run(update, Text(_clean(message.text)))

    async def _command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        head, _, argument = _clean(message.text).partition(" ")
        name = head.lstrip("/").split("@", 1)[0].lower()
        await self.run(update, Command(name, argument.strip()))

    def _unsupported(self, words: str) -> Callback:
        async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self.run(update, Unsupported(words))

        return unsupported

    async def _edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.run(update, Unsupported("edited messages"))

    async def _button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        parsed = parse_callback_payload(query.data or "")
        if parsed is None:
            event: Event = Unsupported("that button")
        else:
            step_id, seq, choice_id = parsed
            event = Choice(choice_id, step_id, seq)
        await self.run(update, event, pressed=query, choice_id=parsed[2] if parsed is not None else None)

    # ------------------------------------------------------------------ the one path

    async def run(
        self, update: Update, event: Event, pressed: CallbackQuery | None = None, choice_id: str | None = None
    ) -> str:
        chat = update.effective_chat
        assert chat is not None
        if update.update_id in self.delivered:
            # Redelivered because an earlier update of its batch failed: already done and shown.
            return "delivered"
        key = ChatKey(TRANSPORT, str(chat.id))
        person = update.effective_user
        said = update.message or update.edited_message
        incoming = Incoming(
            key,
            event,
            update.update_id,
            locale=person.language_code if person else None,
            message_id=said.message_id if said is not None and pressed is None else None,
        )
        handled = await self._process(incoming)  # commits (the step and its outbox rows) before returning
        self.sender.crash.at("after-commit")
        if handled.role_changed == "therapist":  # an invite was just redeemed: their menu grows
            with contextlib.suppress(TelegramError):
                await self.sender.send(lambda: follow_role(self.app.bot, chat.id, therapist=True))
        # After a button, three requests and none waits for another: the new messages go
        # out in order, while the spinner is stopped and the pressed message (above them in
        # the chat) is edited to show the choice. Whichever lands first, the chat reads the
        # same, and it only ever reads "choice made, next question" once the state that
        # says so is committed. A press on the old keyboard before its edit lands is a
        # stale button, refused by the engine as ever. The chat's next update waits for all
        # three (the per-chat lock is held until this returns), so they never cross it.
        aside: list[asyncio.Task[None]] = []
        if pressed is not None:
            aside.append(asyncio.ensure_future(self.sender.answer(pressed)))
            if choice_id is not None and isinstance(pressed.message, Message):
                aside.append(asyncio.ensure_future(self.sender.settle_keyboard(pressed, choice_id, handled.moved)))
        try:
            delivered = await self.sender.deliver(key, chat.id, handled.deliveries)
        finally:
            await asyncio.gather(*aside, return_exceptions=True)
        if delivered:
            self.delivered[update.update_id] = None
            while len(self.delivered) > DELIVERED_MEMORY:
                del self.delivered[next(iter(self.delivered))]
        return handled.outcome

    async def _process(self, incoming: Incoming) -> Handled:
        """`Coach.process`, which commits before it returns: at once on SQLite, in a worker
        thread on PostgreSQL and for commands that read a whole history (see `offload`)."""
        event = incoming.event
        reads_history = isinstance(event, Command) and event.name in READS_HISTORY
        return await soon(self.coach, self.coach.process, incoming, at_once=not reads_history)


def _clean(text: str) -> str:
    """A NUL can be typed (or forged) but not stored in PostgreSQL text: it goes."""
    return text.replace("\x00", "")


def _kind(update: Update) -> str:
    """What kind of update it is, for the operator (never what it says)."""
    for kind in ("message", "edited_message", "callback_query", "channel_post", "my_chat_member"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"
