"""Polling: taking over from a webhook, confirming updates only once handled, an update sent
twice, a locked database, forged buttons, poison updates (quarantined after three tries,
one apology), a database that turned read-only, and updates PTB cannot read."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from bot.contract import SHARE_BUTTON
from bot.dialogue.model import button_target, parse_callback_payload
from bot.storage import ChatKey
from bot.transports.telegram import MENU, serve
from tests.support.fakebotapi import FakeBotAPI
from tests.support.telegram import CHAT, OTHER, Running, buttons, coach_for, rows


async def test_start_registers_the_menu_and_takes_over_from_any_webhook(running: Running) -> None:
    [menu] = running.fake.calls_to("setMyCommands")
    assert [c["command"] for c in menu.params["commands"]] == [name for name, _ in MENU]
    assert running.fake.calls_to("deleteWebhook")


async def test_an_update_sent_twice_is_handled_once(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/start")
    urge = await running.question(containing="toward your partner")
    update = fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="0 (calm)", after=2)
    shown, calls = running.count(), len(fake.calls)
    fake.resend(update)
    await fake.wait_for(lambda: fake.redeliveries_waiting == 0 and len(fake.calls_to("getUpdates")) > 2)
    await fake.wait_for(lambda: len(fake.calls) > calls)  # fetched again, and polling went on
    await asyncio.sleep(0.3)
    assert running.count() == shown  # nothing applied, nothing shown twice
    with running.coach.store.chat(ChatKey("telegram", str(CHAT))) as tx:
        assert [row.value for row in tx.journal() if row.name == "urge"] == ["away"]
    assert running.state().step_id == "intensity"


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
    await running.question(containing="0 (calm)", after=2)
    assert running.state().step_id == "intensity"


@pytest.mark.parametrize(
    "data",
    [
        "urge|²|away",
        "urge|٣|away",
        "urge|-1|away",
        "urge||away",
        "|2|away",
        "urge|2|",
        "urge|2",
        "a|1|b|c",
        "urge|12345678|away",
        "x" * 70 + "|1|a",
        "urge|1\x00|away",
    ],
)
def test_forged_button_data_is_refused_by_the_one_parser(data: str) -> None:
    assert parse_callback_payload(data) is None


def test_service_buttons_name_their_row_in_ascii_digits_only() -> None:
    assert button_target(f"{SHARE_BUTTON}12", SHARE_BUTTON) == 12
    for forged in ("²", "٣", "", "1e3", "-1", "9" * 13, " 1"):
        assert button_target(f"{SHARE_BUTTON}{forged}", SHARE_BUTTON) is None


async def test_a_forged_button_gets_a_kind_word_and_holds_up_no_one(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    shown = running.count()
    for data in ("urge|²|away", f"{SHARE_BUTTON}²|0|answers", "@unassign-٣|0|end"):
        fake.press(CHAT, urge.message_id, data)
    help_ = fake.send_command(OTHER, "/help")  # someone else, behind the forged presses
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(OTHER)))
    await fake.wait_for(lambda: fake.confirmed_offset > help_)
    assert all("button" in (m.text or "") or m.reply_markup for m in fake.messages(CHAT)[shown:])
    assert running.state().step_id == "urge"  # type: ignore[union-attr]


async def test_an_update_that_fails_every_time_is_confirmed_after_three_tries_and_recorded(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake = running.fake
    caplog.set_level(logging.INFO)
    # A press on a message sent "via" the bot (inline): no chat to answer in; handling it fails.
    bad = fake.send_update(
        {
            "callback_query": {
                "id": "77",
                "from": {"id": 9, "is_bot": False, "first_name": "X"},
                "chat_instance": "9",
                "data": "urge|1|away",
                "inline_message_id": "AAAA",
            }
        }
    )
    fake.send_command(OTHER, "/help")
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(OTHER)), timeout=30)
    await fake.wait_for(lambda: fake.confirmed_offset > bad, timeout=30)
    assert rows(running.coach, "SELECT update_id, kind, error, tries FROM quarantined_update") == [
        (bad, "callback_query", "AssertionError", 3)
    ]
    assert sum(r.getMessage() == "update failed" for r in caplog.records) == 3


async def test_a_message_that_fails_every_time_gets_one_apology_and_holds_up_no_one(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake, coach = running.fake, running.coach
    caplog.set_level(logging.DEBUG)
    sorry = coach.say("sorry").text
    said = "I keep replaying the fight from last night, I can't sleep."
    # The database itself refuses this one chat's steps (the ledger row every message writes),
    # every time, for a reason that is no outage (a constraint, not a connection): not
    # transient, so each time counts as a try.
    [(chat_id,)] = rows(coach, f"SELECT id FROM chat WHERE address = '{CHAT}'")
    with coach.store.engine.begin() as connection:
        connection.execute(
            sa.text(
                f"CREATE TRIGGER planted_fault BEFORE INSERT ON processed_update WHEN NEW.chat_id = {chat_id} "
                "BEGIN SELECT RAISE(ABORT, 'planted fault'); END"
            )
        )
    bad = fake.send_text(CHAT, said)
    fake.send_command(OTHER, "/help")  # someone else, in the same batch, behind it
    await fake.wait_for(lambda: fake.confirmed_offset > bad, timeout=30)
    assert any("/checkin" in (m.text or "") for m in fake.messages(OTHER))
    assert [m.text for m in fake.messages(CHAT)] == [sorry]  # the apology, and nothing half-done
    assert rows(coach, "SELECT transport, update_id, kind, error, tries FROM quarantined_update") == [
        ("telegram", bad, "message", "IntegrityError", 3)
    ]
    assert sum(r.getMessage() == "update failed" for r in caplog.records) == 3
    ours = [r for r in caplog.records if r.name.startswith("hedgehog")]
    assert ours and not any(said[:20] in f"{r.getMessage()} {getattr(r, 'fields', '')}" for r in ours)
    fake.send_text(OTHER, "We had a fight and I said things I regret.")  # right after: answered
    await fake.wait_for(lambda: len(fake.messages(OTHER)) > 1)
    with coach.store.engine.begin() as connection:
        connection.execute(sa.text("DROP TRIGGER planted_fault"))
    fake.send_command(CHAT, "/help")  # the fault gone, the chat goes on; the apology came once
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(CHAT)))
    assert [m.text for m in fake.messages(CHAT)].count(sorry) == 1
    assert fake.confirmed_offset > bad and bad not in fake.pending_updates


async def test_a_database_that_turned_read_only_keeps_the_message_waiting_with_no_apology(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """A full disk or a read-only file is the database being away, not the message's fault:
    the driver's own error (raised by the hot path's statements, which SQLAlchemy does not
    wrap) is retried for as long as it takes, never counted toward the apology."""
    fake, coach = running.fake, running.coach
    caplog.set_level(logging.INFO)
    engine = coach.store.engine

    def read_only(connection: object, record: object) -> None:
        connection.execute("PRAGMA query_only = ON")  # type: ignore[attr-defined]

    sa.event.listen(engine, "connect", read_only)
    engine.dispose()
    try:
        text = fake.send_text(CHAT, "We had another fight and I just left the house.")
        await fake.wait_for(
            lambda: sum(r.getMessage() == "update failed, will retry" for r in caplog.records) > 3, timeout=60
        )
        assert fake.messages(CHAT) == [] and fake.confirmed_offset <= text  # waiting, no apology
    finally:
        sa.event.remove(engine, "connect", read_only)
        engine.dispose()
    await fake.wait_for(lambda: fake.confirmed_offset > text, timeout=30)  # back: answered as ever
    assert fake.messages(CHAT) and all("Sorry" not in (m.text or "") for m in fake.messages(CHAT))
    assert rows(coach, "SELECT count(*) FROM quarantined_update") == [(0,)]


async def test_an_update_python_telegram_bot_cannot_read_is_skipped(running: Running) -> None:
    fake = running.fake
    unreadable = fake.send_update({"message": 7})
    also = fake.send_update({"message": {"chat": "nowhere"}})
    fake.send_command(OTHER, "/help")
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(OTHER)), timeout=30)
    await fake.wait_for(lambda: fake.confirmed_offset > max(unreadable, also), timeout=30)
    fake.send_command(CHAT, "/help")  # and polling goes on
    await fake.wait_for(lambda: any("/checkin" in (m.text or "") for m in fake.messages(CHAT)), timeout=30)


@pytest.mark.postgres
async def test_a_nul_byte_in_what_someone_types_is_no_database_error(fake: FakeBotAPI, postgres_url: str) -> None:
    from bot.storage import therapy

    coach = coach_for(postgres_url)
    therapy.add_therapist(coach.store, ChatKey("telegram", str(CHAT)), "Ana Ruiz", datetime.now(UTC))
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping))
    running = Running(fake, coach)

    async def press(label: str) -> None:
        await fake.wait_for(lambda: any(m.reply_markup and label in buttons(m) for m in fake.messages(CHAT)))
        message = next(m for m in reversed(fake.messages(CHAT)) if m.reply_markup and label in buttons(m))
        count = running.count()
        fake.press(CHAT, message.message_id, buttons(message)[label])
        await fake.wait_for(lambda: running.count() > count)

    try:
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")))
        fake.send_command(CHAT, "/assign")
        for label in ("Take a break", "Once", "No due date"):
            await press(label)
        count = running.count()
        fake.send_command(CHAT, "/skip")
        await fake.wait_for(lambda: running.count() > count)
        count = running.count()
        fake.send_text(CHAT, "Sam\x00 B.")  # a NUL: PostgreSQL refuses it in text (DataError)
        await fake.wait_for(lambda: running.count() > count)
        for label in ("Yes, tell me", "Create the link"):
            await press(label)
        await fake.wait_for(lambda: any("t.me/" in (m.text or "") for m in fake.messages(CHAT)))
        assert rows(coach, "SELECT alias FROM assignment") == [("Sam B.",)]
        assert rows(coach, "SELECT count(*) FROM quarantined_update") == [(0,)]
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()
