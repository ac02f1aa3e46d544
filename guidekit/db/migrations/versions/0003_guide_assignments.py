"""Which editor looks after which guide (the guide list's assignee filter and the daily digest).

Revision ID: 0003_guide_assignments
Revises: 0002_unanswered_dismissals
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_guide_assignments"
down_revision = "0002_unanswered_dismissals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guide_assignments",
        sa.Column("guide_id", sa.String(length=80), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("assigned_by", sa.String(length=80), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guide_id"),
    )
    with op.batch_alter_table("guide_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_assignments_username"), ["username"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("guide_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_assignments_username"))
    op.drop_table("guide_assignments")
