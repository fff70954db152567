"""The country a person chose, for the crisis lines they are shown.

Revision ID: 0005_country
Revises: 0004_therapists
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_country"
down_revision = "0004_therapists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chat") as batch:
        batch.add_column(sa.Column("country", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat") as batch:
        batch.drop_column("country")
