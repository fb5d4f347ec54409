"""Who may do what: one table for the four roles, read by the device and the central store.

Technicians and crews record and sync; supervisors also decide conflicts and see people;
admins also enrol devices and manage people. An admin may do anything a supervisor may.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("technician", "crew", "supervisor", "admin")

PERMISSIONS: dict[str, tuple[str, ...]] = {
    "technician": ("push", "pull", "read"),
    "crew": ("push", "pull", "read"),
    "supervisor": ("push", "pull", "read", "decide", "list_users"),
    "admin": ("push", "pull", "read", "decide", "list_users", "enrol", "manage_users"),
}
assert set(PERMISSIONS) == set(ROLES)

# The operation kinds that need more than the right to record ("push").
KIND_PERMISSION: dict[str, str] = {"resolve": "decide"}


def may(role: str, action: str) -> bool:
    return action in PERMISSIONS.get(role, ())


def may_record(role: str, kind: str) -> bool:
    """Whether a person of `role` may be the actor of an operation of `kind`."""
    return may(role, "push") and may(role, KIND_PERMISSION.get(kind, "push"))


DECIDING_ROLES = frozenset(role for role in ROLES if may(role, "decide"))
