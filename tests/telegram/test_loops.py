"""Background loops on Telegram: a follow-up arrives when it falls due, and the follow-up
loop survives a database fault."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.app import build_coach
from bot.coach import Coach
from bot.config import Settings
from bot.storage import ChatKey
from bot.transports.telegram import TelegramBot, build_application, serve
from tests.support.fakebotapi import FakeBotAPI
from tests.support.telegram import CHAT, Running, already_onboarded, buttons, coach_for


async def test_a_follow_up_arrives_on_telegram_when_it_falls_due(fake: FakeBotAPI, sqlite_url: str) -> None:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": sqlite_url}, dotenv=Path("/nonexistent"))
    built = build_coach(settings)
    clock = [datetime.now(UTC)]
    coach = Coach(built.engine, built.store, "checkin", clock=lambda: clock[0])
    already_onboarded(coach)
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping, followup_interval=0.1))
    running = Running(fake, coach)
    try:
        fake.send_command(CHAT, "/start")
        question = await running.question(containing="toward your partner")
        fake.press(CHAT, question.message_id, buttons(question)["Away from them"])
        await running.question(containing="0 (calm)", after=running.count())
        coach_key = ChatKey("telegram", str(CHAT))
        with coach.store.chat(coach_key) as tx:
            tx.schedule_followup(
                source_flow="turn-toward",
                source_step="done",
                target_flow="checkin",
                due_at=clock[0] + timedelta(hours=2),
                dedupe_key="tg-follow-up",
            )
        await asyncio.sleep(0.3)
        assert not any("check in" in (m.text or "") for m in fake.messages(CHAT))
        clock[0] += timedelta(hours=5)  # due; the open check-in has been idle for hours
        await fake.wait_for(lambda: any("I said I'd check in" in (m.text or "") for m in fake.messages(CHAT)))
        await asyncio.sleep(0.3)
        assert sum("I said I'd check in" in (m.text or "") for m in fake.messages(CHAT)) == 1
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()


async def test_the_follow_up_loop_survives_a_database_fault_and_sends_once_it_is_back(
    fake: FakeBotAPI, sqlite_url: str
) -> None:
    coach = coach_for(sqlite_url)
    key = ChatKey("telegram", str(CHAT))
    with coach.transaction(key) as tx:
        tx.schedule_followup(
            source_flow="break",
            source_step="done",
            target_flow="checkin",
            due_at=datetime.now(UTC) - timedelta(minutes=1),
            dedupe_key="due-now",
        )
    application = build_application(fake.token, fake.url)
    await application.initialize()
    bot = TelegramBot(coach, application)
    with coach.store.engine.begin() as connection:  # the table is gone for a while: every look fails
        connection.execute(sa.text("ALTER TABLE followup RENAME TO followup_away"))
    loop = asyncio.create_task(bot.dispatch_followups(0.05))
    try:
        await fake.wait_for(lambda: bot.health["followups"].failures >= 2, timeout=30)
        assert bot.health["followups"].last_error == "OperationalError" and not loop.done()
        with coach.store.engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE followup_away RENAME TO followup"))
        await fake.wait_for(
            lambda: any("I said I'd check in" in (m.text or "") for m in fake.messages(CHAT)), timeout=30
        )
        await fake.wait_for(lambda: bot.health["followups"].failures == 0)
        assert bot.health["followups"].last_success is not None
    finally:
        bot.stopping.set()
        await asyncio.wait_for(loop, timeout=30)
        await application.shutdown()
        coach.store.close()
