"""The storage API the service uses: one transaction per event of one chat.

`Store.chat(key)` begins a transaction, upserts the chat row and locks it (SQLite:
`BEGIN IMMEDIATE` holds the database's write lock; PostgreSQL: `SELECT ... FOR
UPDATE` on the chat row), so one chat's events are applied one after another even
across processes, while different chats proceed in parallel on PostgreSQL.

This is the per-message hot path. Its statements (`statements.py`) are SQLAlchemy Core
statements on the sqlmodel tables, compiled once and run straight on the DBAPI cursor of
the transaction's connection. Rarer work (export, erase, follow-up listing) uses
ordinary Core execution on the same connection and transaction.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from bot import metrics
from bot.engine.state import Frame, Reply, SessionState
from bot.errors import DatabaseUnavailable
from bot.storage import db
from bot.storage.db import Busy
from bot.storage.models import PLAN_SECTIONS, QuarantinedUpdate, SafetyPlan, SendBudget, UTCDateTime, utcnow
from bot.storage.outbox import DELETE, MESSAGE, Delivery, decode, encode, encode_delete
from bot.storage.statements import CHAT, ERASED, FOLLOWUP, JOURNAL, OUTBOX, PROCESSED, SESSION, Statements

SEEN_PRECISION = timedelta(minutes=5)  # SQLite: how stale chat.last_seen_at may get before it is rewritten
LEASE = timedelta(seconds=30)  # how long a sender holds the outbox rows it claimed before others may take them
QUARANTINED = QuarantinedUpdate.__table__  # type: ignore[attr-defined]
BUDGET = SendBudget.__table__  # type: ignore[attr-defined]
DEBT_SECONDS = 2.0  # the most a bucket owes (in seconds of its rate) for sends that did not wait
__all__ = [
    "CHAT",
    "FOLLOWUP",
    "JOURNAL",
    "Busy",
    "ChatKey",
    "ChatTx",
    "Delivery",
    "DueFollowUp",
    "FollowUpRow",
    "Grant",
    "JournalRow",
    "Store",
]


@dataclass(frozen=True, slots=True)
class ChatKey:
    transport: str
    address: str


@dataclass(frozen=True, slots=True)
class JournalRow:
    flow_id: str
    step_id: str
    kind: str
    name: str
    value: Any
    created_at: datetime
    session_id: int | None = None  # the run it belongs to (a check-in and its answers share one)


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    id: int
    chat: ChatKey
    target_flow: str
    source_flow: str
    timezone: str | None = None
    followups: str = "any"
    kind: str = "flow"  # "flow", "homework" (a reminder) or "notice" (to a therapist)
    assignment_id: int | None = None
    plan: dict[str, Any] | None = None  # what the person planned, in their words (never logged)
    created_at: datetime | None = None  # when it was planned


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    source_flow: str
    source_step: str
    target_flow: str
    due_at: datetime
    status: str
    id: int = 0
    kind: str = "flow"
    session_id: int | None = None
    plan: dict[str, Any] | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Grant:
    """What a send budget gave: `granted` sends, the bucket's level after them (below one:
    the next send waits `(1 - level) / rate`), and the time (Unix seconds) before which
    nobody sends, after Telegram's 429."""

    granted: int
    level: float
    paused_until: float


