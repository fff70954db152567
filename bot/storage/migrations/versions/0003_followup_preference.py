"""When a person welcomes follow-ups: any time, daytime only, or never.

Revision ID: 0003_followup_preference
Revises: 0002_violence_note
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_followup_preference"
down_revision = "0002_violence_note"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat") as batch:
        batch.add_column(sa.Column("followups", sa.String(length=16), nullable=False, server_default="any"))


def downgrade() -> None:
    with op.batch_alter_table("chat") as batch:
        batch.drop_column("followups")
