"""The role table: who may record which kind of operation."""

from __future__ import annotations

import pytest

from assets.operations import KINDS
from assets.roles import (
    DECIDING_ROLES,
    MAY_RECORD,
    PERMISSIONS,
    ROLES,
    VERBS,
    may,
    may_use,
    refusal,
)
from sync.protocol import ROLES as WIRE_ROLES


def test_every_kind_has_words_and_every_role_is_on_the_wire() -> None:
    assert set(VERBS) == set(KINDS)
    assert ROLES == WIRE_ROLES == tuple(MAY_RECORD)


@pytest.mark.parametrize(
    ("role", "kinds"),
    [
        ("technician", "register describe observe assess audit sanitize transition"),
        ("crew", "load unload seal confirm handoff receive"),
        ("supervisor", "register describe observe assess audit sanitize transition"),
        ("supervisor", "load unload seal confirm handoff receive dispose resolve"),
    ],
)
def test_the_default_table(role: str, kinds: str) -> None:
    for kind in kinds.split():
        assert may(role, kind), (role, kind)
        assert refusal(role, kind) is None


def test_what_each_role_may_not_do() -> None:
    technician = {k for k in KINDS if not may("technician", k)}
    crew = {k for k in KINDS if not may("crew", k)}
    assert technician == {"load", "unload", "seal", "confirm", "handoff", "receive"} | {
        "dispose",
        "resolve",
    }
    assert crew == {
        "register",
        "describe",
        "observe",
        "assess",
        "audit",
        "sanitize",
        "transition",
    } | {
        "dispose",
        "resolve",
    }
    assert all(may("supervisor", k) for k in KINDS)
    assert all(may("admin", k) for k in [*KINDS, "a kind added later"])


def test_unknown_roles_may_do_nothing_and_refusals_name_who_may() -> None:
    assert not any(may("guest", k) for k in KINDS)
    assert not may("", "observe")
    assert refusal("technician", "dispose") == (
        "A technician may not record a disposition: ask a supervisor or admin"
    )
    assert refusal("crew", "observe") == (
        "A crew member may not record sightings: ask a technician, supervisor or admin"
    )


def test_only_supervisors_and_admins_decide_and_an_admin_may_use_all_a_supervisor_may() -> None:
    assert {"supervisor", "admin"} == DECIDING_ROLES
    assert set(PERMISSIONS["supervisor"]) <= set(PERMISSIONS["admin"])
    assert not may_use("guest", "push")
    assert not may_use("technician", "decide")
