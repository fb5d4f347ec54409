"""Questions asked before a step that is hard to take back: loading an asset that is finished,
on another pallet or held by someone else; marking an asset Lost, Destroyed or Surplus.

Pure functions over the domain's state: each returns the question to ask, or None when the
step may go ahead at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ui import present
from assets.merge import AssetState

# Statuses that end an asset's working life or take it out of stock: asked twice.
RISKY_STATUSES = frozenset({"lost", "destroyed", "surplus"})


@dataclass(frozen=True, slots=True)
class Question:
    kind: str  # "load" or "transition"
    tag: str
    value: str  # the pallet to load on, or the status to go to
    text: str
    yes: str  # the button that goes ahead


def load_question(
    tag: str, pallet: str, state: AssetState, custodian: str | None, me: str | None
) -> Question | None:
    """Why loading `tag` on `pallet` deserves a second look, if it does."""
    reasons: list[str] = []
    if present.final(state.status):
        reasons.append(f"its status is {present.status_choice(state.status).label}, a final one")
    on = present.short_key(state.pallet) if state.pallet else None
    if on and on != pallet:
        reasons.append(f"it is on pallet {on} (it comes off that one)")
    if custodian and custodian != me and not custodian.startswith(("site:", "pallet:")):
        reasons.append(f"it is held by {custodian}")
    if not reasons:
        return None
    why = "; ".join(reasons)
    text = f"Load {tag} on {pallet}? {why[:1].upper()}{why[1:]}."
    return Question("load", tag, pallet, text, "Load anyway")


def transition_question(tag: str, to: str) -> Question | None:
    if to not in RISKY_STATUSES:
        return None
    label = present.status_choice(to).label
    text = f"Mark {tag} as {label}? Check the tag: this takes it out of stock."
    return Question("transition", tag, to, text, f"Mark as {label}")
