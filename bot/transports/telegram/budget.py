"""One send budget per bot, shared by every process that sends for it.

Telegram takes about 30 messages a second from one bot, however many replicas send them.
The budget is a token bucket kept in the database (`Coach.sending.take_sends`: one row,
locked while it is read and written), so N replicas together stay under the cap instead
of each keeping its own 30 and leaning on 429s. This process takes tokens a few at a
time (a tenth of a second's worth) and spends them locally.

Replies to people go first: they never wait for the bucket. They spend a token this
process holds, or else are owed, and what is owed is charged to the shared bucket at the
next take (at most `TICK` later), so messages nobody asked for (follow-ups, reminders,
notices) wait for them instead. A 429 seen by any process pauses every process: its
`retry_after` is written to the same row, and each process reads it back every `TICK`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from contextvars import ContextVar
from dataclasses import dataclass

from bot import metrics
from bot.coach import Coach
from bot.contract import Grant

log = logging.getLogger("hedgehog.telegram")

DEFAULT_RATE = 30.0  # messages a second Telegram takes from one bot (its broadcast cap)
TICK = 0.25  # seconds between charging what replies owe and reading a pause another process set
CHUNK_SECONDS = 0.1  # a take asks for this many seconds' worth of the rate
SHORTEST_WAIT = 0.005  # seconds: the least an empty bucket is waited on


@dataclass
class Tally:
    """What one task's messages nobody asked for cost it in the send budget: how many it
    sent and how long it waited for their tokens (counted while `TALLY` holds it)."""

    sends: int = 0
    waited: float = 0.0


# Set by a task that wants to know what its sends cost (a follow-up: `loops.Pace`).
TALLY: ContextVar[Tally | None] = ContextVar("hedgehog_send_tally", default=None)


class Stopped(Exception):
    """The process is stopping: a message nobody asked for is left for later (its outbox
    row stays queued, and whichever process holds the budget next sends it)."""


class SendBudget:
    def __init__(self, coach: Coach, token: str, rate: float = DEFAULT_RATE) -> None:
        self.coach = coach
        self.stopping: asyncio.Event | None = None  # set: waiting sends give up (`Stopped`)
        # The bot's numeric id is the public part of its token; the secret part never leaves it.
        self.name = f"telegram:{token.partition(':')[0]}"
        self.rate = rate
        self.chunk = max(1, math.ceil(rate * CHUNK_SECONDS))
        self.held = 0  # tokens granted to this process, not yet spent
        self.owed = 0  # sends that did not wait (replies), not yet charged to the bucket
        self.paused_until = 0.0  # Unix seconds: nobody sends before then (Telegram's 429)
        self._taking = asyncio.Lock()
        self._writes: set[asyncio.Task[None]] = set()

    async def unsolicited(self) -> None:
        """Wait for one send nobody asked for: a token of the shared budget, after any
        pause. Raises `Stopped` once the process is stopping."""
        tally = TALLY.get()
        began = time.perf_counter()
        try:
            await self._one_token()
        finally:
            if tally is not None:
                tally.waited += time.perf_counter() - began
        if tally is not None:
            tally.sends += 1

    async def _one_token(self) -> None:
        while True:
            if self.stopping is not None and self.stopping.is_set():
                raise Stopped()
            await self._paused()
            if self.held > 0:
                self.held -= 1
                return
            async with self._taking:
                if self.held > 0 or self.paused_until > time.time():
                    continue
                started = time.perf_counter()
                grant = await self._take(self.chunk)
                self.held += grant.granted
                if not grant.granted and grant.paused_until <= time.time():
                    # Empty: wait (holding the turn to take) until a token has come back.
                    await asyncio.sleep(max((1 - grant.level) / self.rate, SHORTEST_WAIT))
                metrics.SEND_BUDGET_WAIT.inc(time.perf_counter() - started)

    async def reply(self) -> None:
        """One reply to a person: it goes now (after a pause Telegram asked for), and is
        charged to the shared budget, so follow-ups make way for it."""
        await self._paused()
        if self.held > 0:
            self.held -= 1
        else:
            self.owed += 1

    def pause(self, seconds: float) -> None:
        """Telegram answered 429: this process waits at once, and every other from the
        database (written in the background; a failure only logs)."""
        until = time.time() + seconds
        if until <= self.paused_until:
            return
        self.paused_until = until
        self.held = 0  # granted before the pause: not spent after it in a burst
        task = asyncio.get_running_loop().create_task(self._write_pause(until))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def settle(self, stopping: asyncio.Event) -> None:
        """Every `TICK`: charge what replies owe, and learn of a pause another process set."""
        self.stopping = stopping
        failing = False
        while not stopping.is_set():
            try:
                async with self._taking:
                    await self._take(0)
                failing = False
            except Exception as exc:  # the database away: the next tick tries again (logged once)
                if not failing:
                    log.warning("send budget not read", extra={"fields": {"error": type(exc).__name__}})
                failing = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=TICK)

    async def _take(self, want: int) -> Grant:
        owed, self.owed = self.owed, 0
        try:
            take = self.coach.sending.take_sends
            grant = await asyncio.to_thread(take, self.name, want, owed, self.rate, time.time())
        except BaseException:
            self.owed += owed  # still owed
            raise
        self.paused_until = max(self.paused_until, grant.paused_until)
        return grant

    async def _paused(self) -> None:
        while (wait := self.paused_until - time.time()) > 0:
            await asyncio.sleep(min(wait, TICK))

    async def _write_pause(self, until: float) -> None:
        try:
            await asyncio.to_thread(self.coach.sending.pause_sends, self.name, until)
        except Exception as exc:
            log.warning("pause not shared", extra={"fields": {"error": type(exc).__name__}})
