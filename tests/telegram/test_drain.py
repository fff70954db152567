"""Draining due follow-ups at the bot's cap: replicas split the due work and send each
once, keep together to one send budget (counted at the Bot API), all stop when Telegram
says 429 to one of them, and a person's reply never waits behind the drain."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.app import build_coach
from bot.coach import Coach
from bot.config import Settings
from bot.transports.telegram import serve
from tests.support.fakebotapi import FakeBotAPI
from tests.support.replicas import Replica, plan_followups, start_replicas, stop_replica
from tests.support.telegram import CHAT, already_onboarded

FOLLOW_UP = "I said I'd check in"
RATE = 30  # messages a second for the bot, both replicas together


def greeted(fake: FakeBotAPI, chats: list[int]) -> int:
    return sum(1 for chat in chats if any(FOLLOW_UP in (m.text or "") for m in fake.messages(chat)))


async def counted(replica: Replica, outcome: str) -> float:
    """A replica's follow-ups with this outcome (or `waited`: seconds they waited for the
    send budget), from its /metrics."""
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"http://127.0.0.1:{replica.port}/metrics", timeout=10)).text
    if outcome == "waited":
        pattern = r"^hedgehog_send_budget_wait_seconds_total (\S+)$"
    else:
        pattern = rf'^hedgehog_followups_total\{{kind="flow",outcome="{outcome}"\}} (\S+)$'
    return sum(float(value) for value in re.findall(pattern, text, re.M))


@pytest.mark.postgres
async def test_two_replicas_split_the_due_work_keep_to_one_budget_and_both_pause_on_a_429(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = {"HEDGEHOG_SEND_RATE": str(RATE), "HEDGEHOG_FOLLOWUP_INTERVAL": "0.3"}
    first = [810_000 + n for n in range(60)]
    second = [820_000 + n for n in range(40)]
    async with FakeBotAPI() as fake:
        replicas = await start_replicas(fake, tmp_path, postgres_url, 2, **settings)
        plan_followups(postgres_url, first, datetime.now(UTC) - timedelta(minutes=1))
        await fake.wait_for(lambda: all(len(fake.messages(chat)) >= 3 for chat in first), timeout=90)
        sends = [c.at for c in fake.calls_to("sendMessage")]

        # Then Telegram answers one send with 429 (retry after 4 s): the other replica stops too.
        fake.fail_next("sendMessage", status=429, retry_after=4)
        before = len(fake.calls_to("sendMessage"))
        plan_followups(postgres_url, second, datetime.now(UTC) - timedelta(minutes=1))
        await fake.wait_for(lambda: greeted(fake, second) == len(second), timeout=90)
        refused = fake.calls_to("sendMessage")[before].at
        after = [c.at for c in fake.calls_to("sendMessage")[before + 1 :]]
        await asyncio.sleep(1.0)  # anything sent twice would show by now
        split = [await counted(r, "sent") for r in replicas]
        listed = [await counted(r, "due") for r in replicas]
        waited = [await counted(r, "waited") for r in replicas]
        for replica in replicas:
            await stop_replica(replica)

    # Every follow-up once, and the two replicas shared the work without listing a row twice.
    for chat in first + second:
        assert sum(FOLLOW_UP in (m.text or "") for m in fake.messages(chat)) == 1, chat
    assert sum(split) == len(first) + len(second) and all(part > 0 for part in split), split
    assert sum(listed) == len(first) + len(second), listed
    assert sum(waited) > 0  # the budget held them back, and the operator can see it
    # One budget for both: no two-second window holds more than the rate allows (plus the
    # bucket's half-second burst and a margin), where two budgets would allow twice it.
    assert len(sends) >= 3 * len(first)  # a greeting and the check-in's first messages each
    busiest = max(sum(1 for at in sends if start <= at < start + 2.0) for start in sends)
    assert busiest <= RATE * 2 + RATE * 0.5 + 8, busiest
    # After the 429 nobody sent for a good while: both replicas waited out the pause.
    quiet = [at for at in after if refused + 1.5 <= at < refused + 3.5]
    assert quiet == [], [round(at - refused, 2) for at in quiet]


def reminders_due(sqlite_url: str, reminded: list[int]) -> Coach:
    """A coach on `sqlite_url`, with a check-in follow-up due for each of `reminded`."""
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": sqlite_url}, dotenv=Path("/nonexistent"))
    built = build_coach(settings)
    coach = Coach(built.engine, built.store, "checkin")
    already_onboarded(coach)
    plan_followups(sqlite_url, reminded, datetime.now(UTC) - timedelta(minutes=1))
    return coach


async def test_a_persons_reply_does_not_wait_behind_a_drain_of_follow_ups(fake: FakeBotAPI, sqlite_url: str) -> None:
    reminded = [830_000 + n for n in range(30)]
    coach = reminders_due(sqlite_url, reminded)
    stopping = asyncio.Event()
    # One message a second for the bot: the thirty follow-ups (three messages each) take 90 s.
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping, followup_interval=0.1, send_rate=1))
    try:
        await fake.wait_for(lambda: greeted(fake, reminded) >= 1, timeout=60)
        fake.send_command(CHAT, "/help")
        await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(CHAT)), timeout=60)
        # The person got their answer while most of the follow-ups were still waiting their turn.
        assert greeted(fake, reminded) < len(reminded) // 2
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()


async def test_a_reminded_persons_messages_come_together_not_spread_among_everyone_elses(
    fake: FakeBotAPI, sqlite_url: str
) -> None:
    reminded = [840_000 + n for n in range(20)]
    coach = reminders_due(sqlite_url, reminded)
    stopping = asyncio.Event()
    # Ten messages a second: the twenty follow-ups (three messages each) take about 6 s.
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping, followup_interval=0.1, send_rate=10))
    try:
        await fake.wait_for(lambda: all(len(fake.messages(chat)) >= 3 for chat in reminded), timeout=90)
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()
    # The drain paces itself to the budget (two or so follow-ups under way at this rate), so
    # one person's greeting and check-in arrive together, not sixteen people's greetings
    # first and their check-ins queued seconds behind everyone else's.
    order = [int(c.params["chat_id"]) for c in fake.calls_to("sendMessage")]
    first = {chat: order.index(chat) for chat in reminded}
    last = {chat: len(order) - 1 - order[::-1].index(chat) for chat in reminded}
    under_way = max(sum(1 for chat in reminded if first[chat] <= at <= last[chat]) for at in range(len(order)))
    assert under_way <= 4, under_way
