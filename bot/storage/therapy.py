"""Therapists, their invites and homework assignments: the rows and the queries.

Everything a client does runs inside the client's own chat transaction (`ChatTx`); a
therapist's views run inside the therapist's. Nothing here decides policy (who may see
what): `bot.therapy` does, and reads only what a client's current consent allows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa

from bot.storage.models import Assignment, HomeworkDone, Therapist, TherapistInvite, UTCDateTime
from bot.storage.store import CHAT, FOLLOWUP, JOURNAL, ChatKey, ChatTx, Store

THERAPIST = Therapist.__table__  # type: ignore[attr-defined]
INVITE = TherapistInvite.__table__  # type: ignore[attr-defined]
ASSIGNMENT = Assignment.__table__  # type: ignore[attr-defined]
DONE = HomeworkDone.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class TherapistRow:
    id: int
    name: str
    chat: ChatKey
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    id: int
    therapist_id: int
    therapist_name: str
    client_chat_id: int | None
    alias: str
    flow_id: str
    cadence: str
    per_week: int
    weeks: int
    due_at: datetime | None
    note: str | None
    token_expires_at: datetime
    token_used_at: datetime | None
    sharing: str
    notify: bool
    created_at: datetime
    accepted_at: datetime | None
    ended_at: datetime | None
    sharing_version: int = 0  # counts the client's sharing changes (a consent button carries it)
    done: tuple[datetime, ...] = ()  # when each completion happened, oldest first
    run_session_id: int | None = None  # the session the assigned flow was last started in from here
    run_journal_id: int | None = None


@dataclass(frozen=True, slots=True)
class LinkRefused:
    """A homework link that cannot be claimed, and why: "unknown", "used" (or ended),
    "expired", or "own" (a therapist opening their own link)."""

    reason: Literal["unknown", "used", "expired", "own"]


@dataclass(frozen=True, slots=True)
class SharedAnswers:
    done_at: datetime
    answers: tuple[tuple[str, str, str, Any], ...]  # (flow, step, variable, value), skipped ones left out


_ASSIGNMENT_COLUMNS = (*ASSIGNMENT.c, THERAPIST.c.name.label("therapist_name"))


def _assignments(connection: sa.Connection, *where: Any) -> list[AssignmentRow]:
    rows = connection.execute(
        sa.select(*_ASSIGNMENT_COLUMNS)
        .join(THERAPIST, THERAPIST.c.id == ASSIGNMENT.c.therapist_id)
        .where(*where)
        .order_by(ASSIGNMENT.c.id)
    ).all()
    if not rows:
        return []
    done: dict[int, list[datetime]] = {}
    for assignment_id, at in connection.execute(
        sa.select(DONE.c.assignment_id, DONE.c.done_at)
        .where(DONE.c.assignment_id.in_([r.id for r in rows]))
        .order_by(DONE.c.id)
    ):
        done.setdefault(assignment_id, []).append(at)
    fields = AssignmentRow.__dataclass_fields__
    return [
        AssignmentRow(**{k: v for k, v in r._mapping.items() if k in fields}, done=tuple(done.get(r.id, ())))
        for r in rows
    ]


# ---------------------------------------------------------------------------- the operator


def add_therapist(store: Store, chat: ChatKey, name: str, now: datetime, menu: bool = False) -> bool:
    """Enable `chat` as a therapist shown to clients as `name`; False if it already was
    (the name is updated). `menu`: have the running bot give the chat the therapist menu."""
    with store.chat(chat, now) as tx:
        new = _make_therapist(tx, name)
        if menu:
            _menu_due(tx.connection, tx.chat_id, now)
        return new


def remove_therapist(store: Store, chat: ChatKey, now: datetime | None = None, menu: bool = False) -> bool:
    """Disable a therapist: their assignments end, their clients' reminders stop; with
    `menu`, the running bot takes the therapist menu away."""
    with store.engine.begin() as connection:
        chat_id = connection.execute(
            sa.select(CHAT.c.id).where(CHAT.c.transport == chat.transport, CHAT.c.address == chat.address)
        ).scalar_one_or_none()
        if chat_id is None:
            return False
        gone = connection.execute(sa.delete(THERAPIST).where(THERAPIST.c.chat_id == chat_id)).rowcount > 0
        if gone and menu:
            _menu_due(connection, chat_id, now or datetime.now(UTC))
        return gone


def _menu_due(connection: sa.Connection, chat_id: int, now: datetime) -> None:
    """A follow-up of kind "menu": the running bot redraws the chat's command menu from
    the role as it is when the row is taken (a CLI command has no bot to call)."""
    connection.execute(
        sa.insert(FOLLOWUP).values(
            chat_id=chat_id,
            session_id=None,
            source_flow="menu",
            source_step="menu",
            target_flow="menu",
            due_at=now,
            status="pending",
            dedupe_key=f"menu:{chat_id}:{now.isoformat()}",
            created_at=now,
            kind="menu",
            assignment_id=None,
        )
    )


def list_therapists(store: Store) -> list[tuple[TherapistRow, int]]:
    """Every therapist, with how many open assignments they have."""
    with store.engine.connect() as connection:
        open_count = (
            sa.select(sa.func.count())
            .where(ASSIGNMENT.c.therapist_id == THERAPIST.c.id, ASSIGNMENT.c.ended_at.is_(None))
            .scalar_subquery()
        )
        rows = connection.execute(
            sa.select(
                THERAPIST.c.id,
                THERAPIST.c.name,
                THERAPIST.c.created_at,
                CHAT.c.transport,
                CHAT.c.address,
                open_count.label("open"),
            )
            .join(CHAT, CHAT.c.id == THERAPIST.c.chat_id)
            .order_by(THERAPIST.c.id)
        ).all()
    return [(TherapistRow(r.id, r.name, ChatKey(r.transport, r.address), r.created_at), r.open) for r in rows]


def create_invite(store: Store, code_hash: str, name: str, now: datetime, expires_at: datetime) -> None:
    with store.engine.begin() as connection:
        connection.execute(
            sa.insert(INVITE).values(code_hash=code_hash, name=name, created_at=now, expires_at=expires_at)
        )


# ---------------------------------------------------------------------------- inside a chat's transaction


def _make_therapist(tx: ChatTx, name: str) -> bool:
    updated = tx.connection.execute(
        sa.update(THERAPIST).where(THERAPIST.c.chat_id == tx.chat_id).values(name=name)
    ).rowcount
    if updated:
        return False
    tx.connection.execute(sa.insert(THERAPIST).values(chat_id=tx.chat_id, name=name, created_at=tx.now))
    return True


def therapist_of(tx: ChatTx) -> TherapistRow | None:
    row = tx.connection.execute(
        sa.select(THERAPIST.c.id, THERAPIST.c.name, THERAPIST.c.created_at).where(THERAPIST.c.chat_id == tx.chat_id)
    ).first()
    return TherapistRow(row.id, row.name, tx.key, row.created_at) if row else None


def redeem_invite(tx: ChatTx, code_hash: str) -> str | None:
    """Use an invite: the chat becomes a therapist. The name, or None if the code is unknown,
    used or expired (the conditional update makes "single use" hold across processes)."""
    row = tx.connection.execute(
        sa.update(INVITE)
        .where(INVITE.c.code_hash == code_hash, INVITE.c.used_at.is_(None), INVITE.c.expires_at > tx.now)
        .values(used_at=tx.now)
        .returning(INVITE.c.name)
    ).first()
    if row is None:
        return None
    _make_therapist(tx, row.name)
    return str(row.name)


def create_assignment(tx: ChatTx, therapist_id: int, values: dict[str, Any]) -> int:
    row = tx.connection.execute(
        sa.insert(ASSIGNMENT)
        .values(therapist_id=therapist_id, created_at=tx.now, sharing="pending", **values)
        .returning(ASSIGNMENT.c.id)
    ).one()
    return int(row.id)


def claim_link(tx: ChatTx, token_hash: str) -> AssignmentRow | LinkRefused:
    """Bind the assignment behind a link to this chat, once. Returns it, or why not (a
    `LinkRefused`)."""
    found = _assignments(tx.connection, ASSIGNMENT.c.token_hash == token_hash)
    if not found:
        return LinkRefused("unknown")
    assignment = found[0]
    if assignment.token_used_at is not None or assignment.ended_at is not None:
        return LinkRefused("used")
    if assignment.token_expires_at <= tx.now:
        return LinkRefused("expired")
    therapist = therapist_of(tx)
    if therapist is not None and therapist.id == assignment.therapist_id:
        return LinkRefused("own")
    claimed = tx.connection.execute(
        sa.update(ASSIGNMENT)
        .where(ASSIGNMENT.c.id == assignment.id, ASSIGNMENT.c.token_used_at.is_(None))
        .values(token_used_at=tx.now, client_chat_id=tx.chat_id)
        .returning(ASSIGNMENT.c.id)
    ).first()
    if claimed is None:
        return LinkRefused("used")  # another process took it a moment ago
    _keep_clients_apart(tx, assignment)
    return _assignments(tx.connection, ASSIGNMENT.c.id == assignment.id)[0]


def _keep_clients_apart(tx: ChatTx, assignment: AssignmentRow) -> None:
    """One name in a therapist's lists means one person: if another client of the same
    therapist already goes by this alias, this one becomes "Sam (2)"."""
    others = tx.connection.execute(
        sa.select(ASSIGNMENT.c.alias, ASSIGNMENT.c.client_chat_id).where(
            ASSIGNMENT.c.therapist_id == assignment.therapist_id,
            ASSIGNMENT.c.id != assignment.id,
            ASSIGNMENT.c.client_chat_id.is_not(None),
        )
    ).all()
    taken = {alias.casefold(): chat for alias, chat in others}
    if taken.get(assignment.alias.casefold(), tx.chat_id) == tx.chat_id:
        return
    n = 2
    while taken.get(f"{assignment.alias} ({n})".casefold(), tx.chat_id) != tx.chat_id:
        n += 1
    tx.connection.execute(
        sa.update(ASSIGNMENT).where(ASSIGNMENT.c.id == assignment.id).values(alias=f"{assignment.alias} ({n})")
    )


def client_assignments(tx: ChatTx, *, open_only: bool = False) -> list[AssignmentRow]:
    """This chat's homework, as the client."""
    where = [ASSIGNMENT.c.client_chat_id == tx.chat_id]
    if open_only:
        where.append(ASSIGNMENT.c.ended_at.is_(None))
    return _assignments(tx.connection, *where)


