"""Several senders, one budget: due follow-ups are leased, and each bot's send budget
is a row every replica shares.

`followup.claimed_until`: a sender's lease on a due row, so replicas split the due work
instead of listing the same rows. `send_budget`: one bot's token bucket (`tokens` as of
`stamp`, Unix seconds) and the time before which nobody sends after Telegram's 429
(`paused_until`).

Revision ID: 0013_send_budget
Revises: 0012_followup_plan
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_send_budget"
down_revision = "0012_followup_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database stamped back to an older revision (a restore, the tests of 0010) may have them.
    inspector = sa.inspect(op.get_bind())
    if "claimed_until" not in {column["name"] for column in inspector.get_columns("followup")}:
        with op.batch_alter_table("followup") as batch:
            batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    if inspector.has_table("send_budget"):
        return
    op.create_table(
        "send_budget",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("tokens", sa.Float, nullable=False),
        sa.Column("stamp", sa.Float, nullable=False),
        sa.Column("paused_until", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("send_budget")
    with op.batch_alter_table("followup") as batch:
        batch.drop_column("claimed_until")
