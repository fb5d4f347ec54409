"""Hostile clients: sign-ins bound to the device token, failed sign-ins and lockouts.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("device_token_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("failed_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_sign_in_failures_user", "sign_in_failures", ["username", "failed_ms"], unique=False
    )
    op.create_index(
        "ix_sign_in_failures_device", "sign_in_failures", ["device_id", "failed_ms"], unique=False
    )
    op.create_table(
        "lockouts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=120), nullable=False),
        sa.Column("locked_ms", sa.BigInteger(), nullable=False),
        sa.Column("until_ms", sa.BigInteger(), nullable=False),
        sa.Column("unlocked_ms", sa.BigInteger(), nullable=True),
        sa.Column("unlocked_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lockouts_subject", "lockouts", ["scope", "subject"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_lockouts_subject", table_name="lockouts")
    op.drop_table("lockouts")
    op.drop_index("ix_sign_in_failures_device", table_name="sign_in_failures")
    op.drop_index("ix_sign_in_failures_user", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_column("sessions", "device_token_hash")