def therapist_assignments(tx: ChatTx, therapist_id: int) -> list[AssignmentRow]:
    """Everything a therapist assigned (their own only)."""
    return _assignments(tx.connection, ASSIGNMENT.c.therapist_id == therapist_id)


def set_sharing(tx: ChatTx, assignment_id: int, level: str) -> bool:
    """The client's choice; only the client the assignment is bound to can make it."""
    values: dict[str, Any] = {"sharing": level, "sharing_version": ASSIGNMENT.c.sharing_version + 1}
    if level in ("completion", "answers"):
        values["accepted_at"] = tx.now
    return (
        tx.connection.execute(
            sa.update(ASSIGNMENT)
            .where(ASSIGNMENT.c.id == assignment_id, ASSIGNMENT.c.client_chat_id == tx.chat_id)
            .values(**values)
        ).rowcount
        > 0
    )


def end_assignment(tx: ChatTx, assignment_id: int) -> None:
    tx.connection.execute(
        sa.update(ASSIGNMENT)
        .where(ASSIGNMENT.c.id == assignment_id, ASSIGNMENT.c.ended_at.is_(None))
        .values(ended_at=tx.now)
    )
    cancel_reminders(tx, assignment_id)


def cancel_reminders(tx: ChatTx, assignment_id: int) -> None:
    cancelled = tx.connection.execute(
        sa.update(FOLLOWUP)
        .where(FOLLOWUP.c.assignment_id == assignment_id, FOLLOWUP.c.status == "pending")
        .values(status="cancelled")
    ).rowcount
    if cancelled:
        tx.cancelled["homework"] = tx.cancelled.get("homework", 0) + cancelled


