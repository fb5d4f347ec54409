"""The device database's tables, as SQLAlchemy Core objects used by every query.

The DDL that creates them lives in `migrations.py` (a frozen history of versions); a test
checks that a database upgraded through every migration has exactly these columns.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table, Text

metadata = MetaData()

# One row (id = 1): who this device is and how far it has synced.
sync_state = Table(
    "sync_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("device_id", Text, nullable=False),
    Column("created_ms", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),  # the last device_seq issued
    Column("acked_seq", Integer, nullable=False),  # the server's acked_through
    Column("cursor", Text),  # the pull cursor (opaque to the device); NULL = never pulled
    Column("hlc_last", Text),  # the last clock stamp issued or observed
    Column("token", Text),
    Column("token_expires", Text),
    Column("server_url", Text),
    Column("sites", Text),  # JSON list of sites replicated; NULL = all
    Column("actor", Text),  # the person signed in now
    Column("resnapshot", Integer, nullable=False),  # 1: the server no longer keeps our cursor
)

# The operations recorded here and not yet settled, in device_seq order: pending, acked, or
# rejected (kept, with the store's reason). Settled rows move to `settled`.
outbox = Table(
    "outbox",
    metadata,
    Column("device_seq", Integer, primary_key=True),
    Column("op_id", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("also", Text),  # a second key the op folds with (a load's pallet, a decision's target)
    Column("hlc", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("body", Text, nullable=False),  # the wire form (JSON)
    # pending -> acked (server has it) -> settled (a pull brought its effect back); or rejected
    Column("status", Text, nullable=False),
    Column("verdict", Text),  # applied / duplicate / flagged / rejected
    Column("reason", Text),  # why it was rejected, in the server's words
    Column("created_ms", Integer, nullable=False),
    Column("acked_ms", Integer),
)

# This device's own operations that the store holds and a pull brought back: the device's
# history of its own work, compacted out of the outbox so the outbox stays as small as what is
# in flight.
settled = Table(
    "settled",
    metadata,
    Column("device_seq", Integer, primary_key=True),
    Column("op_id", Text, nullable=False, unique=True),
    Column("kind", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("also", Text),
    Column("hlc", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("verdict", Text),
    Column("created_ms", Integer, nullable=False),
    Column("acked_ms", Integer),
)

# Rows per outbox status (and `settled` rows), kept by triggers: never counted afresh.
outbox_counts = Table(
    "outbox_counts",
    metadata,
    Column("status", Text, primary_key=True),
    Column("n", Integer, nullable=False),
)

# The server's state of what this device replicates, as pulled.
assets = Table(
    "assets",
    metadata,
    Column("key", Text, primary_key=True),
    Column("site", Text),
    Column("state", Text, nullable=False),  # AssetState.to_dict() as JSON
)

pallets = Table(
    "pallets",
    metadata,
    Column("key", Text, primary_key=True),
    Column("state", Text, nullable=False),
)

locations = Table(
    "locations",
    metadata,
    Column("key", Text, primary_key=True),
    Column("site", Text),
    Column("data", Text, nullable=False),
)

# Printed location tags and the place each marks, as pulled (shared by every device).
location_tags = Table(
    "location_tags",
    metadata,
    Column("key", Text, primary_key=True),  # location:<tag>
    Column("path", Text),
    Column("site", Text),
    Column("state", Text, nullable=False),  # LocationState.to_dict() as JSON
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", Text, primary_key=True),
    Column("target", Text, nullable=False),
    Column("open", Integer, nullable=False),
    Column("data", Text, nullable=False),  # Conflict.to_dict() as JSON
)

# Signed heads of the server's operation log seen by this device (tamper evidence).
chain_heads = Table(
    "chain_heads",
    metadata,
    Column("partition", Text, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("hash", Text, nullable=False),
    Column("signature", Text, nullable=False),
    Column("data", Text, nullable=False),
    Column("seen_ms", Integer, nullable=False),
)

# People who have signed in on this (possibly shared) device.
people = Table(
    "people",
    metadata,
    Column("name", Text, primary_key=True),  # the username the server knows
    Column("display_name", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("token", Text),  # the person token from sign-in (sent with every call)
    Column("token_expires", Text),
    Column("first_ms", Integer, nullable=False),
    Column("last_ms", Integer, nullable=False),
)

# The store's settings every device follows, as last pulled (GET /v1/settings).
store_settings = Table(
    "store_settings",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("pulled_ms", Integer, nullable=False),
)

# Per tag kind, the highest number this device printed new labels for.
printed_tags = Table(
    "printed_tags",
    metadata,
    Column("kind", Text, primary_key=True),
    Column("last_number", Integer, nullable=False),
    Column("printed_ms", Integer, nullable=False),
)

# Runs of new tags numbered here offline: unreported until a sync gives them to the store;
# `clashes` is the store's answer (JSON: the numbers another device holds too), else NULL.
offline_runs = Table(
    "offline_runs",
    metadata,
    Column("kind", Text, primary_key=True),
    Column("first_number", Integer, primary_key=True),
    Column("last_number", Integer, nullable=False),
    Column("printed_ms", Integer, nullable=False),
    Column("reported_ms", Integer),
    Column("clashes", Text),
)
