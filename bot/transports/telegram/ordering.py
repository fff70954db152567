"""Per-chat order: different chats at once, one chat's updates (and its follow-ups and
resends) strictly one after another in this process. The chat row lock does the same
across processes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

# python-telegram-bot's application, whatever its bot, context and data types.
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


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
