"""The outbox (replies committed with their step, sent after), tombstones of updates that
erased their chat, updates given up on, the person's message id in the ledger (for
/hide), and a version on each assignment's sharing choice (stale consent buttons).

Revision ID: 0008_outbox
Revises: 0007_safety_plan
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_outbox"
down_revision = "0007_safety_plan"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("transport", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("update_id", sa.BigInteger, nullable=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_ids", sa.Text, nullable=False),
    )
    op.create_index("ix_outbox_chat_status", "outbox", ["transport", "address", "status"])
    op.create_index("ix_outbox_status_created", "outbox", ["status", "created_at"])
    op.create_table(
        "erased_update",
        sa.Column("transport", sa.String(length=32), primary_key=True),
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_erased_update_erased_at", "erased_update", ["erased_at"])
    op.create_table(
        "quarantined_update",
        sa.Column("transport", sa.String(length=32), primary_key=True),
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=False),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_quarantined_update_at", "quarantined_update", ["at"])
    with op.batch_alter_table("processed_update") as batch:
        batch.add_column(sa.Column("message_id", sa.BigInteger, nullable=True))
    with op.batch_alter_table("assignment") as batch:
        batch.add_column(sa.Column("sharing_version", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("sharing_version")
    with op.batch_alter_table("processed_update") as batch:
        batch.drop_column("message_id")
    op.drop_table("quarantined_update")
    op.drop_table("erased_update")
    op.drop_table("outbox")