def _plan(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def _due_query() -> sa.Select[Any]:
    """What a due follow-up needs, oldest first."""
    return (
        sa.select(
            FOLLOWUP.c.id,
            CHAT.c.transport,
            CHAT.c.address,
            FOLLOWUP.c.target_flow,
            FOLLOWUP.c.source_flow,
            CHAT.c.timezone,
            CHAT.c.followups,
            FOLLOWUP.c.kind,
            FOLLOWUP.c.assignment_id,
            FOLLOWUP.c.plan,
            FOLLOWUP.c.created_at,
        )
        .join(CHAT, CHAT.c.id == FOLLOWUP.c.chat_id)
        .order_by(FOLLOWUP.c.due_at, FOLLOWUP.c.id)
    )


def _due(r: Any) -> DueFollowUp:
    return DueFollowUp(
        r.id,
        ChatKey(r.transport, r.address),
        r.target_flow,
        r.source_flow,
        r.timezone,
        r.followups,
        r.kind,
        r.assignment_id,
        _plan(r.plan),
        r.created_at,
    )


def _followup_row(r: Any) -> FollowUpRow:
    return FollowUpRow(
        r.source_flow,
        r.source_step,
        r.target_flow,
        r.due_at,
        r.status,
        r.id,
        r.kind,
        r.session_id,
        _plan(r.plan),
        r.created_at,
    )


class Store:
    def __init__(self, engine: sa.Engine, url: sa.URL) -> None:
        self.engine = engine
        self.url = url
        self.display_url = db.shown(url)
        self.dialect = engine.dialect.name
        self.insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        self.sql = Statements(self.insert, engine.dialect)
        self.lease = LEASE
        # Outbox rows this process claimed and is sending now: a claim never hands them out
        # twice in one process, even when a slow send outlasts the lease.
        self.sending: set[int] = set()

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (creating if need be) and migrate the database. Raises DatabaseUnavailable
        or SchemaTooNew with one sentence naming the database, password hidden."""
        parsed = db.normalize_url(url)
        engine = db.create_engine(parsed)
        try:
            db.upgrade(engine, parsed)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, parsed)

    def close(self) -> None:
        self.engine.dispose()

    def schema(self) -> tuple[str | None, str]:
        """The schema revision the database is at and the newest this code knows; a query,
        so it raises when the database does not answer (a readiness check)."""
        return db.read_revision(self.engine), db.head_revision()

    def transient(self, exc: BaseException) -> bool:
        """The database is away or busy (down, restarting, locked, read-only or full for now):
        worth trying the same thing again later, not the fault of what was being done. The
        hot path's statements run on the driver's cursor (`Raw`), so the driver's own
        OperationalError and InterfaceError (PEP 249) count as SQLAlchemy's do."""
        driver = self.engine.dialect.loaded_dbapi
        return isinstance(
            exc,
            DatabaseUnavailable
            | Busy
            | OperationalError
            | sa.exc.InterfaceError
            | driver.OperationalError
            | driver.InterfaceError,
        )

    @property
    def local(self) -> bool:
        """SQLite: a transaction is local work (no network round trips), short once it has the lock."""
        return self.dialect == "sqlite"

    def at_once(self) -> AbstractContextManager[None]:
        """Inside, a transaction that would have to wait for SQLite's write lock raises `Busy`
        as it begins, before reading or writing anything, instead of waiting (up to 30 s):
        for running one on an event loop, which must not stall. No effect on PostgreSQL."""
        return db.without_waiting()

    def due_followups(
        self, now: datetime, limit: int = 50, transport: str | None = None, chat: ChatKey | None = None
    ) -> list[DueFollowUp]:
        """Follow-ups due by `now` for active chats, oldest first. Only a listing: each one is
        taken, once, with `ChatTx.take_followup`. On PostgreSQL, rows another process is
        working on are skipped (FOR UPDATE SKIP LOCKED) instead of waited for."""
        query = (
            _due_query()
            .where(FOLLOWUP.c.status == "pending", FOLLOWUP.c.due_at <= now, CHAT.c.active.is_(True))
            .limit(limit)
        )
        if transport is not None:
            query = query.where(CHAT.c.transport == transport)
        if chat is not None:
            query = query.where(CHAT.c.transport == chat.transport, CHAT.c.address == chat.address)
        if self.dialect == "postgresql":
            query = query.with_for_update(of=FOLLOWUP, skip_locked=True)
        with self.engine.connect() as connection, connection.begin():
            rows = connection.execute(query).all()
        return [_due(r) for r in rows]

    def claim_followups(self, now: datetime, limit: int, lease: timedelta, transport: str) -> list[DueFollowUp]:
        """Due follow-ups of active chats, oldest first, leased to this process until
        `now + lease`: another process lists none of them before then, so replicas split
        the due work. Each is still taken once (`ChatTx.take_followup`); a lease that runs
        out (the sender died) puts the row back. On PostgreSQL rows a rival is claiming
        this moment are skipped (FOR UPDATE SKIP LOCKED), not waited for."""
        pick = (
            sa.select(FOLLOWUP.c.id)
            .join(CHAT, CHAT.c.id == FOLLOWUP.c.chat_id)
            .where(
                FOLLOWUP.c.status == "pending",
                FOLLOWUP.c.due_at <= now,
                sa.or_(FOLLOWUP.c.claimed_until.is_(None), FOLLOWUP.c.claimed_until <= now),
                CHAT.c.active.is_(True),
                CHAT.c.transport == transport,
            )
            .order_by(FOLLOWUP.c.due_at)
            .limit(limit)
        )
        if self.dialect == "postgresql":
            pick = pick.with_for_update(of=FOLLOWUP, skip_locked=True)
        with self.engine.begin() as connection:
            ids = list(connection.execute(pick).scalars())
            if not ids:
                return []
            connection.execute(sa.update(FOLLOWUP).where(FOLLOWUP.c.id.in_(ids)).values(claimed_until=now + lease))
            rows = connection.execute(_due_query().where(FOLLOWUP.c.id.in_(ids))).all()
        return [_due(r) for r in rows]

    def release_followups(self, ids: list[int]) -> None:
        """Give back leased follow-ups not started: any process may list them now."""
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(FOLLOWUP)
                .where(FOLLOWUP.c.id.in_(ids), FOLLOWUP.c.status == "pending")
                .values(claimed_until=None)
            )

    def take_sends(self, name: str, want: int, owed: int, rate: float, now: float) -> Grant:
        """Up to `want` sends from the bot's shared budget, charging first `owed` sends
        made without waiting (replies to people). A token bucket in one row, refilled at
        `rate` a second up to half a second's worth; locked while it is read and written,
        so every process takes from the same budget. Nothing is granted while paused."""
        burst = max(1.0, rate * 0.5)
        with self.engine.begin() as connection:
            connection.execute(
                self.insert(BUDGET)
                .values(name=name, tokens=burst, stamp=now, paused_until=0.0)
                .on_conflict_do_nothing(index_elements=[BUDGET.c.name])
            )
            row = connection.execute(sa.select(BUDGET).where(BUDGET.c.name == name).with_for_update()).one()
            level = min(burst, row.tokens + max(0.0, now - row.stamp) * rate) - owed
            level = max(level, -rate * DEBT_SECONDS)
            granted = 0 if row.paused_until > now else max(0, min(want, int(level)))
            level -= granted
            connection.execute(
                sa.update(BUDGET).where(BUDGET.c.name == name).values(tokens=level, stamp=max(now, row.stamp))
            )
        return Grant(granted, level, row.paused_until)

    def pause_sends(self, name: str, until: float) -> None:
        """Telegram said 429: nobody sends for this bot before `until` (Unix seconds)."""
        with self.engine.begin() as connection:
            connection.execute(
                self.insert(BUDGET)
                .values(name=name, tokens=0.0, stamp=until, paused_until=until)
                .on_conflict_do_nothing(index_elements=[BUDGET.c.name])
            )
            connection.execute(
                sa.update(BUDGET).where(BUDGET.c.name == name, BUDGET.c.paused_until < until).values(paused_until=until)
            )

    def prune_processed(self, before: datetime) -> int:
        """Forget update ids processed (or erased) before `before`, and outbox rows made
        before then (sent or given up long ago: `before` is days past Telegram's 24-hour
        resends and 48-hour deletes); how many ledger rows went."""
        with self.engine.begin() as connection:
            connection.execute(sa.delete(ERASED).where(ERASED.c.erased_at < before))
            connection.execute(sa.delete(OUTBOX).where(OUTBOX.c.created_at < before))
            return connection.execute(sa.delete(PROCESSED).where(PROCESSED.c.processed_at < before)).rowcount

    # ------------------------------------------------------------------ the outbox, after the commit

    def claimed(self, deliveries: list[Delivery]) -> list[Delivery]:
        """Deliveries a transaction claimed, once it committed: those this process is not
        already sending, now marked as being sent by it."""
        fresh = [d for d in deliveries if d.id not in self.sending]
        self.sending.update(d.id for d in fresh)
        return fresh

    def claim_outbox(self, key: ChatKey, now: datetime) -> list[Delivery]:
        """The chat's unsent rows, oldest first, leased to this process (no chat row needed:
        the last words of /delete outlive it); none behind an older row that is still held
        (another sender's lease, a failed send's wait), so the chat reads in order across
        replicas."""
        with self.engine.connect() as connection, connection.begin():
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                deliveries = _claim(self.sql, cursor, key, now, self.lease)
            finally:
                cursor.close()
        return self.claimed(deliveries)

    def outbox_waiting(self, now: datetime, transport: str, limit: int = 100) -> list[ChatKey]:
        """Chats with unsent rows nobody holds (a crash, a failed send, another replica gone),
        and none held before them (those wait for the older row: see `claim_outbox`)."""
        held = OUTBOX.alias("held")
        query = (
            sa.select(OUTBOX.c.address)
            .distinct()
            .where(
                OUTBOX.c.status == "queued",
                OUTBOX.c.transport == transport,
                sa.or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until <= now),
                ~sa.exists().where(
                    held.c.transport == OUTBOX.c.transport,
                    held.c.address == OUTBOX.c.address,
                    held.c.status == "queued",
                    held.c.id < OUTBOX.c.id,
                    held.c.claimed_until > now,
                ),
            )
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [ChatKey(transport, address) for address in connection.execute(query).scalars()]

    def outbox_sent(self, delivery: Delivery, message_ids: list[int], now: datetime) -> None:
        """Sent: mark it so (the ids kept for /hide), or drop it if its chat was erased."""
        with self.engine.connect() as connection, connection.begin():
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                if delivery.forget:
                    self.sql.outbox_forget.run(cursor, {"b_id": delivery.id})
                else:
                    self.sql.outbox_sent.run(
                        cursor, {"b_id": delivery.id, "b_now": now, "b_ids": json.dumps(message_ids)}
                    )
            finally:
                cursor.close()
        self.sending.discard(delivery.id)

    def outbox_progress(self, delivery: Delivery, message_ids: list[int]) -> None:
        """Some parts of a long reply are out: a resend starts after them."""
        with self.engine.connect() as connection, connection.begin():
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                self.sql.outbox_progress.run(cursor, {"b_id": delivery.id, "b_ids": json.dumps(message_ids)})
            finally:
                cursor.close()

    def outbox_renew(self, ids: list[int], until: datetime) -> None:
        """This sender is still at it: its lease on these queued rows runs until `until`."""
        if ids:
            with self.engine.begin() as connection:
                _lock_in_order(connection, OUTBOX.c.id.in_(ids))
                connection.execute(
                    sa.update(OUTBOX)
                    .where(OUTBOX.c.id.in_(ids), OUTBOX.c.status == "queued")
                    .values(claimed_until=until)
                )

    def outbox_retry(self, deliveries: list[Delivery], until: datetime) -> None:
        """Not sent (Telegram away): tried again from `until`, by whichever sender claims them."""
        if deliveries:
            ids = [d.id for d in deliveries]
            with self.engine.begin() as connection:
                _lock_in_order(connection, OUTBOX.c.id.in_(ids))
                connection.execute(sa.update(OUTBOX).where(OUTBOX.c.id.in_(ids)).values(claimed_until=until))
        self.sending.difference_update(d.id for d in deliveries)

    def outbox_failed(self, deliveries: list[Delivery], now: datetime) -> None:
        """Never to be sent (Telegram refused it, the person blocked the bot, too many tries)."""
        if deliveries:
            gone = [d.id for d in deliveries if d.forget]
            kept = [d.id for d in deliveries if not d.forget]
            with self.engine.begin() as connection:
                _lock_in_order(connection, OUTBOX.c.id.in_(gone + kept))
                connection.execute(sa.delete(OUTBOX).where(OUTBOX.c.id.in_(gone)))
                connection.execute(
                    sa.update(OUTBOX)
                    .where(OUTBOX.c.id.in_(kept))
                    .values(status="failed", sent_at=now, payload="{}", claimed_until=None)
                )
        self.sending.difference_update(d.id for d in deliveries)

    # ------------------------------------------------------------------ updates that kept failing

    def quarantine(self, transport: str, update_id: int, kind: str, error: str, tries: int, now: datetime) -> None:
        values = {
            "transport": transport,
            "update_id": update_id,
            "kind": kind[:32],
            "error": error[:64],
            "tries": tries,
            "at": now,
        }
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        with self.engine.begin() as connection:
            connection.execute(
                insert(QUARANTINED)
                .values(**values)
                .on_conflict_do_update(
                    index_elements=["transport", "update_id"],
                    set_={"tries": tries, "error": values["error"], "at": now},
                )
            )

    def quarantined(self, limit: int = 20) -> tuple[int, list[dict[str, Any]]]:
        """How many updates were given up on, and the latest: id, kind, error class, tries, when."""
        with self.engine.connect() as connection:
            count = connection.execute(sa.select(sa.func.count()).select_from(QUARANTINED)).scalar_one()
            rows = connection.execute(sa.select(QUARANTINED).order_by(QUARANTINED.c.at.desc()).limit(limit))
            return count, [dict(r._mapping) for r in rows]

    @contextmanager
    def chat(self, key: ChatKey, now: datetime | None = None) -> Iterator[ChatTx]:
        """`now` stamps what the transaction writes (the service passes its clock)."""
        now = now or utcnow()
        try:
            connection = self.engine.connect()
        except OperationalError as exc:
            raise DatabaseUnavailable(f"Cannot reach the database at {self.display_url} ({db._reason(exc)}).") from None
        sql = self.sql
        names = {"b_transport": key.transport, "b_address": key.address, "b_now": now}
        with connection:
            transaction = connection.begin()
            cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            tx: ChatTx | None = None
            try:
                row = sql.lock_chat.first(cursor, names)
                created = False
                if row is None:
                    inserted = sql.insert_chat.first(
                        cursor,
                        {
                            "transport": key.transport,
                            "address": key.address,
                            "created_at": now,
                            "last_seen_at": now,
                            "active": True,
                        },
                    )
                    created = inserted is not None  # two processes racing: only one inserts
                    row = sql.lock_chat.first(cursor, names)
                    if row is None:  # inserted by this transaction or a committed rival: it is there
                        raise RuntimeError("the chat row vanished inside its own transaction")
                chat_id, timezone, violence_noted_at, followups, last_seen_at, active, country = row[:7]
                if sql.joined and (not active or now - last_seen_at > SEEN_PRECISION):
                    sql.touch_chat.run(cursor, {"b_id": chat_id, "b_now": now})
                tx = ChatTx(self, connection, key, chat_id, timezone, now, cursor)
                tx.violence_noted = violence_noted_at is not None
                tx.violence_noted_at = violence_noted_at
                tx.followups = followups
                tx.country = country
                tx.created = created
                if sql.joined:
                    tx._prefetched = row[7:]
                yield tx
            except BaseException:
                cursor.close()
                transaction.rollback()
                raise
            cursor.close()
            started = time.perf_counter()
            transaction.commit()
            metrics.COMMIT_SECONDS.observe(time.perf_counter() - started)
            for kind, count in tx.cancelled.items() if tx is not None else ():
                metrics.FOLLOWUPS.labels(metrics.label(kind), "cancelled").inc(count)


