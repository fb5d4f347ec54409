"""The central store's schema (SQLAlchemy Core). Migrations in migrations/ create exactly this;
a test compares the two.

- `oplog` is append-only: one row per accepted operation, with its partition, site, a position
  gapless per partition and the hash chained to the previous entry. `fold_a`/`fold_b` are the
  targets whose fold the operation joins (load/unload join the asset and the pallet).
- `heads` holds the signed chain heads; `verified` the signed checkpoints of verified log
  prefixes; `partitions` the counters each ingest locks.
- `assets`, `pallets`, `locations`, `location_tags`, `conflicts` are projections: each row carries `position`, the
  change-feed position of its latest change, which pull pages on.
- `rejections` and `quarantine` keep what was not applied, with the reason, never dropped.
- `disposals` (one row per disposed asset: what it adds to the report) and `disposal_days`
  (those contributions summed per site and UTC day) keep the disposition report flat; both are
  maintained in the push transaction (sync.server.disposals).

Search columns compare byte by byte on both databases (COLLATE "C" on PostgreSQL, SQLite's
default BINARY), so a prefix is a range on an index: `>= p AND < p'` (see queries.prefix_range).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()


def _bytewise(length: int) -> String:
    """Text ordered by code point on both databases, so prefix ranges use the index."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


