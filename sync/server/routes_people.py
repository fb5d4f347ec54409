"""Routes for devices, people and roles: enrolment, sign-in, users, revocation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path
from sqlalchemy import select

from assets.roles import PERMISSIONS
from sync.errors import Unauthorized
from sync.protocol import (
    ROLES,
    DeviceView,
    EnrolmentCode,
    EnrolmentCodeRequest,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    Me,
    RoleView,
    SignInRequest,
    SignInResponse,
    UserCreate,
    UserUpdate,
    UserView,
)
from sync.server import auth, throttle
from sync.server import tables as t
from sync.server.db import reading, writing
from sync.server.deps import CallerDep, DeviceDep, StoreDep

router = APIRouter(prefix="/v1")


@router.post(
    "/devices/enrol",
    response_model=EnrolResponse,
    tags=["devices"],
    responses={409: {"model": ErrorBody, "description": "that device id is enrolled and active"}},
)
def enrol(request: EnrolRequest, store: StoreDep) -> EnrolResponse:
    """Spend a one-time enrolment code (from an admin) on this device: returns its token."""
    with writing(store.engine) as conn:
        token, expires = auth.enrol_device(
            conn,
            request.code,
            request.device_id,
            request.name,
            store.now_ms(),
            store.settings.device_token_days,
        )
    return EnrolResponse(
        device_id=request.device_id, token=token, expires_at=auth.iso(expires) or ""
    )


@router.post("/enrolments", response_model=EnrolmentCode, tags=["devices"])
def new_enrolment(
    request: EnrolmentCodeRequest, store: StoreDep, caller: CallerDep
) -> EnrolmentCode:
    """A one-time code that enrols one new device (admins)."""
    caller.require("enrol")
    with writing(store.engine) as conn:
        code, expires = auth.make_enrolment_code(
            conn, caller.user.username, store.now_ms(), request.hours, request.note
        )
    return EnrolmentCode(code=code, expires_at=auth.iso(expires) or "")


@router.get("/devices", response_model=list[DeviceView], tags=["devices"])
def devices(store: StoreDep, caller: CallerDep) -> list[DeviceView]:
    caller.require("enrol")
    with reading(store.engine) as conn:
        rows = conn.execute(select(t.devices).order_by(t.devices.c.device_id))
        return [
            DeviceView(
                device_id=r.device_id,
                name=r.name,
                acked_through=r.acked_through,
                enrolled_at=auth.iso(r.enrolled_ms) or "",
                expires_at=auth.iso(r.expires_ms) or "",
                revoked_at=auth.iso(r.revoked_ms),
            )
            for r in rows
        ]


@router.post("/devices/{device_id}/revoke", status_code=204, tags=["devices"])
def revoke(
    store: StoreDep, caller: CallerDep, device_id: Annotated[str, Path(max_length=64)]
) -> None:
    """Revoke a device's token and its sign-ins (a lost phone)."""
    caller.require("enrol")
    with writing(store.engine) as conn:
        auth.revoke_device(conn, device_id, store.now_ms())


@router.post(
    "/auth/signin",
    response_model=SignInResponse,
    tags=["auth"],
    responses={429: {"model": ErrorBody, "description": "too many wrong PINs: retry later"}},
)
def sign_in(request: SignInRequest, store: StoreDep, device_id: DeviceDep) -> SignInResponse:
    """A person signs in on this device; send the token back as X-TagTrail-Person.

    After repeated wrong PINs the person (or this device) is refused with 429 and Retry-After
    for a while, or until an admin unlocks."""
    failure: Unauthorized | None = None
    with writing(store.engine) as conn:
        try:
            token, user, expires = auth.sign_in(
                conn,
                device_id,
                request.username,
                request.pin,
                store.now_ms(),
                store.settings.session_hours,
                store.settings,
            )
        except Unauthorized as refused:
            failure = refused  # the wrong PIN it recorded commits with this transaction
    if failure is not None:
        raise failure
    return SignInResponse(
        person_token=token,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        expires_at=auth.iso(expires) or "",
    )


@router.post("/auth/signout", status_code=204, tags=["auth"])
def sign_out(
    store: StoreDep,
    caller: CallerDep,
    x_tagtrail_person: Annotated[str | None, Header()] = None,
) -> None:
    with writing(store.engine) as conn:
        auth.sign_out(conn, x_tagtrail_person or "", store.now_ms())


@router.get("/auth/me", response_model=Me, tags=["auth"])
def me(caller: CallerDep) -> Me:
    return Me(device_id=caller.device_id, user=caller.user)


@router.get("/users", response_model=list[UserView], tags=["users"])
def users(store: StoreDep, caller: CallerDep) -> list[UserView]:
    caller.require("list_users")
    with reading(store.engine) as conn:
        return auth.list_users(conn)


@router.post("/users", response_model=UserView, status_code=201, tags=["users"])
def create_user(request: UserCreate, store: StoreDep, caller: CallerDep) -> UserView:
    caller.require("manage_users")
    with writing(store.engine) as conn:
        return auth.create_user(
            conn, request.username, request.display_name, request.role, request.pin, store.now_ms()
        )


@router.patch("/users/{username}", response_model=UserView, tags=["users"])
def update_user(
    request: UserUpdate,
    store: StoreDep,
    caller: CallerDep,
    username: Annotated[str, Path(max_length=120)],
) -> UserView:
    caller.require("manage_users")
    with writing(store.engine) as conn:
        return auth.update_user(conn, username, request.model_dump())


@router.post("/users/{username}/unlock", status_code=204, tags=["users"])
def unlock_user(
    store: StoreDep, caller: CallerDep, username: Annotated[str, Path(max_length=120)]
) -> None:
    """Let a person sign in again at once after too many wrong PINs (admins)."""
    caller.require("manage_users")
    with writing(store.engine) as conn:
        auth.get_user(conn, username)
        throttle.unlock(conn, "user", username, caller.user.username, store.now_ms())


@router.post("/devices/{device_id}/unlock", status_code=204, tags=["devices"])
def unlock_device(
    store: StoreDep, caller: CallerDep, device_id: Annotated[str, Path(max_length=64)]
) -> None:
    """Let a device take sign-ins again at once after too many wrong PINs on it (admins)."""
    caller.require("manage_users")
    with writing(store.engine) as conn:
        throttle.unlock(conn, "device", device_id, caller.user.username, store.now_ms())


@router.get("/roles", response_model=list[RoleView], tags=["users"])
def roles(caller: CallerDep) -> list[RoleView]:
    return [RoleView(role=role, may=list(PERMISSIONS[role])) for role in ROLES]  # type: ignore[arg-type]
