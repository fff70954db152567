"""`TelegramBot`: updates in, replies out, confirmed only after commit.

Handlers turn an update into an event and call `Coach.process`; the replies go out with
retries; `poll` moves the `getUpdates` offset past a batch only once it is processed;
`dispatch_followups` starts what fell due."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, CallbackQuery, InputFile, Message, Update
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

from bot.dialogue.model import parse_callback_payload
from bot.engine.state import Choice, Command, Event, Reply, Text, Unsupported
from bot.errors import HedgehogError
from bot.service import Coach, Handled, Incoming
from bot.storage import ChatKey
from bot.storage.store import Busy
from bot.transports.telegram.menu import MENU, THERAPIST_MENU
from bot.transports.telegram.render import escape, keyboard, split_text, with_progress

log = logging.getLogger("hedgehog.telegram")

POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open
SEND_ATTEMPTS = 5  # network errors and 5xx: tries before giving up on a message
DELIVERED_MEMORY = 10_000
FOLLOWUP_INTERVAL = 30.0  # seconds between looks for follow-ups that fell due
PRUNE_EVERY = 120  # rounds of that loop (an hour) between clearing out the exactly-once ledger
TRANSPORT = "telegram"


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
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        try:
            async with lock:
                await coroutine
        finally:
            if not lock.locked() and self._locks.get(chat.id) is lock:
                del self._locks[chat.id]

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


class _NotPrivate(TypeHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    """Updates from groups and channels. Deciding in `check_update` keeps private chats'
    updates (nearly all of them) from running a callback just to learn they need nothing."""

    def check_update(self, update: object) -> bool:
        chat = update.effective_chat if isinstance(update, Update) else None
        return chat is not None and chat.type != ChatType.PRIVATE


# ---------------------------------------------------------------------------- the bot


class TelegramBot:
    def __init__(self, coach: Coach, application: Application) -> None:  # type: ignore[type-arg]
        self.coach = coach
        self.app = application
        self.failed: set[int] = set()
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
        """Remember which updates failed, so the poller does not confirm them."""

        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            try:
                await callback(update, context)
            except Exception:
                self.failed.add(update.update_id)
                raise

        return guarded

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
        await self._run(update, Text(message.text))

    async def _command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        head, _, argument = message.text.partition(" ")
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
        with contextlib.suppress(BadRequest, Forbidden):
            if applied and label is not None and message.text_html is not None:
                await self._send(lambda: message.edit_text(
                    f"{message.text_html}\n\n→ <b>{escape(label)}</b>", parse_mode=ParseMode.HTML, reply_markup=None
                ))
            else:
                await self._send(lambda: message.edit_reply_markup(reply_markup=None))

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
        incoming = Incoming(key, event, update.update_id, locale=person.language_code if person else None)
        handled = await self._process(incoming)  # commits before returning
        if handled.outcome == "therapist":  # an invite was just redeemed: their menu grows
            with contextlib.suppress(TelegramError):
                await self._send(lambda: self.app.bot.set_my_commands(
                    [BotCommand(n, t) for n, t in (*MENU, *THERAPIST_MENU)], scope=BotCommandScopeChat(chat.id)
                ))
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
            delivered = await self.deliver(key, chat.id, handled.replies)
        finally:
            failures = [r for r in await asyncio.gather(*aside, return_exceptions=True) if isinstance(r, Exception)]
        if delivered:
            self.delivered[update.update_id] = None
            while len(self.delivered) > DELIVERED_MEMORY:
                del self.delivered[next(iter(self.delivered))]
        if failures:
            raise failures[0]  # the edit could not be made: not confirmed, as before
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

    async def deliver(self, key: ChatKey, chat_id: int, replies: Sequence[Reply]) -> bool:
        """Send replies in order; True if all arrived. The state is already committed, so a
        failed send loses nothing and does not fail the update: the step is shown again on
        the person's next message or /resume."""
        bot = self.app.bot
        try:
            for reply in replies:
                for file in reply.attachments:
                    if file.media_type.startswith("image/"):  # a chart: shown inline
                        await self._send(lambda f=file: bot.send_photo(
                            chat_id, InputFile(f.content, filename=f.filename)
                        ))
                        continue
                    await self._send(lambda f=file: bot.send_document(
                        chat_id, InputFile(f.content, filename=f.filename), disable_content_type_detection=True
                    ))
                pieces = split_text(with_progress(reply))
                for index, piece in enumerate(pieces):
                    markup = keyboard(reply) if index == len(pieces) - 1 else None
                    await self._send(lambda p=piece, m=markup: bot.send_message(
                        chat_id, p, parse_mode=ParseMode.HTML, reply_markup=m
                    ))
        except Forbidden:
            await asyncio.to_thread(self.coach.blocked, key)
            return False
        except TelegramError as exc:
            log.warning("reply not sent", extra={"fields": {"chat": self.coach.chat_hash(key),
                                                            "error": type(exc).__name__}})
            return False
        return True

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

    async def dispatch_followups(self, interval: float) -> None:
        """Every `interval` seconds, start the follow-ups that fell due. Each is taken once
        in the database, so several processes can run this side by side."""
        rounds = 0
        while not self.stopping.is_set():
            try:
                if rounds % PRUNE_EVERY == 0:
                    await asyncio.to_thread(self.coach.forget_old_updates)
                rounds += 1
                for due in await asyncio.to_thread(self.coach.due_followups, TRANSPORT):
                    handled = await asyncio.to_thread(self.coach.follow_up, due)
                    if handled is not None:
                        await self.deliver(due.chat, int(due.chat.address), handled.replies)
            except HedgehogError as exc:  # the database is away: try again next round
                log.warning("follow-ups not checked", extra={"fields": {"error": type(exc).__name__}})
            await _sleep_or_stop(self.stopping, interval)

    # ------------------------------------------------------------------ receiving

    async def process(self, updates: Sequence[Update]) -> list[int]:
        """Handle a batch (chats concurrently, each chat in order); the ids that failed."""
        processor = self.app.update_processor
        ids = {u.update_id for u in updates}
        await asyncio.gather(*(processor.process_update(u, self.app.process_update(u)) for u in updates))
        failed = sorted(ids & self.failed)
        self.failed -= ids
        return failed


    async def poll(self) -> None:
        """Fetch, process, then confirm: the next getUpdates offset moves past an update
        only once its state change is committed."""
        bot = self.app.bot
        offset: int | None = None
        backoff = 1.0
        while not self.stopping.is_set():
            fetch = asyncio.ensure_future(bot.get_updates(
                offset=offset, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES, read_timeout=POLL_TIMEOUT + 10,
            ))
            stop = asyncio.ensure_future(self.stopping.wait())
            await asyncio.wait({fetch, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if not fetch.done():  # stopping: nothing fetched is lost, it was never confirmed
                fetch.cancel()
                with contextlib.suppress(asyncio.CancelledError, TelegramError):
                    await fetch
                break
            try:
                updates = fetch.result()
            except InvalidToken:
                raise
            except (NetworkError, RetryAfter) as exc:
                log.warning("getUpdates failed", extra={"fields": {"error": type(exc).__name__, "retry_in": backoff}})
                await _sleep_or_stop(self.stopping, backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            if not updates:
                continue
            failed = await self.process(updates)
            # Confirm everything before the first failure; from there on Telegram sends again
            # (the ledger makes the already-done ones harmless).
            offset = failed[0] if failed else updates[-1].update_id + 1
            if failed:
                await _sleep_or_stop(self.stopping, backoff)

        if offset is not None:
            with contextlib.suppress(TelegramError):
                await bot.get_updates(offset=offset, timeout=0)  # confirm the last batch before exiting


def _seconds(value: object) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)  # type: ignore[arg-type]



async def _sleep_or_stop(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)