def _last_journal_id(tx: ChatTx) -> int:
    return int(
        tx.connection.execute(
            sa.select(sa.func.coalesce(sa.func.max(JOURNAL.c.id), 0)).where(JOURNAL.c.chat_id == tx.chat_id)
        ).scalar_one()
    )


def start_run(tx: ChatTx, assignment_id: int, session_id: int) -> None:
    """The assigned flow was started from the assignment (its link's "start now", or a
    reminder) in `session_id`: the next completion there counts, with what comes after now."""
    tx.connection.execute(
        sa.update(ASSIGNMENT)
        .where(ASSIGNMENT.c.id == assignment_id, ASSIGNMENT.c.client_chat_id == tx.chat_id)
        .values(run_session_id=session_id, run_journal_id=_last_journal_id(tx))
    )


def record_done(tx: ChatTx, assignment: AssignmentRow, session_id: int) -> None:
    """The run under way is done: one completion, with the journal rows of that run only."""
    tx.connection.execute(
        sa.insert(DONE).values(
            assignment_id=assignment.id,
            session_id=session_id,
            done_at=tx.now,
            from_journal_id=assignment.run_journal_id,
            to_journal_id=_last_journal_id(tx),
        )
    )
    tx.connection.execute(
        sa.update(ASSIGNMENT).where(ASSIGNMENT.c.id == assignment.id).values(run_session_id=None, run_journal_id=None)
    )


