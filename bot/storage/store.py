"""The storage API the service uses: one transaction per event of one chat.

`Store.chat(key)` begins a transaction, upserts the chat row and locks it (SQLite:
`BEGIN IMMEDIATE` holds the database's write lock; PostgreSQL: `SELECT ... FOR
UPDATE` on the chat row), so one chat's events are applied one after another even
across processes, while different chats proceed in parallel on PostgreSQL.

This is the per-message hot path: it uses SQLAlchemy Core statements on the
sqlmodel tables, not the ORM's unit of work.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError

from bot.engine.state import Frame, SessionState
from bot.errors import DatabaseUnavailable
from bot.storage import db
from bot.storage.models import Chat, FollowUp, Journal, ProcessedUpdate, Session, utcnow

CHAT = Chat.__table__  # type: ignore[attr-defined]
SEEN_PRECISION = timedelta(minutes=5)  # SQLite: how stale chat.last_seen_at may get before it is rewritten
SESSION = Session.__table__  # type: ignore[attr-defined]
JOURNAL = Journal.__table__  # type: ignore[attr-defined]
PROCESSED = ProcessedUpdate.__table__  # type: ignore[attr-defined]
FOLLOWUP = FollowUp.__table__  # type: ignore[attr-defined]


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


@dataclass(frozen=True, slots=True)
class FollowUpRow:
    source_flow: str
    source_step: str
    target_flow: str
    due_at: datetime
    status: str


class _Statements:
    """Every hot-path statement, built once: building one per call costs more than SQLite's work."""

    def __init__(self, insert: Any, dialect: str) -> None:
        bind = sa.bindparam
        columns = (CHAT.c.id, CHAT.c.timezone, CHAT.c.violence_noted_at, CHAT.c.followups, CHAT.c.last_seen_at,
                   CHAT.c.active, CHAT.c.country)
        where = (CHAT.c.transport == bind("b_transport"), CHAT.c.address == bind("b_address"))
        if dialect == "postgresql":
            # Touching the row is also what locks it until commit.
            self.lock_chat = (
                sa.update(CHAT).where(*where).values(last_seen_at=bind("b_now"), active=True).returning(*columns)
            )
        else:
            # SQLite's BEGIN IMMEDIATE already holds the write lock: reading is enough, and
            # the row is touched only when `last_seen_at` is stale (see `Store.chat`).
            self.lock_chat = sa.select(*columns).where(*where)
        self.touch_chat = (
            sa.update(CHAT).where(CHAT.c.id == bind("b_id")).values(last_seen_at=bind("b_now"), active=True)
        )
        # A chat created by two processes at once: the loser's insert does nothing.
        self.insert_chat = (
            insert(CHAT).on_conflict_do_nothing(index_elements=["transport", "address"]).returning(CHAT.c.id)
        )
        # RETURNING says whether the row went in: psycopg reports no rowcount for these.
        self.claim = (
            insert(PROCESSED)
            .on_conflict_do_nothing(index_elements=["transport", "update_id"])
            .returning(PROCESSED.c.update_id)
        )
        self.active_session = sa.select(SESSION).where(
            SESSION.c.chat_id == bind("b_chat"), SESSION.c.status == "active"
        )
        self.insert_session = sa.insert(SESSION)
        self.update_session = sa.update(SESSION).where(SESSION.c.id == bind("b_id"))
        self.insert_journal = sa.insert(JOURNAL)
        self.deactivate_chat = sa.update(CHAT).where(CHAT.c.id == bind("b_id")).values(active=False)
        self.take_followup = (
            sa.update(FOLLOWUP)
            .where(FOLLOWUP.c.id == bind("b_id"), FOLLOWUP.c.status == "pending")
            .values(status="sent", sent_at=bind("b_now"))
            .returning(FOLLOWUP.c.id)
        )
        self.postpone_followup = (
            sa.update(FOLLOWUP).where(FOLLOWUP.c.id == bind("b_id")).values(status="pending", due_at=bind("b_until"))
        )
        self.cancel_followups = (
            sa.update(FOLLOWUP)
            .where(FOLLOWUP.c.chat_id == bind("b_chat"), FOLLOWUP.c.status == "pending")
            .values(status="cancelled")
            .returning(FOLLOWUP.c.id)
        )
        # /stop: the bot's own check-ins, not the homework reminders a client agreed to.
        self.cancel_own_followups = self.cancel_followups.where(FOLLOWUP.c.kind == "flow")
        self.insert_followup = (
            insert(FOLLOWUP).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(FOLLOWUP.c.id)
        )


