"""A person's own safety plan: six parts in their own words, one row per chat.

Revision ID: 0007_safety_plan
Revises: 0006_journal_index
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_safety_plan"
down_revision = "0006_journal_index"
branch_labels = None
depends_on = None

SECTIONS = ("warning_signs", "on_my_own", "people_places", "ask_for_help", "professionals", "safer")


def upgrade() -> None:
    op.create_table(
        "safety_plan",
        sa.Column(
            "chat_id", sa.Integer(), sa.ForeignKey("chat.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
        ),
        *(sa.Column(name, sa.Text(), nullable=True) for name in SECTIONS),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("safety_plan")
