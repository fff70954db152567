"""Nothing lost after the commit: the outbox, poison updates, loops that survive, /hide.

The real PTB Application against the fake Bot API on loopback, real SQLite (and
PostgreSQL where the database's own rules matter). Kills of a real `hedgehog run` are in
test_telegram_process.py and test_chaos.py."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.app import build_coach
from bot.coach import Coach
from bot.config import Settings
from bot.contract import SHARE_BUTTON, Handled, Incoming
from bot.dialogue.model import button_target, parse_callback_payload
from bot.engine.state import Choice, Command, Text
from bot.storage import ChatKey, Delivery, Store
from bot.storage.outbox import decode
from bot.transports.telegram import TelegramBot, Webhook, build_application, serve
from bot.transports.telegram.delivery import RETRY_SEND
from tests.support.fakebotapi import FakeBotAPI
from tests.test_telegram import CHAT, Running, already_onboarded, buttons

OTHER = 5151


def coach_for(url: str, lease: float = 15) -> Coach:
    settings = Settings.load(
        environ={"HEDGEHOG_DATABASE_URL": url, "HEDGEHOG_OUTBOX_LEASE": str(lease)}, dotenv=Path("/nonexistent")
    )
    coach = build_coach(settings)
    already_onboarded(coach)
    already_onboarded(coach, OTHER)
    return coach


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as api:
        yield api


@pytest.fixture
async def running(fake: FakeBotAPI, sqlite_url: str) -> AsyncIterator[Running]:
    coach = coach_for(sqlite_url)
    stopping = asyncio.Event()
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping))
    await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")) or task.done())
    try:
        yield Running(fake, coach)
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()


def rows(coach: Coach, query: str) -> list[tuple[object, ...]]:
    with coach.store.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(query)).all()]


# ---------------------------------------------------------------------------- the outbox


def test_replies_are_committed_with_their_step_and_marked_sent_once_shown(sqlite_url: str) -> None:
    coach = coach_for(sqlite_url)
    try:
        key = ChatKey("telegram", str(CHAT))
        handled = coach.process(Incoming(key, Command("checkin"), update_id=1))
        # Committed, claimed by this process, not sent yet: a crash now leaves them queued.
        assert [d.reply.text for d in handled.deliveries if d.reply] == [r.text for r in handled.replies]
        assert {s for (s,) in rows(coach, "SELECT status FROM outbox")} == {"queued"}
        # The same update again (Telegram resent it) while this process still sends: nothing twice.
        assert coach.process(Incoming(key, Command("checkin"), update_id=1)).deliveries == []
        coach.shown(handled)
        assert {s for (s,) in rows(coach, "SELECT status FROM outbox")} == {"sent"}
        assert all(p == "{}" for (p,) in rows(coach, "SELECT payload FROM outbox"))  # the words are not kept
        assert coach.process(Incoming(key, Command("checkin"), update_id=1)).deliveries == []
    finally:
        coach.store.close()


def test_what_a_dead_sender_left_goes_out_first_and_in_order_once_its_lease_is_over(sqlite_url: str) -> None:
    dead = coach_for(sqlite_url, lease=30)
    key = ChatKey("telegram", str(CHAT))
    left = dead.process(Incoming(key, Text("I want to die"), update_id=1))  # committed; never sent
    dead.store.close()
    alive = coach_for(sqlite_url, lease=30)
    try:
        assert alive.unsent(key) == []  # still the dead one's, for its lease
        clock = [datetime.now(UTC) + timedelta(seconds=31)]
        alive.clock = lambda: clock[0]
        handled = alive.process(Incoming(key, Command("help"), update_id=2))
        said = [d.reply.text for d in handled.deliveries if d.reply]
        assert said[: len(left.replies)] == [r.text for r in left.replies]  # the crisis lines first
        assert "crisis service" in said[0] and "/checkin start a check-in" in said[-1]
    finally:
        alive.store.close()


def texts(deliveries: list[Delivery]) -> list[str]:
    return [d.reply.text for d in deliveries if d.reply is not None]


def replicas(url: str, count: int = 2) -> tuple[list[Coach], list[datetime]]:
    """Processes of one deployment: a Store each on the one database, one clock."""
    clock = [datetime.now(UTC)]
    coaches = [coach_for(url) for _ in range(count)]
    for coach in coaches:
        coach.clock = lambda: clock[0]
    return coaches, clock


def test_a_chats_newer_replies_wait_while_another_replica_is_sending_an_older_one(db_url: str) -> None:
    (first, second), _ = replicas(db_url)
    key = ChatKey("telegram", str(CHAT))
    try:
        crisis = first.process(Incoming(key, Text("I want to die"), update_id=1))  # first is sending these
        assert texts(crisis.deliveries) and "crisis service" in texts(crisis.deliveries)[0]
        # The person's next message lands on the other replica meanwhile: its reply waits.
        later = second.process(Incoming(key, Command("help"), update_id=2))
        assert later.deliveries == [] and second.unsent(key) == []
        assert second.waiting("telegram") == []
        first.shown(crisis)  # the crisis lines are out
        after = second.unsent(key)  # the resend loop's next look
        seen = [*texts(crisis.deliveries), *texts(after)]
        assert seen == [r.text for r in (*crisis.replies, *later.replies)]  # the order they were said in
        assert "/checkin start a check-in" in seen[-1]
    finally:
        first.store.close()
        second.store.close()


def test_a_chats_newer_replies_wait_behind_a_failed_send_until_its_retry(db_url: str) -> None:
    (first, second), clock = replicas(db_url)
    key = ChatKey("telegram", str(CHAT))
    try:
        opened = first.process(Incoming(key, Command("checkin"), update_id=1))
        first.store.outbox_retry(opened.deliveries, clock[0] + RETRY_SEND)  # Telegram would not take it now
        answered = second.process(Incoming(key, Text("Away from them"), update_id=2))
        assert answered.deliveries == [] and first.unsent(key) == [] and second.unsent(key) == []
        assert first.waiting("telegram") == []  # the resend loop does not even look yet
        clock[0] += RETRY_SEND + timedelta(seconds=1)
        assert second.waiting("telegram") == [key]
        resent = second.unsent(key)  # whichever replica looks first: the old one first, then the new
        assert texts(resent) == [r.text for r in (*opened.replies, *answered.replies)]
        assert "body" in texts(resent)[-1]
        assert first.unsent(key) == []  # and the other has nothing to send twice
    finally:
        first.store.close()
        second.store.close()


def test_a_reply_committed_while_another_replica_claims_the_chat_waits_for_it(db_url: str) -> None:
    """The race itself: one replica's resend loop is inside its claim of a dead sender's
    rows (not committed yet) when the chat's next message is handled on another. That one
    waits for the claim, sees the lease it made, and holds its own reply back."""
    (dead, resender, answering), clock = replicas(db_url, 3)
    key = ChatKey("telegram", str(CHAT))
    try:
        left = dead.process(Incoming(key, Command("help"), update_id=1))  # committed, never sent
        clock[0] += timedelta(seconds=16)  # the dead one's lease is over
        store = resender.store
        with store.engine.connect() as connection, connection.begin():
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            claimed = [
                decode(row)
                for row in sorted(
                    store.sql.claim_outbox.all(
                        cursor,
                        {
                            "b_transport": key.transport,
                            "b_address": key.address,
                            "b_now": clock[0],
                            "b_until": clock[0] + store.lease,
                        },
                    )
                )
            ]
            assert texts(claimed) == texts(left.deliveries)
            result: list[Handled] = []
            worker = threading.Thread(
                target=lambda: result.append(answering.process(Incoming(key, Command("sos"), update_id=2)))
            )
            worker.start()
            if store.dialect == "postgresql":  # its claim is waiting for these rows: then commit
                wait_until(lambda: _waiting_for_a_lock(store), "the other replica waits for the claim")
            cursor.close()
        worker.join(timeout=60)
        assert result and result[0].deliveries == []  # not before what is being sent
        for delivery in claimed:
            store.outbox_sent(delivery, [], clock[0])
        after = answering.unsent(key)
        assert texts(after) == [r.text for r in result[0].replies]
    finally:
        for coach in (dead, resender, answering):
            coach.store.close()


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.02)


def _waiting_for_a_lock(store: Store) -> bool:
    with store.engine.connect() as connection:
        return bool(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


@pytest.mark.parametrize(
    ("flow", "label"),
    [("delete", "Yes, delete everything"), ("onboarding", "No thanks"), ("onboarding", "No, I'm younger")],
)
def test_an_update_that_erased_the_chat_erases_again_as_nothing(db_url: str, flow: str, label: str) -> None:
    coach = coach_for(db_url)
    key = ChatKey("telegram", "6262")
    try:
        question = next(
            r
            for r in reversed(coach.handle(Incoming(key, Command(flow if flow == "delete" else "start"), update_id=1)))
            if r.step_id is not None
        )
        while label not in [b.label for b in question.buttons]:  # onboarding: through to the question
            first = question.buttons[0]
            question = next(
                r
                for r in reversed(
                    coach.handle(
                        Incoming(key, Choice(first.id, question.step_id, question.seq), update_id=question.seq + 10)
                    )
                )
                if r.step_id is not None
            )
        choice = next(b for b in question.buttons if b.label == label)
        press = Incoming(key, Choice(choice.id, question.step_id, question.seq), update_id=99)
        erased = coach.process(press)  # erased and committed; the goodbye not sent yet
        again = coach.process(press)  # Telegram sends the press again
        assert again.outcome == "erased-before" and again.deliveries == []  # being sent by the first
        coach.shown(erased)
        assert coach.handle(press) == []  # and once it was sent, nothing more
        assert rows(coach, "SELECT count(*) FROM chat WHERE address = '6262'") == [(0,)]  # not re-created
        assert rows(coach, "SELECT count(*) FROM processed_update WHERE update_id = 99") == [(0,)]
        assert rows(coach, "SELECT count(*) FROM outbox WHERE address = '6262'") == [(0,)]
        # Ids and a time, nothing else: the erasing update's and every earlier one of the chat's.
        erased_ids = [u for (u,) in rows(coach, "SELECT update_id FROM erased_update ORDER BY update_id")]
        assert erased_ids[-1] == 99 and erased_ids[0] == 1 and len(erased_ids) == len(set(erased_ids))
        assert rows(coach, "SELECT count(*) FROM processed_update") == [(0,)]
    finally:
        coach.store.close()


def test_an_earlier_update_redelivered_with_the_erase_re_creates_nothing(db_url: str) -> None:
    """/delete and the "Yes" press in one batch that was never confirmed (a kill right after
    the erase's commit): Telegram sends both again. The /delete's ledger row went with the
    chat, so without a tombstone of its own it would run again: a chat row and its
    question back, after the goodbye."""
    coach = coach_for(db_url)
    key = ChatKey("telegram", "6363")
    try:
        ask_first = Incoming(key, Command("delete"), update_id=1)
        question = next(r for r in coach.handle(ask_first) if r.step_id is not None)
        choice = next(b for b in question.buttons if b.label == "Yes, delete everything")
        press = Incoming(key, Choice(choice.id, question.step_id, question.seq), update_id=2)
        goodbye = coach.handle(press)
        assert any("Clear history" in r.text for r in goodbye)
        again = coach.process(ask_first)  # the batch again, in order: /delete first
        assert again.outcome == "erased-before" and again.deliveries == []
        assert coach.handle(press) == []
        assert rows(coach, "SELECT count(*) FROM chat WHERE address = '6363'") == [(0,)]  # not re-created
        assert rows(coach, "SELECT count(*) FROM outbox WHERE address = '6363'") == [(0,)]  # nothing more to say
        assert sorted(rows(coach, "SELECT update_id FROM erased_update")) == [(1,), (2,)]  # ids and times only
    finally:
        coach.store.close()


async def test_the_same_update_on_two_replicas_sends_its_replies_once(
    fake: FakeBotAPI, sqlite_url: str, unused_tcp_port_factory: object
) -> None:
    ports = [unused_tcp_port_factory(), unused_tcp_port_factory()]  # type: ignore[operator]
    coaches = [coach_for(sqlite_url), coach_for(sqlite_url)]
    stopping = asyncio.Event()
    tasks = [
        asyncio.create_task(
            serve(
                c,
                fake.token,
                fake.url,
                stopping,
                webhook=Webhook("https://bot.example.org/tg", "127.0.0.1", p, "s3cret"),
            )
        )
        for c, p in zip(coaches, ports, strict=True)
    ]
    try:
        await fake.wait_for(lambda: len(fake.calls_to("setWebhook")) == 2)
        update = fake.send_command(CHAT, "/checkin")
        codes = await asyncio.gather(*(fake.post_webhook(f"http://127.0.0.1:{p}/tg", update, "s3cret") for p in ports))
        assert codes == [200, 200]
        await fake.wait_for(lambda: any(m.reply_markup for m in fake.messages(CHAT)))
        await asyncio.sleep(0.5)
        texts = [m.text for m in fake.messages(CHAT)]
        assert len(texts) == len(set(texts)) == 2  # the check-in's opening and its first question, once
    finally:
        stopping.set()
        await asyncio.gather(*tasks)
        for coach in coaches:
            coach.store.close()


# ---------------------------------------------------------------------------- poison updates


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


# ---------------------------------------------------------------------------- loops that survive


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


# ---------------------------------------------------------------------------- quick exit


async def test_hide_clears_the_chat_on_telegram_and_keeps_the_data(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="body", after=running.count())
    fake.send_text(CHAT, "my chest is so tight right now")
    await running.question(containing="0 (calm)", after=running.count())
    assert fake.messages(CHAT) and fake.their_messages(CHAT)
    fake.send_command(CHAT, "/hide")
    await fake.wait_for(lambda: not fake.messages(CHAT) and not fake.their_messages(CHAT))
    await asyncio.sleep(0.3)
    assert fake.messages(CHAT) == []  # not even a line about it
    assert running.state().step_id == "intensity"  # type: ignore[union-attr]
    fake.send_command(CHAT, "/resume")  # and everything is still there
    await running.question(containing="0 (calm)", after=0)


# ---------------------------------------------------------------------------- bounded input

HOSTILE = "&<>\"' " * 100  # a person's answer that grows five-fold when escaped


@pytest.mark.parametrize("limit", [4096, 300, 40])
def test_splitting_never_cuts_a_tag_or_an_entity_and_counts_as_telegram_does(limit: int) -> None:
    from markupsafe import escape as escape_html

    from bot.transports.telegram.render import split_text
    from tests.support.fakebotapi import parse_html

    text = "\n\n".join(
        f'<b>Step {n}</b>: <i>{escape_html(HOSTILE)} 😭 and <a href="https://example.org/?a=1&amp;b=2">this</a></i>'
        for n in range(30)
    )
    pieces = split_text(text, limit)
    assert len(pieces) > 1
    shown = []
    for piece in pieces:
        visible, _ = parse_html(piece)  # raises on a cut tag or an unclosed one, as Telegram answers 400
        assert 0 < len(visible.encode("utf-16-le")) // 2 <= limit
        shown.append(visible)
    whole, _ = parse_html(text)
    assert "".join(shown).replace(" ", "").replace("\n", "") == whole.replace(" ", "").replace("\n", "")


async def test_a_long_read_back_full_of_escapes_still_shows_the_question_and_resume_works(running: Running) -> None:
    fake = running.fake
    fake.send_command(CHAT, "/checkin")
    urge = await running.question(containing="toward your partner")
    fake.press(CHAT, urge.message_id, buttons(urge)["Away from them"])
    await running.question(containing="body", after=running.count())
    fake.send_text(CHAT, HOSTILE[:300])
    intensity = await running.question(containing="0 (calm)", after=running.count())
    fake.press(CHAT, intensity.message_id, buttons(intensity)["4"])
    await running.question(containing="What just happened", after=running.count())
    fake.send_text(CHAT, HOSTILE[:500])
    await running.question(containing="tell yourself", after=running.count())
    fake.send_text(CHAT, "They <don't> care & I'm \"never\" enough " + HOSTILE[:460])
    deeper = await running.question(containing="go a little deeper", after=running.count())
    assert "&amp;&lt;&gt;" in (deeper.html or "")  # their words, escaped, read back in full
    fake.send_command(CHAT, "/resume")
    again = await running.question(containing="go a little deeper", after=running.count())
    assert again.message_id > deeper.message_id


async def _raw_post(port: int, headers: str, body: bytes = b"") -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"POST /tg HTTP/1.1\r\nHost: bot.example.org\r\n{headers}\r\n".encode() + body)
        await writer.drain()
        return await asyncio.wait_for(reader.read(200), timeout=15)
    finally:
        writer.close()


async def test_the_webhook_refuses_before_reading_and_answers_400_to_what_is_not_an_update(
    fake: FakeBotAPI, sqlite_url: str, unused_tcp_port: int
) -> None:
    coach = coach_for(sqlite_url)
    stopping = asyncio.Event()
    hook = Webhook("https://bot.example.org/tg", "127.0.0.1", unused_tcp_port, "s3cret")
    task = asyncio.create_task(serve(coach, fake.token, fake.url, stopping, webhook=hook))
    try:
        await fake.wait_for(lambda: bool(fake.calls_to("setWebhook")))
        huge = "Content-Type: application/json\r\nContent-Length: 99614720\r\n"  # 95 MB announced, none sent
        assert (await _raw_post(unused_tcp_port, huge)).startswith(b"HTTP/1.1 403")  # answered unread
        wrong = huge + "X-Telegram-Bot-Api-Secret-Token: guess\r\n"
        assert (await _raw_post(unused_tcp_port, wrong)).startswith(b"HTTP/1.1 403")
        right = huge + "X-Telegram-Bot-Api-Secret-Token: s3cret\r\n"
        assert (await _raw_post(unused_tcp_port, right)).startswith(b"HTTP/1.1 413")
        import httpx

        url = f"http://127.0.0.1:{unused_tcp_port}/tg"
        secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret", "Content-Type": "application/json"}
        async with httpx.AsyncClient() as client:
            for body in (
                "[1, 2]",
                '"hello"',
                "null",
                '{"update_id": 5, "message": 7}',
                "[" * 100_000 + "]" * 100_000,
                '{"message": {"text": "no id"}}',
                "not json at all",
                '{"update_id": 6, "message": {}}',
            ):
                response = await client.post(url, content=body, headers=secret)
                assert response.status_code == 400, body[:40]
                assert "Traceback" not in response.text
            update = fake.send_command(CHAT, "/help")  # and a real one still works
            assert await fake.post_webhook(url, update, "s3cret") == 200
        assert any("/checkin" in (m.text or "") for m in fake.messages(CHAT))
    finally:
        stopping.set()
        await asyncio.wait_for(task, timeout=30)
        coach.store.close()


# ---------------------------------------------------------------------------- stale consent buttons


def test_a_stale_consent_button_is_refused_and_changes_nothing(sqlite_url: str) -> None:
    from bot.storage import therapy
    from tests.test_therapy import ANA, CLIENT, People

    coach = coach_for(sqlite_url)
    try:
        for chat in (ANA, CLIENT):
            already_onboarded_key(coach, chat)
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


def already_onboarded_key(coach: Coach, chat: ChatKey) -> None:
    with coach.transaction(chat) as tx:
        tx.record_entry("onboarding", "done", "onboarding", {"lean": "unsure", "unsafe": False})


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


def test_the_terminal_shows_what_a_crash_left_unsent_when_it_opens(sqlite_url: str) -> None:
    from bot.transports.terminal import TerminalChat

    coach = coach_for(sqlite_url, lease=0.2)
    try:
        chat = TerminalChat(coach, "kim")
        already_onboarded_key(coach, chat.chat)
        chat.open("checkin")
        # Committed, then the terminal died before printing (nothing marked it shown).
        coach.process(Incoming(chat.chat, Text("Away from them")))
        coach.store.sending.clear()  # a new process: it holds nothing
        coach.clock = lambda: datetime.now(UTC) + timedelta(seconds=1)  # the dead one's lease is over
        again = TerminalChat(coach, "kim").open()
        texts = [r.text for r in again]
        assert any("body" in t for t in texts[:1])  # the reply it never showed comes first
        assert texts[1].startswith("Welcome back")
    finally:
        coach.store.close()
