"""Demo data: people with known PINs, a device, sites and locations, a few hundred assets with
history, a few sanitized and disposed of (for the disposition report), and a few open conflicts — all through the real ingest path (sync.server.ingest.push)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from assets.hlc import HybridClock
from assets.operations import Operation, build_operation
from assets.tags import make_tag
from sync.protocol import WireOperation
from sync.server import auth, ingest
from sync.server import tables as t
from sync.server.db import writing
from sync.server.store import Store

DEMO_PINS = {"admin": "1111", "sam": "2222", "tess": "3333", "carl": "4444"}
DEMO_PEOPLE = (
    ("admin", "Ada Admin", "admin"),
    ("sam", "Sam Supervisor", "supervisor"),
    ("tess", "Tess Technician", "technician"),
    ("carl", "Carl Crew", "crew"),
)
SITES = ("DAL1", "AUS2", "HOU3")
ROOMS = ("CLOSET-1", "CLOSET-2", "DOCK-A", "STORE-1")
START_MS = 1_780_000_000_000


@dataclass
class DemoResult:
    enrolment_code: str
    device_token: str
    device_id: str
    operations: int
    conflicts: int


class _Recorder:
    def __init__(self, device_id: str, actor: str) -> None:
        self.device_id = device_id
        self.actor = actor
        self.now = START_MS
        self.seq = 0
        self.clock = HybridClock(device_id, lambda: self.now)
        self.ops: list[Operation] = []

    def op(
        self,
        kind: str,
        target: str,
        args: dict[str, object],
        by: str | None = None,
        **expects: str | None,
    ) -> None:
        """Record one operation, by the recorder's person or by `by` (signed in here too)."""
        self.now += 60_000
        self.seq += 1
        self.ops.append(
            build_operation(
                op_id=str(uuid.uuid4()),
                device_id=self.device_id,
                device_seq=self.seq,
                hlc=self.clock.tick(),
                actor=by or self.actor,
                kind=kind,
                target=target,
                args=args,
                expects=expects,
            )
        )


def seed(store: Store, assets: int = 300, rng_seed: int = 7) -> DemoResult:
    """Seed an empty store. Returns a fresh enrolment code and the demo device's token."""
    rng = random.Random(rng_seed)
    now = store.now_ms()
    with writing(store.engine) as conn:
        for username, name, role in DEMO_PEOPLE:
            auth.create_user(conn, username, name, role, DEMO_PINS[username], now)
        seed_code, _ = auth.make_enrolment_code(conn, "admin", now, 1, "demo device")
        token, _ = auth.enrol_device(conn, seed_code, "demo-scanner", "Demo scanner", now, 365)
        for username in ("tess", "carl", "sam"):
            auth.sign_in(conn, "demo-scanner", username, DEMO_PINS[username], now, 1)
        code, _ = auth.make_enrolment_code(conn, "admin", now, 24, "for the next device")
    tech = _Recorder("demo-scanner", "tess")
    for number in range(1, assets + 1):
        key = "asset:" + make_tag("asset", number)
        site = SITES[number % len(SITES)]
        data_bearing = number % 3 == 0
        tech.op(
            "register",
            key,
            {
                "serial": f"SN{number:06d}",
                "make": rng.choice(("Dell", "HP", "Lenovo", "Apple")),
                "model": rng.choice(("Latitude 7440", "EliteBook 840", "ThinkPad T14", "MBP 14")),
                "category": "laptop",
                "data_bearing": data_bearing,
            },
        )
        tech.op("observe", key, {"location": f"{site}/B1/{rng.choice(ROOMS)}"})
        if number % 2 == 0:
            tech.op("assess", key, {"grade": rng.choice(("F1", "F2", "F3")) + "/C2"})
        if number % 5 == 0:
            tech.op("transition", key, {"to": "surplus"}, status="in_stock")
    # A few conflicts: the same tag seen at two sites within minutes, and a disputed grade.
    for number in (1, 2, 3):
        key = "asset:" + make_tag("asset", number)
        other = SITES[(number + 1) % len(SITES)]
        tech.now += 1
        tech.op("observe", key, {"location": f"{other}/B1/DOCK-A"})
        tech.op("observe", key, {"location": f"{SITES[number % len(SITES)]}/B1/STORE-1"})
    for number in (4, 8):
        key = "asset:" + make_tag("asset", number)
        tech.op("assess", key, {"grade": "F5/C7"}, grade_op=None)
    if assets >= max(DISPOSALS):
        _dispositions(tech)
    total = _push_all(store, "demo-scanner", tech.ops)
    with writing(store.engine) as conn:
        conflicts = int(conn.execute(select(func.count()).select_from(t.conflicts)).scalar() or 0)
    return DemoResult(code, token, "demo-scanner", total, conflicts)


def _kg(value: str, unit: str = "kg") -> dict[str, str]:
    return {"value": value, "unit": unit}


def _money(amount: str, currency: str) -> dict[str, str]:
    return {"amount": amount, "currency": currency}


# Asset number -> (storage wipe method and verified, or None; the dispose record's args).
# Multiples of 3 are data-bearing; 51 is resold without a wipe record, so the ITAD control shows.
DISPOSALS: dict[int, tuple[tuple[str, bool] | None, dict[str, object]]] = {
    41: (None, {"outcome": "recycle", "weight": _kg("3.2"), "commodity": "aluminium"}),
    42: (
        ("purge", True),
        {
            "outcome": "resale",
            "weight": _kg("2.1"),
            "value": _money("180.00", "USD"),
            "certificate": "RS-2026-0042",
        },
    ),
    43: (None, {"outcome": "recycle", "weight": _kg("5", "lb"), "commodity": "circuit_boards"}),
    44: (None, {"outcome": "recycle", "weight": _kg("1.1"), "commodity": "plastics"}),
    45: (
        ("clear", True),
        {"outcome": "resale", "weight": _kg("4.6", "lb"), "value": _money("95", "USD")},
    ),
    46: (None, {"outcome": "harvest", "weight": _kg("2.0"), "value": _money("15", "EUR")}),
    47: (None, {"outcome": "redeploy"}),
    48: (
        ("destroy", True),
        {"outcome": "destruction", "weight": _kg("2.3"), "certificate": "COD-2026-0048"},
    ),
    51: (None, {"outcome": "resale", "weight": _kg("2.0"), "value": _money("60", "USD")}),
}


def _dispositions(tech: _Recorder) -> None:
    """Wipe records (the technician), a custody handoff (the crew) and disposals (the
    supervisor), all on the demo scanner."""
    for number, (wipe, dispose) in DISPOSALS.items():
        key = "asset:" + make_tag("asset", number)
        if wipe is not None:
            method, verified = wipe
            tech.op(
                "sanitize",
                key,
                {
                    "storage_serial": f"SN{number:06d}",
                    "method": method,
                    "tool": "Blancco Drive Eraser" if method != "destroy" else "shredder",
                    "verified": verified,
                    "performed_by": "tess",
                    "performed_at": "2026-05-28T09:30:00Z",
                },
            )
        # Each by the role that may record it (assets.roles): crew hand off, supervisors dispose.
        handoff: dict[str, object] = {
            "from": "person:tess",
            "to": "person:carl",
            "signed_by": "carl",
        }
        tech.op("handoff", key, handoff, by="carl")
        tech.op("dispose", key, dispose, by="sam")


def _push_all(store: Store, device_id: str, ops: list[Operation], batch: int = 500) -> int:
    for start in range(0, len(ops), batch):
        chunk = [WireOperation.model_validate(op.to_dict()) for op in ops[start : start + batch]]
        ingest.push(store, device_id, chunk)
    return len(ops)