def schedule(
    tx: ChatTx, *, chat_id: int, kind: str, assignment_id: int, flow_id: str, due_at: datetime, dedupe_key: str
) -> bool:
    """A homework reminder for the client, or a notice for the therapist (`chat_id`)."""
    inserted = tx.store.sql.insert_followup.first(
        tx.cursor,
        {
            "chat_id": chat_id,
            "session_id": None,
            "source_flow": flow_id,
            "source_step": kind,
            "target_flow": flow_id,
            "due_at": due_at,
            "status": "pending",
            "dedupe_key": dedupe_key,
            "created_at": tx.now,
            "kind": kind,
            "assignment_id": assignment_id,
            "plan": None,
        },
    )
    return inserted is not None


def therapist_chat_id(tx: ChatTx, therapist_id: int) -> int | None:
    return tx.connection.execute(
        sa.select(THERAPIST.c.chat_id).where(THERAPIST.c.id == therapist_id)
    ).scalar_one_or_none()


def shared_answers(tx: ChatTx, assignment_id: int, flows: frozenset[str]) -> list[SharedAnswers]:
    """The answers given in each completed homework session, from the client's journal,
    limited to `flows` (the homework flow and what it calls). The caller checks consent."""
    done = tx.connection.execute(
        sa.select(DONE.c.session_id, DONE.c.done_at, DONE.c.from_journal_id, DONE.c.to_journal_id)
        .where(DONE.c.assignment_id == assignment_id)
        .order_by(DONE.c.id)
    ).all()
    result: list[SharedAnswers] = []
    for session_id, done_at, after, upto in done:  # the run's session holds the run only
        answers: tuple[tuple[str, str, str, Any], ...] = ()
        # A completion counted before runs were recorded (no bounds) shows no answers:
        # its session may hold other things the person did.
        if session_id is not None and after is not None and upto is not None:
            rows = tx.connection.execute(
                sa.select(JOURNAL.c.flow_id, JOURNAL.c.step_id, JOURNAL.c.name, JOURNAL.c.value)
                .where(
                    JOURNAL.c.session_id == session_id,
                    JOURNAL.c.kind == "answer",
                    JOURNAL.c.flow_id.in_(flows),
                    JOURNAL.c.id > after,  # the run goes on after the step where it counted
                )
                .order_by(JOURNAL.c.id)
            )
            values = ((r.flow_id, r.step_id, r.name, json.loads(r.value)) for r in rows)
            answers = tuple(answer for answer in values if answer[3] is not None)
        result.append(SharedAnswers(done_at, answers))
    return result


def forget_client(tx: ChatTx) -> None:
    """Before a client's data is erased: their therapists keep only that it was deleted."""
    ids = [a.id for a in client_assignments(tx)]
    if not ids:
        return
    tx.connection.execute(sa.delete(DONE).where(DONE.c.assignment_id.in_(ids)))
    tx.connection.execute(
        sa.update(ASSIGNMENT)
        .where(ASSIGNMENT.c.id.in_(ids))
        .values(
            sharing="deleted",
            client_chat_id=None,
            run_session_id=None,
            run_journal_id=None,
            ended_at=sa.func.coalesce(ASSIGNMENT.c.ended_at, sa.bindparam("b_now", tx.now, type_=UTCDateTime())),
        )
    )
    for assignment_id in ids:
        cancel_reminders(tx, assignment_id)
