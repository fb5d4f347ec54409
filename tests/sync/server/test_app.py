"""The OpenAPI document, the migrations, health and the command line."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner

from sync.server.migrate import head_revision
from sync.server.tables import metadata
from tests.sync.server.harness import World

ENDPOINTS = {
    ("post", "/v1/sync/push"),
    ("get", "/v1/sync/pull"),
    ("get", "/v1/assets"),
    ("get", "/v1/assets/{tag}"),
    ("get", "/v1/pallets"),
    ("get", "/v1/pallets/{tag}"),
    ("get", "/v1/locations"),
    ("get", "/v1/location-tags"),
    ("get", "/v1/conflicts"),
    ("get", "/v1/conflicts/{conflict_id}"),
    ("post", "/v1/conflicts/{conflict_id}/decision"),
    ("post", "/v1/devices/enrol"),
    ("post", "/v1/enrolments"),
    ("get", "/v1/devices"),
    ("post", "/v1/devices/{device_id}/revoke"),
    ("post", "/v1/auth/signin"),
    ("post", "/v1/auth/signout"),
    ("get", "/v1/auth/me"),
    ("get", "/v1/users"),
    ("post", "/v1/users"),
    ("patch", "/v1/users/{username}"),
    ("get", "/v1/roles"),
    ("get", "/v1/verify"),
    ("post", "/v1/verify"),
    ("get", "/v1/verify/key"),
    ("get", "/v1/health"),
    ("get", "/v1/reports/disposition"),
    ("get", "/v1/reports/disposition.csv"),
    ("get", "/v1/reports/assets-by-status"),
    ("get", "/v1/reports/assets-by-status.csv"),
    ("get", "/v1/reports/assets-by-location"),
    ("get", "/v1/reports/assets-by-location.csv"),
    ("get", "/v1/reports/storage-age"),
    ("get", "/v1/reports/storage-age.csv"),
    ("get", "/v1/reports/recovery"),
    ("get", "/v1/reports/recovery.csv"),
    ("get", "/v1/reports/diversion"),
    ("get", "/v1/reports/diversion.csv"),
    ("get", "/v1/reports/devices"),
    ("get", "/v1/reports/devices.csv"),
    ("get", "/v1/reports/recycling-certificate.pdf"),
    ("get", "/v1/assets/{tag}/certificate.pdf"),
    ("get", "/v1/pallets/{tag}/certificate.pdf"),
    ("post", "/v1/certificates.pdf"),
    ("post", "/v1/tags/reserve"),
    ("post", "/v1/tags/printed"),
}


def test_openapi_describes_every_endpoint(world: World) -> None:
    doc = world.http.get("/openapi.json").json()
    found = {(method, path) for path, ops in doc["paths"].items() for method in ops}
    assert found >= ENDPOINTS
    schemas = doc["components"]["schemas"]
    for name in ("PushRequest", "PushResponse", "PullResponse", "ConflictView", "GapErrorBody"):
        assert name in schemas


def test_health_and_migrations_match_the_tables(world: World) -> None:
    health = world.http.get("/v1/health").json()
    assert health["status"] == "ok" and health["schema_revision"] == head_revision()
    with world.store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_cli_admin_migrate_verify(tmp_path: Path) -> None:
    from app.commands.server import server

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    key = str(tmp_path / "k" / "signing.key")
    runner = CliRunner()
    r = runner.invoke(server, ["--db", db, "--key-file", key, "migrate"])
    assert r.exit_code == 0, r.output
    assert head_revision() in r.output
    r = runner.invoke(
        server,
        ["--db", db, "--key-file", key, "admin", "create", "--username", "boss", "--pin", "1234"],
    )
    assert r.exit_code == 0, r.output
    assert "enrolment code" in r.output
    r = runner.invoke(server, ["--db", db, "--key-file", key, "verify"])
    assert r.exit_code == 0, r.output
    assert "intact" in r.output
    r = runner.invoke(
        server, ["--db", db, "--key-file", key, "admin", "unlock", "--username", "boss"]
    )
    assert r.exit_code == 0, r.output
    assert "boss was not locked" in r.output
    r = runner.invoke(server, ["--db", "mysql://x", "--key-file", key, "migrate"])
    assert r.exit_code != 0
    assert "unsupported database" in r.output


def test_demo_seed_goes_through_ingest(tmp_path: Path) -> None:
    from sync.server.db import reading
    from sync.server.demo import seed
    from sync.server.verify import verify
    from tests.sync.server.harness import open_store

    store = open_store(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path)
    try:
        result = seed(store, assets=60)
        assert result.conflicts >= 3
        with reading(store.engine) as conn:
            assert verify(conn, store).ok
    finally:
        store.close()
