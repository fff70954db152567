"""The outbox below Telegram: replies committed with their step and marked sent once shown,
what a dead sender left, a chat's order across replicas (SQLite and PostgreSQL, several
Stores on one database, one clock), an erased chat staying erased, and the terminal
showing what a crash left unsent. The outbox over Telegram is in
tests/telegram/test_delivery.py; kills of a real `hedgehog run` are in
tests/telegram/test_processes.py and test_chaos.py."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.coach import Coach
from bot.contract import Handled, Incoming
from bot.engine.state import Choice, Command, Text
from bot.storage import ChatKey, Delivery, Store
from bot.storage.outbox import decode
from bot.transports.telegram.delivery import RETRY_SEND
from tests.support.telegram import CHAT, already_onboarded, coach_for, rows


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
        assert "0 (calm)" in texts(resent)[-1]
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


def test_the_terminal_shows_what_a_crash_left_unsent_when_it_opens(sqlite_url: str) -> None:
    from bot.transports.terminal import TerminalChat

    coach = coach_for(sqlite_url, lease=0.2)
    try:
        chat = TerminalChat(coach, "kim")
        already_onboarded(coach, chat.chat)
        chat.open("checkin")
        # Committed, then the terminal died before printing (nothing marked it shown).
        coach.process(Incoming(chat.chat, Text("Away from them")))
        coach.store.sending.clear()  # a new process: it holds nothing
        coach.clock = lambda: datetime.now(UTC) + timedelta(seconds=1)  # the dead one's lease is over
        again = TerminalChat(coach, "kim").open()
        texts = [r.text for r in again]
        assert any("0 (calm)" in t for t in texts[:1])  # the reply it never showed comes first
        assert texts[1].startswith("Welcome back")
    finally:
        coach.store.close()
