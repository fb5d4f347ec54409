"""Custom fields of assets (from CSV imports), indexed for search.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_fields",
        sa.Column("asset_key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("folded", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("asset_key", "name"),
    )
    op.create_index(
        "ix_asset_fields_name_folded",
        "asset_fields",
        ["name", "folded", "asset_key"],
        postgresql_ops={"folded": "text_pattern_ops"},
    )
    op.create_index(
        "ix_asset_fields_folded",
        "asset_fields",
        ["folded", "asset_key"],
        postgresql_ops={"folded": "text_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_asset_fields_folded", table_name="asset_fields")
    op.drop_index("ix_asset_fields_name_folded", table_name="asset_fields")
    op.drop_table("asset_fields")
