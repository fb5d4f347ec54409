"""Read routes: assets, pallets, locations, conflicts (and deciding them), verify, health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sync.protocol import (
    MAX_SEQ,
    AlreadyDecidedBody,
    AssetDetail,
    AssetPage,
    ConflictPage,
    ConflictStatus,
    ConflictView,
    DecisionRequest,
    DecisionResponse,
    Health,
    LocationTagView,
    LocationView,
    PalletView,
    PublicKey,
    VerifyReport,
    VerifyRequest,
)
from sync.server import queries, review
from sync.server.db import reading
from sync.server.deps import CallerDep, StoreDep
from sync.server.migrate import current_revision
from sync.server.verify import verify_and_checkpoint

router = APIRouter(prefix="/v1")
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/assets", response_model=AssetPage, tags=["assets"])
def search_assets(
    *,
    store: StoreDep,
    caller: CallerDep,
    q: Annotated[str | None, Query(max_length=120, description="tag or serial (prefix)")] = None,
    site: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    location: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 100,
) -> AssetPage:
    caller.require("read")
    with reading(store.engine) as conn:
        return queries.search_assets(
            conn, q=q, site=site, status=status, location=location, after=after, limit=limit
        )


@router.get("/assets/{tag}", response_model=AssetDetail, tags=["assets"])
def asset(
    store: StoreDep, caller: CallerDep, tag: Annotated[str, Path(max_length=200)]
) -> AssetDetail:
    """One asset with its history (fold order) and its conflicts."""
    caller.require("read")
    with reading(store.engine) as conn:
        return queries.asset_detail(conn, tag)


@router.get("/pallets", response_model=list[PalletView], tags=["pallets"])
def pallets(
    store: StoreDep,
    caller: CallerDep,
    state: Annotated[str | None, Query(max_length=20)] = None,
    after: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 100,
) -> list[PalletView]:
    caller.require("read")
    with reading(store.engine) as conn:
        return queries.list_pallets(conn, state, after, limit)


@router.get("/pallets/{tag}", response_model=PalletView, tags=["pallets"])
def pallet(
    store: StoreDep, caller: CallerDep, tag: Annotated[str, Path(max_length=200)]
) -> PalletView:
    caller.require("read")
    with reading(store.engine) as conn:
        return queries.get_pallet(conn, tag)


@router.get("/locations", response_model=list[LocationView], tags=["locations"])
def locations(
    store: StoreDep,
    caller: CallerDep,
    site: Annotated[str | None, Query(max_length=64)] = None,
    after: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 500,
) -> list[LocationView]:
    caller.require("read")
    with reading(store.engine) as conn:
        return queries.list_locations(conn, site, after, limit)


@router.get("/location-tags", response_model=list[LocationTagView], tags=["locations"])
def location_tags(
    *,
    store: StoreDep,
    caller: CallerDep,
    site: Annotated[str | None, Query(max_length=64)] = None,
    place: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 500,
) -> list[LocationTagView]:
    """Printed location tags and the place each marks (optionally of one site, or the tags
    marking one `place` path)."""
    caller.require("read")
    with reading(store.engine) as conn:
        return queries.list_location_tags(conn, site, place, after, limit)


@router.get("/conflicts", response_model=ConflictPage, tags=["conflicts"])
def conflicts(
    *,
    store: StoreDep,
    caller: CallerDep,
    status: ConflictStatus | None = None,
    type: Annotated[str | None, Query(max_length=40)] = None,
    site: Annotated[str | None, Query(max_length=64)] = None,
    target: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    limit: Limit = 100,
) -> ConflictPage:
    caller.require("read")
    with reading(store.engine) as conn:
        return review.list_conflicts(
            conn, status=status, type_=type, site=site, target=target, after=after, limit=limit
        )


@router.get("/conflicts/{conflict_id}", response_model=ConflictView, tags=["conflicts"])
def conflict(
    store: StoreDep, caller: CallerDep, conflict_id: Annotated[str, Path(max_length=40)]
) -> ConflictView:
    """Both sides with who, when, where and which device; the decision once there is one."""
    caller.require("read")
    with reading(store.engine) as conn:
        return review.get_conflict(conn, conflict_id)


@router.post(
    "/conflicts/{conflict_id}/decision",
    response_model=DecisionResponse,
    tags=["conflicts"],
    responses={409: {"model": AlreadyDecidedBody, "description": "another decision won"}},
)
def decide(
    store: StoreDep,
    conflict_id: Annotated[str, Path(max_length=40)],
    request: DecisionRequest,
    caller: CallerDep,
) -> DecisionResponse:
    """Take side A, side B, or set a value, with a note (supervisors and admins)."""
    caller.require("decide")
    return review.decide(store, conflict_id, caller.user.username, caller.user.role, request)


@router.get("/verify", response_model=VerifyReport, tags=["verify"])
def verify_log(store: StoreDep, caller: CallerDep) -> VerifyReport:
    """Recompute the log's hash chain since the last verified checkpoint and check it against
    the signed heads; an intact log gets a new checkpoint."""
    caller.require("read")
    return verify_and_checkpoint(store)


@router.post("/verify", response_model=VerifyReport, tags=["verify"])
def verify_with_heads(store: StoreDep, caller: CallerDep, request: VerifyRequest) -> VerifyReport:
    """As GET, and also prove the log still holds each head the device has seen."""
    caller.require("read")
    return verify_and_checkpoint(store, request.heads)


@router.get("/verify/key", response_model=PublicKey, tags=["verify"])
def public_key(store: StoreDep, caller: CallerDep) -> PublicKey:
    """The public key that checks chain heads."""
    return PublicKey(key_id=store.signer.key_id, public_key=store.signer.public_raw.hex())


@router.get("/health", response_model=Health, tags=["health"])
def health(store: StoreDep) -> Health:
    """Liveness for load balancers: the one call without a token."""
    with store.engine.connect() as conn:
        entries = queries.log_entries(conn)
    return Health(
        status="ok",
        database=store.engine.dialect.name,
        schema_revision=current_revision(store.engine),
        log_entries=entries,
    )
