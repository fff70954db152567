"""`TelegramBot`: updates in, replies out, confirmed only after commit.

It puts together one part per concern, each in its own module:

    handlers   an update becomes an event for `Coach.process`; failures, retries, quarantine
    delivery   the claimed outbox rows become Bot API calls, with retries
    polling    fetch a batch, process it, then confirm it
    loops      follow-ups that fell due, and rows nobody is sending; they survive any error
    ordering   one chat's updates, follow-ups and resends one after another
    budget     one send budget per bot, shared by every replica in the database
    offload    database work at once on SQLite, else in a worker thread
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import timedelta

from telegram import Update

from bot.coach import Coach
from bot.contract import ChatKey, Delivery
from bot.transports.telegram.budget import DEFAULT_RATE, SendBudget
from bot.transports.telegram.delivery import CrashPoint, Sender
from bot.transports.telegram.handlers import TRANSPORT, Handlers
from bot.transports.telegram.loops import FOLLOWUP_INTERVAL, FOLLOWUP_LEASE, RESEND_INTERVAL, LoopHealth, Loops
from bot.transports.telegram.ordering import AnyApplication, PerChatProcessor
from bot.transports.telegram.polling import Poller

__all__ = [
    "DEFAULT_RATE",
    "FOLLOWUP_INTERVAL",
    "FOLLOWUP_LEASE",
    "RESEND_INTERVAL",
    "TRANSPORT",
    "LoopHealth",
    "PerChatProcessor",
    "TelegramBot",
]


class TelegramBot:
    def __init__(
        self,
        coach: Coach,
        application: AnyApplication,
        crash_at: str | None = None,
        send_rate: float = DEFAULT_RATE,
    ) -> None:
        self.coach = coach
        self.app = application
        self.budget = SendBudget(coach, application.bot.token, send_rate)
        self.stopping = asyncio.Event()  # set by SIGTERM: readiness says 503 from then on
        self.taking = True  # False once draining stops taking new updates (the webhook answers 503)
        self._own = PerChatProcessor()  # chat turns, if the application runs another processor
        self.sender = Sender(coach, application, CrashPoint.parse(crash_at), self.budget)
        self.handlers = Handlers(coach, application, self.sender)
        self.poller = Poller(application, self.handlers, lambda: self.stopping)
        self.loops = Loops(coach, self.sender, self.hold, lambda: self.stopping)
        self.handlers.install()

    # ------------------------------------------------------------------ receiving

    async def process(self, updates: Sequence[Update]) -> list[int]:
        """Handle a batch (chats concurrently, each chat in order); the ids that failed."""
        return await self.poller.process(updates)

    async def poll(self) -> None:
        await self.poller.poll()

    @property
    def in_flight(self) -> int:
        """Updates being handled now (polled or posted to the webhook)."""
        return self.poller.in_flight

    async def drained(self, timeout: float) -> bool:
        """Wait (up to `timeout` seconds) until no update is being handled; True if none is."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.poller.in_flight and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        return not self.poller.in_flight

    def unreadable(self) -> None:
        """An update python-telegram-bot could not read (the webhook's): counted, skipped."""
        self.poller.skipped += 1

    @property
    def skipped(self) -> int:
        return self.poller.skipped

    @property
    def quarantined(self) -> int:
        return self.handlers.quarantined

    # ------------------------------------------------------------------ sending

    async def deliver(self, key: ChatKey, chat_id: int, deliveries: Sequence[Delivery]) -> bool:
        return await self.sender.deliver(key, chat_id, deliveries)

    def hold(self, chat_id: int) -> contextlib.AbstractAsyncContextManager[None]:
        """The chat's turn, shared with its updates (`PerChatProcessor`)."""
        processor = self.app.update_processor
        return (processor if isinstance(processor, PerChatProcessor) else self._own).hold(chat_id)

    async def follow_role(self, chat_id: int, therapist: bool) -> None:
        """The operator added or removed a therapist: their menu follows."""
        await self.sender.follow_role(chat_id, therapist)

    # ------------------------------------------------------------------ background loops

    async def dispatch_followups(self, interval: float = FOLLOWUP_INTERVAL) -> None:
        await self.loops.dispatch_followups(interval)

    async def resend_outbox(self, interval: float = RESEND_INTERVAL) -> None:
        await self.loops.resend_outbox(interval)

    async def settle_budget(self) -> None:
        """Charge what replies owe to the shared send budget, and learn of pauses (429s)."""
        await self.budget.settle(self.stopping)

    @property
    def health(self) -> dict[str, LoopHealth]:
        return self.loops.health

    @property
    def resend_every(self) -> float:
        """Resends look as often as the lease allows, so a restart's leftovers go out soon."""
        lease: timedelta = self.coach.sending.lease
        return min(RESEND_INTERVAL, max(lease.total_seconds() / 2, 0.1))
