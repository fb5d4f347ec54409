"""What the UI shows about sync: an immutable snapshot, replaced (never mutated) on change."""

from __future__ import annotations

from dataclasses import dataclass, replace

IDLE, SYNCING, OFFLINE, STOPPED = "idle", "syncing", "offline", "stopped"


@dataclass(frozen=True, slots=True)
class SyncProgress:
    state: str = STOPPED  # idle / syncing / offline (backing off) / stopped
    pending: int = 0  # operations not yet held by the central store
    rejected: int = 0  # operations the store refused (shown with their reason)
    pushed: int = 0  # operations sent and acknowledged since the engine started
    pulled: int = 0  # changes pulled since the engine started
    snapshot_pulled: int = 0  # changes pulled by the current (re-)snapshot, for its progress bar
    last_success_ms: int | None = None
    last_error: str | None = None
    last_error_ms: int | None = None
    retry_in_s: float | None = None  # when offline: seconds until the next attempt

    def but(self, **changes: object) -> SyncProgress:
        return replace(self, **changes)  # type: ignore[arg-type]
