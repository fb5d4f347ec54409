"""The optimistic view the UI reads: the pulled server state with the operations not yet in
it folded on top by the domain core's own rules, so a local change shows at once and never
appears to revert when a pull lands before the store has folded it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Connection

from assets.conflicts import Conflict
from assets.merge import (
    DEFAULT_RULES,
    AssetState,
    LocationState,
    MergeRules,
    PalletState,
    effective_custodian,
)
from assets.targets import AnyFold, new_fold
from sync.device import cache, outbox

S = TypeVar("S", AssetState, PalletState, LocationState)


@dataclass(frozen=True, slots=True)
class TargetView(Generic[S]):
    """What the UI shows for one asset, pallet or location tag."""

    key: str
    state: S
    conflicts: tuple[Conflict, ...]  # open and closed, as folded
    pending: int  # operations of this device not yet in the pulled state
    known: bool  # the store (or this device) has recorded anything about it

    @property
    def open_conflicts(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if c.is_open)


def fold_for(
    conn: Connection, key: str, rules: MergeRules = DEFAULT_RULES
) -> tuple[AnyFold, int, bool]:
    """Resume the fold of `key` from the cache and apply the in-flight operations on top.

    Returns the fold (ready to take one more operation), how many ops were in flight, and
    whether the store had state for the key.
    """
    ops = outbox.in_flight_for(conn, key)
    state = cache.cached_state(conn, key)
    fold = new_fold(key, rules, state, cache.cached_conflicts(conn, key))
    known = state is not None
    for op in ops:
        fold.apply(op)
    return fold, len(ops), known or bool(ops)


def asset_view(
    conn: Connection, key: str, rules: MergeRules = DEFAULT_RULES
) -> TargetView[AssetState]:
    fold, pending, known = fold_for(conn, key, rules)
    assert isinstance(fold.state, AssetState), key
    return TargetView(key, fold.state, tuple(fold.conflicts.values()), pending, known)


def pallet_view(
    conn: Connection, key: str, rules: MergeRules = DEFAULT_RULES
) -> TargetView[PalletState]:
    fold, pending, known = fold_for(conn, key, rules)
    assert isinstance(fold.state, PalletState), key
    return TargetView(key, fold.state, tuple(fold.conflicts.values()), pending, known)


def location_tag_view(
    conn: Connection, key: str, rules: MergeRules = DEFAULT_RULES
) -> TargetView[LocationState]:
    """A location tag as this device believes it now: its own unsynced claim counts at once."""
    fold, pending, known = fold_for(conn, key, rules)
    assert isinstance(fold.state, LocationState), key
    return TargetView(key, fold.state, tuple(fold.conflicts.values()), pending, known)


def custodian_of(conn: Connection, key: str, rules: MergeRules = DEFAULT_RULES) -> str | None:
    """Who answers for an asset or pallet now (an asset on a pallet: the pallet's custodian)."""
    state = fold_for(conn, key, rules)[0].state
    if isinstance(state, PalletState):
        return state.custodian
    if isinstance(state, LocationState):
        return None  # a location tag is held by nobody
    pallets: dict[str, PalletState] = {}
    if state.pallet:
        pallet_state = fold_for(conn, state.pallet, rules)[0].state
        assert isinstance(pallet_state, PalletState)
        pallets[state.pallet] = pallet_state
    return effective_custodian(state, pallets)
