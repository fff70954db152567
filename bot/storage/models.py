"""The tables. Plain, queryable rows: a session is a step id plus JSON variables, never a pickle.

JSON is kept in TEXT columns (`json.dumps`) so it reads the same on SQLite and
PostgreSQL. Every timestamp is UTC and timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, also on SQLite (which stores no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Chat(SQLModel, table=True):
    """One person's conversation on one transport (a Telegram chat, a terminal name)."""

    __tablename__ = "chat"
    __table_args__ = (sa.UniqueConstraint("transport", "address", name="uq_chat_transport_address"),)

    id: int | None = Field(default=None, primary_key=True)
    transport: str = Field(max_length=32)
    address: str = Field(max_length=128)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    active: bool = Field(default=True)  # false once the person blocked the bot
    timezone: str | None = Field(default=None, max_length=64)
    locale: str | None = Field(default=None, max_length=35)
    # When the person said they fear, or are hurt or controlled by, a partner. While set,
    # exercises that move them toward a partner are switched off. Only they clear it.
    violence_noted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When follow-ups are welcome: "any" time, "daytime" (not 21:00-09:00 local), "none".
    followups: str = Field(default="any", max_length=16, sa_column_kwargs={"server_default": "any"})
    # Where the person is, as they chose it (ISO 3166-1 code, or "default"): picks the help
    # lines shown in a crisis. Unset, the language Telegram reports is used.
    country: str | None = Field(default=None, max_length=8)


class Session(SQLModel, table=True):
    """Where a chat stands in a flow. At most one `active` row per chat."""

    __tablename__ = "session"
    __table_args__ = (
        sa.Index(
            "uq_session_one_active_per_chat",
            "chat_id",
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=sa.Column(sa.ForeignKey("chat.id", ondelete="CASCADE"), nullable=False, index=True))
    flow_id: str = Field(max_length=64)
    flow_version: int
    step_id: str = Field(max_length=64)
    vars: str = Field(sa_type=sa.Text, default="{}")
    stack: str = Field(sa_type=sa.Text, default="[]")
    seq: int = Field(default=0)
    # Questions put to the person so far in this visit: the N of "question N of about M".
    asked: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    status: str = Field(max_length=16)
    started_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Journal(SQLModel, table=True):
    """What a person answered (kind 'answer'), named entries ('entry') and homework marks."""

    __tablename__ = "journal"
    # Escalation, the weekly review and "is this person new?" read one kind of row of one
    # chat over a time window.
    __table_args__ = (sa.Index("ix_journal_chat_kind_name", "chat_id", "kind", "name", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=sa.Column(sa.ForeignKey("chat.id", ondelete="CASCADE"), nullable=False, index=True))
    session_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("session.id", ondelete="SET NULL"), nullable=True)
    )
    flow_id: str = Field(max_length=64)
    step_id: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    name: str = Field(max_length=64)
    value: str = Field(sa_type=sa.Text)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """The exactly-once ledger: an update id can be claimed by one transaction only."""

    __tablename__ = "processed_update"

    transport: str = Field(primary_key=True, max_length=32)
    update_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    chat_id: int = Field(sa_column=sa.Column(sa.ForeignKey("chat.id", ondelete="CASCADE"), nullable=False))
    processed_at: datetime = Field(sa_type=UTCDateTime)
    # The person's own message, when the update was one: /hide deletes it from the chat.
    message_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True))


