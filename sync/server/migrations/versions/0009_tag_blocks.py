"""Runs of new tag numbers handed out by the store, so two devices never print the same tags,
and the runs devices numbered offline, as they report them.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tag_numbers",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )
    op.create_table(
        "tag_blocks",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("first_number", sa.BigInteger(), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("reserved_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "first_number"),
    )
    op.create_table(
        "offline_runs",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("first_number", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("reported_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "first_number", "device_id"),
    )


def downgrade() -> None:
    op.drop_table("offline_runs")
    op.drop_table("tag_blocks")
    op.drop_table("tag_numbers")
