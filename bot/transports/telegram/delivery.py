"""Delivery: the coach's claimed outbox rows become Bot API calls, in order, each marked sent
(with its message ids) right after Telegram took it.

Messages go out through python-telegram-bot's public `Bot.do_api_request` with the Bot
API's own JSON (the keyboard made once as text, `render.keyboard_json`), so its rate
limiter and error types stay in front, and Telegram's answer is read for the one thing
Hedgehog keeps, the message id, without building PTB objects nobody reads (keyboard objects
per send and a parsed `Message` per send or edit were about a quarter of the Telegram side's
cost in `hedgehog bench --telegram`). The method names are written in lower case:
the Bot API does not mind, and PTB then takes them as methods it has no shortcut for.

The step is committed before anything here runs, so a failure loses nothing: a row Telegram
would not take now (down, 5xx after retries) waits and is sent later, before anything newer
for the chat; one it refuses (400) is given up and logged; a blocked bot ends the chat's
sending. A long reply records each part, so a resend starts after the parts that went."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from datetime import timedelta
from functools import partial
from typing import Any

from telegram import CallbackQuery, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot import metrics
from bot.coach import Coach
from bot.contract import Attachment, ChatKey, Delivery
from bot.transports.telegram.budget import SendBudget
from bot.transports.telegram.menu import follow_role
from bot.transports.telegram.offload import soon
from bot.transports.telegram.ordering import AnyApplication
from bot.transports.telegram.render import escape, keyboard_json, split_text, with_progress

log = logging.getLogger("hedgehog.telegram")

SEND_ATTEMPTS = 5  # network errors and 5xx: tries before giving up on a message
_HTML = ParseMode.HTML.value  # the parse mode every message is sent in
RETRY_SEND = timedelta(seconds=30)  # a reply Telegram would not take (down, 5xx) is tried again after this
MAX_SEND_ATTEMPTS = 12  # claims of one outbox row before it is given up


class Sender:
    def __init__(
        self,
        coach: Coach,
        application: AnyApplication,
        crash: CrashPoint,
        budget: SendBudget,
    ) -> None:
        self.coach = coach
        self.app = application
        self.crash = crash
        self.budget = budget
        self.background: Executor | None = None  # threads of background work (follow-ups)

    async def deliver(
        self, key: ChatKey, chat_id: int, deliveries: Sequence[Delivery], unsolicited: bool = False
    ) -> bool:
        """Send claimed outbox rows in order, each marked sent right after Telegram took it;
        True if all went. `unsolicited` (a follow-up, a reminder, a notice): each message
        waits for the bot's shared send budget; a reply to a person never does."""
        coach, sending = self.coach, self.coach.sending
        pool = self.background if unsolicited else None
        renewed = time.monotonic()  # about when the rows were claimed

        async def keep(rest: Sequence[Delivery]) -> None:
            """Renew the lease on the rows still to send once a third of it has gone (a
            wait for the send budget, a slow Telegram): it must not run out mid-send, or
            another sender would send them too."""
            nonlocal renewed
            if time.monotonic() - renewed > sending.lease.total_seconds() / 3:
                await soon(coach, sending.renew, list(rest), pool=pool)
                renewed = time.monotonic()

        try:
            for index, delivery in enumerate(deliveries):
                if delivery.attempts > MAX_SEND_ATTEMPTS:
                    log.warning(
                        "reply given up",
                        extra={"fields": {"chat": coach.chat_hash(key), "attempts": delivery.attempts}},
                    )
                    await soon(coach, sending.failed, [delivery], pool=pool)
                    continue
                try:
                    await self._deliver_one(chat_id, delivery, unsolicited, partial(keep, deliveries[index:]))
                except Forbidden:
                    await asyncio.to_thread(coach.blocked, key)
                    await soon(coach, sending.failed, list(deliveries[index:]))
                    return False
                except BadRequest as exc:
                    log.warning(
                        "reply refused", extra={"fields": {"chat": coach.chat_hash(key), "error": type(exc).__name__}}
                    )
                    await soon(coach, sending.failed, [delivery])
                except TelegramError as exc:
                    log.warning(
                        "reply not sent", extra={"fields": {"chat": coach.chat_hash(key), "error": type(exc).__name__}}
                    )
                    await soon(coach, sending.retry, list(deliveries[index:]), RETRY_SEND)
                    return False
        finally:
            # Whatever was not marked (the database failed meanwhile) is left to the lease.
            sending.release(deliveries)
        return True

    async def _deliver_one(
        self, chat_id: int, delivery: Delivery, unsolicited: bool, keep: Callable[[], Awaitable[None]]
    ) -> None:
        bot = self.app.bot
        coach, sending = self.coach, self.coach.sending
        pool = self.background if unsolicited else None
        spend = self.budget.unsolicited if unsolicited else self.budget.reply
        if delivery.reply is None:  # /hide: the chat's recent messages go
            ids = [message_id for message_id in delivery.delete if message_id > 0]  # 0: an id never learnt
            for at in range(0, len(ids), 100):  # Telegram takes 100 at a time
                chunk = ids[at : at + 100]
                await spend()
                await keep()
                with contextlib.suppress(BadRequest):  # too old, or already gone
                    await self.send(partial(bot.delete_messages, chat_id, chunk))
            await soon(coach, sending.sent, delivery, [])
            return
        reply = delivery.reply
        parts: list[Callable[[], Awaitable[int]]] = []
        for file in reply.attachments:
            parts.append(partial(self._attachment, chat_id, file))
        pieces = split_text(with_progress(reply))
        for index, piece in enumerate(pieces):
            markup = keyboard_json(reply) if index == len(pieces) - 1 else None
            parts.append(partial(self._text, chat_id, piece, markup))
        sent = list(delivery.done)
        for index, part in enumerate(parts):
            if index < len(delivery.done):
                continue  # sent before a crash: not again
            await spend()
            await keep()
            sent.append(await self.send(part))
            self.crash.at("after-send")
            if index < len(parts) - 1:
                await soon(coach, sending.progress, delivery, sent, pool=pool)
        await soon(coach, sending.sent, delivery, sent, pool=pool)

    async def _text(self, chat_id: int, text: str, markup: str | None = None) -> int:
        """One HTML message (with its keyboard's JSON, if any); the id Telegram gave it."""
        params: dict[str, Any] = {"chat_id": chat_id, "text": text, "parse_mode": _HTML}
        if markup is not None:
            params["reply_markup"] = markup
        return _message_id(await self.app.bot.do_api_request("sendmessage", api_kwargs=params))

    async def _attachment(self, chat_id: int, file: Attachment) -> int:
        """A file: a chart is shown inline (a photo), anything else as a document."""
        content = InputFile(file.content, filename=file.filename)
        if file.media_type.startswith("image/"):
            return (await self.app.bot.send_photo(chat_id, content)).message_id
        return (await self.app.bot.send_document(chat_id, content, disable_content_type_detection=True)).message_id

    async def send(self, call: Callable[[], Awaitable[Any]]) -> Any:
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
                metrics.RETRY_WAIT.labels("network").inc(delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8)
        return None

    async def say(self, chat_id: int, text: str) -> None:
        """One message outside the outbox (the group notice, the apology for a failed update)."""
        await self.send(partial(self._text, chat_id, text))

    async def follow_role(self, chat_id: int, therapist: bool) -> None:
        """The chat's role changed: its command menu follows."""
        try:
            await self.send(lambda: follow_role(self.app.bot, chat_id, therapist))
        except TelegramError as exc:
            log.warning("menu not changed", extra={"fields": {"error": type(exc).__name__}})

    # ------------------------------------------------------------------ after a button

    @staticmethod
    async def answer(query: CallbackQuery) -> None:
        """Stop the button's spinner. Once is enough: a failure here changes nothing."""
        with contextlib.suppress(TelegramError):
            await query.answer()

    async def settle_keyboard(self, query: CallbackQuery, choice_id: str, applied: bool) -> None:
        """After a choice, the message it came from shows what was chosen and loses its
        keyboard, so the chat reads as a clean transcript; an old message just loses it."""
        message = query.message
        assert isinstance(message, Message)
        label = next(
            (
                b.text
                for row in (message.reply_markup.inline_keyboard if message.reply_markup else ())
                for b in row
                if isinstance(b.callback_data, str) and b.callback_data.endswith(f"|{choice_id}")
            ),
            None,
        )
        # Cosmetic, and the step is committed: if it cannot be made, the old keyboard stays
        # (a press on it is a stale button, refused as ever). An edit that names no keyboard
        # removes it.
        where = {"chat_id": message.chat.id, "message_id": message.message_id}
        try:
            if applied and label is not None and message.text_html is not None:
                shown = f"{message.text_html}\n\n→ <b>{escape(label)}</b>"
                edit = {**where, "text": shown, "parse_mode": _HTML}
                await self.send(partial(self.app.bot.do_api_request, "editmessagetext", api_kwargs=edit))
            else:
                await self.send(partial(self.app.bot.do_api_request, "editmessagereplymarkup", api_kwargs=where))
        except TelegramError as exc:
            if not isinstance(exc, BadRequest | Forbidden):
                log.warning("keyboard not settled", extra={"fields": {"error": type(exc).__name__}})


class CrashPoint:
    """The chaos test's aimed kills: `after-commit:3` makes the process SIGKILL itself the
    third time it passes "after-commit" (between a step's commit and its first send);
    `after-send:2` the second time a message was sent but not yet marked sent."""

    def __init__(self, name: str | None, count: int) -> None:
        self.name, self.count = name, count

    @classmethod
    def parse(cls, spec: str | None) -> CrashPoint:
        name, _, count = (spec or "").partition(":")
        return cls(name or None, int(count) if count.isdigit() else 1)

    def at(self, name: str) -> None:
        if self.name != name:
            return
        self.count -= 1
        if self.count <= 0:
            os.kill(os.getpid(), signal.SIGKILL)


def _message_id(sent: object) -> int:
    """The id in the Bot API's answer to a send (its `Message` as JSON). An answer without
    one still means Telegram took the message: 0 keeps its place among the parts sent (a
    resend after a crash starts after it) and `/hide` skips it."""
    found = sent.get("message_id") if isinstance(sent, dict) else None
    return found if isinstance(found, int) else 0


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
