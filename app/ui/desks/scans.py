"""What a scan means to the lifecycle desks: an asset tag, a serial, or neither."""

from __future__ import annotations

from dataclasses import dataclass

from sync.device.service import DeviceService

ASSET, SERIAL, OTHER = "asset", "serial", "other"


@dataclass(frozen=True, slots=True)
class Read:
    kind: str  # ASSET, SERIAL or OTHER
    value: str  # the asset tag (no prefix), the serial, or the scanned text (cut short)
    label: str  # what the scan was, in people's words ("TagTrail pallet tag")


def read(service: DeviceService, text: str) -> Read:
    """What `text` is, as the device service reads scans (imported tags name their assets)."""
    found = service.read_scan(text)
    if found.kind == "asset_tag" and "tag" in found.fields:
        return Read(ASSET, found.fields["tag"], found.label)
    serial = found.fields.get("serial")
    if found.ok and found.kind in ("serial", "gs1") and serial:
        return Read(SERIAL, serial, found.label)
    shown = "".join(c for c in text.strip() if c.isprintable())[:40]
    return Read(OTHER, shown, found.label)
