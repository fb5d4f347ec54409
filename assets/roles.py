"""Who may do what: which role may record which kind of operation, and which role may use
which part of the central store's API.

The device refuses before it writes, the central store rejects what a device sent anyway, and
the app offers each person only what their role may do; all three ask `may`.

Defaults (issue 11): technicians register, observe, grade, audit and sanitize, and change a
lifecycle status (they mark assets surplus, ready for redeploy, pending destruction...);
crews load and unload, seal, confirm, hand off and receive pallets; supervisors may do all of
that and also dispose of assets and decide conflicts; admins may do everything, including
kinds added later. A crew member does not change statuses: the pallet's own operations
(load, handoff, receive) move its assets' statuses.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("technician", "crew", "supervisor", "admin")

# role -> what it may do through the API beyond recording operations.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "technician": ("push", "pull", "read"),
    "crew": ("push", "pull", "read"),
    "supervisor": ("push", "pull", "read", "decide", "list_users", "report"),
    "admin": (
        "push",
        "pull",
        "read",
        "decide",
        "list_users",
        "report",  # reports, certificates, CSV import and export
        "enrol",
        "manage_users",
        "configure",  # the store's settings
    ),
}
assert tuple(PERMISSIONS) == ROLES

TECHNICIAN_KINDS = frozenset(
    {"register", "describe", "observe", "assess", "audit", "sanitize", "transition"}
)
CREW_KINDS = frozenset({"load", "unload", "seal", "confirm", "handoff", "receive"})
SUPERVISOR_KINDS = TECHNICIAN_KINDS | CREW_KINDS | {"dispose", "resolve"}

# role -> the kinds it may record; None: every kind.
MAY_RECORD: dict[str, frozenset[str] | None] = {
    "technician": TECHNICIAN_KINDS,
    "crew": CREW_KINDS,
    "supervisor": SUPERVISOR_KINDS,
    "admin": None,
}
assert tuple(MAY_RECORD) == ROLES

# The words a person reads for each kind ("a crew member may not <verb>").
VERBS: dict[str, str] = {
    "register": "register or claim tags",
    "describe": "change an asset's details",
    "observe": "record sightings",
    "assess": "grade condition",
    "audit": "audit locations",
    "sanitize": "record data sanitization",
    "transition": "change an asset's status",
    "load": "load pallets",
    "unload": "unload pallets",
    "seal": "seal pallets",
    "confirm": "confirm pallet contents",
    "handoff": "hand off custody",
    "receive": "receive pallets",
    "dispose": "record a disposition",
    "resolve": "decide conflicts",
}

_PEOPLE = {
    "technician": "a technician",
    "crew": "a crew member",
    "supervisor": "a supervisor",
    "admin": "an admin",
}


def may(role: str, kind: str) -> bool:
    """Whether a person of `role` may record an operation of `kind` (unknown roles: nothing)."""
    if role not in MAY_RECORD:
        return False
    kinds = MAY_RECORD[role]
    return kinds is None or kind in kinds


def refusal(role: str, kind: str) -> str | None:
    """The sentence a person reads when their role may not record `kind`, or None if it may."""
    if may(role, kind):
        return None
    who = _PEOPLE.get(role, f"the role '{role[:20]}'")
    names = [_PEOPLE[r].split(" ", 1)[1] for r in ROLES if may(r, kind)]
    by = names[-1] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f"{who[:1].upper()}{who[1:]} may not {VERBS.get(kind, kind)}: ask a {by}"


def may_use(role: str, action: str) -> bool:
    """Whether a person of `role` may use the API's `action` (unknown roles: nothing)."""
    return action in PERMISSIONS.get(role, ())


DECIDING_ROLES = frozenset(role for role in ROLES if may_use(role, "decide"))
# Deciding over REST and recording a decision are one right.
assert {role for role in ROLES if may(role, "resolve")} == DECIDING_ROLES

# Which kind of operation a person must be allowed to record to print new tags of each kind:
# asset and location tags are claimed by whoever registers; pallet tags by the crew who load.
PRINTS_NEW: dict[str, str] = {"asset": "register", "location": "register", "pallet": "load"}


def may_print_new(role: str, tag_kind: str) -> bool:
    """Whether a person of `role` may print (and so take numbers for) new tags of `tag_kind`."""
    kind = PRINTS_NEW.get(tag_kind)
    return kind is not None and may(role, kind)
