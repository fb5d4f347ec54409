"""Each screen's data, read from the device service outside render.

The controller loads these after every action and when a sync pulled changes; the views only
draw them. Each is a frozen value, so loading the same data twice changes nothing on screen
(the controller's observable compares values and re-renders only on a difference).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assets.merge import AssetState, PalletState
from sync.device.history import HistoryEntry, combine
from sync.device.outbox import OutboxRow
from sync.device.service import DeviceService
from sync.device.view import TargetView

# The store's history of an asset: (tag, entries, or None when it cannot be had now).
Remote = tuple[str, tuple[HistoryEntry, ...] | None]


@dataclass(frozen=True)
class AssetScreen:
    tag: str
    view: TargetView[AssetState]
    custodian: str | None
    history: tuple[HistoryEntry, ...]
    complete: bool | None  # None: not fetched yet; False: the store could not be asked
    signed: frozenset[str]


@dataclass(frozen=True)
class PalletScreen:
    tag: str
    view: TargetView[PalletState]
    entered: tuple[dict[str, str], dict[str, str]] | None  # seal weights as the crew typed them


@dataclass(frozen=True)
class SyncScreen:
    counts: tuple[tuple[str, int], ...]
    rejected: tuple[OutboxRow, ...]


def asset_screen(svc: DeviceService, tag: str, remote: Remote | None) -> AssetScreen:
    local = svc.history(tag)
    fetched = remote[1] if remote is not None and remote[0] == tag else None
    complete = None if remote is None or remote[0] != tag else fetched is not None
    history = combine(fetched, local) if fetched is not None else local
    return AssetScreen(
        tag,
        svc.asset(tag),
        svc.custodian(f"asset:{tag}"),
        tuple(history),
        complete,
        svc.signed_handoffs(tag),
    )


def pallet_screen(svc: DeviceService, tag: str) -> PalletScreen:
    return PalletScreen(tag, svc.pallet(tag), svc.seal_weights(tag))


def sync_screen(svc: DeviceService) -> SyncScreen:
    return SyncScreen(tuple(sorted(svc.outbox_counts().items())), tuple(svc.rejected()))


def conflicts_screen(svc: DeviceService) -> tuple[dict[str, Any], ...]:
    return tuple(svc.open_conflicts())
