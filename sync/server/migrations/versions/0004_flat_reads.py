"""Reads that stay flat as the log grows: indexes for every API read, byte-ordered search
columns, a maintained asset count per location, and the disposition report's aggregates.

Existing rows are filled in: each asset's search tag, each location's count, and every
disposed asset's contribution to the report (sync.server.disposals.rebuild_disposals).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sync.server.disposals import rebuild_disposals

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _bytewise(length: int) -> sa.String:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _fill_tags(conn: sa.Connection) -> None:
    assets = sa.table("assets", sa.column("key", sa.String), sa.column("tag_upper", sa.String))
    keys = list(conn.execute(sa.select(assets.c.key)).scalars())
    for key in keys:  # Python's upper(), as the push path writes it (SQL upper is ASCII only)
        tag = key.removeprefix("asset:").upper()
        conn.execute(sa.update(assets).where(assets.c.key == key).values(tag_upper=tag))


def upgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    op.add_column(
        "assets", sa.Column("tag_upper", _bytewise(200), nullable=False, server_default="")
    )
    if postgres:
        op.alter_column("assets", "tag_upper", server_default=None)
        op.alter_column("assets", "serial", type_=sa.String(80, collation="C"))
        op.alter_column("assets", "location", type_=sa.String(200, collation="C"))
    _fill_tags(conn)
    op.create_index(op.f("ix_assets_tag_upper"), "assets", ["tag_upper"], unique=False)
    op.create_index(op.f("ix_assets_location"), "assets", ["location"], unique=False)
    op.create_index("ix_assets_site_key", "assets", ["site", "key"], unique=False)
    op.create_index("ix_assets_status_key", "assets", ["status", "key"], unique=False)
    op.create_index("ix_oplog_target_kind_hlc", "oplog", ["target", "kind", "hlc"], unique=False)
    op.create_index("ix_pallets_state_key", "pallets", ["state", "key"], unique=False)
    op.create_index("ix_locations_site_key", "locations", ["site", "key"], unique=False)
    op.create_index("ix_conflicts_raised_position", "conflicts", ["raised_position"], unique=False)
    op.create_index(
        "ix_conflicts_status_raised", "conflicts", ["status", "raised_position"], unique=False
    )
    op.create_index(
        "ix_conflicts_type_raised", "conflicts", ["type", "raised_position"], unique=False
    )
    op.create_index(
        "ix_conflicts_site_raised", "conflicts", ["site", "raised_position"], unique=False
    )
    op.add_column(
        "locations", sa.Column("asset_count", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute(
        "UPDATE locations SET asset_count = "
        "(SELECT count(*) FROM assets WHERE assets.location = locations.key)"
    )
    op.create_table(
        "disposals",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=True),
        sa.Column("wall_ms", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("unverified_reuse", sa.Boolean(), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_disposals_wall_ms", "disposals", ["wall_ms"], unique=False)
    op.create_index("ix_disposals_site_wall_ms", "disposals", ["site", "wall_ms"], unique=False)
    op.create_index(
        "ix_disposals_unverified_position",
        "disposals",
        ["unverified_reuse", "position"],
        unique=False,
    )
    op.create_table(
        "disposal_days",
        sa.Column("site", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("assets", sa.Integer(), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("site", "day"),
    )
    op.create_index("ix_disposal_days_day", "disposal_days", ["day"], unique=False)
    rebuild_disposals(conn)  # the push path's own rules, over what is already stored


def downgrade() -> None:
    op.drop_index("ix_conflicts_site_raised", table_name="conflicts")
    op.drop_index("ix_conflicts_type_raised", table_name="conflicts")
    op.drop_index("ix_conflicts_status_raised", table_name="conflicts")
    op.drop_index("ix_conflicts_raised_position", table_name="conflicts")
    op.drop_index("ix_locations_site_key", table_name="locations")
    op.drop_index("ix_pallets_state_key", table_name="pallets")
    op.drop_index("ix_disposal_days_day", table_name="disposal_days")
    op.drop_table("disposal_days")
    op.drop_index("ix_disposals_unverified_position", table_name="disposals")
    op.drop_index("ix_disposals_site_wall_ms", table_name="disposals")
    op.drop_index("ix_disposals_wall_ms", table_name="disposals")
    op.drop_table("disposals")
    with op.batch_alter_table("locations") as batch:
        batch.drop_column("asset_count")
    op.drop_index("ix_oplog_target_kind_hlc", table_name="oplog")
    op.drop_index("ix_assets_status_key", table_name="assets")
    op.drop_index("ix_assets_site_key", table_name="assets")
    op.drop_index(op.f("ix_assets_location"), table_name="assets")
    op.drop_index(op.f("ix_assets_tag_upper"), table_name="assets")
    with op.batch_alter_table("assets") as batch:
        batch.drop_column("tag_upper")
