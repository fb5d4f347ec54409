"""The Audit screen's data: the location tag being audited, what was scanned there, and the
four lists the device's replica gives (read from the device service, outside render)."""

from __future__ import annotations

from dataclasses import dataclass

from assets.merge import LocationState
from sync.device.location_audit import AuditLists
from sync.device.service import DeviceService


@dataclass(frozen=True)
class AuditScreen:
    tag: str  # the location tag, without its prefix
    lists: AuditLists
    last: LocationState  # the tag's state: its latest finished audit, as far as this device knows


def audit_screen(svc: DeviceService, tag: str, found: tuple[str, ...]) -> AuditScreen:
    return AuditScreen(tag, svc.audit_lists(tag, found), svc.location_tag(tag).state)
