"""Therapists, their invites, homework assignments and completions; reminders per assignment.

Revision ID: 0004_therapists
Revises: 0003_followup_preference
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_therapists"
down_revision = "0003_followup_preference"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "therapist",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.Integer(), sa.ForeignKey("chat.id", ondelete="CASCADE"), nullable=False, unique=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "therapist_invite",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("therapist_id", sa.Integer(), sa.ForeignKey("therapist.id", ondelete="CASCADE"), nullable=False),
        sa.Column("client_chat_id", sa.Integer(), sa.ForeignKey("chat.id", ondelete="SET NULL"), nullable=True),
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("per_week", sa.Integer(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("token_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sharing", sa.String(length=16), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_assignment_therapist_id", "assignment", ["therapist_id"])
    op.create_index("ix_assignment_client_chat_id", "assignment", ["client_chat_id"])
    op.create_table(
        "homework_done",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("assignment_id", sa.Integer(), sa.ForeignKey("assignment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("session_id", sa.Integer(), sa.ForeignKey("session.id", ondelete="SET NULL"), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_homework_done_assignment_id", "homework_done", ["assignment_id"])
    with op.batch_alter_table("followup") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="flow"))
        batch.add_column(sa.Column("assignment_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_followup_assignment_id_assignment", "assignment", ["assignment_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("followup") as batch:
        batch.drop_constraint("fk_followup_assignment_id_assignment", type_="foreignkey")
        batch.drop_column("assignment_id")
        batch.drop_column("kind")
    op.drop_table("homework_done")
    op.drop_table("assignment")
    op.drop_table("therapist_invite")
    op.drop_table("therapist")
