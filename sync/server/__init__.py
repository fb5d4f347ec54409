"""The central store: the server every device syncs to (ASGI app, persistence, ingest, review).

Modules, one job each:
- settings: where the database and the signing key are, and the limits.
- db: engines for SQLite and PostgreSQL, with the transaction modes ingest relies on.
- tables: the SQLAlchemy Core schema (migrations/ creates it through Alembic).
- migrate: runs the Alembic migrations shipped in the package.
- chain, signing: the hash-chained operation log and its signed heads.
- auth: device tokens, people's PINs and sessions, roles.
- projections: loading, folding and storing each target's state and conflicts.
- ingest: one push batch in one transaction.
- pull: the cursor-paginated change feed.
- review: conflict listing, detail and decisions.
- queries: assets, pallets, locations and location tags for the API.
- verify: recomputes the chain and checks it against the signed heads.
- app, routes_*: the FastAPI application.
- demo: seeds a demonstration store through the real ingest path.
"""
