"""Routes of new tags: runs of numbers handed out once, for a device to print as labels, and
the runs a device numbered itself offline, reported at its next sync."""

from __future__ import annotations

from fastapi import APIRouter

from assets.roles import PRINTS_NEW, may_print_new, refusal
from sync.errors import Forbidden
from sync.protocol import ErrorBody, TagRun, TagRunReceipt, TagRunReport, TagRunRequest
from sync.server import tag_blocks
from sync.server.db import writing
from sync.server.deps import CallerDep, StoreDep

router = APIRouter(prefix="/v1", tags=["tags"])


@router.post(
    "/tags/reserve",
    response_model=TagRun,
    responses={409: {"model": ErrorBody, "description": "too few numbers of this kind are left"}},
)
def reserve_tags(store: StoreDep, caller: CallerDep, request: TagRunRequest) -> TagRun:
    """The next `count` tags of a kind, this device's alone to print: no other device is ever
    handed the same numbers. For whoever may claim tags of that kind (register; load for
    pallet tags)."""
    role = caller.user.role
    if not may_print_new(role, request.kind):
        said = refusal(role, PRINTS_NEW[request.kind]) or "this role may not print new tags"
        raise Forbidden(f"{said} (new {request.kind} tags)")
    with writing(store.engine) as conn:
        return tag_blocks.reserve(
            conn,
            request.kind,
            request.count,
            device_id=caller.device_id,
            actor=caller.user.username,
            now_ms=store.now_ms(),
        )


@router.post(
    "/tags/printed",
    response_model=TagRunReceipt,
    responses={
        409: {"model": ErrorBody, "description": "the run starts where no device could count"}
    },
)
def report_printed(store: StoreDep, caller: CallerDep, report: TagRunReport) -> TagRunReceipt:
    """A run of new tags this device numbered itself while the store was out of reach, and
    printed. No later run repeats its numbers; the answer lists those another device was also
    given (labels to reprint). Sent by the device's sync, for whoever is signed in on it."""
    caller.require("push")
    with writing(store.engine) as conn:
        return tag_blocks.report_printed(
            conn,
            report.kind,
            report.first,
            report.last,
            device_id=caller.device_id,
            actor=caller.user.username,
            now_ms=store.now_ms(),
        )
