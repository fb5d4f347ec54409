"""A realistic, repeatable stream of operations for growing a store (`tagtrail bench growth`
and the query-plan tests): assets registered and seen on shelves across three sites, some
loaded on pallets that change hands, sanitized, disposed of (a few disputed), and printed
location tags. Operation n is always the same, so a store grown to 100k holds the 10k one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from assets.hlc import Stamp
from assets.operations import Operation, build_operation

SITES = ("DAL1", "AUS2", "NYC3")
OUTCOMES = ("resale", "recycle", "destruction", "redeploy", "harvest")
START_MS = 1_780_000_000_000
STEP_MS = 250  # a busy site: four scans a second
_NAMESPACE = uuid.UUID("6f1c1f0e-5d7b-4c53-9a53-3b1b7f7b9d10")


def asset_tag(n: int) -> str:
    return f"GR-{n:07d}"


def pallet_tag(n: int) -> str:
    return f"GRP-{n // 40:05d}"


def shelf(n: int) -> str:
    return f"{SITES[n % 3]}/B{n % 4}/R{n % 25}/S{n % 9}"


def _asset_ops(n: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """What happens to asset n, as (kind, target, args)."""
    key = f"asset:{asset_tag(n)}"
    register: dict[str, Any] = {"serial": f"SN{n:07d}X", "category": "laptop"}
    if n % 3 == 0:
        register |= {"data_bearing": True, "storage_serials": [f"DSK{n:07d}"]}
    yield "register", key, register
    yield "observe", key, {"location": shelf(n)}
    if n % 10 == 0:
        yield "load", key, {"pallet": f"pallet:{pallet_tag(n)}"}
    if n % 40 == 0:
        yield "handoff", f"pallet:{pallet_tag(n)}", _handoff("crew", "courier")
    if n % 6 == 0:
        wipe = {
            "storage_serial": f"DSK{n:07d}",
            "method": "purge",
            "tool": "WipeRight 5.2",
            "verified": n % 12 == 0,
            "performed_by": "tech",
            "performed_at": "2026-05-28T21:00:00Z",
        }
        yield "sanitize", key, wipe
    if n % 4 == 0:
        yield "dispose", key, _dispose(n, OUTCOMES[(n // 4) % len(OUTCOMES)])
    if n % 80 == 0:
        yield "dispose", key, _dispose(n, OUTCOMES[(n // 4 + 1) % len(OUTCOMES)])  # disputed
    if n % 50 == 0:
        yield "register", f"location:GL-{n:07d}", {"path": shelf(n), "name": f"Shelf {n}"}


def _handoff(source: str, to: str) -> dict[str, Any]:
    return {
        "from": f"person:{source}",
        "to": f"person:{to}",
        "signed_by": to,
        "signature": "M 0 0 L 10 10",
    }


def _dispose(n: int, outcome: str) -> dict[str, Any]:
    args: dict[str, Any] = {"outcome": outcome, "weight": {"value": f"{1 + n % 7}.5", "unit": "kg"}}
    if outcome == "recycle":
        args["commodity"] = ("aluminium", "plastics", "circuit_boards")[n % 3]
    if outcome == "resale":
        args["value"] = {"amount": f"{20 + n % 90}.00", "currency": "USD"}
    return args


def operations(device_id: str, actor: str, count: int) -> Iterator[Operation]:
    """The first `count` operations of the stream, numbered 1..count for `device_id`."""
    seq = 0
    n = 0
    while True:
        for kind, target, args in _asset_ops(n):
            if seq == count:
                return
            seq += 1
            yield build_operation(
                op_id=str(uuid.uuid5(_NAMESPACE, f"{device_id}/{seq}")),
                device_id=device_id,
                device_seq=seq,
                hlc=Stamp(START_MS + seq * STEP_MS, 0, device_id),
                actor=actor,
                kind=kind,
                target=target,
                args=args,
            )
        n += 1
