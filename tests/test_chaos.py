"""Chaos: a real `hedgehog run` (polling, SQLite) against the fake Bot API, SIGKILLed again
and again at random points of a scripted conversation, and at aimed ones (between a
step's commit and its first send, between a send and its "sent" mark, right after
/delete), restarted each time. Every reply the bot committed must reach the person, in
order (crisis lines included), and nothing may come back after a delete.

The same script is first played against a process that is never killed; the killed run
must show the person the same messages in the same order, allowing only repeats of a
message (a kill after Telegram took it, before it was marked sent: at least once).
`HEDGEHOG_CHAOS_SEED` replays a run; the seed and the counts are printed."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.storage import ChatKey, Store
from tests.support.fakebotapi import FakeBotAPI
from tests.support.telegram import bot_environment, buttons, spawn_bot

CHAT = 27182
BUDGET = 110.0  # seconds of killing; past this the run finishes unharmed (a loaded machine gets fewer kills)
WANTED_KILLS = 30


@dataclass(frozen=True)
class Act:
    """One thing the person does, and what they wait to see before the next."""

    kind: str  # "text", "command", "press"
    value: str
    until: str  # words the newest message contains once the bot has answered


CYCLE = (
    Act("command", "/checkin", "toward your partner"),
    Act("press", "Away from them", "0 (calm)"),
    Act("press", "7", "body"),
    Act("text", "my chest is SO tight rn 😣", "What just happened"),
    Act("text", "honestly i just want to die sometimes", ""),  # crisis: the lines, then grounding
    Act("command", "/sos", ""),
    Act("command", "/help", "/checkin"),
    Act("command", "/stop", ""),
)
ENDING = (
    Act("command", "/delete", "erases everything"),
    Act("press", "Yes, delete everything", "Clear history"),
)
SCRIPT = (*CYCLE * 4, *ENDING)


def shown(fake: FakeBotAPI) -> list[str]:
    """What the person sees, in order: each message as it was sent (a settled keyboard's
    "→ choice" line left out)."""
    return [(m.text or m.kind).split("\n\n→ ")[0] for m in fake.messages(CHAT)]


def collapse(texts: list[str]) -> tuple[list[str], int]:
    """Repeats of the message just before (at least once across a kill) folded; how many."""
    out: list[str] = []
    for text in texts:
        if not out or out[-1] != text:
            out.append(text)
    return out, len(texts) - len(out)


@dataclass
class Bot:
    fake: FakeBotAPI
    folder: Path
    process: asyncio.subprocess.Process | None = None
    starts: int = 0

    async def start(self, crash_at: str | None = None) -> None:
        env = bot_environment(self.fake, self.folder, HEDGEHOG_LOG_LEVEL="WARNING", HEDGEHOG_OUTBOX_LEASE="0.5")
        if crash_at:
            env["HEDGEHOG_TEST_CRASH_AT"] = crash_at
        before = len(self.fake.calls_to("getUpdates"))
        self.process = await spawn_bot(env, asyncio.subprocess.DEVNULL)
        self.starts += 1
        process = self.process
        await self.fake.wait_for(
            lambda: len(self.fake.calls_to("getUpdates")) > before or process.returncode is not None, timeout=90
        )

    @property
    def dead(self) -> bool:
        return self.process is None or self.process.returncode is not None

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), timeout=60)


def onboarded(folder: Path) -> None:
    store = Store.open(f"sqlite:///{folder}/bot.sqlite3")
    with store.chat(ChatKey("telegram", str(CHAT))) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "away", "unsafe": False})
    store.close()


def act(fake: FakeBotAPI, step: Act) -> int:
    if step.kind == "text":
        return fake.send_text(CHAT, step.value)
    if step.kind == "command":
        return fake.send_command(CHAT, step.value)
    message = [m for m in fake.messages(CHAT) if m.reply_markup and step.value in buttons(m)][-1]
    return fake.press(CHAT, message.message_id, buttons(message)[step.value])


@dataclass
class Counts:
    kills: int = 0
    aimed: int = 0
    updates: int = 0
    duplicates: int = 0
    checked: int = 0
    points: dict[str, int] = field(default_factory=dict)


async def play(
    bot: Bot, reference: list[list[str]] | None, rng: random.Random | None, counts: Counts, started: float
) -> list[list[str]]:
    """Play the script. With `rng`, kill along the way (and restart); each step waits until
    the person sees what the reference run showed after it (or, for the reference, until
    the step's words show and the chat is quiet)."""
    fake = bot.fake
    after: list[list[str]] = []

    def crash_spec() -> str | None:
        if rng is None or time.monotonic() - started > BUDGET:
            return None
        point = rng.choice(["after-commit", "after-commit", "after-send"])
        return f"{point}:{rng.randint(1, 3)}"

    async def ensure_running() -> None:
        if bot.dead:
            if bot.process is not None and bot.process.returncode == -signal.SIGKILL and rng is not None:
                counts.kills += 1
            spec = crash_spec()
            await bot.start(spec)
            if spec:
                counts.points[spec.split(":")[0]] = counts.points.get(spec.split(":")[0], 0) + 1

    await ensure_running()
    for index, step in enumerate(SCRIPT):
        await ensure_running()
        if rng is not None and step == ENDING[-1]:  # always a kill right after the erase is committed
            await bot.stop()
            await bot.start("after-commit:1")
            counts.points["after-delete"] = 1
        act(fake, step)
        counts.updates += 1
        if rng is not None and time.monotonic() - started < BUDGET and rng.random() < 0.45:
            await asyncio.sleep(rng.uniform(0, 0.4))  # a random kill, wherever the process is
            if not bot.dead:
                await bot.kill()
        want: Callable[[], bool]
        if reference is not None:
            target = reference[index]

            def want(target: list[str] = target) -> bool:
                return len(collapse(shown(fake))[0]) >= len(target)
        else:

            def want(step: Act = step, count: int = len(fake.messages(CHAT))) -> bool:
                messages = shown(fake)
                return len(messages) > count and step.until in messages[-1]

        deadline = time.monotonic() + 90
        while not want():
            assert time.monotonic() < deadline, f"step {index} ({step.value}): nothing arrived; saw {shown(fake)[-3:]}"
            if bot.dead:
                await ensure_running()
            await asyncio.sleep(0.05)
        if reference is None:
            await asyncio.sleep(0.4)  # quiet: everything this step says has arrived
        after.append(collapse(shown(fake))[0])
    return after


@pytest.mark.timeout(300)
async def test_kill_it_again_and_again_and_nothing_committed_is_lost(tmp_path: Path) -> None:
    seed = int(os.environ.get("HEDGEHOG_CHAOS_SEED") or random.SystemRandom().randrange(10**6))
    print(f"\nchaos seed: {seed} (replay with HEDGEHOG_CHAOS_SEED={seed})")
    rng = random.Random(seed)

    (tmp_path / "calm").mkdir()
    onboarded(tmp_path / "calm")
    async with FakeBotAPI() as fake:
        calm = Bot(fake, tmp_path / "calm")
        reference = await play(calm, None, None, Counts(), time.monotonic())
        await calm.stop()
    expected = reference[-1]
    assert any("Find A Helpline" in t for t in expected) and "Clear history" in expected[-1]

    (tmp_path / "chaos").mkdir()
    onboarded(tmp_path / "chaos")
    counts = Counts()
    started = time.monotonic()
    async with FakeBotAPI() as fake:
        bot = Bot(fake, tmp_path / "chaos")
        try:
            await play(bot, reference, rng, counts, started)
            if bot.dead:
                await bot.start()
            await asyncio.sleep(2)  # anything left to come would come now
            await bot.stop()
            # One more life after the delete: nothing comes back.
            await bot.start()
            await asyncio.sleep(1.5)
            await bot.stop()
        finally:
            await bot.kill()
        seen, counts.duplicates = collapse(shown(fake))
        counts.aimed = sum(counts.points.values())
    counts.checked = len(expected)
    print(
        f"chaos: {counts.kills} kills ({counts.aimed} processes started with an aimed kill point "
        f"{counts.points}), {bot.starts} starts, {counts.updates} updates, {counts.checked} replies checked, "
        f"{counts.duplicates} repeats seen, {time.monotonic() - started:.0f} s"
    )
    assert seen == expected  # every committed reply, in order, nothing else; then nothing after the delete
    assert counts.kills >= WANTED_KILLS or time.monotonic() - started > BUDGET, counts
    store = Store.open(f"sqlite:///{tmp_path / 'chaos'}/bot.sqlite3")
    try:
        with store.engine.connect() as connection:
            for table in ("chat", "session", "journal", "followup", "processed_update", "outbox"):
                assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one() == 0, table
    finally:
        store.close()
