"""CSV import and export on the central store, on SQLite and PostgreSQL: files as people have
them, whole-file-or-nothing, re-import adds nothing, changed rows update, round trip, roles."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from sync.server import tables as t
from sync.server.csvfile import FileRefused, open_csv
from sync.server.exports import export_csv
from sync.server.imports import BadRows, import_csv, read_file
from sync.server.store import Store
from tests.sync.server.harness import World

HEADER = [
    "ID", "Company", "Name", "Asset Tag", "Serial", "Model", "Model Number", "Manufacturer",
    "Category", "Location", "Status", "Purchase Date", "Purchase Cost", "Checked Out To",
    "Notes", "EOL date", "", "Location", "Warranty",
]  # fmt: skip
ROWS = [
    ["1", "Acme", "Zoë's laptop", "ACME-0001", "5CG1234XYZ", "EliteBook 840", "G8", "HP",
     "Laptops", "Main Office - Room 101", "Deployed", "2023-01-02", "1,299.00", "zoe",
     'two\nlines, "quoted"', "2027-01-01", "", "Old site", "36 months"],
    ["2", "Acme", "", "ACME-0002", "C02XYZ", "MacBook Pro", "A2338", "Apple", "Laptops",
     "Storage Closet 3", "Ready to Deploy", "", "", "", "", "", "", "", ""],
    ["3", "Acme", "Core switch", "ACME-0003", "FOC123", "Catalyst 9200", "C9200", "Cisco",
     "Networking", "Main Office - Room 101", "Broken - Not Fixable", "", "", "", "€ café",
     "", "", "", ""],
]  # fmt: skip


ROWS_FOR_PLANS = 2000  # enough that the key index is the better plan


def snipe_file(
    rows: list[list[str]] = ROWS, encoding: str = "utf-8", newline: str = "\r\n"
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)
            for name, table in (
                ("oplog", t.oplog),
                ("assets", t.assets),
                ("fields", t.asset_fields),
                ("heads", t.heads),
            )
        }


def state(store: Store, tag: str) -> dict[str, Any]:
    import json

    with store.engine.connect() as conn:
        text = conn.execute(select(t.assets.c.state).where(t.assets.c.key == f"asset:{tag}"))
        found: dict[str, Any] = json.loads(text.scalar_one())
        return found


def do_import(store: Store, data: bytes, **options: Any) -> Any:
    return import_csv(store, data, "import", "admin", site="HQ", **options)


# ---- files as people have them (reading only: no database) --------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_snipe_it_files_in_every_encoding_and_line_end(encoding: str, newline: str) -> None:
    plan = read_file(snipe_file(encoding=encoding, newline=newline), "auto", "HQ", None)
    assert not plan.problems
    assert plan.report.format == "snipe-it" and plan.report.rows == 3
    first = plan.assets[0]
    assert first.key == "asset:ACME-0001"
    fields = first.details["fields"]
    assert isinstance(fields, dict)
    assert fields["Name"] == "Zoë's laptop"
    assert fields["Notes"] == 'two\nlines, "quoted"'  # a line break inside a quoted cell
    assert fields["Location (2)"] == "Old site"  # the repeated header cell is kept
    assert "Column 17" not in fields  # a blank header with blank cells holds nothing
    assert plan.assets[2].details["fields"]["Notes"] == "€ café"  # type: ignore[index]


def test_semicolons_and_tabs_are_sniffed() -> None:
    for delimiter in (";", "\t"):
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter).writerows([HEADER, *ROWS])
        source = open_csv(out.getvalue().encode())
        assert source.delimiter == delimiter
        plan = read_file(out.getvalue().encode(), "auto", "HQ", None)
        assert plan.report.rows == 3 and not plan.problems


def test_a_file_cut_inside_a_quoted_field_is_refused() -> None:
    data = snipe_file()
    cut = data[: data.index(b"two") + 5]  # inside the quoted Notes cell
    with pytest.raises(FileRefused, match=r"row 2 \(line 2\)"):
        read_file(cut, "auto", "HQ", None)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "empty"),
        (b"Name,Serial\r\nx,y\r\n", "no 'Asset Tag' column"),
        (b"Asset Tag,Serial\r\n", "no asset rows"),
        (b"\xff\xfe\x00\xd8", "utf-16"),  # a BOM, then a lone surrogate
        (b"Asset Tag\r\n\x81\x8d\x8f\x90\x9d\r\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_unreadable_files_say_why(data: bytes, why: str) -> None:
    with pytest.raises(FileRefused, match=why):
        read_file(data, "auto", "HQ", None)


# ---- the store: whole file or nothing, re-import, changes, round trip ----------------------


def test_import_writes_the_log_and_reimport_adds_nothing(world: World) -> None:
    store = world.store
    report = do_import(store, snipe_file(encoding="cp1252"))
    assert (report.new, report.updated, report.unchanged) == (3, 0, 0)
    assert report.imported and report.encoding == "windows-1252"
    # register + observe + status for each: deployed (1 step), in stock (none), surplus (1)
    assert report.operations == 3 + 3 + 2
    mapping = {(m.column, m.source): m.value for m in report.mapping}
    assert mapping["status", "Broken - Not Fixable"] == "surplus"
    assert mapping["location", "Main Office - Room 101"] == "HQ/MAIN-OFFICE-ROOM-101"
    laptop = state(store, "ACME-0001")
    assert laptop["status"] == "deployed" and laptop["location"] == "HQ/MAIN-OFFICE-ROOM-101"
    assert laptop["make"] == "HP" and laptop["category"] == "laptop" and laptop["data_bearing"]
    assert laptop["fields"]["Purchase Cost"] == "1,299.00"
    before = counts(store)

    again = do_import(store, snipe_file(encoding="cp1252"))
    assert again.operations == 0 and not again.imported
    assert "nothing to import" in again.message
    assert counts(store) == before

    # every device pulls them; the chain of custody starts at the import device
    device = world.device("tablet-1")
    changes, _ = device.pull_all()
    keys = {c.get("key") for c in changes}
    assert {"asset:ACME-0001", "asset:ACME-0002", "asset:ACME-0003"} <= keys
    detail = device.get("/v1/assets/ACME-0001").json()
    assert detail["history"][0]["op"]["kind"] == "register"
    assert detail["history"][0]["op"]["device_id"] == "import.main"
    assert detail["asset"]["state"]["fields"]["Checked Out To"] == "zoe"
    verify = world.admin.get("/v1/verify").json()
    assert verify["ok"], verify


def test_reimport_looks_rows_up_through_the_key_index(world: World) -> None:
    """Importing a file again looks its rows up 500 keys at a time: through the primary key
    on both databases, also from a pooled PostgreSQL session that planned the lookup while
    the store was empty. psycopg prepares a statement on its fifth run and the server keeps
    one plan for it; that plan was a sequential scan of the empty table, and importing
    100,000 rows again took minutes until the import ANALYZEd what it had filled."""
    from app.commands.bench_import import snipe_it_file
    from sync.server.imports import LOOKUP, current_query

    store = world.store
    data = snipe_it_file(ROWS_FOR_PLANS)
    keys = [f"asset:ACME-{n:07d}" for n in range(1, LOOKUP + 1)]
    query = current_query(keys)
    dialect = store.engine.dialect
    if dialect.name == "sqlite":
        do_import(store, data)
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        with store.engine.connect() as conn:
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        assert "SEARCH assets USING INDEX sqlite_autoindex_assets_1" in plan, plan
        return
    with store.engine.connect() as watcher:
        session = watcher.connection.driver_connection
        assert session is not None
        compiled = query.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        session.execute("SET plan_cache_mode = force_generic_plan")  # its plan at once
        session.execute(str(compiled), compiled.params, prepare=True)
        session.commit()
        (name,) = session.execute(
            "SELECT name FROM pg_prepared_statements WHERE statement LIKE '%FROM assets%'"
        ).fetchone()
        args = ", ".join(f"'{key}'" for key in keys)

        def cached_plan() -> str:
            rows = session.execute(f"EXPLAIN EXECUTE {name}({args})").fetchall()
            session.commit()
            return " ".join(str(r[0]) for r in rows)

        assert "Seq Scan on assets" in cached_plan()  # what the empty store gets
        do_import(store, data)
        plan = cached_plan()
        watcher.invalidate()  # its session state stays out of the pool
    assert "Index Scan using assets_pkey" in plan and "Seq Scan" not in plan, plan


def test_a_file_with_bad_rows_changes_nothing(world: World) -> None:
    store = world.store
    do_import(store, snipe_file(ROWS[:1]))
    before = counts(store)
    bad = [list(r) for r in ROWS]
    bad[1][10] = "Exploded"  # status not in the table
    bad[2][14] = "nul\x00inside"  # Notes
    bad.append(list(ROWS[0]))  # the same tag twice
    bad.append([*ROWS[1][:4], "S" * 100_000, *ROWS[1][5:]])  # a huge serial
    with pytest.raises(BadRows) as info:
        do_import(store, snipe_file(bad))
    report: Any = info.value.extra["report"]
    problems = {(p["row"], p["column"]) for p in report["problems"]}
    assert problems == {(3, "Status"), (4, "Notes"), (5, "Asset Tag"), (6, "Serial")}
    messages = " ".join(p["message"] for p in report["problems"])
    assert "status table" in messages and "control characters" in messages
    assert "on row 2 already" in messages and "longer than 2000" in messages
    assert counts(store) == before  # nothing written, not even the good rows
    assert state(store, "ACME-0001")["status"] == "deployed"


def test_a_cut_file_changes_nothing(world: World) -> None:
    store = world.store
    do_import(store, snipe_file(ROWS[1:]))
    before = counts(store)
    data = snipe_file()
    with pytest.raises(FileRefused):
        do_import(store, data[: data.index(b"lines")])
    assert counts(store) == before


def test_changed_rows_update(world: World) -> None:
    store = world.store
    do_import(store, snipe_file())
    changed = [list(r) for r in ROWS]
    changed[0][12] = "1,099.00"  # purchase cost
    changed[0][9] = "Warehouse"  # moved
    changed[0][10] = "Archived"  # deployed -> storage
    changed[1][5] = "MacBook Pro 14"  # model
    report = do_import(store, snipe_file(changed))
    assert (report.new, report.updated, report.unchanged) == (0, 2, 1)
    assert report.operations == 4  # describe, observe, transition; describe
    laptop = state(store, "ACME-0001")
    assert laptop["fields"]["Purchase Cost"] == "1,099.00"
    assert laptop["location"] == "HQ/WAREHOUSE" and laptop["status"] == "storage"
    assert state(store, "ACME-0002")["model"] == "MacBook Pro 14"
    # search sees the new value, not the old one
    found = world.admin.get("/v1/asset-fields", value="1,099").json()["items"]
    assert [a["key"] for a in found] == ["asset:ACME-0001"]
    assert world.admin.get("/v1/asset-fields", value="1,299").json()["items"] == []


def test_dry_run_writes_nothing(world: World) -> None:
    store = world.store
    before = counts(store)
    report = do_import(store, snipe_file(), dry_run=True)
    assert report.dry_run and report.new == 3 and report.operations == 8
    assert counts(store) == before


def test_import_export_import_round_trip(world: World, tmp_path: Any) -> None:
    store = world.store
    do_import(store, snipe_file())
    exported = "".join(export_csv(store.engine, "assets")).encode("utf-8")
    header = exported.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["tag", "serial", "make"] and "Purchase Cost" in header
    again = import_csv(store, exported, "import", "admin")
    assert again.format == "tagtrail" and again.operations == 0, again.message

    # into an empty store: the same assets, field for field
    from tests.sync.server.harness import open_store

    other = open_store(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "other")
    try:
        import_csv(other, exported, "import", "admin")
        assert "".join(export_csv(other.engine, "assets")).encode("utf-8") == exported
        for tag in ("ACME-0001", "ACME-0002", "ACME-0003"):
            mine, theirs = state(store, tag), state(other, tag)
            for name in ("serial", "make", "model", "category", "data_bearing", "location",
                         "status", "fields"):  # fmt: skip
                assert mine[name] == theirs[name], (tag, name)
    finally:
        other.close()


def test_custody_and_sanitization_exports(world: World) -> None:
    store = world.store
    do_import(store, snipe_file())
    device = world.device("bench-1")
    from tests.assets.factory import Device

    d = Device("bench-1")
    r = device.push(
        [
            d.op(
                "sanitize",
                "asset:ACME-0001",
                {
                    "storage_serial": "S4EV123",
                    "method": "purge",
                    "tool": "Blancco 7",
                    "verified": True,
                    "performed_by": "tech",
                    "performed_at": "2026-12-01T09:00:00Z",
                },
            )
        ]
    )
    assert r["results"][0]["status"] == "applied", r
    custody = list(csv.DictReader(io.StringIO("".join(export_csv(store.engine, "custody"))[1:])))
    assert [row["kind"] for row in custody if row["target"] == "asset:ACME-0001"] == [
        "register",
        "observe",
    ]
    assert all(len(row["hash"]) == 64 for row in custody)
    text = "".join(export_csv(store.engine, "sanitization"))[1:]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["method"] == "purge" and rows[0]["verified"] == "yes"
    assert rows[0]["asset_serial"] == "5CG1234XYZ" and rows[0]["asset"] == "ACME-0001"
    only_other = "".join(export_csv(store.engine, "custody", site="DAL1"))
    assert only_other.count("\r\n") == 1  # the header alone


# ---- the API: roles, errors, formats -------------------------------------------------------


def test_import_and_export_endpoints_check_roles(world: World) -> None:
    data = snipe_file()
    tech = world.device("tech-1", "tech")
    paths = ("/v1/exports/assets.csv", "/v1/exports/custody.csv", "/v1/exports/sanitization.csv")
    for headers, status in (
        ({}, 401),
        ({"Authorization": "Bearer not-a-token"}, 401),
        ({"Authorization": tech.headers["Authorization"]}, 401),  # no person signed in
        (tech.headers, 403),
    ):
        r = world.http.post("/v1/imports", content=data, headers=headers, params={"site": "HQ"})
        assert r.status_code == status, r.text
        for path in paths:
            assert world.http.get(path, headers=headers).status_code == status
    assert counts(world.store)["oplog"] == 0
    for who in ("admin",):
        r = world.http.post(
            "/v1/imports",
            content=data,
            params={"site": "HQ"},
            headers={**getattr(world, who).headers, "Content-Type": "text/csv"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["new"] == 3
    supervisor = world.device("desk-1", "sup")
    r = supervisor.get("/v1/exports/assets.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.lstrip("\ufeff").startswith("tag,serial,make")
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert "ACME-0003" in r.text
    # technicians may search by custom field, not import or export
    assert tech.get("/v1/asset-fields", value="zoe", name="Checked Out To").status_code == 200
    assert world.http.get("/v1/asset-fields", params={"value": "zoe"}).status_code == 401


def test_api_import_reports_bad_rows_and_changes_nothing(world: World) -> None:
    bad = [list(r) for r in ROWS]
    bad[0][3] = "bad tag with spaces"
    r = world.admin.http.post(
        "/v1/imports",
        content=snipe_file(bad),
        params={"site": "HQ"},
        headers=world.admin.headers,
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "bad_rows"
    assert body["report"]["problems"] == [
        {"row": 2, "column": "Asset Tag", "message": body["report"]["problems"][0]["message"]}
    ]
    assert "nothing was imported" in body["message"]
    cut = world.admin.http.post(
        "/v1/imports", content=snipe_file()[:200], headers=world.admin.headers
    )
    assert cut.status_code == 422 and cut.json()["error"] == "bad_rows"  # a short last row
    assert "cut or edited" in cut.json()["report"]["problems"][0]["message"]
    quoted = snipe_file()
    inside = world.admin.http.post(
        "/v1/imports", content=quoted[: quoted.index(b"lines")], headers=world.admin.headers
    )
    assert inside.status_code == 422 and inside.json()["error"] == "file_refused"
    assert counts(world.store)["oplog"] == 0


def test_custom_field_search(world: World) -> None:
    do_import(world.store, snipe_file())
    admin = world.admin
    by_any = admin.get("/v1/asset-fields", value="ACME").json()["items"]
    assert {a["key"] for a in by_any} == {"asset:ACME-0001", "asset:ACME-0002", "asset:ACME-0003"}
    by_name = admin.get("/v1/asset-fields", value="core", name="Name").json()["items"]
    assert [a["key"] for a in by_name] == ["asset:ACME-0003"]
    assert admin.get("/v1/asset-fields", value="core", name="Notes").json()["items"] == []
    percent = admin.get("/v1/asset-fields", value="%").json()["items"]
    assert percent == []  # a LIKE wildcard is searched for as text
    names = {n["name"]: n["assets"] for n in admin.get("/v1/asset-fields/names").json()}
    assert names["Company"] == 3 and names["Checked Out To"] == 1
    huge = admin.get("/v1/asset-fields", value="x" * 201)
    assert huge.status_code == 422


@pytest.mark.parametrize("by_name", [True, False])
def test_field_search_walks_an_index(world: World, by_name: bool) -> None:
    from sync.server.asset_fields import search_query
    from sync.server.bulk import insert_rows

    store = world.store
    rows = [
        {"asset_key": f"asset:A-{n:05d}", "name": name, "folded": f"{name.lower()}-{n}"}
        for n in range(3000)
        for name in ("Company", "Cost Centre")
    ]
    with store.engine.begin() as conn:
        insert_rows(conn, t.asset_fields, rows)
        conn.exec_driver_sql("ANALYZE")
    dialect = store.engine.dialect
    query = search_query(dialect.name, "cost centre-12", "Cost Centre" if by_name else None, 50)
    with store.engine.connect() as conn:
        found = list(conn.execute(query).scalars())
        # 12, 120-129, 1200-1299 match: the first 50 in index order
        assert found[:3] == ["asset:A-00012", "asset:A-00120", "asset:A-01200"]
        assert len(found) == 50
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        prefix = "EXPLAIN QUERY PLAN " if dialect.name == "sqlite" else "EXPLAIN "
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(prefix + sql))
    assert "ix_asset_fields_" in plan, plan
    assert "SCAN asset_fields" not in plan and "Seq Scan" not in plan, plan


def test_command_line_import_and_export(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from app.commands.server import server

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    base = ["--db", db, "--key-file", str(tmp_path / "k" / "signing.key")]
    source = tmp_path / "snipe.csv"
    source.write_bytes(snipe_file(encoding="cp1252"))
    runner = CliRunner()
    r = runner.invoke(server, [*base, "import", str(source)])
    assert r.exit_code == 1 and "give --site" in r.output and "nothing was imported" in r.output
    r = runner.invoke(server, [*base, "import", str(source), "--site", "HQ", "--dry-run"])
    assert r.exit_code == 0 and "dry run: would add 3" in r.output, r.output
    r = runner.invoke(server, [*base, "import", str(source), "--site", "HQ"])
    assert r.exit_code == 0, r.output
    assert "How values map" in r.output and "HQ/MAIN-OFFICE-ROOM-101" in r.output
    assert "imported: 3 new" in r.output
    r = runner.invoke(server, [*base, "import", str(source), "--site", "HQ"])
    assert r.exit_code == 0 and "nothing to import" in r.output
    out = tmp_path / "assets.csv"
    r = runner.invoke(server, [*base, "export", "assets", "-o", str(out)])
    assert r.exit_code == 0 and "3 rows" in r.output
    r = runner.invoke(server, [*base, "import", str(out)])
    assert r.exit_code == 0 and "nothing to import" in r.output, r.output
    r = runner.invoke(server, [*base, "export", "custody", "--site", "HQ"])
    assert r.exit_code == 0 and r.output.startswith("position,recorded_at,kind")
    assert r.output.count("observe") == 3 and r.output.count("register") == 3
    r = runner.invoke(server, [*base, "verify"])
    assert r.exit_code == 0 and "intact" in r.output


def test_bench_import_runs(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from app.cli import main

    r = CliRunner().invoke(main, ["bench", "import", "--rows", "300"])
    assert r.exit_code == 0, r.output
    assert "first import" in r.output and "nothing to import: all 300 rows" in r.output


def test_imported_operations_read_back_as_written(world: World) -> None:
    """The import builds its operations from arguments it parsed while reading the rows; the
    log's bodies must parse back (as every refold and verify does) to those same operations,
    and the live projection must equal a rebuild from the log."""
    from assets.operations import parse_operation
    from sync.server.projections import live, rebuild

    store = world.store
    do_import(store, snipe_file())
    changed = [list(r) for r in ROWS]
    changed[0][10] = "Archived"
    changed[2][14] = ""  # a field emptied
    do_import(store, snipe_file(changed))
    with store.engine.connect() as conn:
        bodies = [row.body for row in conn.execute(select(t.oplog.c.body))]
        for body in bodies:
            op = parse_operation(json.loads(body))
            assert parse_operation(op.to_dict()) == op
            assert op.wire_args == parse_operation(op.to_dict()).wire_args
        assert live(conn) == rebuild(conn, store.settings.rules)
    assert "Notes" not in state(store, "ACME-0003")["fields"]


def test_fields_pushed_by_a_device_are_indexed_too(world: World) -> None:
    from tests.assets.factory import Device

    device = world.device("tablet-9")
    d = Device("tablet-9")
    key = "asset:TA-77"
    first = device.push([d.op("register", key, {"category": "laptop", "fields": {"PO": "PO-1"}})])
    assert first["results"][0]["status"] == "applied", first
    assert [a["key"] for a in device.get("/v1/asset-fields", value="po-1").json()["items"]] == [key]
    later = device.push([d.op("describe", key, {"category": "laptop", "fields": {"PO": "PO-2"}})])
    assert later["results"][0]["status"] == "applied", later
    assert device.get("/v1/asset-fields", value="po-1").json()["items"] == []
    found = device.get("/v1/asset-fields", value="PO-2", name="PO").json()["items"]
    assert [a["state"]["fields"] for a in found] == [{"PO": "PO-2"}]
    assert counts(world.store)["fields"] == 1
