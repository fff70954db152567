"""One question count per visit.

`session.asked`: the questions put to the person so far in the visit, across the flows it
called, so "question N of about M" goes up by one per question. A session saved before
this starts counting at 0 (its next question reads 1).

Revision ID: 0011_question_count
Revises: 0010_counts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_question_count"
down_revision = "0010_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database stamped back to an older revision (a restore, the tests of 0010) may have it.
    if "asked" in {column["name"] for column in sa.inspect(op.get_bind()).get_columns("session")}:
        return
    with op.batch_alter_table("session") as batch:
        batch.add_column(sa.Column("asked", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("session") as batch:
        batch.drop_column("asked")
