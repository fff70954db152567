"""Background loops: follow-ups that fell due (with the hourly pruning of the exactly-once
ledger) and outbox rows nobody is sending. Each round runs through `round`: any error is
logged (its class) and counted, the next round waits a backoff that doubles up to 5
minutes, and the loop goes on; `health[name]` keeps each loop's last success and failures
in a row for a readiness check. Every send for a chat takes the chat's turn (`hold`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot import metrics
from bot.coach import Coach
from bot.transports.telegram.delivery import Sender
from bot.transports.telegram.handlers import TRANSPORT
from bot.transports.telegram.offload import soon
from bot.transports.telegram.polling import sleep_or_stop

log = logging.getLogger("hedgehog.telegram")

FOLLOWUP_INTERVAL = 30.0  # seconds between looks for follow-ups that fell due
PRUNE_EVERY = 120  # rounds of that loop (an hour) between clearing out the exactly-once ledger
RESEND_INTERVAL = 2.0  # seconds between looks for outbox rows nobody is sending
LOOP_BACKOFF_CAP = 300.0  # seconds: the longest a failing background loop waits before trying again

Hold = Callable[[int], contextlib.AbstractAsyncContextManager[None]]


@dataclass
class LoopHealth:
    """How a background loop is doing, for a readiness check: when it last got through a
    round, and how many rounds in a row have failed since."""

    last_success: float | None = None  # time.time()
    failures: int = 0
    last_error: str | None = None


class Loops:
    def __init__(self, coach: Coach, sender: Sender, hold: Hold, stopping: Callable[[], asyncio.Event]) -> None:
        self.coach = coach
        self.sender = sender
        self.hold = hold
        self.stopping = stopping
        self.health: dict[str, LoopHealth] = {"followups": LoopHealth(), "prune": LoopHealth(), "outbox": LoopHealth()}

    async def dispatch_followups(self, interval: float) -> None:
        """Every `interval` seconds, start the follow-ups that fell due (each is taken once
        in the database, so several processes can run this side by side); hourly, forget
        what Telegram can no longer resend."""
        rounds = 0
        stopping = self.stopping()

        async def prune() -> None:
            if rounds % PRUNE_EVERY == 0:
                await asyncio.to_thread(self.coach.forget_old_updates)

        async def followups() -> None:
            for due in await asyncio.to_thread(self.coach.due_followups, TRANSPORT):
                chat_id = int(due.chat.address)
                async with self.hold(chat_id):
                    handled = await asyncio.to_thread(self.coach.follow_up, due)
                    if handled is not None and handled.role_changed is not None:
                        await self.sender.follow_role(chat_id, handled.role_changed == "therapist")
                    elif handled is not None:
                        await self.sender.deliver(due.chat, chat_id, handled.deliveries)

        while not stopping.is_set():
            await self.round("prune", prune)
            rounds += 1
            wait = await self.round("followups", followups)
            await sleep_or_stop(stopping, max(interval, wait))

    async def resend_outbox(self, interval: float = RESEND_INTERVAL) -> None:
        """Send what nobody is sending: rows a crash left (on start-up, once their sender's
        lease has run out), a failed send's rows when their wait is over, another replica's
        if it went away. Each chat in its turn, oldest first."""
        stopping = self.stopping()

        async def resend() -> None:
            for key in await asyncio.to_thread(self.coach.waiting, TRANSPORT):
                async with self.hold(int(key.address)):
                    deliveries = await soon(self.coach, self.coach.unsent, key)
                    await self.sender.deliver(key, int(key.address), deliveries)

        while not stopping.is_set():
            wait = await self.round("outbox", resend)
            await sleep_or_stop(stopping, max(interval, wait))

    async def round(self, name: str, work: Callable[[], Awaitable[None]]) -> float:
        """One round of a background loop: any error is logged (its class, never data) and
        counted, and the loop goes on; how long to wait extra before the next round (a
        backoff that doubles with each failure in a row, capped)."""
        health = self.health[name]
        try:
            await work()
        except Exception as exc:
            health.failures += 1
            health.last_error = type(exc).__name__
            metrics.LOOP_FAILURES.labels(name).inc()
            backoff = min(2.0**health.failures, LOOP_BACKOFF_CAP)
            log.warning(
                "background round failed",
                extra={
                    "fields": {
                        "loop": name,
                        "error": health.last_error,
                        "failures": health.failures,
                        "retry_in": backoff,
                    }
                },
            )
            return backoff
        health.failures, health.last_error, health.last_success = 0, None, time.time()
        return 0.0
