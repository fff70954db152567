"""The real PTB Application over real HTTP against a fake Bot API on loopback, with real
SQLite: what a person on Telegram sees, and what happens when Telegram misbehaves."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.app import build_coach
from bot.coach import Coach
from bot.config import Settings
from bot.engine.state import Reply, SessionState
from bot.storage import ChatKey
from bot.transports.telegram import MENU, Webhook, keyboard, serve, split_text
from bot.transports.telegram.delivery import RETRY_SEND
from tests.support.fakebotapi import BotMessage, FakeBotAPI

CHAT = 4242


@dataclass
class Running:
    fake: FakeBotAPI
    coach: Coach

    def state(self, chat: int = CHAT) -> SessionState | None:
        return self.coach.peek(ChatKey("telegram", str(chat)))

    async def question(self, chat: int = CHAT, containing: str = "", after: int = 0) -> BotMessage:
        """Wait for the newest message that asks something (has buttons), past `after` messages."""

        def ready() -> bool:
            messages = self.fake.messages(chat)
            return (
                len(messages) > after
                and messages[-1].reply_markup is not None
                and containing in (messages[-1].text or "")
            )

        await self.fake.wait_for(ready)
        return self.fake.messages(chat)[-1]

    def count(self, chat: int = CHAT) -> int:
        return len(self.fake.messages(chat))


def buttons(message: BotMessage) -> dict[str, str]:
    assert message.reply_markup is not None
    return {b["text"]: b["callback_data"] for row in message.reply_markup["inline_keyboard"] for b in row}


def already_onboarded(coach: Coach, chat: int = CHAT) -> None:
    """These tests are about Telegram, not onboarding (which has transcripts of its own)."""
    with coach.transaction(ChatKey("telegram", str(chat))) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as api:
        yield api


@pytest.fixture
async def running(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[Running]:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": sqlite_url}, dotenv=Path("/nonexistent"))
    coach = build_coach(settings)
    already_onboarded(coach)
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping))
    await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")) or task.done())
    if task.done():
        task.result()
    try:
        yield Running(fake, coach)
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()


async def test_start_registers_the_menu_and_takes_over_from_any_webhook(running: Running) -> None:
    [menu] = running.fake.calls_to("setMyCommands")
    assert [c["command"] for c in menu.params["commands"]] == [name for name, _ in MENU]
    assert running.fake.calls_to("deleteWebhook")


async def test_a_check_in_with_buttons_and_free_text(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    assert "about 5 minutes" in fake.messages(CHAT)[0].text
    assert urge.parse_mode == "HTML" and "1 of about" in urge.text
    # The edit that shows the choice goes out alongside the next question, after the commit,
    # so either may land first (here the edit is slowed to make it last): wait for what the
    # person would see, the tapped message without its keyboard, not for the next question.
    fake.slow_next("editMessageText", 0.5)
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    body = await running.question(containing="body", after=2)

    def pressed() -> BotMessage:
        return next(m for m in fake.messages(CHAT) if m.message_id == urge.message_id)

    await fake.wait_for(lambda: pressed().reply_markup is None)
    assert "→ <b>Away from them</b>" in (pressed().html or "")
    assert (pressed().text or "").startswith("Right now, which way")  # the question itself kept intact
    await fake.wait_for(lambda: bool(fake.calls_to("answerCallbackQuery")))
    fake.send_text(CHAT, "my jaw is clenched <tight> & hot")
    intensity = await running.question(containing="0 (calm)", after=running.count())
    assert set(buttons(intensity)) >= {str(n) for n in range(11)}
    fake.press(CHAT, intensity.message_id, buttons(intensity)["3"])
    trigger = await running.question(containing="What just happened", after=running.count())
    assert body.message_id < trigger.message_id
    for _ in range(2):
        count = running.count()
        fake.send_command(CHAT, "/skip")
        await fake.wait_for(lambda n=count: running.count() > n)
    deeper = await running.question(containing="go a little deeper", after=0)
    assert "my jaw is clenched &lt;tight&gt; &amp; hot" in (deeper.html or "")
    fake.press(CHAT, deeper.message_id, buttons(deeper)["Straight to an exercise"])
    offer = await running.question(containing="stop here", after=0)
    fake.press(CHAT, offer.message_id, buttons(offer)["Stop here for now"])
    await fake.wait_for(lambda: running.state() is None)


async def test_a_button_from_an_old_message_is_not_applied(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    choices = buttons(urge)
    fake.press(CHAT, urge.message_id, choices["Toward them"])
    await running.question(containing="body", after=2)
    before = running.state()
    fake.press(CHAT, urge.message_id, choices["Away from them"])
    await fake.wait_for(lambda: any("earlier step" in (m.text or "") for m in fake.messages(CHAT)))
    assert running.state() == before
    await running.question(containing="body", after=running.count() - 1)


async def test_after_a_press_the_edit_and_the_next_question_do_not_wait_for_each_other(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")

    def keyboard_of(question: BotMessage) -> dict[str, object] | None:
        return next(m for m in fake.messages(CHAT) if m.message_id == question.message_id).reply_markup

    fake.slow_next("sendMessage", 1.0)
    shown = running.count()
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await fake.wait_for(lambda: keyboard_of(urge) is None)  # the choice shows...
    assert "→ <b>Away from them</b>" in (fake.messages(CHAT)[shown - 1].html or "")
    assert running.count() == shown  # ...while the next question is still on its way
    await fake.wait_for(lambda: bool(fake.calls_to("answerCallbackQuery")))
    body = await running.question(containing="body", after=shown)

    fake.slow_next("editMessageText", 1.0)
    fake.press(CHAT, body.message_id, next(iter(buttons(body).values())))
    await running.question(after=running.count())  # the next question arrives...
    assert keyboard_of(body) is not None
    await fake.wait_for(lambda: keyboard_of(body) is None)  # ...and then the edit


async def test_an_update_sent_twice_is_handled_once(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    update = fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="body", after=2)
    shown, calls = running.count(), len(fake.calls)
    fake.resend(update)
    await fake.wait_for(lambda: fake.redeliveries_waiting == 0 and len(fake.calls_to("getUpdates")) > 2)
    await fake.wait_for(lambda: len(fake.calls) > calls)  # fetched again, and polling went on
    await asyncio.sleep(0.3)
    assert running.count() == shown  # nothing applied, nothing shown twice
    with running.coach.store.chat(ChatKey("telegram", str(CHAT))) as tx:
        assert [row.value for row in tx.journal() if row.name == "urge"] == ["away"]
    assert running.state().step_id == "body"


async def test_a_button_pressed_while_another_connection_writes_waits_off_the_event_loop(
    running: Running, sqlite_url: str
) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process, mid-transaction
        started = time.monotonic()
        fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
        for _ in range(25):  # fetched at once, then waiting for the lock...
            await asyncio.sleep(0.02)
        assert time.monotonic() - started < 3  # ...while the loop runs on (waiting on it would stall it 30 s)
        assert not fake.calls_to("answerCallbackQuery")  # nothing done or shown before the commit
        assert fake.pending_updates  # nor confirmed
    finally:
        writer.rollback()
        writer.close()
    await running.question(containing="body", after=2)
    assert running.state().step_id == "body"


@pytest.mark.parametrize(
    ("send", "words"),
    [("send_sticker", "stickers"), ("send_photo", "photos"), ("send_voice", "voice")],
)
async def test_things_that_are_not_answers_get_a_kind_word_and_change_nothing(
    running: Running, send: str, words: str
) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    await running.question(containing="toward your partner")
    before = running.state()
    getattr(fake, send)(CHAT)
    await fake.wait_for(lambda: any(words in (m.text or "") for m in fake.messages(CHAT)))
    await running.question(containing="toward your partner", after=running.count() - 1)
    assert running.state() == before


async def test_an_edited_message_is_not_taken_as_a_new_answer(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="body", after=2)
    before = running.state()
    fake.edit_text(CHAT, 1, "actually something else")
    await fake.wait_for(lambda: any("edited messages" in (m.text or "") for m in fake.messages(CHAT)))
    assert running.state() == before


async def test_in_a_group_it_says_once_that_it_is_for_private_chats(running: Running) -> None:
    fake = running.fake
    group = -100777
    fake.send_text(group, "hello bot", chat_type="group")
    await fake.wait_for(lambda: len(fake.messages(group)) == 1)
    assert "private" in (fake.messages(group)[0].text or "")
    fake.send_text(group, "are you there", chat_type="group")
    update = fake.send_command(group, "/start")
    await fake.wait_for(lambda: fake.confirmed_offset > update)
    await asyncio.sleep(0.3)
    assert len(fake.messages(group)) == 1


async def test_a_very_long_message_is_kept_up_to_the_limit_with_a_note(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="body", after=2)
    fake.send_command(CHAT, "/skip")
    intensity = await running.question(containing="0 (calm)", after=running.count())
    fake.press(CHAT, intensity.message_id, buttons(intensity)["2"])
    await running.question(containing="What just happened", after=running.count())
    fake.send_text(CHAT, "x" * 10_000)
    await fake.wait_for(lambda: any("first 500 characters" in (m.text or "") for m in fake.messages(CHAT)))
    assert running.state().vars["trigger"] == "x" * 500


async def test_too_many_requests_is_waited_out_and_the_reply_arrives(running: Running) -> None:
    fake = running.fake
    fake.fail_next("sendMessage", status=429, retry_after=1)
    fake.send_command(CHAT, "/help")
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(CHAT)))
    attempts = fake.calls_to("sendMessage")
    assert len(attempts) >= 2 and attempts[-1].at - attempts[0].at >= 0.9


async def test_server_errors_and_slow_answers_are_retried(running: Running) -> None:
    fake = running.fake
    fake.fail_next("sendMessage", status=500, times=2)
    fake.slow_next("sendMessage", 1.5)
    fake.send_command(CHAT, "/help")
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(CHAT)), timeout=30)
    assert len(fake.calls_to("sendMessage")) >= 3


async def test_a_person_who_blocked_the_bot_gets_nothing_more(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    await running.question(containing="toward your partner")
    key = ChatKey("telegram", str(CHAT))
    with running.coach.store.chat(key) as tx:
        tx.schedule_followup(
            source_flow="break", source_step="done", target_flow="checkin", due_at=datetime.now(UTC), dedupe_key="t-1"
        )
    fake.block(CHAT)
    update = fake.send_text(CHAT, "are you still there?")
    await fake.wait_for(lambda: fake.confirmed_offset > update)
    await asyncio.sleep(0.3)
    with running.coach.store.engine.connect() as connection:
        active = connection.execute(sa.text("SELECT active FROM chat WHERE address = :a"), {"a": str(CHAT)}).scalar()
        statuses = connection.execute(sa.text("SELECT status FROM followup")).scalars().all()
    assert not active
    assert statuses == ["cancelled"]


async def test_webhook_refuses_requests_without_the_secret_and_answers_only_after_commit(
    fake: FakeBotAPI, sqlite_url: str, unused_tcp_port: int
) -> None:
    settings = Settings.load(environ={"HEDGEHOG_DATABASE_URL": sqlite_url}, dotenv=Path("/nonexistent"))
    coach = build_coach(settings)
    already_onboarded(coach)
    hook = Webhook("https://bot.example.org/telegram", "127.0.0.1", unused_tcp_port, "s3cr3t-token_1")
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping, webhook=hook))
    try:
        await fake.wait_for(lambda: bool(fake.calls_to("setWebhook")) or task.done())
        [registered] = fake.calls_to("setWebhook")
        assert registered.params["url"] == hook.url and registered.params["secret_token"] == hook.secret
        assert not fake.calls_to("getUpdates")
        local = f"http://127.0.0.1:{unused_tcp_port}/telegram"
        update = fake.send_command(CHAT, "/start")
        assert await fake.post_webhook(local, update, None) == 403
        assert await fake.post_webhook(local, update, "not-the-secret") == 403
        assert fake.messages(CHAT) == [] and coach.peek(ChatKey("telegram", str(CHAT))) is None

        fake.slow_next("sendMessage", 1.0)
        started = asyncio.get_running_loop().time()
        assert await fake.post_webhook(local, update, hook.secret) == 200
        assert asyncio.get_running_loop().time() - started >= 1.0  # the 200 waited for the work
        shown = len(fake.messages(CHAT))
        assert shown >= 2 and coach.peek(ChatKey("telegram", str(CHAT))) is not None

        assert await fake.post_webhook(local, update, hook.secret) == 200  # Telegram retrying
        state = coach.peek(ChatKey("telegram", str(CHAT)))
        assert state is not None and state.step_id == "urge"
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()


async def test_a_reply_that_could_not_be_sent_goes_first_once_telegram_takes_it(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.fail_next("sendMessage", status=502, times=5)  # down for longer than the bot's retries
    update = fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await fake.wait_for(lambda: fake.confirmed_offset > update, timeout=60)
    assert running.state().step_id == "body"  # the answer was kept, and the update confirmed
    shown = running.count()
    resume = fake.send_command(CHAT, "/resume")
    await fake.wait_for(lambda: fake.confirmed_offset > resume, timeout=60)
    assert running.count() == shown  # handled, and its answer waits behind the question not yet shown
    # The retry's time comes: the question Telegram did not take goes first, then /resume's answer.
    running.coach.clock = lambda: datetime.now(UTC) + RETRY_SEND + timedelta(seconds=1)
    body = await running.question(containing="body", after=shown + 2)
    said = [m.text or "" for m in fake.messages(CHAT)[shown:]]
    assert len(said) == 3 and "body" in said[0] and "Welcome back" in said[1]
    assert "|" in next(iter(buttons(body).values()))


def test_long_replies_are_split_under_telegrams_limit_at_paragraphs() -> None:
    paragraphs = [f"Paragraph {n}: " + "words " * 150 for n in range(12)]
    pieces = split_text("\n\n".join(paragraphs))
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == "".join(paragraphs).replace(" ", "")


def test_a_scale_becomes_two_rows_of_numbers() -> None:
    reply = Reply("How strong?", expects="scale", step_id="intensity", seq=4, scale=(0, 10))
    markup = keyboard(reply)
    assert markup is not None
    rows = [[b.text for b in row] for row in markup.inline_keyboard]
    assert rows == [[str(n) for n in range(6)], [str(n) for n in range(6, 11)]]
    assert markup.inline_keyboard[0][3].callback_data == "intensity|4|3"


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
        await running.question(containing="body", after=running.count())
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


async def test_export_arrives_as_two_documents(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="body", after=2)
    fake.send_command(CHAT, "/export")
    await fake.wait_for(lambda: sum(m.kind == "document" for m in fake.messages(CHAT)) == 2)
    names = sorted(m.text or "" for m in fake.messages(CHAT) if m.kind == "document")
    assert names[0].endswith(".json") and names[1].endswith(".md")
    [upload] = [c for c in fake.calls_to("sendDocument") if str(c.params.get("_filename", "")).endswith(".json")]
    assert b'"urge"' in upload.params["document"] and b'"away"' in upload.params["document"]


async def test_progress_comes_with_a_chart(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/progress")
    await fake.wait_for(lambda: any("check-in" in (m.text or "") for m in fake.messages(CHAT)))
    assert not any(m.kind == "photo" for m in fake.messages(CHAT))  # nothing to draw yet
    with running.coach.transaction(ChatKey("telegram", str(CHAT))) as tx:
        for level in (3, 6, 9):
            tx.record_answer("checkin", "urge", "urge", "away")
            tx.record_answer("checkin", "intensity", "intensity", level)
    fake.send_command(CHAT, "/progress")
    await fake.wait_for(lambda: any(m.kind == "photo" for m in fake.messages(CHAT)))
    [upload] = fake.calls_to("sendPhoto")
    assert upload.params["photo"].startswith(b"\x89PNG")


async def test_delete_after_a_confirmation_erases_everything_and_says_how_to_clear_the_chat(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="body", after=2)
    fake.send_command(CHAT, "/delete")
    confirm = await running.question(containing="", after=running.count())
    assert set(buttons(confirm)) == {"Yes, delete everything", "No, keep it"}
    fake.press(CHAT, confirm.message_id, buttons(confirm)["Yes, delete everything"])
    await fake.wait_for(lambda: any("Clear history" in (m.text or "") for m in fake.messages(CHAT)))
    with running.coach.store.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM chat")).scalar_one() == 0
        assert connection.execute(sa.text("SELECT count(*) FROM journal")).scalar_one() == 0
