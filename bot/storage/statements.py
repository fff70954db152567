"""The per-message statements, compiled once for the database in use and run straight on
the DBAPI cursor of the transaction's connection (`Raw`): for these one-row statements
SQLAlchemy's per-execution work costs several times what SQLite itself does. Values
still go through the columns' own types (UTC datetimes, booleans)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

from bot.storage.models import Chat, ErasedUpdate, FollowUp, Journal, Outbox, ProcessedUpdate, Session, UTCDateTime

CHAT = Chat.__table__  # type: ignore[attr-defined]
SESSION = Session.__table__  # type: ignore[attr-defined]
JOURNAL = Journal.__table__  # type: ignore[attr-defined]
PROCESSED = ProcessedUpdate.__table__  # type: ignore[attr-defined]
FOLLOWUP = FollowUp.__table__  # type: ignore[attr-defined]
OUTBOX = Outbox.__table__  # type: ignore[attr-defined]
ERASED = ErasedUpdate.__table__  # type: ignore[attr-defined]

# `status = 'active'` as a literal, not a parameter: with a parameter SQLite re-plans the
# statement on every run to find out whether the one-active-session partial index applies.
ACTIVE: sa.ColumnElement[str] = sa.literal_column("'active'")
CHAT_COLUMNS = (
    CHAT.c.id,
    CHAT.c.timezone,
    CHAT.c.violence_noted_at,
    CHAT.c.followups,
    CHAT.c.last_seen_at,
    CHAT.c.active,
    CHAT.c.country,
)
SESSION_COLUMNS = (
    SESSION.c.id,
    SESSION.c.flow_id,
    SESSION.c.flow_version,
    SESSION.c.step_id,
    SESSION.c.vars,
    SESSION.c.stack,
    SESSION.c.seq,
    SESSION.c.status,
    SESSION.c.updated_at,
    SESSION.c.asked,
)
SESSION_VALUES = (
    "flow_id",
    "flow_version",
    "step_id",
    "vars",
    "stack",
    "seq",
    "status",
    "updated_at",
    "ended_at",
    "asked",
)
JOURNAL_VALUES = ("chat_id", "session_id", "flow_id", "step_id", "kind", "name", "value", "created_at")
OUTBOX_VALUES = ("transport", "address", "update_id", "position", "kind", "payload", "status", "created_at")
OUTBOX_CLAIMED = (
    OUTBOX.c.id,
    OUTBOX.c.kind,
    OUTBOX.c.payload,
    OUTBOX.c.message_ids,
    OUTBOX.c.update_id,
    OUTBOX.c.attempts,
)
FOLLOWUP_VALUES = (
    "chat_id",
    "session_id",
    "source_flow",
    "source_step",
    "target_flow",
    "due_at",
    "status",
    "dedupe_key",
    "created_at",
    "kind",
    "assignment_id",
    "plan",
)


class Raw:
    """One Core statement, compiled once for the store's dialect and run on the DBAPI cursor.

    Parameters are passed by name, as with `Connection.execute`, and converted by their
    columns' types (`bind_processor`); rows come back as tuples converted the same way
    (`result_processor`). Every parameter is a `bindparam` named `b_...` or one of `values`,
    the columns an INSERT or UPDATE sets; a column the model defaults gets that default."""

    __slots__ = ("binders", "converts", "defaults", "names", "positional", "readers", "sql")

    def __init__(self, statement: sa.ClauseElement, dialect: sa.Dialect, values: Sequence[str] = ()) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(values) or None))
        self.sql = compiled.string
        self.positional = compiled.positional
        names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
        binds = compiled.binds
        self.defaults: dict[str, Any] = {}
        for name in names:
            if name not in binds:
                raise ValueError(f"{self.sql}: a parameter without a name ({name})")
            if name.startswith("b_") or name in values:
                continue
            # Not asked for: a column the statement sets from the model's default.
            default = statement.table.c[name].default  # type: ignore[attr-defined]
            if default is None or not default.is_scalar:
                raise ValueError(f"{self.sql}: no value and no scalar default for {name}")
            self.defaults[name] = default.arg
        self.names = tuple(names)
        self.binders = tuple(binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
        columns = statement.exported_columns if isinstance(statement, sa.Select | sa.UpdateBase) else ()
        self.readers = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
        self.converts = any(reader is not None for reader in self.readers)

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        if self.defaults:
            values = {**self.defaults, **values}
        converted = [
            values[name] if binder is None else binder(values[name])
            for name, binder in zip(self.names, self.binders, strict=True)
        ]
        return converted if self.positional else dict(zip(self.names, converted, strict=True))

    def run(self, cursor: Any, values: Mapping[str, Any]) -> Any:
        cursor.execute(self.sql, self.parameters(values))
        return cursor

    def first(self, cursor: Any, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        row = self.run(cursor, values).fetchone()
        if row is None or not self.converts:
            return row
        return tuple(
            value if reader is None else reader(value) for value, reader in zip(row, self.readers, strict=True)
        )

    def all(self, cursor: Any, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        rows = self.run(cursor, values).fetchall()
        if not self.converts:
            return rows
        return [
            tuple(value if reader is None else reader(value) for value, reader in zip(row, self.readers, strict=True))
            for row in rows
        ]


class Statements:
    """Every hot-path statement, built and compiled once: building one per call costs more than SQLite's work."""

    def __init__(self, insert: Any, dialect: sa.Dialect) -> None:
        bind = sa.bindparam
        where = (CHAT.c.transport == bind("b_transport"), CHAT.c.address == bind("b_address"))
        self.joined = dialect.name != "postgresql"

        def typed(value: Any, type_: Any) -> Any:
            # PostgreSQL needs a SELECT list's parameters typed; SQLite's CAST would change them.
            return value if self.joined else sa.cast(value, type_)

        if self.joined:
            # SQLite's BEGIN IMMEDIATE already holds the write lock: one read gives the chat
            # and its active session, and the chat row is touched only when `last_seen_at`
            # is stale (see `Store.chat`).
            self.lock_chat = Raw(
                sa.select(*CHAT_COLUMNS, *SESSION_COLUMNS)
                .select_from(
                    CHAT.outerjoin(SESSION, sa.and_(SESSION.c.chat_id == CHAT.c.id, SESSION.c.status == ACTIVE))
                )
                .where(*where),
                dialect,
            )
        else:
            # Touching the row is also what locks it until commit. The session is read by a
            # later statement: one statement's snapshot is taken before the lock is granted.
            self.lock_chat = Raw(
                sa.update(CHAT)
                .where(*where)
                .values(last_seen_at=bind("b_now"), active=sa.true())
                .returning(*CHAT_COLUMNS),
                dialect,
            )
        self.touch_chat = Raw(
            sa.update(CHAT).where(CHAT.c.id == bind("b_id")).values(last_seen_at=bind("b_now"), active=sa.true()),
            dialect,
        )
        # A chat created by two processes at once: the loser's insert does nothing.
        self.insert_chat = Raw(
            insert(CHAT).on_conflict_do_nothing(index_elements=["transport", "address"]).returning(CHAT.c.id),
            dialect,
            ("transport", "address", "created_at", "last_seen_at", "active"),
        )
        # RETURNING says whether the row went in: psycopg reports no rowcount for these.
        # An update that erased its chat left a tombstone instead of its ledger row (the
        # erase took that): it is not claimed again either, in the same one statement.
        self.claim = Raw(
            insert(PROCESSED)
            .from_select(
                ["transport", "update_id", "chat_id", "processed_at", "message_id"],
                sa.select(
                    typed(bind("b_transport"), PROCESSED.c.transport.type),
                    typed(bind("b_update"), sa.BigInteger()),
                    typed(bind("b_chat"), sa.Integer()),
                    typed(bind("b_now", type_=UTCDateTime()), UTCDateTime()),
                    typed(bind("b_message"), sa.BigInteger()),
                ).where(
                    ~sa.exists().where(
                        ERASED.c.transport == bind("b_transport"), ERASED.c.update_id == bind("b_update")
                    )
                ),
            )
            .on_conflict_do_nothing(index_elements=["transport", "update_id"])
            .returning(PROCESSED.c.update_id),
            dialect,
        )
        # The outbox: a step's replies go in with the step, and are claimed (leased to this
        # sender for a while) in order, with whatever of the chat's was left unsent.
        self.insert_outbox = Raw(sa.insert(OUTBOX), dialect, OUTBOX_VALUES)
        # A row is claimed only if no older unsent row of the same chat is held: leased to
        # a sender (this one's own lease included) or waiting for its retry. The older one
        # goes first, and the newer ones with it, so the chat reads in order across replicas.
        # The chat's queued rows are read locked (FOR UPDATE, in id order; nothing on
        # SQLite, whose BEGIN IMMEDIATE already serialises writers): a rival claiming them
        # right now is waited for, and its lease is then read as it committed it. Not SKIP
        # LOCKED: a skipped older row would look absent and let the newer ones overtake it.
        queue = (
            sa.select(OUTBOX.c.id, OUTBOX.c.claimed_until)
            .where(
                OUTBOX.c.transport == bind("b_transport"),
                OUTBOX.c.address == bind("b_address"),
                OUTBOX.c.status == sa.literal_column("'queued'"),
            )
            .order_by(OUTBOX.c.id)
            .with_for_update()
            .cte("queue")
        )
        held = queue.alias("held")
        self.claim_outbox = Raw(
            sa.update(OUTBOX)
            .add_cte(queue)
            .where(
                OUTBOX.c.id.in_(
                    sa.select(queue.c.id).where(
                        sa.or_(queue.c.claimed_until.is_(None), queue.c.claimed_until <= bind("b_now")),
                        ~sa.exists().where(held.c.id < queue.c.id, held.c.claimed_until > bind("b_now")),
                    )
                )
            )
            .values(claimed_until=bind("b_until"), attempts=OUTBOX.c.attempts + sa.literal_column("1"))
            .returning(*OUTBOX_CLAIMED),
            dialect,
        )
        # Sent: the words are cleared (they live in the journal, or nowhere), the ids kept.
        self.outbox_sent = Raw(
            sa.update(OUTBOX)
            .where(OUTBOX.c.id == bind("b_id"))
            .values(
                status=sa.literal_column("'sent'"),
                sent_at=bind("b_now"),
                message_ids=bind("b_ids"),
                payload=sa.literal_column("'{}'"),
                claimed_until=sa.null(),
            ),
            dialect,
        )
        self.outbox_progress = Raw(
            sa.update(OUTBOX).where(OUTBOX.c.id == bind("b_id")).values(message_ids=bind("b_ids")),
            dialect,
        )
        self.outbox_forget = Raw(sa.delete(OUTBOX).where(OUTBOX.c.id == bind("b_id")), dialect)
        self.active_session = Raw(
            sa.select(*SESSION_COLUMNS).where(SESSION.c.chat_id == bind("b_chat"), SESSION.c.status == ACTIVE),
            dialect,
        )
        self.insert_session = Raw(
            sa.insert(SESSION).returning(SESSION.c.id), dialect, ("chat_id", "started_at", *SESSION_VALUES)
        )
        self.update_session = Raw(sa.update(SESSION).where(SESSION.c.id == bind("b_id")), dialect, SESSION_VALUES)
        self.end_session = Raw(
            sa.update(SESSION).where(SESSION.c.chat_id == bind("b_chat"), SESSION.c.status == ACTIVE),
            dialect,
            ("status", "updated_at", "ended_at"),
        )
        self.insert_journal = Raw(sa.insert(JOURNAL), dialect, JOURNAL_VALUES)
        self.last_event = Raw(
            sa.select(sa.func.max(JOURNAL.c.created_at)).where(
                JOURNAL.c.chat_id == bind("b_chat"), JOURNAL.c.kind == bind("b_kind"), JOURNAL.c.name == bind("b_name")
            ),
            dialect,
        )
        # EXISTS stops at the first match (walking the chat's rows oldest first), where
        # max() reads every row of the chat's history.
        self.has_event = Raw(
            sa.select(
                sa.exists().where(
                    JOURNAL.c.chat_id == bind("b_chat"),
                    JOURNAL.c.kind == bind("b_kind"),
                    JOURNAL.c.name == bind("b_name"),
                )
            ),
            dialect,
        )
        self.answers_since = Raw(
            sa.select(JOURNAL.c.value)
            .where(
                JOURNAL.c.chat_id == bind("b_chat"),
                JOURNAL.c.kind == sa.literal_column("'answer'"),
                JOURNAL.c.flow_id == bind("b_flow"),
                JOURNAL.c.name == bind("b_name"),
                JOURNAL.c.created_at >= bind("b_since"),
            )
            .order_by(JOURNAL.c.id),
            dialect,
        )
        self.insert_followup = Raw(
            insert(FOLLOWUP).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(FOLLOWUP.c.id),
            dialect,
            FOLLOWUP_VALUES,
        )
        # Rarer work: ordinary Core execution.
        self.deactivate_chat = sa.update(CHAT).where(CHAT.c.id == bind("b_id")).values(active=False)
        self.take_followup = (
            sa.update(FOLLOWUP)
            .where(FOLLOWUP.c.id == bind("b_id"), FOLLOWUP.c.status == "pending")
            .values(status="sent", sent_at=bind("b_now"))
            .returning(FOLLOWUP.c.id)
        )
        self.postpone_followup = (
            sa.update(FOLLOWUP)
            .where(FOLLOWUP.c.id == bind("b_id"))
            .values(status="pending", due_at=bind("b_until"), claimed_until=None)
        )
        self.cancel_followups = (
            sa.update(FOLLOWUP)
            .where(FOLLOWUP.c.chat_id == bind("b_chat"), FOLLOWUP.c.status == "pending")
            .values(status="cancelled")
            .returning(FOLLOWUP.c.id, FOLLOWUP.c.kind)
        )
        # /stop: the bot's own check-ins, not the homework reminders a client agreed to.
        self.cancel_own_followups = self.cancel_followups.where(FOLLOWUP.c.kind == "flow")
