"""What counts is recorded: journal rows of kind `count` (a check-in that reached its offer,
an exercise done to its end: `bot.features.counts`). This adds them for what was done before,
from the records of that time, so nobody's progress vanishes on upgrading:

- every check-in summary (`entry` "cycle" of the check-in) was written after its offer (or,
  at 8 or more, after the break it was handed), so it is a check-in that counts, in the
  session of its answers;
- every `homework` mark of an exercise was written on its last step, so it is an exercise
  done to its end.

The flow ids are written out here as they were then (a migration is a record of its time).
Chats that already have counts are left as they are. No schema change.

Revision ID: 0010_counts
Revises: 0009_homework_runs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_counts"
down_revision = "0009_homework_runs"
branch_labels = None
depends_on = None

CHECKIN = "checkin"
EXERCISES = ("turn-toward", "set-it-free", "break", "reflect", "softened-startup", "demon-dialogues")


def upgrade() -> None:
    # At this revision nobody has counts yet; the guards keep a second run from adding twice.
    op.execute(
        sa.text(
            """
            INSERT INTO journal (chat_id, session_id, flow_id, step_id, kind, name, value, created_at)
            SELECT j.chat_id, j.session_id, j.name, j.step_id, 'count', 'exercise', 'true', j.created_at
            FROM journal j
            WHERE j.kind = 'homework' AND j.name IN :exercises
              AND NOT EXISTS (SELECT 1 FROM journal c WHERE c.chat_id = j.chat_id AND c.kind = 'count')
            ORDER BY j.id
            """
        ).bindparams(sa.bindparam("exercises", EXERCISES, expanding=True))
    )
    op.execute(
        sa.text(
            """
            INSERT INTO journal (chat_id, session_id, flow_id, step_id, kind, name, value, created_at)
            SELECT j.chat_id,
                   COALESCE(j.session_id, (
                       SELECT a.session_id FROM journal a
                       WHERE a.chat_id = j.chat_id AND a.flow_id = j.flow_id AND a.kind = 'answer'
                         AND a.session_id IS NOT NULL AND a.id < j.id
                       ORDER BY a.id DESC LIMIT 1)),
                   j.flow_id, j.step_id, 'count', 'checkin', 'true', j.created_at
            FROM journal j
            WHERE j.kind = 'entry' AND j.name = 'cycle' AND j.flow_id = :checkin
              AND NOT EXISTS (
                  SELECT 1 FROM journal c WHERE c.chat_id = j.chat_id AND c.kind = 'count' AND c.name = 'checkin')
            ORDER BY j.id
            """
        ).bindparams(checkin=CHECKIN)
    )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM journal WHERE kind = 'count'"))
