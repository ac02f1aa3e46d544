"""Baseline: the 13 tables as create_all made them before there were migrations (guides, editorial workflow,
quality records, WeChat outbox).

Revision ID: 0001_baseline
Revises: (none: the first)
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("guide_id", sa.String(length=80), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "editor_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("session_version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "glossary_terms",
        sa.Column("term", sa.String(length=40), nullable=False),
        sa.Column("plain", sa.String(length=200), nullable=False),
        sa.Column("explain", sa.String(length=400), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("term"),
    )
    op.create_table(
        "guide_drafts",
        sa.Column("guide_id", sa.String(length=80), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lock", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("guide_id"),
    )
    op.create_table(
        "guide_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.String(length=80), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("published_by", sa.String(length=80), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guide_id", "number"),
    )
    with op.batch_alter_table("guide_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guide_versions_guide_id"), ["guide_id"], unique=False)

    op.create_table(
        "guides",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source_file", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ratings_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_ratings_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ratings_session_id"), ["session_id"], unique=False)

    op.create_table(
        "training_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent_hint", sa.String(length=80), nullable=True),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_suggestions_at"), ["at"], unique=False)

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_turns_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_turns_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_turns_service_id"), ["service_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_turns_session_id"), ["session_id"], unique=False)

    op.create_table(
        "wechat_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("wechat_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wechat_outbox_next_try_at"), ["next_try_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_wechat_outbox_openid"), ["openid"], unique=False)

    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("action_taken", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["ratings.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rating_id"),
    )
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followups_opened_at"), ["opened_at"], unique=False)

    op.create_table(
        "rating_requests",
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("service_id", sa.String(length=80), nullable=True),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("awaiting", sa.String(length=16), nullable=True),
        sa.Column("rating_id", sa.Integer(), nullable=True),
        sa.Column("slow_speech", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["ratings.id"],
        ),
        sa.PrimaryKeyConstraint("session_id"),
    )
    with op.batch_alter_table("rating_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_requests_asked_at"), ["asked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rating_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_requests_asked_at"))

    op.drop_table("rating_requests")
    with op.batch_alter_table("followups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followups_opened_at"))

    op.drop_table("followups")
    with op.batch_alter_table("wechat_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wechat_outbox_openid"))
        batch_op.drop_index(batch_op.f("ix_wechat_outbox_next_try_at"))

    op.drop_table("wechat_outbox")
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_turns_session_id"))
        batch_op.drop_index(batch_op.f("ix_turns_service_id"))
        batch_op.drop_index(batch_op.f("ix_turns_channel"))
        batch_op.drop_index(batch_op.f("ix_turns_at"))

    op.drop_table("turns")
    with op.batch_alter_table("training_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_suggestions_at"))

    op.drop_table("training_suggestions")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ratings_session_id"))
        batch_op.drop_index(batch_op.f("ix_ratings_service_id"))
        batch_op.drop_index(batch_op.f("ix_ratings_channel"))
        batch_op.drop_index(batch_op.f("ix_ratings_at"))

    op.drop_table("ratings")
    op.drop_table("meta")
    op.drop_table("guides")
    with op.batch_alter_table("guide_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guide_versions_guide_id"))

    op.drop_table("guide_versions")
    op.drop_table("guide_drafts")
    op.drop_table("glossary_terms")
    op.drop_table("editor_users")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
