"""Supervisors' reports (issue 12): assets per site and status, the assets idling in storage or
surplus with when they arrived, and each device's latest contact and reported backlog.

The first two are filled in from the projection (sync.server.report_aggregates.rebuild); device
contacts start empty (a device's next push or pull records it).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync.server.report_aggregates import rebuild

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_counts",
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("assets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("site", "status"),
    )
    op.create_table(
        "idle_assets",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("since_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_idle_assets_since", "idle_assets", ["since_ms", "key"])
    op.create_index("ix_idle_assets_site_since", "idle_assets", ["site", "since_ms", "key"])
    op.create_index("ix_idle_assets_status_since", "idle_assets", ["status", "since_ms", "key"])
    op.create_index(
        "ix_idle_assets_site_status_since", "idle_assets", ["site", "status", "since_ms", "key"]
    )
    op.create_table(
        "device_contacts",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("last_push_ms", sa.BigInteger(), nullable=True),
        sa.Column("last_pull_ms", sa.BigInteger(), nullable=True),
        sa.Column("pending", sa.BigInteger(), nullable=True),
        sa.Column("pending_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("device_id"),
    )
    rebuild(op.get_bind())  # the push path's own rules, over what is already stored


def downgrade() -> None:
    op.drop_table("device_contacts")
    op.drop_index("ix_idle_assets_site_status_since", table_name="idle_assets")
    op.drop_index("ix_idle_assets_status_since", table_name="idle_assets")
    op.drop_index("ix_idle_assets_site_since", table_name="idle_assets")
    op.drop_index("ix_idle_assets_since", table_name="idle_assets")
    op.drop_table("idle_assets")
    op.drop_table("asset_counts")
