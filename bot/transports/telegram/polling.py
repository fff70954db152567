"""Receiving: fetch a batch, process it, and only then confirm it.

Stock PTB polling confirms an update (the next `getUpdates` offset) as soon as it fetches
it, so a crash mid-step would lose the person's answer. Here `poll` moves the offset past a
batch only once every update of it is processed (chats concurrently, one chat's updates in
order); an update that failed is fetched again. Each update is read on its own (`fetch`): one
that python-telegram-bot cannot read is skipped, counted and logged by id, never fatal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, TelegramError

from bot import metrics
from bot.transports.telegram.handlers import Handlers
from bot.transports.telegram.ordering import AnyApplication

log = logging.getLogger("hedgehog.telegram")

POLL_TIMEOUT = 25  # seconds Telegram holds a getUpdates open


class Poller:
    def __init__(
        self,
        application: AnyApplication,
        handlers: Handlers,
        stopping: Callable[[], asyncio.Event],
    ) -> None:
        self.app = application
        self.handlers = handlers
        self.stopping = stopping  # the bot's current event (it may be replaced before start)
        self.skipped = 0  # updates python-telegram-bot could not read at all
        self.in_flight = 0  # updates being handled now (a graceful stop waits for them)

    async def process(self, updates: Sequence[Update]) -> list[int]:
        """Handle a batch (chats concurrently, each chat in order); the ids that failed."""
        processor = self.app.update_processor
        ids = {u.update_id for u in updates}
        self.in_flight += len(updates)
        metrics.IN_FLIGHT.inc(len(updates))
        try:
            results = await asyncio.gather(
                *(processor.process_update(u, self.app.process_update(u)) for u in updates), return_exceptions=True
            )
        finally:
            self.in_flight -= len(updates)
            metrics.IN_FLIGHT.dec(len(updates))
        failed_now = self.handlers.failed
        for update, result in zip(updates, results, strict=True):
            if isinstance(result, Exception):  # outside any handler (PTB itself): tried again, bounded
                await self.handlers.failure(update, result)
        failed = sorted(ids & failed_now)
        failed_now -= ids
        return failed

    async def poll(self) -> None:
        """Fetch, process, then confirm: the next getUpdates offset moves past an update
        only once its state change is committed."""
        stopping = self.stopping()
        offset: int | None = None
        backoff = 1.0
        while not stopping.is_set():
            fetch = asyncio.ensure_future(self.fetch(offset, POLL_TIMEOUT))
            stop = asyncio.ensure_future(stopping.wait())
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
                await sleep_or_stop(stopping, backoff)
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
                await sleep_or_stop(stopping, backoff)

        if offset is not None:
            with contextlib.suppress(Exception):
                await self.fetch(offset, 0)  # confirm the last batch before exiting

    async def fetch(self, offset: int | None, timeout: int) -> tuple[list[Update], int | None]:
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
                log.error(
                    "update unreadable, skipped",
                    extra={"fields": {"update": update_id, "error": error, "skipped": self.skipped}},
                )
                continue
            updates.append(update)
        return updates, highest + 1 if highest is not None else None


async def sleep_or_stop(stopping: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