class Store:
    def __init__(self, engine: sa.Engine, url: sa.URL) -> None:
        self.engine = engine
        self.url = url
        self.display_url = db.shown(url)
        self.dialect = engine.dialect.name
        self.sql = _Statements(postgresql.insert if self.dialect == "postgresql" else sqlite.insert, self.dialect)

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

    def due_followups(
        self, now: datetime, limit: int = 50, transport: str | None = None, chat: ChatKey | None = None
    ) -> list[DueFollowUp]:
        """Follow-ups due by `now` for active chats, oldest first. Only a listing: each one is
        taken, once, with `ChatTx.take_followup`. On PostgreSQL, rows another process is
        working on are skipped (FOR UPDATE SKIP LOCKED) instead of waited for."""
        query = (
            sa.select(FOLLOWUP.c.id, CHAT.c.transport, CHAT.c.address, FOLLOWUP.c.target_flow, FOLLOWUP.c.source_flow,
                      CHAT.c.timezone, CHAT.c.followups, FOLLOWUP.c.kind, FOLLOWUP.c.assignment_id)
            .join(CHAT, CHAT.c.id == FOLLOWUP.c.chat_id)
            .where(FOLLOWUP.c.status == "pending", FOLLOWUP.c.due_at <= now, CHAT.c.active.is_(True))
            .order_by(FOLLOWUP.c.due_at)
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
        return [
            DueFollowUp(r.id, ChatKey(r.transport, r.address), r.target_flow, r.source_flow, r.timezone, r.followups,
                        r.kind, r.assignment_id)
            for r in rows
        ]

    def prune_processed(self, before: datetime) -> int:
        """Forget update ids processed before `before`; how many."""
        with self.engine.begin() as connection:
            return connection.execute(sa.delete(PROCESSED).where(PROCESSED.c.processed_at < before)).rowcount

    @contextmanager
    def chat(self, key: ChatKey, now: datetime | None = None) -> Iterator[ChatTx]:
        """`now` stamps what the transaction writes (the service passes its clock)."""
        now = now or utcnow()
        try:
            connection = self.engine.connect()
        except OperationalError as exc:
            raise DatabaseUnavailable(f"Cannot reach the database at {self.display_url} ({db._reason(exc)}).") from None
        names = {"b_transport": key.transport, "b_address": key.address, "b_now": now}
        with connection, connection.begin():
            row = connection.execute(self.sql.lock_chat, names).first()
            created = False
            if row is None:
                inserted = connection.execute(
                    self.sql.insert_chat,
                    {"transport": key.transport, "address": key.address, "created_at": now, "last_seen_at": now,
                     "active": True},
                ).first()
                created = inserted is not None  # two processes racing: only one inserts
                row = connection.execute(self.sql.lock_chat, names).one()
            if self.dialect != "postgresql" and (not row.active or now - row.last_seen_at > SEEN_PRECISION):
                connection.execute(self.sql.touch_chat, {"b_id": row.id, "b_now": now})
            tx = ChatTx(self, connection, key, row.id, row.timezone, now)
            tx.violence_noted = row.violence_noted_at is not None
            tx.followups = row.followups
            tx.country = row.country
            tx.created = created
            yield tx


class ChatTx:
    """Everything one event may read or write for its chat, inside one transaction."""

    def __init__(
        self, store: Store, connection: sa.Connection, key: ChatKey, chat_id: int, timezone: str | None,
        now: datetime,
    ) -> None:
        self.store = store
        self.connection = connection
        self.key = key
        self.chat_id = chat_id
        self.timezone = timezone
        self.now = now
        self._session_id: int | None = None
        self._loaded = False
        self.created = False  # this transaction made the chat row: the first event ever
        self.violence_noted = False  # the person said they are not safe with a partner
        self.followups = "any"  # when follow-ups are welcome: any, daytime, none
        self.country: str | None = None  # chosen by the person, for the crisis lines
        self.session_updated_at: datetime | None = None  # when the loaded session last moved
        self.saved_session_id: int | None = None  # the session row save_session last wrote

    # ------------------------------------------------------------------ exactly once

    def claim_update(self, update_id: int) -> bool:
        """False if this update was already claimed, by this process or any other."""
        result = self.connection.execute(
            self.store.sql.claim,
            {"transport": self.key.transport, "update_id": update_id, "chat_id": self.chat_id,
             "processed_at": self.now},
        )
        return result.first() is not None

    # ------------------------------------------------------------------ sessions

    def load_session(self) -> SessionState | None:
        row = self.connection.execute(self.store.sql.active_session, {"b_chat": self.chat_id}).first()
        self._loaded = True
        if row is None:
            self._session_id = None
            return None
        self._session_id = row.id
        self.session_updated_at = row.updated_at
        return SessionState(
            flow_id=row.flow_id,
            flow_version=row.flow_version,
            step_id=row.step_id,
            vars=json.loads(row.vars),
            stack=tuple(Frame(*frame) for frame in json.loads(row.stack)),
            seq=row.seq,
            status=row.status,
        )

    def save_session(self, state: SessionState) -> None:
        """Write `state` into the chat's active session (a new row if there is none).
        A state that is not active closes the row, so the chat has no active session."""
        if not self._loaded:
            self.load_session()
        values: dict[str, Any] = {
            "flow_id": state.flow_id,
            "flow_version": state.flow_version,
            "step_id": state.step_id,
            "vars": json.dumps(state.vars, ensure_ascii=False, separators=(",", ":")),
            "stack": json.dumps([[f.flow_id, f.flow_version, f.step_id, *([True] if f.resume else [])]
                                 for f in state.stack]),
            "seq": state.seq,
            "status": state.status,
            "updated_at": self.now,
            "ended_at": None if state.status == "active" else self.now,
        }
        if self._session_id is None:
            result = self.connection.execute(
                self.store.sql.insert_session, {"chat_id": self.chat_id, "started_at": self.now, **values}
            )
            self._session_id = result.inserted_primary_key[0]
        else:
            self.connection.execute(self.store.sql.update_session, {"b_id": self._session_id, **values})
        self.saved_session_id = self._session_id
        if state.status != "active":
            self._session_id = None

    def end_session(self, status: Literal["completed", "stopped"]) -> None:
        self.connection.execute(
            sa.update(SESSION)
            .where(SESSION.c.chat_id == self.chat_id, SESSION.c.status == "active")
            .values(status=status, updated_at=self.now, ended_at=self.now)
        )
        self._session_id = None
        self._loaded = True

    def take_followup(self, followup_id: int) -> bool:
        """Mark a due follow-up sent; False if another transaction already took it. The
        conditional update is what makes "send this once" hold across processes."""
        taken = self.connection.execute(self.store.sql.take_followup, {"b_id": followup_id, "b_now": self.now})
        return taken.first() is not None

    def postpone_followup(self, followup_id: int, until: datetime) -> None:
        self.connection.execute(self.store.sql.postpone_followup, {"b_id": followup_id, "b_until": until})

    def cancel_followups(self, homework: bool = True) -> int:
        """Cancel the pending follow-ups of this chat; how many there were. `homework=False`
        keeps homework reminders (they belong to an agreement the client manages in /sharing)."""
        statement = self.store.sql.cancel_followups if homework else self.store.sql.cancel_own_followups
        return len(self.connection.execute(statement, {"b_chat": self.chat_id}).all())

    def deactivate(self) -> None:
        """The person blocked the bot: mark the chat inactive and cancel what was scheduled."""
        self.connection.execute(self.store.sql.deactivate_chat, {"b_id": self.chat_id})
        self.cancel_followups()

    # ------------------------------------------------------------------ journal and effects

    def _journal(self, flow_id: str, step_id: str, kind: str, name: str, value: Any) -> None:
        self.connection.execute(
            self.store.sql.insert_journal,
            {"chat_id": self.chat_id, "session_id": self._session_id, "flow_id": flow_id, "step_id": step_id,
             "kind": kind, "name": name, "value": json.dumps(value, ensure_ascii=False), "created_at": self.now},
        )

    def record_answer(self, flow_id: str, step_id: str, variable: str, value: object) -> None:
        self._journal(flow_id, step_id, "answer", variable, value)

    def record_entry(self, flow_id: str, step_id: str, entry: str, values: dict[str, object]) -> None:
        self._journal(flow_id, step_id, "entry", entry, values)

    def record_safety_event(self, flow_id: str, step_id: str, categories: list[str]) -> None:
        """That crisis language was noticed, and of which kinds: never the words themselves."""
        self._journal(flow_id, step_id, "safety", "crisis", categories)

    def record_homework_done(self, flow_id: str, step_id: str) -> None:
        self._journal(flow_id, step_id, "homework", flow_id, True)

    def schedule_followup(
        self, *, source_flow: str, source_step: str, target_flow: str, due_at: datetime, dedupe_key: str
    ) -> bool:
        """False if a follow-up with this key exists already."""
        result = self.connection.execute(
            self.store.sql.insert_followup,
            {"chat_id": self.chat_id, "session_id": self._session_id, "source_flow": source_flow,
             "source_step": source_step, "target_flow": target_flow, "due_at": due_at, "status": "pending",
             "dedupe_key": dedupe_key, "created_at": self.now},
        )
        return result.first() is not None

    def note_violence(self, noted: bool) -> None:
        """Record (or, at the person's own request, clear) that they are not safe with a partner."""
        self.connection.execute(
            sa.update(CHAT).where(CHAT.c.id == self.chat_id).values(violence_noted_at=self.now if noted else None)
        )
        self.violence_noted = noted

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
        """Delete the chat and, by cascade, every row about it in every table."""
        self.connection.execute(sa.delete(CHAT).where(CHAT.c.id == self.chat_id))
        self._session_id = None

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
            "followups": rows(FOLLOWUP, FOLLOWUP.c.id),
            "messages_handled": updates,
        }

    # ------------------------------------------------------------------ reading

    def journal(self) -> list[JournalRow]:
        rows = self.connection.execute(
            sa.select(JOURNAL).where(JOURNAL.c.chat_id == self.chat_id).order_by(JOURNAL.c.id)
        )
        return [
            JournalRow(r.flow_id, r.step_id, r.kind, r.name, json.loads(r.value), r.created_at) for r in rows
        ]

    def answers_since(self, flow_id: str, variable: str, since: datetime) -> list[Any]:
        """Values answered for `variable` in `flow_id` since then, oldest first."""
        rows = self.connection.execute(
            sa.select(JOURNAL.c.value)
            .where(JOURNAL.c.chat_id == self.chat_id, JOURNAL.c.kind == "answer", JOURNAL.c.flow_id == flow_id,
                   JOURNAL.c.name == variable, JOURNAL.c.created_at >= since)
            .order_by(JOURNAL.c.id)
        )
        return [json.loads(value) for value in rows.scalars()]

    def last_event(self, kind: str, name: str) -> datetime | None:
        return self.connection.execute(
            sa.select(sa.func.max(JOURNAL.c.created_at))
            .where(JOURNAL.c.chat_id == self.chat_id, JOURNAL.c.kind == kind, JOURNAL.c.name == name)
        ).scalar_one_or_none()

    def record_event(self, kind: str, name: str) -> None:
        self._journal("-", "-", kind, name, True)

    def pending_followups(self) -> list[FollowUpRow]:
        rows = self.connection.execute(
            sa.select(FOLLOWUP)
            .where(FOLLOWUP.c.chat_id == self.chat_id, FOLLOWUP.c.status == "pending")
            .order_by(FOLLOWUP.c.due_at)
        )
        return [FollowUpRow(r.source_flow, r.source_step, r.target_flow, r.due_at, r.status) for r in rows]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
