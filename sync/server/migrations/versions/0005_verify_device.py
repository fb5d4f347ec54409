"""Verified checkpoints: signed records of a log prefix that a verify walked and found intact.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verified",
        sa.Column("partition", sa.String(length=64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("partition", "position"),
    )


def downgrade() -> None:
    op.drop_table("verified")
