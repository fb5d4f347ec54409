"""The roles table: who may record which operation, and who may decide."""

from __future__ import annotations

from assets.operations import KINDS
from assets.roles import DECIDING_ROLES, PERMISSIONS, ROLES, may, may_record


def test_only_supervisors_and_admins_decide_and_everyone_records_the_rest() -> None:
    assert {"supervisor", "admin"} == DECIDING_ROLES
    for role in ROLES:
        assert may_record(role, "resolve") is (role in DECIDING_ROLES)
        assert all(may_record(role, kind) for kind in KINDS if kind != "resolve")


def test_an_admin_may_do_anything_a_supervisor_may_and_unknown_roles_nothing() -> None:
    assert set(PERMISSIONS["supervisor"]) <= set(PERMISSIONS["admin"])
    assert not may("guest", "push")
    assert not may_record("guest", "observe")
