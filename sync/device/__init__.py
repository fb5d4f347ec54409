"""The device side of sync: what runs on a technician's phone or laptop.

Modules, one job each:
- paths: where the database lives (FLET_APP_STORAGE_DATA or the platform's data folder).
- schema, migrations, database: the SQLite database (WAL, synchronous=FULL) and its versions.
- state, clock, people, heads: sync state, the persisted hybrid clock, people on a shared
  device, the signed chain heads seen.
- outbox, cache, view: the operations recorded here, the store's state as pulled, and the
  optimistic view (the cache with in-flight operations folded on top).
- service: the business verbs the UI calls.
- client, engine, progress, lock: HTTP calls to the store, the background sync engine, the
  progress snapshot it reports, and the one-engine-per-database guard.

Never imports sync.server: a device only talks to the store over HTTP.
"""
