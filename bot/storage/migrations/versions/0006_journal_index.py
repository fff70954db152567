"""An index for reading one kind of journal row of one chat over a time window.

Revision ID: 0006_journal_index
Revises: 0005_country
"""

from __future__ import annotations

from alembic import op

revision = "0006_journal_index"
down_revision = "0005_country"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_journal_chat_kind_name", "journal", ["chat_id", "kind", "name", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_journal_chat_kind_name", table_name="journal")
