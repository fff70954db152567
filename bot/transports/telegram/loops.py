"""Background loops: follow-ups that fell due (with the hourly pruning of the exactly-once
ledger) and outbox rows nobody is sending. Each round runs through `round`: any error is
logged (its class) and counted, the next round waits a backoff that doubles up to 5
minutes, and the loop goes on; `health[name]` keeps each loop's last success and failures
in a row for a readiness check. Every send for a chat takes the chat's turn (`hold`).

Due follow-ups are drained at the bot's send budget: a round leases a batch in the
database (replicas split the due work), starts them for different chats at once (each
chat in its turn), and, when the batch was full, goes straight on to the next. How many
are under way at once is paced (`Pace`): enough to keep the budget spent, and no more, so
that a drain leaves the database and the event loop to people waiting for a reply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from bot import metrics
from bot.coach import Coach
from bot.contract import DueFollowUp
from bot.transports.telegram.budget import TALLY, Stopped, Tally
from bot.transports.telegram.delivery import Sender
from bot.transports.telegram.handlers import TRANSPORT
from bot.transports.telegram.offload import soon
from bot.transports.telegram.polling import sleep_or_stop

log = logging.getLogger("hedgehog.telegram")

FOLLOWUP_INTERVAL = 30.0  # seconds between looks for follow-ups that fell due
PRUNE_EVERY = 120  # rounds of that loop (an hour) between clearing out the exactly-once ledger
RESEND_INTERVAL = 2.0  # seconds between looks for outbox rows nobody is sending
LOOP_BACKOFF_CAP = 300.0  # seconds: the longest a failing background loop waits before trying again
FOLLOWUP_LEASE = timedelta(minutes=2)  # how long a batch of due follow-ups is this process's alone
BATCH_SECONDS = 2.0  # a batch holds about this many seconds of the send budget's follow-ups
FOLLOWUP_WORKERS = 16  # the most follow-ups (to different chats) under way at once in one process
PACE_HEADROOM = 1.5  # follow-ups under way: this many times what the send budget can just keep busy
PACE_LEAST = 2  # ... and never fewer (one may be waiting for its chat's turn)
PACE_MEMORY = 0.1  # weight of the latest follow-up in the running means (an exponential average)

Hold = Callable[[int], contextlib.AbstractAsyncContextManager[None]]


class Pace:
    """How many follow-ups to have under way at once (Little's law). The send budget lets
    `rate / sends` follow-ups a second through, where `sends` is the messages one sends; one
    follow-up keeps a worker `work` seconds besides its waits for the budget (its database
    work, the Bot API's answers). `rate / sends * work` workers keep the budget spent;
    `PACE_HEADROOM` times that, at least `PACE_LEAST` and at most `FOLLOWUP_WORKERS`, keeps
    it spent when a follow-up runs slow. More would only queue at the budget, each with its
    database work done early and its thread and connection held, in the way of the people
    waiting for a reply (`bench.drain`, 10,000 follow-ups at 30 messages a second, one
    process: 16 at once made the replies' p99 3.34 times what it was without a drain, this
    pace 1.38 times; three processes 1.12 times). Both means are learned as follow-ups go,
    so the pace follows a slow Telegram or database, and a raised or shared rate."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.sends = 2.0  # a follow-up's messages: a greeting and the flow's first prompt
        self.work = 0.05  # seconds, until measured

    def workers(self) -> int:
        wanted = math.ceil(self.rate / max(self.sends, 1.0) * self.work * PACE_HEADROOM)
        return max(PACE_LEAST, min(FOLLOWUP_WORKERS, wanted))

    def learn(self, seconds: float, tally: Tally) -> None:
        """One follow-up done: `seconds` from its start to its end, `tally` its sends."""
        if not tally.sends:
            return  # nothing sent (stopped, a flow with nothing to say): says nothing of the pace
        work = max(seconds - tally.waited, 0.0)
        self.sends += PACE_MEMORY * (tally.sends - self.sends)
        self.work += PACE_MEMORY * (work - self.work)


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
        # A batch: about BATCH_SECONDS of the send budget (each follow-up sends two messages).
        self.lease = FOLLOWUP_LEASE  # how long a batch is this process's alone
        self.batch = max(10, min(1000, int(sender.budget.rate * BATCH_SECONDS / 2)))
        self.pace = Pace(sender.budget.rate)
        # Follow-ups' database work has threads of its own: a person's reply never waits
        # for a thread behind a drain of reminders.
        self.pool = ThreadPoolExecutor(FOLLOWUP_WORKERS // 2, thread_name_prefix="followups")
        sender.background = self.pool

    async def dispatch_followups(self, interval: float) -> None:
        """Start the follow-ups that fell due: a batch leased to this process (so replicas
        split them), different chats at once, each chat in its turn; straight on to the
        next batch when this one was full, else after `interval` seconds. Hourly, forget
        what Telegram can no longer resend."""
        rounds = 0
        full = False
        stopping = self.stopping()

        async def prune() -> None:
            if rounds % PRUNE_EVERY == 0:
                await asyncio.to_thread(self.coach.forget_old_updates)

        async def followups() -> None:
            nonlocal full
            batch = await asyncio.to_thread(self.coach.claim_followups, TRANSPORT, self.batch, self.lease)
            full = len(batch) >= self.batch
            await self.drain(batch)

        try:
            while not stopping.is_set():
                await self.round("prune", prune)
                rounds += 1
                wait = await self.round("followups", followups)
                if full and not wait:
                    await asyncio.sleep(0)  # more are due: on at once
                    continue
                await sleep_or_stop(stopping, max(interval, wait))
        finally:
            self.pool.shutdown(wait=False)

    async def drain(self, batch: list[DueFollowUp]) -> None:
        """Start these follow-ups and send what they say: as many chats at once as the pace
        says, one chat's in order (its turn), every message at the shared send budget.
        One that fails leaves the others going; the first error is raised after."""
        gate = asyncio.Semaphore(self.pace.workers())
        loop = asyncio.get_running_loop()
        stopping = self.stopping()
        left: list[int] = []

        async def one(due: DueFollowUp) -> None:
            chat_id = int(due.chat.address)
            async with gate, self.hold(chat_id):
                if stopping.is_set():  # not started: another process may take it at once
                    left.append(due.id)
                    return
                tally = Tally()
                TALLY.set(tally)  # this task's own context: only its sends count
                began = time.perf_counter()
                handled = await loop.run_in_executor(self.pool, self.coach.follow_up, due)
                if handled is not None and handled.role_changed is not None:
                    await self.sender.follow_role(chat_id, handled.role_changed == "therapist")
                elif handled is not None:
                    await self.sender.deliver(due.chat, chat_id, handled.deliveries, unsolicited=True)
                self.pace.learn(time.perf_counter() - began, tally)

        results = await asyncio.gather(*(one(due) for due in batch), return_exceptions=True)
        if left:
            await loop.run_in_executor(self.pool, self.coach.release_followups, left)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, Stopped):
                raise result

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
