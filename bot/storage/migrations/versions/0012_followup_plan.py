"""A follow-up keeps the plan it looks back at.

`followup.plan`: JSON of what the person planned, in their own words, with when they
planned it for (`{"plan": "...", "planned": "tomorrow"}`), handed to the follow-up flow
when it starts so it can read the plan back; NULL for follow-ups without one.

Revision ID: 0012_followup_plan
Revises: 0011_question_count
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_followup_plan"
down_revision = "0011_question_count"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database stamped back to an older revision (a restore, the tests of 0010) may have it.
    if "plan" in {column["name"] for column in sa.inspect(op.get_bind()).get_columns("followup")}:
        return
    with op.batch_alter_table("followup") as batch:
        batch.add_column(sa.Column("plan", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup") as batch:
        batch.drop_column("plan")