class ChatTx:
    """Everything one event may read or write for its chat, inside one transaction."""

    def __init__(
        self,
        store: Store,
        connection: sa.Connection,
        key: ChatKey,
        chat_id: int,
        timezone: str | None,
        now: datetime,
        cursor: Any,
    ) -> None:
        self.store = store
        self.sql = store.sql
        self.connection = connection
        self.cursor = cursor  # the DBAPI cursor of `connection`, for the hot-path statements
        # The active session as the transaction's first read found it (SQLite reads it with
        # the chat row); used once, by the first `load_session`, unless a write came first.
        self._prefetched: tuple[Any, ...] | None = None
        self.key = key
        self.chat_id = chat_id
        self.timezone = timezone
        self.now = now
        self._session_id: int | None = None
        self._loaded = False
        self.cancelled: dict[str, int] = {}  # follow-ups this transaction cancelled, by kind (counted at commit)
        self.created = False  # this transaction made the chat row: the first event ever
        self.violence_noted = False  # the person said they are not safe with a partner
        self.violence_noted_at: datetime | None = None
        self.followups = "any"  # when follow-ups are welcome: any, daytime, none
        self.country: str | None = None  # chosen by the person, for the crisis lines
        self.session_updated_at: datetime | None = None  # when the loaded session last moved
        self.saved_session_id: int | None = None  # the session row save_session last wrote
        self.update_id: int | None = None  # the update this transaction claimed
        self.erased = False  # this transaction erased the chat

    # ------------------------------------------------------------------ exactly once

    def claim_update(self, update_id: int, message_id: int | None = None) -> bool:
        """False if this update was already claimed, by this process or any other, or
        erased its chat (see `was_erased`). `message_id`: the person's message, for /hide."""
        self.update_id = update_id
        claimed = self.sql.claim.first(
            self.cursor,
            {
                "b_transport": self.key.transport,
                "b_update": update_id,
                "b_chat": self.chat_id,
                "b_now": self.now,
                "b_message": message_id,
            },
        )
        return claimed is not None

    def was_erased(self, update_id: int) -> bool:
        """This update erased its chat before (its tombstone is there): nothing to do again."""
        row = self.connection.execute(
            sa.select(ERASED.c.update_id).where(
                ERASED.c.transport == self.key.transport, ERASED.c.update_id == update_id
            )
        ).first()
        return row is not None

    def forget_new_chat(self) -> None:
        """Undo the chat row this transaction made (a tombstoned update re-creates nothing)."""
        if self.created:
            self.connection.execute(sa.delete(CHAT).where(CHAT.c.id == self.chat_id))

    # ------------------------------------------------------------------ the outbox

    def queue(self, replies: list[Reply], update_id: int | None = None) -> None:
        """Put replies in the outbox, in order, in this transaction. After an erase they are
        the chat's last words: dropped once sent."""
        rows = [(MESSAGE, encode(r, forget=self.erased)) for r in replies]
        self._queue(rows, update_id)

    def queue_delete(self, message_ids: list[int], update_id: int | None = None) -> None:
        self._queue([(DELETE, encode_delete(message_ids))], update_id)

    def _queue(self, rows: list[tuple[str, str]], update_id: int | None) -> None:
        for position, (kind, payload) in enumerate(rows):
            self.sql.insert_outbox.run(
                self.cursor,
                {
                    "transport": self.key.transport,
                    "address": self.key.address,
                    "update_id": update_id,
                    "position": position,
                    "kind": kind,
                    "payload": payload,
                    "status": "queued",
                    "created_at": self.now,
                },
            )

    def claim_outbox(self) -> list[Delivery]:
        """The chat's unsent rows (this step's and any left before), oldest first, leased to
        this process; none while an older one is still held (see `Store.claim_outbox`). Hand
        them to `Store.claimed` once committed."""
        return _claim(self.sql, self.cursor, self.key, self.now, self.store.lease)

    def recent_messages(self, since: datetime) -> list[int]:
        """Telegram message ids in this chat since then: the bot's (from the outbox) and the
        person's (from the ledger), for /hide."""
        bot = self.connection.execute(
            sa.select(OUTBOX.c.message_ids).where(
                OUTBOX.c.transport == self.key.transport,
                OUTBOX.c.address == self.key.address,
                OUTBOX.c.status == "sent",
                OUTBOX.c.kind == MESSAGE,
                OUTBOX.c.sent_at >= since,
            )
        ).scalars()
        theirs = self.connection.execute(
            sa.select(PROCESSED.c.message_id).where(
                PROCESSED.c.chat_id == self.chat_id,
                PROCESSED.c.message_id.is_not(None),
                PROCESSED.c.processed_at >= since,
            )
        ).scalars()
        ids = {int(i) for ids in bot for i in json.loads(ids)} | {int(i) for i in theirs}
        return sorted(ids)

    # ------------------------------------------------------------------ sessions

    def load_session(self) -> SessionState | None:
        row = self._prefetched
        self._prefetched = None
        if row is None:
            row = self.sql.active_session.first(self.cursor, {"b_chat": self.chat_id})
        self._loaded = True
        if row is None or row[0] is None:  # SQLite's joined read gives NULLs for no session
            self._session_id = None
            return None
        session_id, flow_id, flow_version, step_id, variables, stack, seq, status, updated_at, asked = row
        self._session_id = session_id
        self.session_updated_at = updated_at
        return SessionState(
            flow_id=flow_id,
            flow_version=flow_version,
            step_id=step_id,
            vars=json.loads(variables),
            stack=tuple(Frame(*frame) for frame in json.loads(stack)),
            seq=seq,
            status=status,
            asked=asked or 0,
        )

    def save_session(self, state: SessionState) -> None:
        """Write `state` into the chat's active session (a new row if there is none).
        A state that is not active closes the row, so the chat has no active session."""
        if not self._loaded:
            self.load_session()
        self._prefetched = None
        values: dict[str, Any] = {
            "flow_id": state.flow_id,
            "flow_version": state.flow_version,
            "step_id": state.step_id,
            "vars": json.dumps(state.vars, ensure_ascii=False, separators=(",", ":")),
            "stack": json.dumps(
                [
                    [
                        f.flow_id,
                        f.flow_version,
                        f.step_id,
                        *([f.resume, f.asked] if f.asked else [True] if f.resume else []),
                    ]
                    for f in state.stack
                ]
            ),
            "seq": state.seq,
            "asked": state.asked,
            "status": state.status,
            "updated_at": self.now,
            "ended_at": None if state.status == "active" else self.now,
        }
        if self._session_id is None:
            inserted = self.sql.insert_session.first(
                self.cursor, {"chat_id": self.chat_id, "started_at": self.now, **values}
            )
            assert inserted is not None
            self._session_id = inserted[0]
        else:
            self.sql.update_session.run(self.cursor, {"b_id": self._session_id, **values})
        self.saved_session_id = self._session_id
        if state.status != "active":
            self._session_id = None

    def end_session(self, status: Literal["completed", "stopped"]) -> None:
        self.sql.end_session.run(
            self.cursor, {"b_chat": self.chat_id, "status": status, "updated_at": self.now, "ended_at": self.now}
        )
        self._session_id = None
        self._loaded = True
        self._prefetched = None

    def take_followup(self, followup_id: int) -> bool:
        """Mark a due follow-up sent; False if another transaction already took it. The
        conditional update is what makes "send this once" hold across processes."""
        taken = self.connection.execute(self.store.sql.take_followup, {"b_id": followup_id, "b_now": self.now})
        return taken.first() is not None

    def postpone_followup(self, followup_id: int, until: datetime) -> None:
        self.connection.execute(self.store.sql.postpone_followup, {"b_id": followup_id, "b_until": until})

    @property
    def session_id(self) -> int | None:
        """The open session's row (after `load_session`): its follow-ups are this visit's."""
        return self._session_id

    def cancel_session_followups(self, session_id: int) -> list[FollowUpRow]:
        """Cancel the bot's own pending follow-ups scheduled during one session (a visit:
        the flow and every flow it called or that interrupted it); what they were."""
        rows = self.connection.execute(
            sa.update(FOLLOWUP)
            .where(
                FOLLOWUP.c.chat_id == self.chat_id,
                FOLLOWUP.c.session_id == session_id,
                FOLLOWUP.c.status == "pending",
                FOLLOWUP.c.kind == "flow",
            )
            .values(status="cancelled")
            .returning(*FOLLOWUP.c)
        ).all()
        if rows:
            self.cancelled["flow"] = self.cancelled.get("flow", 0) + len(rows)
        return sorted((_followup_row(r) for r in rows), key=lambda f: (f.due_at, f.id))

    def cancel_followup(self, followup_id: int) -> FollowUpRow | None:
        """Cancel one of the bot's own pending follow-ups of this chat; None if there is no
        such row pending (sent, cancelled before, another chat's, a homework reminder)."""
        row = self.connection.execute(
            sa.update(FOLLOWUP)
            .where(
                FOLLOWUP.c.id == followup_id,
                FOLLOWUP.c.chat_id == self.chat_id,
                FOLLOWUP.c.status == "pending",
                FOLLOWUP.c.kind == "flow",
            )
            .values(status="cancelled")
            .returning(*FOLLOWUP.c)
        ).first()
        if row is None:
            return None
        self.cancelled["flow"] = self.cancelled.get("flow", 0) + 1
        return _followup_row(row)

    def cancel_followups(self, homework: bool = True) -> int:
        """Cancel the pending follow-ups of this chat; how many there were. `homework=False`
        keeps homework reminders (they belong to an agreement the client manages in /sharing)."""
        statement = self.store.sql.cancel_followups if homework else self.store.sql.cancel_own_followups
        cancelled = self.connection.execute(statement, {"b_chat": self.chat_id}).all()
        for _, kind in cancelled:
            self.cancelled[kind] = self.cancelled.get(kind, 0) + 1
        return len(cancelled)

    def deactivate(self) -> None:
        """The person blocked the bot: mark the chat inactive and cancel what was scheduled."""
        self.connection.execute(self.store.sql.deactivate_chat, {"b_id": self.chat_id})
        self.cancel_followups()

    # ------------------------------------------------------------------ journal and effects

    def _journal(
        self, flow_id: str, step_id: str, kind: str, name: str, value: Any, session_id: int | None = None
    ) -> None:
        self.sql.insert_journal.run(
            self.cursor,
            {
                "chat_id": self.chat_id,
                # A row written right after its flow ended belongs to the session just closed.
                "session_id": session_id or self._session_id or self.saved_session_id,
                "flow_id": flow_id,
                "step_id": step_id,
                "kind": kind,
                "name": name,
                "value": json.dumps(value, ensure_ascii=False),
                "created_at": self.now,
            },
        )

    def record_answer(self, flow_id: str, step_id: str, variable: str, value: object) -> None:
        self._journal(flow_id, step_id, "answer", variable, value)

    def record_entry(self, flow_id: str, step_id: str, entry: str, values: dict[str, object]) -> None:
        self._journal(flow_id, step_id, "entry", entry, values)

    def record_safety_event(self, flow_id: str, step_id: str, categories: list[str], name: str = "crisis") -> None:
        """That crisis language was noticed ("crisis"), or a clarifying question asked about
        it ("asked"), and of which kinds: never the words themselves."""
        self._journal(flow_id, step_id, "safety", name, categories)

    def record_count(self, flow_id: str, step_id: str, what: str) -> None:
        """A step where a flow counts (`bot.features.counts`) was reached, in the session just saved."""
        self._journal(flow_id, step_id, "count", what, True)

    def record_homework_done(self, flow_id: str, step_id: str) -> None:
        self._journal(flow_id, step_id, "homework", flow_id, True)

    def schedule_followup(
        self,
        *,
        source_flow: str,
        source_step: str,
        target_flow: str,
        due_at: datetime,
        dedupe_key: str,
        plan: dict[str, Any] | None = None,
    ) -> bool:
        """False if a follow-up with this key exists already. It belongs to the session
        that scheduled it (the one just saved, even if this step ended it), so /stop in
        that visit cancels it and nothing else."""
        inserted = self.sql.insert_followup.first(
            self.cursor,
            {
                "chat_id": self.chat_id,
                "session_id": self.saved_session_id or self._session_id,
                "source_flow": source_flow,
                "source_step": source_step,
                "target_flow": target_flow,
                "due_at": due_at,
                "status": "pending",
                "dedupe_key": dedupe_key,
                "created_at": self.now,
                "kind": "flow",
                "assignment_id": None,
                "plan": json.dumps(plan, ensure_ascii=False) if plan else None,
            },
        )
        return inserted is not None

    def note_violence(self, noted: bool) -> None:
        """Record (or, at the person's own request, clear) that they are not safe with a partner."""
        self.connection.execute(
            sa.update(CHAT).where(CHAT.c.id == self.chat_id).values(violence_noted_at=self.now if noted else None)
        )
        self.violence_noted = noted
        self.violence_noted_at = self.now if noted else None

    # ------------------------------------------------------------------ the safety plan

    def safety_plan(self) -> dict[str, str | None] | None:
        """The person's safety plan, part by part, or None if they have none."""
        row = self.connection.execute(sa.select(PLAN).where(PLAN.c.chat_id == self.chat_id)).first()
        return None if row is None else {name: row._mapping[name] for name in PLAN_SECTIONS}

    def save_plan(self, sections: dict[str, str | None]) -> None:
        """Write the parts given (None empties one); a plan with every part empty is removed."""
        current = self.safety_plan() or dict.fromkeys(PLAN_SECTIONS)
        plan = {**current, **{k: v for k, v in sections.items() if k in PLAN_SECTIONS}}
        where = PLAN.c.chat_id == self.chat_id
        if not any(plan.values()):
            self.connection.execute(sa.delete(PLAN).where(where))
        elif self.safety_plan() is None:
            self.connection.execute(
                sa.insert(PLAN).values(chat_id=self.chat_id, created_at=self.now, updated_at=self.now, **plan)
            )
        else:
            self.connection.execute(sa.update(PLAN).where(where).values(updated_at=self.now, **plan))

    def set_followups(self, when: str, timezone: str | None) -> None:
        """Store when follow-ups are welcome and, if known, the person's time zone."""
        values: dict[str, Any] = {"followups": when}
        if timezone is not None:
            values["timezone"] = timezone
            self.timezone = timezone
        self.connection.execute(sa.update(CHAT).where(CHAT.c.id == self.chat_id).values(**values))
        self.followups = when

    def set_country(self, country: str | None) -> None:
        self.connection.execute(sa.update(CHAT).where(CHAT.c.id == self.chat_id).values(country=country))
        self.country = country

    def erase(self) -> None:
        """Delete the chat and, by cascade, every row about it in every table; and what it
        had in the outbox. Every update of the chat the ledger still knows (this one among
        them) leaves a tombstone instead (its id and the time, nothing personal), so a
        redelivery re-creates nothing: an earlier update of the same unconfirmed batch
        (the /delete before the "Yes") comes again too after a kill."""
        self.connection.execute(
            sa.insert(ERASED).from_select(
                ["transport", "update_id", "erased_at"],
                sa.select(PROCESSED.c.transport, PROCESSED.c.update_id, sa.literal(self.now, UTCDateTime())).where(
                    PROCESSED.c.chat_id == self.chat_id
                ),
            )
        )
        self.connection.execute(sa.delete(CHAT).where(CHAT.c.id == self.chat_id))
        mine = sa.and_(OUTBOX.c.transport == self.key.transport, OUTBOX.c.address == self.key.address)
        _lock_in_order(self.connection, mine)
        self.connection.execute(sa.delete(OUTBOX).where(mine))
        self.erased = True
        self._session_id = None
        self._prefetched = None

    def export(self) -> dict[str, Any]:
        """Everything stored about this chat, as plain JSON-ready values."""

        def rows(table: sa.Table, order: sa.Column[Any]) -> list[dict[str, Any]]:
            result = self.connection.execute(sa.select(table).where(table.c.chat_id == self.chat_id).order_by(order))
            return [{k: _plain(v) for k, v in row._mapping.items() if k not in ("chat_id",)} for row in result]

        chat = self.connection.execute(sa.select(CHAT).where(CHAT.c.id == self.chat_id)).one()._mapping
        sessions = rows(SESSION, SESSION.c.id)
        for session in sessions:
            session["vars"], session["stack"] = json.loads(session["vars"]), json.loads(session["stack"])
        journal = rows(JOURNAL, JOURNAL.c.id)
        for entry in journal:
            entry["value"] = json.loads(entry["value"])
        updates = self.connection.execute(
            sa.select(sa.func.count()).select_from(PROCESSED).where(PROCESSED.c.chat_id == self.chat_id)
        ).scalar_one()
        return {
            "chat": {k: _plain(v) for k, v in chat.items() if k != "id"},
            "sessions": sessions,
            "journal": journal,
            "followups": [{**f, "plan": _plan(f["plan"])} for f in rows(FOLLOWUP, FOLLOWUP.c.id)],
            "safety_plan": next(iter(rows(PLAN, PLAN.c.chat_id)), None),
            "messages_handled": updates,
        }

    # ------------------------------------------------------------------ reading

    def journal(self) -> list[JournalRow]:
        rows = self.connection.execute(
            sa.select(JOURNAL).where(JOURNAL.c.chat_id == self.chat_id).order_by(JOURNAL.c.id)
        )
        return [
            JournalRow(r.flow_id, r.step_id, r.kind, r.name, json.loads(r.value), r.created_at, r.session_id)
            for r in rows
        ]

    def answers_since(self, flow_id: str, variable: str, since: datetime) -> list[Any]:
        """Values answered for `variable` in `flow_id` since then, oldest first."""
        rows = self.sql.answers_since.all(
            self.cursor, {"b_chat": self.chat_id, "b_flow": flow_id, "b_name": variable, "b_since": since}
        )
        return [json.loads(value) for (value,) in rows]

    def has_event(self, kind: str, name: str) -> bool:
        """Whether the journal has any such entry (cheaper than `last_event` for that question)."""
        row = self.sql.has_event.first(self.cursor, {"b_chat": self.chat_id, "b_kind": kind, "b_name": name})
        return bool(row and row[0])

    def last_event(self, kind: str, name: str) -> datetime | None:
        row = self.sql.last_event.first(self.cursor, {"b_chat": self.chat_id, "b_kind": kind, "b_name": name})
        return row[0] if row else None

    def record_event(self, kind: str, name: str) -> None:
        self._journal("-", "-", kind, name, True)

    def pending_followups(self) -> list[FollowUpRow]:
        rows = self.connection.execute(
            sa.select(FOLLOWUP)
            .where(FOLLOWUP.c.chat_id == self.chat_id, FOLLOWUP.c.status == "pending")
            .order_by(FOLLOWUP.c.due_at)
        )
        return [_followup_row(r) for r in rows]


PLAN = SafetyPlan.__table__  # type: ignore[attr-defined]


def _claim(sql: Statements, cursor: Any, key: ChatKey, now: datetime, lease: timedelta) -> list[Delivery]:
    rows = sql.claim_outbox.all(
        cursor, {"b_transport": key.transport, "b_address": key.address, "b_now": now, "b_until": now + lease}
    )
    return [decode(row) for row in sorted(rows)]


def _lock_in_order(connection: sa.Connection, where: sa.ColumnElement[bool]) -> None:
    """PostgreSQL: lock these outbox rows in id order before changing several at once. A
    claim locks a chat's queued rows in id order (see `Statements.claim_outbox`); an UPDATE
    or DELETE of several goes in whatever order its plan finds them, and the two could
    deadlock. SQLite's writers take turns: nothing to do."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(OUTBOX.c.id).where(where).order_by(OUTBOX.c.id).with_for_update())


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
