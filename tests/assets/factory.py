"""Builds valid operations for tests: each device keeps its own gapless sequence and clock."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from assets.hlc import HybridClock
from assets.operations import Operation, build_operation

BASE_MS = 1_780_000_000_000


class Device:
    def __init__(self, device_id: str, start_ms: int = BASE_MS, actor: str = "sup") -> None:
        self.device_id = device_id
        self.now = start_ms
        self.seq = 0
        self.actor = actor
        self.clock = HybridClock(device_id, lambda: self.now)

    def op(
        self,
        kind: str,
        target: str,
        args: Mapping[str, object] | None = None,
        expects: Mapping[str, str | None] | None = None,
        *,
        at_ms: int | None = None,
        op_id: str | None = None,
    ) -> Operation:
        if at_ms is not None:
            self.now = at_ms
        self.seq += 1
        return build_operation(
            op_id=op_id or str(uuid.uuid4()),
            device_id=self.device_id,
            device_seq=self.seq,
            hlc=self.clock.tick(),
            actor=self.actor,
            kind=kind,
            target=target,
            args=args,
            expects=expects,
        )