class Outbox(SQLModel, table=True):
    """What the bot is to send, written in the same transaction as the step that said it,
    sent after the commit and then marked sent (its text cleared, its Telegram message ids
    kept for /hide). Keyed by the chat's address, not its row: the last words of /delete
    outlive the chat row. `kind`: "message" (a `Reply` as JSON) or "delete" (message ids
    to remove from the chat, /hide). `status`: queued, sent, failed. A queued row is
    claimable when `claimed_until` is empty or past (a sender's lease, or a retry's wait)."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_chat_status", "transport", "address", "status"),
        sa.Index("ix_outbox_status_created", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    transport: str = Field(max_length=32)
    address: str = Field(max_length=128)
    update_id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, nullable=True))
    position: int = Field(default=0)
    kind: str = Field(default="message", max_length=16)
    payload: str = Field(sa_type=sa.Text)
    status: str = Field(default="queued", max_length=16)
    attempts: int = Field(default=0)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_ids: str = Field(default="[]", sa_type=sa.Text)


class ErasedUpdate(SQLModel, table=True):
    """The update that erased a chat (/delete, or onboarding's "No" answers): an id and a
    time, nothing personal. A redelivery of it re-creates nothing."""

    __tablename__ = "erased_update"

    transport: str = Field(primary_key=True, max_length=32)
    update_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    erased_at: datetime = Field(sa_type=UTCDateTime, index=True)


class QuarantinedUpdate(SQLModel, table=True):
    """An update whose handling failed every time it was tried: confirmed anyway, so it
    holds up no one, and kept here for the operator by id, kind and error class (never
    its text)."""

    __tablename__ = "quarantined_update"

    transport: str = Field(primary_key=True, max_length=32)
    update_id: int = Field(sa_column=sa.Column(sa.BigInteger, primary_key=True, autoincrement=False))
    kind: str = Field(max_length=32)
    error: str = Field(max_length=64)
    tries: int
    at: datetime = Field(sa_type=UTCDateTime, index=True)


class FollowUp(SQLModel, table=True):
    """A flow to start later. When due, a sender leases it (`claimed_until`, so replicas
    split the due work), then takes it once (`status` pending -> sent)."""

    __tablename__ = "followup"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=sa.Column(sa.ForeignKey("chat.id", ondelete="CASCADE"), nullable=False, index=True))
    session_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("session.id", ondelete="SET NULL"), nullable=True)
    )
    source_flow: str = Field(max_length=64)
    source_step: str = Field(max_length=64)
    target_flow: str = Field(max_length=64)
    due_at: datetime = Field(sa_type=UTCDateTime, index=True)
    status: str = Field(max_length=16, default="pending")
    dedupe_key: str = Field(max_length=255, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # "flow": start target_flow; "homework": a homework reminder (starts target_flow);
    # "notice": tell a therapist that homework was done (no flow).
    kind: str = Field(default="flow", max_length=16, sa_column_kwargs={"server_default": "flow"})
    # Set for homework reminders and notices: which assignment it belongs to.
    assignment_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("assignment.id", ondelete="CASCADE"), nullable=True)
    )
    # What the person planned, in their own words, as JSON ({"plan": ..., "planned": ...}):
    # the follow-up reads it back. Never logged; exported and erased with the chat.
    plan: str | None = Field(default=None, sa_type=sa.Text)
    # A sender's lease on a due row: no other process lists it before then (a crashed
    # sender's rows come round again once it runs out).
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SendBudget(SQLModel, table=True):
    """One bot's send budget, shared by every process sending for it: a token bucket
    (`tokens` as of `stamp`, refilled at the configured rate) and, after Telegram's 429,
    the time (`paused_until`) before which nobody sends. Times are Unix seconds. `name`
    is the transport and the bot's numeric id (the part of its token before the colon,
    which is public), never the token."""

    __tablename__ = "send_budget"

    name: str = Field(primary_key=True, max_length=64)
    tokens: float
    stamp: float
    paused_until: float = Field(default=0.0)


class Therapist(SQLModel, table=True):
    """A chat the operator enabled as a therapist (never self-claimed). `name` is what
    clients see when homework arrives."""

    __tablename__ = "therapist"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=sa.Column(sa.ForeignKey("chat.id", ondelete="CASCADE"), nullable=False, unique=True))
    name: str = Field(max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)


class TherapistInvite(SQLModel, table=True):
    """A single-use code the operator hands a therapist. Only its hash is kept."""

    __tablename__ = "therapist_invite"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Assignment(SQLModel, table=True):
    """Homework a therapist gave: which flow, how often, for whom (an alias the therapist
    chose), and what the client agreed to share. The link's token is kept only as a hash.

    `sharing`: pending (link not opened or not answered yet), completion, answers,
    declined, revoked, deleted (the client erased their data)."""

    __tablename__ = "assignment"

    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("therapist.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    client_chat_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("chat.id", ondelete="SET NULL"), nullable=True, index=True)
    )
    alias: str = Field(max_length=64)
    flow_id: str = Field(max_length=64)
    cadence: str = Field(max_length=16)  # once, daily, weekly
    per_week: int = Field(default=1)  # for weekly: how many times a week
    weeks: int = Field(default=1)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    note: str | None = Field(default=None, sa_type=sa.Text)
    token_hash: str = Field(max_length=64, unique=True)
    token_expires_at: datetime = Field(sa_type=UTCDateTime)
    token_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sharing: str = Field(max_length=16, default="pending")
    # Counts the client's sharing changes: a consent button carries the version it was
    # shown with, and a stale one (an older /sharing message, a replayed press) is refused.
    sharing_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    notify: bool = Field(default=True)  # tell the therapist when homework is done
    created_at: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The run under way: the session a link ("start now") or a reminder started the
    # assigned flow in, and the journal's last row id then. Only that run counts.
    run_session_id: int | None = Field(default=None)
    run_journal_id: int | None = Field(default=None)


class HomeworkDone(SQLModel, table=True):
    """One completed homework flow, counted against its assignment. The answers stay in the
    client's journal (same session); a therapist reads them only under 'answers' consent."""

    __tablename__ = "homework_done"

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("assignment.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    session_id: int | None = Field(
        default=None, sa_column=sa.Column(sa.ForeignKey("session.id", ondelete="SET NULL"), nullable=True)
    )
    done_at: datetime = Field(sa_type=UTCDateTime)
    # The journal rows of this run (after `from`, up to `to`): all a therapist may see.
    from_journal_id: int | None = Field(default=None)
    to_journal_id: int | None = Field(default=None)


class SafetyPlan(SQLModel, table=True):
    """A person's own safety plan (Stanley and Brown): six parts in their own words, any of
    them empty. One per chat; erased with it."""

    __tablename__ = "safety_plan"

    chat_id: int = Field(
        sa_column=sa.Column(sa.ForeignKey("chat.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    )
    warning_signs: str | None = Field(default=None, sa_type=sa.Text)
    on_my_own: str | None = Field(default=None, sa_type=sa.Text)  # things I can do to take my mind off things
    people_places: str | None = Field(default=None, sa_type=sa.Text)  # people and places that help me feel better
    ask_for_help: str | None = Field(default=None, sa_type=sa.Text)  # people I can ask for help
    professionals: str | None = Field(default=None, sa_type=sa.Text)  # their own; the country's lines are added on show
    safer: str | None = Field(default=None, sa_type=sa.Text)  # making my surroundings safer
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


PLAN_SECTIONS = ("warning_signs", "on_my_own", "people_places", "ask_for_help", "professionals", "safer")

TABLES = (
    Chat,
    Session,
    Journal,
    ProcessedUpdate,
    FollowUp,
    Therapist,
    TherapistInvite,
    Assignment,
    HomeworkDone,
    SafetyPlan,
    Outbox,
    ErasedUpdate,
    QuarantinedUpdate,
    SendBudget,
)
