"""Several real `hedgehog run --webhook` processes on one database, and Telegram in front
of them: the fake Bot API holds the updates, and `Telegram.deliver` posts each to a
replica the way Telegram's webhook does, sending it again to another replica when the
first gave no 200 (killed, failing). Shared by tests/telegram/test_replicas.py and the
benchmarks in bench/."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from bot.config import PROJECT_ROOT
from bot.storage import ChatKey, Store
from bot.transports.telegram import webhook_secret
from tests.support.fakebotapi import BotMessage, FakeBotAPI
from tests.support.processes import started
from tests.support.telegram import bot_environment, buttons


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Replica:
    process: asyncio.subprocess.Process
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    @property
    def alive(self) -> bool:
        return self.process.returncode is None


async def start_replica(fake: FakeBotAPI, folder: Path, database_url: str, **settings: str) -> Replica:
    """One `hedgehog run --webhook` against `fake`; returns once it is started (its /readyz
    answers), so the test's posts never meet a closed port."""
    port = free_port()
    env = bot_environment(fake, folder, HEDGEHOG_DATABASE_URL=database_url, **settings)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--webhook",
        f"http://127.0.0.1:{port}/telegram",
        "--listen",
        f"127.0.0.1:{port}",
        env=env,
        cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    replica = Replica(started(process), port)
    async with httpx.AsyncClient() as client:
        for _ in range(1200):  # up to a minute: three replicas start at once on two busy cores
            if not replica.alive:
                _, stderr = await process.communicate()
                raise AssertionError(f"replica exited at start: {stderr.decode()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}/readyz", timeout=2)).status_code == 200:
                    return replica
            await asyncio.sleep(0.05)
    raise AssertionError("replica never became ready")


async def start_replicas(
    fake: FakeBotAPI, folder: Path, database_url: str, count: int, **settings: str
) -> list[Replica]:
    return list(await asyncio.gather(*(start_replica(fake, folder, database_url, **settings) for _ in range(count))))


async def stop_replica(replica: Replica) -> str:
    """SIGTERM, and what it logged; it must stop cleanly."""
    replica.process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(replica.process.communicate(), timeout=60)
    assert replica.process.returncode == 0, stderr.decode()[-3000:]
    return stderr.decode()


class Telegram:
    """Telegram's side of a webhook: each update posted to a replica (round robin), and
    again to another one until some replica answers 200."""

    def __init__(self, fake: FakeBotAPI, replicas: list[Replica]) -> None:
        self.fake = fake
        self.replicas = replicas
        self.secret = webhook_secret(fake.token, None)
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(90.0, connect=5.0))
        self.turn = itertools.count()
        self.redelivered = 0  # posts that got no 200 and went to another replica
        self.serial: dict[int, asyncio.Lock] = {}  # replicas (by port) given one update at a time

    async def close(self) -> None:
        await self.client.aclose()

    async def post(self, replica: Replica, update_id: int) -> int:
        """One POST of the update to one replica: its status (0 when it never answered)."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret}
        one_at_a_time = self.serial.get(replica.port)
        if one_at_a_time is not None:
            async with one_at_a_time:
                return await self._post(replica, update_id, headers)
        return await self._post(replica, update_id, headers)

    async def _post(self, replica: Replica, update_id: int, headers: dict[str, str]) -> int:
        try:
            response = await self.client.post(replica.url, json=self.fake.update(update_id), headers=headers)
        except httpx.HTTPError:
            return 0  # connection refused or reset: killed mid-request
        return response.status_code

    def pick(self, avoid: Replica | None = None) -> Replica:
        alive = [r for r in self.replicas if r.alive and r is not avoid] or [r for r in self.replicas if r.alive]
        assert alive, "no replica left"
        return alive[next(self.turn) % len(alive)]

    async def deliver(self, update_id: int, first: Replica | None = None) -> None:
        """Post until a replica answers 200, as Telegram does after no 200 (sooner here)."""
        replica = first or self.pick()
        for _ in range(20):
            if await self.post(replica, update_id) == 200:
                return
            self.redelivered += 1
            await asyncio.sleep(0.2)
            replica = self.pick(avoid=replica)
        raise AssertionError(f"update {update_id} was never answered 200")

    async def deliver_twice(self, update_id: int) -> None:
        """The same update to two replicas at once (a retried webhook racing the first)."""
        one = self.pick()
        other = self.pick(avoid=one)
        await asyncio.gather(self.deliver(update_id, one), self.deliver(update_id, other))


def onboard(database_url: str, chats: list[int]) -> None:
    """People who have used the bot before (onboarding has transcripts of its own)."""
    store = Store.open(database_url)
    try:
        for chat in chats:
            with store.chat(ChatKey("telegram", str(chat))) as tx:
                tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": False})
    finally:
        store.close()


def plan_followups(database_url: str, chats: list[int], due_at: datetime) -> None:
    """A check-in follow-up for each of `chats`, falling due at `due_at` (real time: the
    processes run on the real clock)."""
    store = Store.open(database_url)
    try:
        for chat in chats:
            with store.chat(ChatKey("telegram", str(chat))) as tx:
                tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": False})
                tx.schedule_followup(
                    source_flow="turn-toward",
                    source_step="done",
                    target_flow="checkin",
                    due_at=due_at,
                    dedupe_key=f"replicas-{chat}",
                )
    finally:
        store.close()


# ------------------------------------------------------------------ a person walking a check-in


@dataclass(frozen=True)
class Step:
    """What the person does, and the words of the question it brings."""

    act: Callable[[FakeBotAPI, int, BotMessage | None], int]
    then: str


def press(label: str) -> Callable[[FakeBotAPI, int, BotMessage | None], int]:
    def act(fake: FakeBotAPI, chat: int, shown: BotMessage | None) -> int:
        assert shown is not None
        return fake.press(chat, shown.message_id, buttons(shown)[label])

    return act


WALKING_WORDS = "she went quiet at dinner so I went out for a walk"
WALK = [
    Step(lambda fake, chat, _: fake.send_command(chat, "/start"), "toward your partner"),
    Step(press("Away from them"), "0 (calm)"),
    Step(press("5"), "body"),
    Step(press("Racing heart"), "What just happened"),
    Step(lambda fake, chat, _: fake.send_text(chat, WALKING_WORDS), "tell yourself"),
    Step(lambda fake, chat, _: fake.send_command(chat, "/skip"), "softer feeling"),
]


def shown(messages: list[BotMessage]) -> list[str]:
    """A chat as the person reads it, less how a pressed button's message was settled
    (a replica killed after the commit leaves it plain; that is cosmetic)."""
    return [re.sub(r"\n\n→ .*$", "", m.text or "", flags=re.S) for m in messages]


async def walk(
    fake: FakeBotAPI, telegram: Telegram, chat: int, twice: set[tuple[int, int]], timeout: float = 60
) -> None:
    """One person walks `WALK`, each step once the question before it arrived; the
    `(chat, step index)` pairs in `twice` reach two replicas at once."""
    question: BotMessage | None = None
    for index, step in enumerate(WALK):
        count = len(fake.messages(chat))
        update = step.act(fake, chat, question)
        if (chat, index) in twice:
            await telegram.deliver_twice(update)
        else:
            await telegram.deliver(update)

        def arrived(count: int = count, words: str = step.then) -> bool:
            messages = fake.messages(chat)
            return len(messages) > count and words in (messages[-1].text or "")

        await fake.wait_for(arrived, timeout=timeout)
        question = fake.messages(chat)[-1]
