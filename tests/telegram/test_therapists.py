"""The therapist round trip on Telegram: two people, the real PTB Application against the
fake Bot API, a real database, and a clock the test moves forward a day at a time."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.app import build_coach
from bot.coach import Coach
from bot.coach.homework import digest, new_secret
from bot.config import PROJECT_ROOT, Settings
from bot.storage import ChatKey, Store
from bot.storage import therapy as rows
from bot.transports.telegram import serve
from tests.support.fakebotapi import BotMessage, Call, FakeBotAPI
from tests.support.telegram import already_onboarded, buttons, coach_for

THERAPIST, CLIENT = 1001, 2002
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass
class World:
    fake: FakeBotAPI
    coach: Coach
    clock: list[datetime]

    def texts(self, chat: int) -> list[str]:
        return [m.text or "" for m in self.fake.messages(chat)]

    async def said(self, chat: int, words: str, after: int = 0) -> BotMessage:
        """Wait until a message past the first `after` contains `words`; that message."""
        await self.fake.wait_for(lambda: any(words in t for t in self.texts(chat)[after:]))
        return next(m for m in self.fake.messages(chat)[after:] if words in (m.text or ""))

    async def press(self, chat: int, label: str, after: int = 0) -> None:
        """Press the button `label` on the newest message offering it."""

        def offered() -> BotMessage | None:
            return next(
                (m for m in reversed(self.fake.messages(chat)[after:]) if m.reply_markup and label in buttons(m)), None
            )

        await self.fake.wait_for(lambda: offered() is not None)
        message = offered()
        assert message is not None
        count = len(self.fake.messages(chat))
        self.fake.press(chat, message.message_id, buttons(message)[label])
        await self.fake.wait_for(lambda: len(self.fake.messages(chat)) > count)

    async def command(self, chat: int, command: str, argument: str = "") -> list[str]:
        count = len(self.fake.messages(chat))
        self.fake.send_command(chat, command, argument)
        await self.fake.wait_for(lambda: len(self.fake.messages(chat)) > count)
        await asyncio.sleep(0.1)  # a command may answer with more than one message
        return self.texts(chat)[count:]

    async def finish_flow(self, chat: int) -> None:
        """Walk the open flow to its end: the first button each time, a few words where
        it asks for them."""
        key = ChatKey("telegram", str(chat))
        for _ in range(40):
            if self.coach.peek(key) is None:
                return
            last = self.fake.messages(chat)[-1]
            count = len(self.fake.messages(chat))
            if last.reply_markup is not None:
                self.fake.press(chat, last.message_id, next(iter(buttons(last).values())))
            else:
                self.fake.send_text(chat, "I went for a walk round the block")
            await self.fake.wait_for(lambda n=count: len(self.fake.messages(chat)) > n)
            await asyncio.sleep(0.05)
        raise AssertionError("the flow did not end")

    async def tick(self, to: datetime) -> None:
        self.clock[0] = to
        await asyncio.sleep(0.4)  # a few rounds of the follow-up dispatcher


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": db_url}, dotenv=Path("/nonexistent"))
    built = build_coach(settings)
    clock = [START]
    coach = Coach(built.engine, built.store, "checkin", clock=lambda: clock[0])
    async with FakeBotAPI() as fake:
        stopping = asyncio.Event()
        task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping, followup_interval=0.05))
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")) or task.done())
        try:
            yield World(fake, coach, clock)
        finally:
            stopping.set()
            await asyncio.wait_for(task, timeout=30)
            coach.store.close()


def invite(store: Store, name: str) -> str:
    code, code_hash = new_secret()
    rows.create_invite(store, code_hash, name, START, START + timedelta(days=7))
    return code


async def test_assign_consent_homework_twice_then_revoke(world: World) -> None:
    fake, coach = world.fake, world.coach
    already_onboarded(coach, CLIENT)

    # The operator's invite makes Dana a therapist; her menu grows.
    said = await world.command(THERAPIST, "/therapist", invite(coach.store, "Dana Levi"))
    assert "Clients will see your homework as coming from Dana Levi" in said[0]
    scoped = fake.calls_to("setMyCommands")[-1].params
    assert '"chat_id": 1001' in str(scoped.get("scope")).replace("'", '"')
    assert "assign" in str(scoped["commands"])

    # /assign: the break, every day for a week, with a note.
    await world.command(THERAPIST, "/assign")
    await world.press(THERAPIST, "Take a break")
    await world.press(THERAPIST, "Every day")
    await world.press(THERAPIST, "1 week")
    count = len(fake.messages(THERAPIST))
    fake.send_text(THERAPIST, "Use it when the argument starts to heat up.")
    await fake.wait_for(lambda: len(fake.messages(THERAPIST)) > count)
    count = len(fake.messages(THERAPIST))
    fake.send_text(THERAPIST, "Sam")
    await fake.wait_for(lambda: len(fake.messages(THERAPIST)) > count)
    await world.press(THERAPIST, "Yes, tell me")
    await world.press(THERAPIST, "Create the link")
    link = await world.said(THERAPIST, "https://t.me/hedgehog_test_bot?start=")
    token = re.search(r"start=([A-Za-z0-9_-]+)", link.text or "")
    assert token is not None and len(token.group(1)) == 32
    assert "Sam" in (link.text or "")

    # Nothing to see before the client chooses.
    [clients] = await world.command(THERAPIST, "/clients")
    assert "link not opened yet" in clients

    # The client opens the link: who, what, how often, the note; then chooses.
    await world.command(CLIENT, "/start", token.group(1))
    offer = await world.said(CLIENT, "What would you like Dana Levi to see?")
    assert "every day for 1 week" in (offer.text or "") and "Use it when the argument starts" in (offer.text or "")
    assert "2002" not in "".join(world.texts(THERAPIST))  # never the client's id
    await world.press(CLIENT, "That and my answers")
    await world.press(CLIENT, "Later")
    assert coach.peek(ChatKey("telegram", str(CLIENT))) is None

    # Day 1, 10:05: the first reminder brings the break; the client does it.
    sent = len(fake.messages(CLIENT))
    await world.tick(datetime(2026, 11, 26, 10, 5, tzinfo=UTC))
    reminder = await world.said(CLIENT, "A gentle reminder of the homework from Dana Levi", after=sent)
    assert "Take a break" in (reminder.text or "")
    await world.finish_flow(CLIENT)
    notice = await world.said(THERAPIST, "Sam finished")
    assert "(1 of 7)" in (notice.text or "")

    # The break's own check-in comes 20 minutes later; the client stops it. Homework
    # reminders go on: they belong to what the client agreed to.
    sent = len(fake.messages(CLIENT))
    await world.tick(datetime(2026, 11, 26, 10, 40, tzinfo=UTC))
    await world.said(CLIENT, "I said I'd check in", after=sent)
    await world.command(CLIENT, "/stop")

    # Day 2: the second reminder, done again.
    sent = len(fake.messages(CLIENT))
    await world.tick(datetime(2026, 11, 27, 10, 5, tzinfo=UTC))
    await world.said(CLIENT, "(1 of 7 so far)", after=sent)
    await world.finish_flow(CLIENT)
    await world.said(THERAPIST, "(2 of 7)")

    # The therapist sees both, with the client's answers.
    [clients] = await world.command(THERAPIST, "/clients")
    assert "Sam" in clients and "2 of 7 done" in clients
    [history] = await world.command(THERAPIST, "/client", "Sam")
    assert "2 of 7 done (due): 26 Nov, 27 Nov." in history
    assert "How long: 20 minutes" in history.split("27 Nov", 2)[2]  # answers under the second completion

    # The client stops sharing: at once, the therapist sees nothing but that.
    said = await world.command(CLIENT, "/sharing")
    assert any("They see when you did it and your answers in it" in s for s in said)
    await world.press(CLIENT, "Stop sharing")
    await world.said(CLIENT, "Dana Levi sees nothing of")
    [history] = await world.command(THERAPIST, "/client", "Sam")
    assert "The client stopped sharing this homework" in history
    assert "26 Nov" not in history.split("assigned", 1)[1] and "2 of 7" not in history
    [clients] = await world.command(THERAPIST, "/clients")
    assert "not shared any more" in clients and "2 of 7" not in clients

    # And no more reminders.
    sent = len(fake.messages(CLIENT))
    await world.tick(datetime(2026, 11, 28, 10, 5, tzinfo=UTC))
    await asyncio.sleep(0.3)
    assert not any("gentle reminder" in t for t in world.texts(CLIENT)[sent:])


async def test_a_link_works_once_and_not_for_the_therapist(world: World) -> None:
    coach = world.coach
    rows.add_therapist(coach.store, ChatKey("telegram", str(THERAPIST)), "Dana Levi", START)
    token, token_hash = new_secret()
    with coach.store.chat(ChatKey("telegram", str(THERAPIST)), START) as tx:
        therapist = rows.therapist_of(tx)
        assert therapist is not None
        rows.create_assignment(
            tx,
            therapist.id,
            {
                "flow_id": "break",
                "alias": "Sam",
                "cadence": "once",
                "per_week": 1,
                "weeks": 1,
                "due_at": None,
                "note": None,
                "notify": True,
                "token_hash": token_hash,
                "token_expires_at": START + timedelta(days=7),
            },
        )
    assert digest(token) == token_hash
    said = await world.command(THERAPIST, "/start", token)
    assert "That's your own link" in said[0]
    already_onboarded(coach, CLIENT)
    await world.command(CLIENT, "/start", token)
    await world.said(CLIENT, "What would you like Dana Levi to see?")
    said = await world.command(3003, "/start", token)
    assert "already been used" in said[0]


async def test_the_operator_adding_and_removing_a_therapist_changes_their_menu(world: World, db_url: str) -> None:
    """`hedgehog therapist add` has no bot to call: the running bot redraws the chat's
    menu on its next round, and `remove` takes the therapist commands away again."""
    fake = world.fake

    def operator(*args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "HEDGEHOG_DATABASE_URL": db_url, "HEDGEHOG_TELEGRAM_TOKEN": ""}
        return subprocess.run(
            [sys.executable, "-m", "bot", "therapist", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=PROJECT_ROOT,
            check=False,
        )

    def scoped_to_dana(call: Call) -> bool:
        return '"chat_id": 1001' in json.dumps(call.params.get("scope"))

    added = await asyncio.to_thread(operator, "add", str(THERAPIST), "--name", "Dana Levi")
    assert added.returncode == 0, added.stderr
    await world.tick(datetime.now(UTC) + timedelta(minutes=1))  # the row is stamped with the real time
    await fake.wait_for(lambda: any(scoped_to_dana(c) for c in fake.calls_to("setMyCommands")))
    [menu] = [c for c in fake.calls_to("setMyCommands") if scoped_to_dana(c)]
    assert {"assign", "clients", "client", "unassign", "checkin"} <= {c["command"] for c in menu.params["commands"]}
    assert not fake.calls_to("deleteMyCommands")

    removed = await asyncio.to_thread(operator, "remove", str(THERAPIST))
    assert removed.returncode == 0, removed.stderr
    await world.tick(datetime.now(UTC) + timedelta(minutes=2))
    await fake.wait_for(lambda: any(scoped_to_dana(c) for c in fake.calls_to("deleteMyCommands")))
    assert len([c for c in fake.calls_to("setMyCommands") if scoped_to_dana(c)]) == 1  # applied once each
    said = await world.command(THERAPIST, "/clients")
    assert "is for therapists" in said[0]


def test_a_stale_consent_button_is_refused_and_changes_nothing(sqlite_url: str) -> None:
    from bot.storage import therapy
    from tests.test_therapy import ANA, CLIENT, People

    coach = coach_for(sqlite_url)
    try:
        for chat in (ANA, CLIENT):
            already_onboarded(coach, chat)
        therapy.add_therapist(coach.store, ANA, "Ana Ruiz", datetime.now(UTC))
        people = People(coach, [datetime.now(UTC)])
        people.accept(CLIENT, people.assign(ANA, "Cleo"), level="Only whether I did it")
        people.say(CLIENT, "/sharing")
        old = list(people.shown[CLIENT])  # an older /sharing message, its buttons still live on the phone
        people.press(CLIENT, "Stop sharing")
        people.shown[CLIENT] = old
        said = people.press(CLIENT, "That and my answers")  # the replayed press
        assert "older message" in said
        with coach.store.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT sharing FROM assignment")).scalar_one() == "revoked"
        people.say(CLIENT, "/sharing")  # the current message works
        assert "older message" not in people.press(CLIENT, "That and my answers")
        with coach.store.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT sharing FROM assignment")).scalar_one() == "answers"
    finally:
        coach.store.close()