meta = Table(
    "meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

partitions = Table(
    "partitions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("log_position", BigInteger, nullable=False),  # last log position used
    Column("log_hash", String(64), nullable=False),  # hash of that entry
    Column("change_position", BigInteger, nullable=False),  # last change-feed position used
)

oplog = Table(
    "oplog",
    metadata,
    Column("position", BigInteger, primary_key=True),
    Column("partition", String(64), nullable=False),
    Column("site", String(64), nullable=False),
    Column("op_id", String(64), nullable=False, unique=True),
    Column("device_id", String(64), nullable=False),
    Column("device_seq", BigInteger, nullable=False),
    Column("hlc", String(120), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("target", String(200), nullable=False),
    Column("fold_a", String(200), nullable=False),
    Column("fold_b", String(200)),
    Column("body", Text, nullable=False),  # canonical JSON of the operation's wire form
    Column("received_ms", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("device_id", "device_seq", name="uq_oplog_device_seq"),
)
Index("ix_oplog_fold_a", oplog.c.fold_a)
Index("ix_oplog_fold_b", oplog.c.fold_b)
# One kind of record of one target in fold time: a first dispose record, a pallet's handoffs.
Index("ix_oplog_target_kind_hlc", oplog.c.target, oplog.c.kind, oplog.c.hlc)

heads = Table(
    "heads",
    metadata,
    Column("partition", String(64), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signed_at", String(40), nullable=False),
)

# A verify that walked the log up to `position` and found it intact signs that prefix here, so
# the next verify starts after it (see sync/server/verified.py).
verified = Table(
    "verified",
    metadata,
    Column("partition", String(64), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("verified_at", String(40), nullable=False),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", String(64), nullable=False, index=True),
    Column("device_seq", BigInteger, nullable=False),
    Column("op_id", String(64), nullable=False),
    Column("code", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("received_ms", BigInteger, nullable=False),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", String(64), nullable=False, index=True),
    Column("device_seq", BigInteger, nullable=False),
    Column("op_id", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("schema", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("received_ms", BigInteger, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("username", String(120), primary_key=True),
    Column("display_name", String(120), nullable=False),
    Column("role", String(20), nullable=False),
    Column("pin_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), unique=True),
    Column("enrolled_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("revoked_ms", BigInteger),
    Column("acked_through", BigInteger, nullable=False),
    Column("last_hlc", String(120)),  # the store's own clock, for its device row
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(120), nullable=False, index=True),
    Column("device_id", String(64), nullable=False, index=True),
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("revoked_ms", BigInteger),
    # the device token the sign-in was made with: a re-enrolled device's old sign-ins end
    Column("device_token_hash", String(64)),
)

# Every wrong PIN, kept (who was tried, from which device, when); the throttle counts them.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(120), nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("failed_ms", BigInteger, nullable=False),
)
Index("ix_sign_in_failures_user", sign_in_failures.c.username, sign_in_failures.c.failed_ms)
Index("ix_sign_in_failures_device", sign_in_failures.c.device_id, sign_in_failures.c.failed_ms)

# A person or a device locked out of signing in until `until_ms` (or an admin's unlock).
lockouts = Table(
    "lockouts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(10), nullable=False),  # "user" or "device"
    Column("subject", String(120), nullable=False),  # the username or device_id
    Column("locked_ms", BigInteger, nullable=False),
    Column("until_ms", BigInteger, nullable=False),
    Column("unlocked_ms", BigInteger),
    Column("unlocked_by", String(120)),
)
Index("ix_lockouts_subject", lockouts.c.scope, lockouts.c.subject)

enrolments = Table(
    "enrolments",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("created_by", String(120), nullable=False),
    Column("note", String(200)),
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    Column("used_ms", BigInteger),
    Column("used_by", String(64)),
)

assets = Table(
    "assets",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("tag_upper", _bytewise(200), nullable=False, index=True),  # the tag, for search
    Column("site", String(64)),
    Column("serial", _bytewise(80), index=True),  # upper-cased for search
    Column("status", String(40), nullable=False),
    Column("location", _bytewise(200), index=True),
    Column("grade", String(20)),
    Column("grade_disputed", Boolean, nullable=False),
    Column("pallet", String(200)),
    Column("custodian", String(200)),
    Column("version", Integer, nullable=False),
    Column("last_sort", String(260), nullable=False),  # fold order of the last op folded
    Column("position", BigInteger, nullable=False, index=True),
    Column("state", Text, nullable=False),
)
# Filters served in key order, so a page stops after `limit` rows and a miss costs one probe.
Index("ix_assets_site_key", assets.c.site, assets.c.key)
Index("ix_assets_status_key", assets.c.status, assets.c.key)

pallets = Table(
    "pallets",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("site", String(64)),
    Column("state", String(20), nullable=False),
    Column("custodian", String(200)),
    Column("version", Integer, nullable=False),
    Column("last_sort", String(260), nullable=False),
    Column("position", BigInteger, nullable=False, index=True),
    Column("data", Text, nullable=False),
)
Index("ix_pallets_state_key", pallets.c.state, pallets.c.key)

locations = Table(
    "locations",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("site", String(64), nullable=False, index=True),
    Column("level", String(20), nullable=False),
    Column("first_position", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False, index=True),
    # Assets whose current location is exactly this place, kept up to date by each push.
    Column("asset_count", Integer, nullable=False, server_default="0"),
)
Index("ix_locations_site_key", locations.c.site, locations.c.key)

# Printed location tags and the place each marks (LocationState), shared by every device.
location_tags = Table(
    "location_tags",
    metadata,
    Column("key", String(200), primary_key=True),  # location:<tag>
    Column("tag", String(200), nullable=False),
    Column("path", String(200), index=True),  # the place it marks; NULL until claimed
    Column("name", String(120)),
    Column("site", String(64)),
    Column("version", Integer, nullable=False),
    Column("last_sort", String(260), nullable=False),
    Column("position", BigInteger, nullable=False, index=True),
    Column("state", Text, nullable=False),  # LocationState.to_dict()
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(40), nullable=False),
    Column("target", String(200), nullable=False, index=True),
    Column("site", String(64)),
    Column("status", String(20), nullable=False),
    Column("body", Text, nullable=False),  # Conflict.to_dict()
    Column("sides", Text, nullable=False),  # the sides with their context (SideView list)
    Column("decided_by", String(64)),
    Column("decision_value", Text),
    Column("decision_note", Text),
    Column("decided_actor", String(120)),
    Column("raised_position", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False, index=True),
)
Index("ix_conflicts_status_type", conflicts.c.status, conflicts.c.type)

# Each asset's custom fields (AssetState.fields), the value case-folded for search: derived
# from the fold like the projections above. Prefix search walks an index, never the table.
asset_fields = Table(
    "asset_fields",
    metadata,
    Column("asset_key", String(200), primary_key=True),
    Column("name", String(80), primary_key=True),
    Column("folded", String(200), nullable=False),
)
Index(
    "ix_asset_fields_name_folded",
    asset_fields.c.name,
    asset_fields.c.folded,
    asset_fields.c.asset_key,
    postgresql_ops={"folded": "text_pattern_ops"},
)
Index(
    "ix_asset_fields_folded",
    asset_fields.c.folded,
    asset_fields.c.asset_key,
    postgresql_ops={"folded": "text_pattern_ops"},
)
# The review list pages on raised_position, alone or under one filter.
Index("ix_conflicts_raised_position", conflicts.c.raised_position)
Index("ix_conflicts_status_raised", conflicts.c.status, conflicts.c.raised_position)
Index("ix_conflicts_type_raised", conflicts.c.type, conflicts.c.raised_position)
Index("ix_conflicts_site_raised", conflicts.c.site, conflicts.c.raised_position)

# What each disposed asset adds to the disposition report (sync.server.disposals.Totals).
disposals = Table(
    "disposals",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("site", String(64)),
    Column("wall_ms", BigInteger, nullable=False),  # the cited dispose record's clock time
    Column("position", BigInteger, nullable=False),  # ... and its log position
    Column("unverified_reuse", Boolean, nullable=False),
    Column("totals", Text, nullable=False),
)
Index("ix_disposals_wall_ms", disposals.c.wall_ms)
Index("ix_disposals_site_wall_ms", disposals.c.site, disposals.c.wall_ms)
Index("ix_disposals_unverified_position", disposals.c.unverified_reuse, disposals.c.position)

# Those contributions summed per site and UTC day ('' for assets with no site).
disposal_days = Table(
    "disposal_days",
    metadata,
    Column("site", String(64), primary_key=True),
    Column("day", Integer, primary_key=True),  # days since 1970-01-01, UTC
    Column("assets", Integer, nullable=False),
    Column("totals", Text, nullable=False),
)
Index("ix_disposal_days_day", disposal_days.c.day)

# The store's settings devices follow (sync.server.store_settings): one row per changed
# setting; a setting never changed has no row and reads as its default.
store_settings = Table(
    "store_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("changed_by", String(120), nullable=False),
    Column("changed_ms", BigInteger, nullable=False),
)

# The supervisors' reports' aggregates (sync.server.report_aggregates), kept in the push
# transaction like the disposals above:
# - `asset_counts`: how many assets are in each status at each site ('' for no site yet);
# - `idle_assets`: the assets in storage or surplus, with when they arrived where they are.
asset_counts = Table(
    "asset_counts",
    metadata,
    Column("site", String(64), primary_key=True),
    Column("status", String(40), primary_key=True),
    Column("assets", Integer, nullable=False),
)

idle_assets = Table(
    "idle_assets",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("site", String(64)),
    Column("status", String(40), nullable=False),
    Column("location", String(200)),
    Column("since_ms", BigInteger, nullable=False),  # when it arrived at `location`
)
# The longest idle first, alone or under a site and/or status filter: pages stop at `limit`.
Index("ix_idle_assets_since", idle_assets.c.since_ms, idle_assets.c.key)
Index("ix_idle_assets_site_since", idle_assets.c.site, idle_assets.c.since_ms, idle_assets.c.key)
Index(
    "ix_idle_assets_status_since", idle_assets.c.status, idle_assets.c.since_ms, idle_assets.c.key
)
Index(
    "ix_idle_assets_site_status_since",
    idle_assets.c.site,
    idle_assets.c.status,
    idle_assets.c.since_ms,
    idle_assets.c.key,
)

# Each device's latest contact (push, pull) and the backlog it reported then (PENDING_HEADER).
device_contacts = Table(
    "device_contacts",
    metadata,
    Column("device_id", String(64), primary_key=True),
    Column("last_push_ms", BigInteger),
    Column("last_pull_ms", BigInteger),
    Column("pending", BigInteger),
    Column("pending_ms", BigInteger),
)

# Runs of new tag numbers (sync.server.tag_blocks): `tag_numbers` holds the last number given
# per kind (locked while a run is cut), `tag_blocks` who took each run the store handed out,
# `offline_runs` the runs devices numbered themselves offline and reported at their next sync.
tag_numbers = Table(
    "tag_numbers",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("last_number", BigInteger, nullable=False),
)

tag_blocks = Table(
    "tag_blocks",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("first_number", BigInteger, primary_key=True),
    Column("last_number", BigInteger, nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("reserved_ms", BigInteger, nullable=False),
)

offline_runs = Table(
    "offline_runs",
    metadata,
    Column("kind", String(20), primary_key=True),
    Column("first_number", BigInteger, primary_key=True),
    Column("device_id", String(64), primary_key=True),
    Column("last_number", BigInteger, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("reported_ms", BigInteger, nullable=False),
)
