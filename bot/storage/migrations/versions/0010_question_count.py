"""One question count per visit.

`session.asked`: the questions put to the person so far in the visit, across the flows it
called, so "question N of about M" goes up by one per question. A session saved before
this starts counting at 0 (its next question reads 1).

Revision ID: 0010_question_count
Revises: 0009_homework_runs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_question_count"
down_revision = "0009_homework_runs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.add_column(sa.Column("asked", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.drop_column("asked")
