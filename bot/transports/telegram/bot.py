"""`TelegramBot`: updates in, replies out, confirmed only after commit.

Handlers turn an update into an event and call `Coach.process`, which commits the step
with its replies in the outbox; `deliver` sends the claimed outbox rows in order with
retries and marks each one sent right after Telegram took it; `poll` moves the
`getUpdates` offset past a batch only once it is processed. An update whose handling
fails is tried again, and after `MAX_TRIES` the person gets an apology and it is
confirmed and quarantined. The background loops (`dispatch_followups`, `resend_outbox`)
start what fell due and send what a crash or a failed send left, and survive any error."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from telegram import CallbackQuery, InputFile, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.coach import Coach
from bot.contract import Handled, Incoming
from bot.dialogue.model import parse_callback_payload
from bot.engine.state import Choice, Command, Event, Text, Unsupported
from bot.storage import ChatKey, Delivery
from bot.storage.store import Busy
from bot.transports.telegram.menu import follow_role
from bot.transports.telegram.render import escape, keyboard, split_text, with_progress

log = logging.getLogger("hedgehog.telegram")

POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open
SEND_ATTEMPTS = 5  # network errors and 5xx: tries before giving up on a message
DELIVERED_MEMORY = 10_000
FOLLOWUP_INTERVAL = 30.0  # seconds between looks for follow-ups that fell due
PRUNE_EVERY = 120  # rounds of that loop (an hour) between clearing out the exactly-once ledger
RESEND_INTERVAL = 2.0  # seconds between looks for outbox rows nobody is sending
RETRY_SEND = timedelta(seconds=30)  # a reply Telegram would not take (down, 5xx) is tried again after this
MAX_SEND_ATTEMPTS = 12  # claims of one outbox row before it is given up
MAX_TRIES = 3  # an update that fails this many times is confirmed anyway, with an apology
LOOP_BACKOFF_CAP = 300.0  # seconds: the longest a failing background loop waits before trying again
TRANSPORT = "telegram"
T = TypeVar("T")


@dataclass
class LoopHealth:
    """How a background loop is doing, for a readiness check: when it last got through a
    round, and how many rounds in a row have failed since."""

    last_success: float | None = None  # time.time()
    failures: int = 0
    last_error: str | None = None


# Commands that read a person's whole history (see `TelegramBot._process`).
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



# ---------------------------------------------------------------------------- ordering


class PerChatProcessor(BaseUpdateProcessor):
    """Different chats at once; one chat's updates strictly one after another."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self.hold(chat.id):
            await coroutine

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        """The chat's turn: its updates, follow-ups and resends never overlap."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        try:
            async with lock:
                yield
        finally:
            if not lock.locked() and self._locks.get(chat_id) is lock:
                del self._locks[chat_id]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class _NotPrivate(TypeHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    """Updates from groups and channels. Deciding in `check_update` keeps private chats'
    updates (nearly all of them) from running a callback just to learn they need nothing."""

    def check_update(self, update: object) -> bool:
        chat = update.effective_chat if isinstance(update, Update) else None
        return chat is not None and chat.type != ChatType.PRIVATE


# ---------------------------------------------------------------------------- the bot


class TelegramBot:
    def __init__(
        self, coach: Coach, application: Application, crash_at: str | None = None,  # type: ignore[type-arg]
    ) -> None:
        self.coach = coach
        self.app = application
        self.failed: set[int] = set()
        self.tries: dict[int, int] = {}  # update id -> failed tries in this process
        self.quarantined = 0  # updates given up on (also in the quarantined_update table)
        self.skipped = 0  # updates python-telegram-bot could not read at all
        # Background loops by name: a readiness check reports one that keeps failing.
        self.health: dict[str, LoopHealth] = {"followups": LoopHealth(), "prune": LoopHealth(),
                                              "outbox": LoopHealth()}
        self._crash = _CrashPoint.parse(crash_at)
        self._own = PerChatProcessor()  # chat turns, if the application runs another processor
        # Update ids this process handled and whose replies arrived (oldest first). Only an
        # optimisation: the database ledger is what makes updates exactly-once.
        self.delivered: dict[int, None] = {}
        self.stopping = asyncio.Event()
        self._at_once = coach.store.local  # see `_process`
        self._install_handlers()

    # ------------------------------------------------------------------ handlers

    def _install_handlers(self) -> None:
        app = self.app
        app.add_handler(_NotPrivate(Update, self._groups), group=-1)
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self._guard(self._edited)))
        app.add_handler(MessageHandler(filters.COMMAND, self._guard(self._command)))
        app.add_handler(MessageHandler(filters.TEXT, self._guard(self._text)))
        app.add_handler(CallbackQueryHandler(self._guard(self._button)))
        for kind_filter, words in UNSUPPORTED:
            app.add_handler(MessageHandler(kind_filter, self._guard(self._unsupported(words))))
        app.add_handler(MessageHandler(filters.ALL, self._guard(self._unsupported("that kind of message"))))
        app.add_error_handler(self._error)

    def _guard(
        self, callback: Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
    ) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
        """Every handler error is caught here, per update: see `_failed`."""

        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            try:
                await callback(update, context)
            except Exception as exc:
                await self._failed(update, exc)

        return guarded

    async def _failed(self, update: Update, exc: Exception) -> None:
        """An update whose handling raised. The database away (or busy) is nobody's fault:
        the update is not confirmed and comes again, for as long as it takes. Anything else
        counts as a try; after `MAX_TRIES` the person gets a short apology and the update
        is confirmed, so one bad update never holds up anyone else's, and it is recorded by
        id, kind and error class for the operator (never its text)."""
        update_id, error = update.update_id, type(exc).__name__
        if self.coach.store.transient(exc) or isinstance(exc, NetworkError | RetryAfter):
            log.warning("update failed, will retry", extra={"fields": {"update": update_id, "error": error}})
            self.failed.add(update_id)
            return
        tries = self.tries.get(update_id, 0) + 1
        self.tries[update_id] = tries
        kind = _kind(update)
        log.error("update failed", extra={"fields": {"update": update_id, "kind": kind, "error": error,
                                                      "tries": tries}})
        if tries < MAX_TRIES:
            self.failed.add(update_id)
            return
        del self.tries[update_id]
        self.quarantined += 1
        log.error("update quarantined", extra={"fields": {"update": update_id, "kind": kind, "error": error,
                                                           "quarantined": self.quarantined}})
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.coach.store.quarantine, TRANSPORT, update_id, kind, error, tries,
                                    self.coach.clock())
        chat = update.effective_chat
        if chat is not None and chat.type == ChatType.PRIVATE:
            with contextlib.suppress(Exception):
                sorry = self.coach.say("sorry")
                await self._send(lambda: self.app.bot.send_message(chat.id, sorry.text, parse_mode=ParseMode.HTML))

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
                await self._send(lambda: self.app.bot.send_message(chat.id, notice.text, parse_mode=ParseMode.HTML))
        raise ApplicationHandlerStop

    async def _text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        await self._run(update, Text(_clean(message.text)))

    async def _command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        head, _, argument = _clean(message.text).partition(" ")
        name = head.lstrip("/").split("@", 1)[0].lower()
        await self._run(update, Command(name, argument.strip()))

    def _unsupported(self, words: str) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
        async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self._run(update, Unsupported(words))

        return unsupported

    async def _edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._run(update, Unsupported("edited messages"))

    async def _button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        parsed = parse_callback_payload(query.data or "")
        if parsed is None:
            event: Event = Unsupported("that button")
        else:
            step_id, seq, choice_id = parsed
            event = Choice(choice_id, step_id, seq)
        await self._run(update, event, pressed=query, choice_id=parsed[2] if parsed is not None else None)

    @staticmethod
    async def _answer(query: CallbackQuery) -> None:
        """Stop the button's spinner. Once is enough: a failure here changes nothing."""
        with contextlib.suppress(TelegramError):
            await query.answer()

    async def _settle_keyboard(self, query: CallbackQuery, choice_id: str, applied: bool) -> None:
        """After a choice, the message it came from shows what was chosen and loses its
        keyboard, so the chat reads as a clean transcript; an old message just loses it."""
        message = query.message
        assert isinstance(message, Message)
        label = next(
            (b.text for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
             for b in row if b.callback_data and b.callback_data.endswith(f"|{choice_id}")),
            None,
        )
        # Cosmetic, and the step is committed: if it cannot be made, the old keyboard stays
        # (a press on it is a stale button, refused as ever).
        try:
            if applied and label is not None and message.text_html is not None:
                await self._send(lambda: message.edit_text(
                    f"{message.text_html}\n\n→ <b>{escape(label)}</b>", parse_mode=ParseMode.HTML, reply_markup=None
                ))
            else:
                await self._send(lambda: message.edit_reply_markup(reply_markup=None))
        except TelegramError as exc:
            if not isinstance(exc, BadRequest | Forbidden):
                log.warning("keyboard not settled", extra={"fields": {"error": type(exc).__name__}})

    # ------------------------------------------------------------------ the one path

    async def _run(
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
        incoming = Incoming(key, event, update.update_id, locale=person.language_code if person else None,
                            message_id=said.message_id if said is not None and pressed is None else None)
        handled = await self._process(incoming)  # commits (the step and its outbox rows) before returning
        self._crash.at("after-commit")
        if handled.outcome == "therapist":  # an invite was just redeemed: their menu grows
            with contextlib.suppress(TelegramError):
                await self._send(lambda: follow_role(self.app.bot, chat.id, therapist=True))
        # After a button, three requests and none waits for another: the new messages go
        # out in order, while the spinner is stopped and the pressed message (above them in
        # the chat) is edited to show the choice. Whichever lands first, the chat reads the
        # same, and it only ever reads "choice made, next question" once the state that
        # says so is committed. A press on the old keyboard before its edit lands is a
        # stale button, refused by the engine as ever. The chat's next update waits for all
        # three (the per-chat lock is held until this returns), so they never cross it.
        aside: list[asyncio.Task[None]] = []
        if pressed is not None:
            aside.append(asyncio.ensure_future(self._answer(pressed)))
            if choice_id is not None and isinstance(pressed.message, Message):
                applied = handled.outcome == "moved"
                aside.append(asyncio.ensure_future(self._settle_keyboard(pressed, choice_id, applied)))
        try:
            delivered = await self.deliver(key, chat.id, handled.deliveries)
        finally:
            await asyncio.gather(*aside, return_exceptions=True)
        if delivered:
            self.delivered[update.update_id] = None
            while len(self.delivered) > DELIVERED_MEMORY:
                del self.delivered[next(iter(self.delivered))]
        return handled.outcome

    async def _process(self, incoming: Incoming) -> Handled:
        """`Coach.process`, which commits before it returns. On PostgreSQL (every statement a
        network round trip), and for /export and /progress (they read a whole history), in
        a worker thread. On SQLite everything else is processed right here: the transaction
        is a few hundred microseconds of local work, and the hand-off to a thread and back
        cost about as much again. Only if another connection holds the write lock (a
        follow-up being started, another process) would it have to wait; then it begins
        nothing here and waits in a worker thread instead, so the loop never stalls."""
        event = incoming.event
        if self._at_once and not (isinstance(event, Command) and event.name in READS_HISTORY):
            try:
                with self.coach.store.at_once():
                    return self.coach.process(incoming)
            except Busy:
                pass
        return await asyncio.to_thread(self.coach.process, incoming)

    async def _db(self, work: Callable[..., T], *args: Any) -> T:
        """A short piece of database work from the event loop (see `_process`)."""
        if self._at_once:
            try:
                with self.coach.store.at_once():
                    return work(*args)
            except Busy:
                pass
        return await asyncio.to_thread(work, *args)

    async def deliver(self, key: ChatKey, chat_id: int, deliveries: Sequence[Delivery]) -> bool:
        """Send claimed outbox rows in order, each marked sent (with its message ids) right
        after Telegram took it; True if all went. The step is committed, so a failure loses
        nothing: a row Telegram would not take now (down, 5xx after retries) waits and is
        sent later, before anything newer for the chat; one it refuses (400) is given up
        and logged; a blocked bot ends the chat's sending."""
        store = self.coach.store
        try:
            for index, delivery in enumerate(deliveries):
                if delivery.attempts > MAX_SEND_ATTEMPTS:
                    log.warning("reply given up", extra={"fields": {"chat": self.coach.chat_hash(key),
                                                                    "attempts": delivery.attempts}})
                    await self._db(store.outbox_failed, [delivery], self.coach.clock())
                    continue
                try:
                    await self._deliver_one(chat_id, delivery)
                except Forbidden:
                    await asyncio.to_thread(self.coach.blocked, key)
                    await self._db(store.outbox_failed, list(deliveries[index:]), self.coach.clock())
                    return False
                except BadRequest as exc:
                    log.warning("reply refused", extra={"fields": {"chat": self.coach.chat_hash(key),
                                                                   "error": type(exc).__name__}})
                    await self._db(store.outbox_failed, [delivery], self.coach.clock())
                except TelegramError as exc:
                    log.warning("reply not sent", extra={"fields": {"chat": self.coach.chat_hash(key),
                                                                    "error": type(exc).__name__}})
                    await self._db(store.outbox_retry, list(deliveries[index:]), self.coach.clock() + RETRY_SEND)
                    return False
        finally:
            # Whatever was not marked (the database failed meanwhile) is left to the lease.
            store.sending.difference_update(d.id for d in deliveries)
        return True

    async def _deliver_one(self, chat_id: int, delivery: Delivery) -> None:
        bot = self.app.bot
        store = self.coach.store
        if delivery.reply is None:  # /hide: the chat's recent messages go
            for at in range(0, len(delivery.delete), 100):  # Telegram takes 100 at a time
                chunk = delivery.delete[at:at + 100]
                with contextlib.suppress(BadRequest):  # too old, or already gone
                    await self._send(lambda c=chunk: bot.delete_messages(chat_id, c))
            await self._db(store.outbox_sent, delivery, [], self.coach.clock())
            return
        reply = delivery.reply
        parts: list[Callable[[], Awaitable[Any]]] = []
        for file in reply.attachments:
            if file.media_type.startswith("image/"):  # a chart: shown inline
                parts.append(lambda f=file: bot.send_photo(chat_id, InputFile(f.content, filename=f.filename)))
            else:
                parts.append(lambda f=file: bot.send_document(
                    chat_id, InputFile(f.content, filename=f.filename), disable_content_type_detection=True
                ))
        pieces = split_text(with_progress(reply))
        for index, piece in enumerate(pieces):
            markup = keyboard(reply) if index == len(pieces) - 1 else None
            parts.append(lambda p=piece, m=markup: bot.send_message(chat_id, p, parse_mode=ParseMode.HTML,
                                                                    reply_markup=m))
        sent = list(delivery.done)
        for index, part in enumerate(parts):
            if index < len(delivery.done):
                continue  # sent before a crash: not again
            message = await self._send(part)
            sent.append(message.message_id)
            self._crash.at("after-send")
            if index < len(parts) - 1:
                await self._db(store.outbox_progress, delivery, sent)
        await self._db(store.outbox_sent, delivery, sent, self.coach.clock())

    async def _send(self, call: Callable[[], Awaitable[Any]]) -> Any:
        """Retry network errors and Telegram's 5xx with backoff; the rate limiter already
        honours RetryAfter. Forbidden and BadRequest are for the caller."""
        delay = 0.5
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await call()
            except RetryAfter as exc:  # the limiter gave up retrying: wait as told, once more
                await asyncio.sleep(_seconds(exc.retry_after))
            except (Forbidden, BadRequest, InvalidToken):
                raise
            except NetworkError:
                if attempt == SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8)
        return None

    # ------------------------------------------------------------------ follow-ups

    def hold(self, chat_id: int) -> contextlib.AbstractAsyncContextManager[None]:
        """The chat's turn, shared with its updates (`PerChatProcessor`)."""
        processor = self.app.update_processor
        return (processor if isinstance(processor, PerChatProcessor) else self._own).hold(chat_id)

    async def follow_role(self, chat_id: int, therapist: bool) -> None:
        """The operator added or removed a therapist: their menu follows."""
        try:
            await self._send(lambda: follow_role(self.app.bot, chat_id, therapist))
        except TelegramError as exc:
            log.warning("menu not changed", extra={"fields": {"error": type(exc).__name__}})

    async def dispatch_followups(self, interval: float) -> None:
        """Every `interval` seconds, start the follow-ups that fell due (each is taken once
        in the database, so several processes can run this side by side); hourly, forget
        what Telegram can no longer resend."""
        rounds = 0

        async def prune() -> None:
            if rounds % PRUNE_EVERY == 0:
                await asyncio.to_thread(self.coach.forget_old_updates)

        async def followups() -> None:
            for due in await asyncio.to_thread(self.coach.due_followups, TRANSPORT):
                async with self.hold(int(due.chat.address)):
                    handled = await asyncio.to_thread(self.coach.follow_up, due)
                    if handled is not None and handled.outcome in ("menu-therapist", "menu-client"):
                        await self.follow_role(int(due.chat.address), handled.outcome == "menu-therapist")
                    elif handled is not None:
                        await self.deliver(due.chat, int(due.chat.address), handled.deliveries)

        while not self.stopping.is_set():
            await self._round("prune", prune)
            rounds += 1
            wait = await self._round("followups", followups)
            await _sleep_or_stop(self.stopping, max(interval, wait))

    async def resend_outbox(self, interval: float = RESEND_INTERVAL) -> None:
        """Send what nobody is sending: rows a crash left (on start-up, once their sender's
        lease has run out), a failed send's rows when their wait is over, another replica's
        if it went away. Each chat in its turn, oldest first."""

        async def resend() -> None:
            for key in await asyncio.to_thread(self.coach.waiting, TRANSPORT):
                async with self.hold(int(key.address)):
                    deliveries = await self._db(self.coach.unsent, key)
                    await self.deliver(key, int(key.address), deliveries)

        while not self.stopping.is_set():
            wait = await self._round("outbox", resend)
            await _sleep_or_stop(self.stopping, max(interval, wait))

    async def _round(self, name: str, work: Callable[[], Awaitable[None]]) -> float:
        """One round of a background loop: any error is logged (its class, never data) and
        counted, and the loop goes on; how long to wait extra before the next round (a
        backoff that doubles with each failure in a row, capped)."""
        health = self.health[name]
        try:
            await work()
        except Exception as exc:
            health.failures += 1
            health.last_error = type(exc).__name__
            backoff = min(2.0 ** health.failures, LOOP_BACKOFF_CAP)
            log.warning("background round failed", extra={"fields": {
                "loop": name, "error": health.last_error, "failures": health.failures, "retry_in": backoff}})
            return backoff
        health.failures, health.last_error, health.last_success = 0, None, time.time()
        return 0.0

    # ------------------------------------------------------------------ receiving

    async def process(self, updates: Sequence[Update]) -> list[int]:
        """Handle a batch (chats concurrently, each chat in order); the ids that failed."""
        processor = self.app.update_processor
        ids = {u.update_id for u in updates}
        results = await asyncio.gather(
            *(processor.process_update(u, self.app.process_update(u)) for u in updates), return_exceptions=True
        )
        for update, result in zip(updates, results, strict=True):
            if isinstance(result, Exception):  # outside any handler (PTB itself): tried again, bounded
                await self._failed(update, result)
        failed = sorted(ids & self.failed)
        self.failed -= ids
        return failed


    async def poll(self) -> None:
        """Fetch, process, then confirm: the next getUpdates offset moves past an update
        only once its state change is committed."""
        offset: int | None = None
        backoff = 1.0
        while not self.stopping.is_set():
            fetch = asyncio.ensure_future(self._fetch(offset, POLL_TIMEOUT))
            stop = asyncio.ensure_future(self.stopping.wait())
            await asyncio.wait({fetch, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if not fetch.done():  # stopping: nothing fetched is lost, it was never confirmed
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, TelegramError):
                    await fetch
                break
            try:
                updates, after = fetch.result()
            except InvalidToken:
                raise
            except Exception as exc:  # the network, Telegram, or an answer that is not a list
                log.warning("getUpdates failed", extra={"fields": {"error": type(exc).__name__, "retry_in": backoff}})
                await _sleep_or_stop(self.stopping, backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            if not updates:
                if after is not None:
                    offset = after
                continue
            failed = await self.process(updates)
            # Confirm everything before the first failure; from there on Telegram sends again
            # (the ledger makes the already-done ones harmless).
            offset = failed[0] if failed else max(updates[-1].update_id + 1, after or 0)
            if failed:
                await _sleep_or_stop(self.stopping, backoff)

        if offset is not None:
            with contextlib.suppress(Exception):
                await self._fetch(offset, 0)  # confirm the last batch before exiting


    async def _fetch(self, offset: int | None, timeout: int) -> tuple[list[Update], int | None]:
        """One getUpdates, read an update at a time: one that python-telegram-bot cannot read
        is skipped, counted and logged by id (PTB's own batch reading would fail the whole
        batch, and log its text); and the offset past everything fetched."""
        kwargs: dict[str, Any] = {"timeout": timeout, "allowed_updates": Update.ALL_TYPES}
        if offset is not None:
            kwargs["offset"] = offset
        # The Bot API's method names are case-insensitive; this spelling is the raw call
        # (PTB would point at `Bot.getUpdates`, which reads the whole batch at once).
        raw = await self.app.bot.do_api_request("getupdates", api_kwargs=kwargs, read_timeout=timeout + 10)
        if not isinstance(raw, list):
            raise TypeError("getUpdates did not answer with a list")
        updates: list[Update] = []
        highest: int | None = None
        for item in raw:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            if isinstance(update_id, int) and not isinstance(update_id, bool):
                highest = update_id if highest is None else max(highest, update_id)
            try:
                update = Update.de_json(item, self.app.bot) if isinstance(update_id, int) else None
                error = "empty"
            except Exception as exc:
                update, error = None, type(exc).__name__
            if update is None:
                self.skipped += 1
                log.error("update unreadable, skipped", extra={"fields": {"update": update_id, "error": error,
                                                                           "skipped": self.skipped}})
                continue
            updates.append(update)
        return updates, highest + 1 if highest is not None else None


class _CrashPoint:
    """The chaos test's aimed kills: `after-commit:3` makes the process SIGKILL itself the
    third time it passes "after-commit" (between a step's commit and its first send);
    `after-send:2` the second time a message was sent but not yet marked sent."""

    def __init__(self, name: str | None, count: int) -> None:
        self.name, self.count = name, count

    @classmethod
    def parse(cls, spec: str | None) -> _CrashPoint:
        name, _, count = (spec or "").partition(":")
        return cls(name or None, int(count) if count.isdigit() else 1)

    def at(self, name: str) -> None:
        if self.name != name:
            return
        self.count -= 1
        if self.count <= 0:
            os.kill(os.getpid(), signal.SIGKILL)


def _clean(text: str) -> str:
    """A NUL can be typed (or forged) but not stored in PostgreSQL text: it goes."""
    return text.replace("\x00", "")


def _kind(update: Update) -> str:
    """What kind of update it is, for the operator (never what it says)."""
    for kind in ("message", "edited_message", "callback_query", "channel_post", "my_chat_member"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


def _seconds(value: object) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)  # type: ignore[arg-type]



async def _sleep_or_stop(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)


