"""Storage on real SQLite and PostgreSQL: durability, rollback, exactly-once, schema migrations."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from bot.engine.state import Frame, SessionState
from bot.errors import DatabaseUnavailable, SchemaTooNew
from bot.storage import ChatKey, Store, normalize_url
from bot.storage.store import Busy

KEY = ChatKey("terminal", "ana")
STATE = SessionState(
    "checkin",
    3,
    "meaning",
    {"trigger": "Él dijo «nada» 🙂", "n": [1, None, "x"], "gone": None},
    (Frame("outer", 1, "call-step"),),
    seq=12,
)


def test_progress_survives_closing_and_reopening(db_url: str) -> None:
    first = Store.open(db_url)
    with first.chat(KEY) as tx:
        tx.save_session(STATE)
    first.close()
    again = Store.open(db_url)
    try:
        with again.chat(KEY) as tx:
            assert tx.load_session() == STATE
    finally:
        again.close()


def test_an_ended_session_leaves_history_and_a_new_one_starts_fresh(store: Store) -> None:
    with store.chat(KEY) as tx:
        tx.save_session(STATE)
        tx.record_answer("checkin", "meaning", "meaning", "they don't care")
    with store.chat(KEY) as tx:
        tx.save_session(SessionState("checkin", 3, "close", STATE.vars, status="completed"))
    with store.chat(KEY) as tx:
        assert tx.load_session() is None
        tx.save_session(SessionState("break", 1, "welcome"))
    with store.chat(KEY) as tx:
        assert tx.load_session() == SessionState("break", 1, "welcome")
        assert [row.value for row in tx.journal()] == ["they don't care"]
    with store.engine.connect() as connection:
        statuses = connection.execute(sa.text("SELECT status FROM session ORDER BY id")).scalars().all()
    assert statuses == ["completed", "active"]


def test_a_failure_inside_the_transaction_loses_nothing_and_claims_nothing(store: Store) -> None:
    with store.chat(KEY) as tx:
        tx.save_session(STATE)

    class Crash(Exception):
        pass

    with pytest.raises(Crash), store.chat(KEY) as tx:
        assert tx.claim_update(42)
        tx.save_session(SessionState("checkin", 3, "surface", {"meaning": "half-written"}, seq=13))
        tx.record_answer("checkin", "meaning", "meaning", "half-written")
        raise Crash
    with store.chat(KEY) as tx:
        assert tx.load_session() == STATE
        assert tx.journal() == []
        assert tx.claim_update(42)  # the update will be processed when it comes again


def test_an_update_is_claimed_once_across_processes(db_url: str) -> None:
    first, second = Store.open(db_url), Store.open(db_url)
    try:
        with first.chat(KEY) as tx:
            assert tx.claim_update(7)
        with second.chat(KEY) as tx:
            assert not tx.claim_update(7)
        with second.chat(ChatKey("telegram", "ana")) as tx:
            assert tx.claim_update(7)  # another transport's numbering
    finally:
        first.close()
        second.close()


def test_at_once_a_busy_sqlite_database_raises_before_anything_is_done(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another connection is writing
        started = time.monotonic()
        with pytest.raises(Busy), store.at_once(), store.chat(KEY) as tx:
            tx.claim_update(1)
        assert time.monotonic() - started < 1  # refused at once, not after the 30 s busy timeout
        writer.rollback()
        with store.chat(KEY) as tx:  # outside `at_once`, as before; nothing was claimed
            assert tx.claim_update(1)
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        writer.close()
        store.close()


def test_after_transactions_begun_at_once_a_waiting_one_still_waits_for_the_lock(sqlite_url: str) -> None:
    store = Store.open(sqlite_url)
    writer = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None, check_same_thread=False)
    try:
        for update in (1, 2):  # the event loop's way: the connection is left not waiting
            with store.at_once(), store.chat(KEY) as tx:
                assert tx.claim_update(update)
        writer.execute("BEGIN IMMEDIATE")  # another connection writes for a moment
        threading.Timer(0.3, writer.rollback).start()
        with store.chat(KEY) as tx:  # waits for it, instead of failing at once
            assert tx.claim_update(3)
    finally:
        writer.close()
        store.close()


def test_follow_ups_are_stored_once_per_key(store: Store) -> None:
    due = datetime(2026, 11, 26, 19, 0, tzinfo=UTC)
    with store.chat(KEY) as tx:
        kwargs = {"source_flow": "break", "source_step": "done", "target_flow": "checkin", "due_at": due}
        assert tx.schedule_followup(dedupe_key="k1", **kwargs)
        assert not tx.schedule_followup(dedupe_key="k1", **kwargs)
        assert [(f.target_flow, f.due_at) for f in tx.pending_followups()] == [("checkin", due)]


def test_the_migrated_schema_matches_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_opening_a_migrated_database_again_changes_nothing(sqlite_url: str) -> None:
    Store.open(sqlite_url).close()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    before = path.stat().st_mtime_ns
    time.sleep(0.01)
    Store.open(sqlite_url).close()
    assert path.stat().st_mtime_ns == before


def test_a_database_from_a_newer_hedgehog_is_refused_before_anything_is_written(sqlite_url: str) -> None:
    Store.open(sqlite_url).close()
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="newer Hedgehog"):
        Store.open(sqlite_url)
    assert path.read_bytes() == before


def test_an_unwritable_path_is_one_clear_sentence(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    with pytest.raises(DatabaseUnavailable) as caught:
        Store.open(f"sqlite:///{tmp_path}/afile/sub/db.sqlite3")
    assert "afile/sub/db.sqlite3" in str(caught.value) and "HEDGEHOG_DATABASE_URL" in str(caught.value)


def test_an_unreachable_server_fails_fast_without_showing_the_password() -> None:
    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as caught:
        Store.open("postgresql://hh:s3cret-pass@127.0.0.1:1/hedgehog")
    assert time.monotonic() - started < 10
    assert "s3cret-pass" not in str(caught.value) and "127.0.0.1:1" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "driver"),
    [
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("sqlite:///x.sqlite3", "sqlite+pysqlite"),
    ],
)
def test_operators_write_plain_urls_and_the_driver_is_chosen(raw: str, driver: str) -> None:
    assert normalize_url(raw).drivername == driver


def test_the_default_database_lives_in_the_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEDGEHOG_DATA_DIR", str(tmp_path / "d"))
    assert normalize_url(None).database == str(tmp_path / "d" / "hedgehog.sqlite3")


def test_other_databases_are_refused_by_name() -> None:
    with pytest.raises(DatabaseUnavailable, match="mysql"):
        normalize_url("mysql://u@h/db")


def test_the_ledger_forgets_update_ids_telegram_can_no_longer_resend(store: Store) -> None:
    old, recent = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC)
    with store.chat(ChatKey("telegram", "77"), old) as tx:
        assert tx.claim_update(1)
    with store.chat(ChatKey("telegram", "77"), recent) as tx:
        assert tx.claim_update(2)
    assert store.prune_processed(datetime(2026, 11, 18, tzinfo=UTC)) == 1
    with store.chat(ChatKey("telegram", "77"), recent) as tx:
        assert tx.claim_update(1)  # forgotten: it could be claimed again
        assert not tx.claim_update(2)  # still remembered
