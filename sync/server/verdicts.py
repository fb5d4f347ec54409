"""The answers of one push batch, in batch order, and the refusals to keep.

Every refusal — invalid, quarantined, a reused seq or op_id, a decision that cannot apply — is
answered `rejected` with a code and a sentence, and written to `rejections` (or `quarantine`
for unknown kinds and newer schemas), never dropped. Text that came from the device is kept in
a storable form (sync.protocol.storable), so a NUL or a lone surrogate in a refused operation
cannot fail the batch on either database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert

from sync.protocol import REJECT_QUARANTINED, OpResult, storable
from sync.server import tables as t


def refusal_body(wire: dict[str, object]) -> str:
    """The refused operation as sorted JSON in plain ASCII: any character survives."""
    return json.dumps(wire, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


@dataclass
class BatchVerdicts:
    """One slot per operation of the batch; refusals gathered for one insert each."""

    device_id: str
    now_ms: int
    size: int
    results: list[OpResult | None] = field(default_factory=list)
    rejections: list[dict[str, object]] = field(default_factory=list)
    quarantined: list[dict[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.results = [None] * self.size

    def answer(self, index: int, result: OpResult) -> None:
        self.results[index] = result

    def reject(
        self,
        index: int,
        *,
        op_id: str,
        seq: int,
        wire: dict[str, object],
        code: str,
        reason: str,
    ) -> None:
        reason = storable(reason)
        self.results[index] = OpResult(
            op_id=op_id, device_seq=seq, status="rejected", code=code, reason=reason
        )
        row: dict[str, object] = {
            "device_id": self.device_id,
            "device_seq": seq,
            "op_id": op_id,
            "reason": reason,
            "body": refusal_body(wire),
            "received_ms": self.now_ms,
        }
        if code == REJECT_QUARANTINED:
            schema = wire.get("schema")
            self.quarantined.append(
                {
                    **row,
                    "kind": storable(str(wire.get("kind")))[:40],
                    "schema": schema if type(schema) is int and 0 <= schema < 2**31 else 0,
                }
            )
        else:
            self.rejections.append({**row, "code": code})

    def write_refusals(self, conn: Connection) -> None:
        if self.rejections:
            conn.execute(insert(t.rejections), self.rejections)
        if self.quarantined:
            conn.execute(insert(t.quarantine), self.quarantined)

    def in_order(self) -> list[OpResult]:
        missing = [i for i, r in enumerate(self.results) if r is None]
        assert not missing, f"operations {missing} of the batch got no answer"
        return [r for r in self.results if r is not None]
