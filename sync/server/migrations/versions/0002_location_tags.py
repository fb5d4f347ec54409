"""Shared location tags: which place each printed location tag marks.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "location_tags",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("tag", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("site", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_sort", sa.String(length=260), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(op.f("ix_location_tags_path"), "location_tags", ["path"], unique=False)
    op.create_index(op.f("ix_location_tags_position"), "location_tags", ["position"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_location_tags_position"), table_name="location_tags")
    op.drop_index(op.f("ix_location_tags_path"), table_name="location_tags")
    op.drop_table("location_tags")
