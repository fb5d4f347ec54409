"""Lifecycle statuses and the table of allowed transitions between them."""

from __future__ import annotations

from dataclasses import dataclass

from assets.errors import TransitionRefused
from assets.vocabulary import Choice, Vocabulary


@dataclass(frozen=True, slots=True)
class Status(Choice):
    terminal: bool = False


STATUSES: Vocabulary = Vocabulary(
    "status",
    (
        Status("in_stock", "In stock", "#2e7d32", "New or returned, ready to issue"),
        Status("deployed", "Deployed", "#1565c0", "In use by a person or a service"),
        Status("in_repair", "In repair", "#ef6c00", "With IT or a vendor for repair"),
        Status("storage", "Storage", "#6d4c41", "Kept in a storage room or closet"),
        Status("ready_for_redeploy", "Ready for redeploy", "#00897b", "Wiped and checked"),
        Status("surplus", "Surplus", "#8e24aa", "No longer needed here"),
        Status("pending_pickup", "Pending pickup", "#5e35b1", "Waiting for the ITAD crew"),
        Status("in_transit", "In transit", "#3949ab", "On a truck between sites"),
        Status("received", "Received", "#0277bd", "Arrived at the processing facility"),
        Status("pending_sanitization", "Pending sanitization", "#f9a825", "Data still on it"),
        Status("sanitized", "Sanitized", "#7cb342", "Data sanitized and verified"),
        Status("pending_destruction", "Pending destruction", "#c62828", "Queued for shredding"),
        Status("redeployed", "Redeployed", "#1b5e20", "Back in use", terminal=True),
        Status("resold", "Resold", "#2e7d32", "Sold for reuse", terminal=True),
        Status("harvested", "Harvested for parts", "#558b2f", "Parts recovered", terminal=True),
        Status("recycled", "Recycled", "#33691e", "Recycled by commodity", terminal=True),
        Status("destroyed", "Destroyed", "#b71c1c", "Physically destroyed", terminal=True),
        Status("lost", "Lost", "#424242", "Cannot be found", terminal=True),
    ),
)

# Statuses of assets sitting unused where they are (the storage-age report: surplus idling in
# closets), in the order the report lists them.
IDLE_STATUSES: tuple[str, ...] = ("storage", "surplus")

# From each status, where an asset may go next. Terminal statuses lead nowhere.
TRANSITIONS: dict[str, frozenset[str]] = {
    "in_stock": frozenset(
        {
            "deployed",
            "in_repair",
            "storage",
            "ready_for_redeploy",
            "surplus",
            "pending_pickup",
            "lost",
        }
    ),
    "deployed": frozenset(
        {"in_stock", "in_repair", "storage", "ready_for_redeploy", "surplus", "lost"}
    ),
    "in_repair": frozenset({"in_stock", "deployed", "storage", "surplus", "lost"}),
    "storage": frozenset(
        {
            "in_stock",
            "deployed",
            "in_repair",
            "ready_for_redeploy",
            "surplus",
            "pending_pickup",
            "lost",
        }
    ),
    "ready_for_redeploy": frozenset({"deployed", "redeployed", "storage", "surplus", "lost"}),
    "surplus": frozenset(
        {
            "storage",
            "ready_for_redeploy",
            "pending_pickup",
            "pending_sanitization",
            "pending_destruction",
            "lost",
        }
    ),
    "pending_pickup": frozenset({"in_transit", "surplus", "storage", "lost"}),
    "in_transit": frozenset({"received", "lost"}),
    "received": frozenset(
        {
            "storage",
            "ready_for_redeploy",
            "pending_sanitization",
            "pending_destruction",
            "harvested",
            "recycled",
            "lost",
        }
    ),
    "pending_sanitization": frozenset({"sanitized", "pending_destruction", "lost"}),
    "sanitized": frozenset(
        {
            "ready_for_redeploy",
            "redeployed",
            "resold",
            "harvested",
            "recycled",
            "storage",
            "pending_pickup",
            "pending_destruction",
            "destroyed",
            "lost",
        }
    ),
    "pending_destruction": frozenset({"destroyed", "lost"}),
    "redeployed": frozenset(),
    "resold": frozenset(),
    "harvested": frozenset(),
    "recycled": frozenset(),
    "destroyed": frozenset(),
    "lost": frozenset(),
}

INITIAL_STATUS = "in_stock"


@dataclass(frozen=True, slots=True)
class TransitionVerdict:
    allowed: bool
    reason: str = ""


def is_terminal(status: str) -> bool:
    choice = STATUSES.get(status)
    return isinstance(choice, Status) and choice.terminal


def check_transition(current: str, target: str) -> TransitionVerdict:
    """Say whether `current -> target` is allowed, and if not, why in words a technician reads."""
    if current not in STATUSES:
        return TransitionVerdict(False, f"'{current}' is not a lifecycle status")
    if target not in STATUSES:
        return TransitionVerdict(False, f"'{target}' is not a lifecycle status")
    if current == target:
        return TransitionVerdict(False, f"the asset is already {STATUSES.label(current)}")
    if is_terminal(current):
        return TransitionVerdict(
            False, f"{STATUSES.label(current)} is a final status: nothing can follow it"
        )
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(STATUSES.label(s) for s in STATUSES if s in TRANSITIONS[current])
        return TransitionVerdict(
            False,
            f"{STATUSES.label(current)} cannot go to {STATUSES.label(target)}; "
            f"it can go to: {allowed}",
        )
    return TransitionVerdict(True)


def require_transition(current: str, target: str) -> None:
    verdict = check_transition(current, target)
    if not verdict.allowed:
        raise TransitionRefused(verdict.reason)


def transition_path(current: str, target: str) -> tuple[str, ...] | None:
    """The fewest allowed steps from `current` to `target` (excluding `current`), () when they
    are the same, None when the table allows no way there. An import that finds an asset
    already further along its life walks it there step by step, so the log stays lawful."""
    if current == target:
        return ()
    paths: dict[str, tuple[str, ...]] = {current: ()}
    frontier = [current]
    while frontier:
        following = []
        for status in frontier:
            for step in sorted(TRANSITIONS.get(status, ())):
                if step in paths:
                    continue
                paths[step] = (*paths[status], step)
                if step == target:
                    return paths[step]
                following.append(step)
        frontier = following
    return None
