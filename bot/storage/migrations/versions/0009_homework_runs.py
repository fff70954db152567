"""Homework counts only what was started from the assignment.

`assignment.run_session_id` and `run_journal_id`: the session a link ("start now") or a
reminder started the assigned flow in, and the journal's last row id at that moment.
`homework_done.from_journal_id` and `to_journal_id`: the journal rows of that one run, so
a therapist with "answers" consent sees those answers and nothing else the person did.

Revision ID: 0009_homework_runs
Revises: 0008_outbox
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_homework_runs"
down_revision = "0008_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.add_column(sa.Column("run_session_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("run_journal_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("homework_done") as batch:
        batch.add_column(sa.Column("from_journal_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("to_journal_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("homework_done") as batch:
        batch.drop_column("to_journal_id")
        batch.drop_column("from_journal_id")
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("run_journal_id")
        batch.drop_column("run_session_id")
