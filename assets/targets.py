"""The kinds of target an operation folds into — assets, pallets, location tags — as one table:
for any key, which fold, which state class, and which name the change feed and the
projections use. Every "which fold for this key" question is answered here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assets.conflicts import Conflict
from assets.merge import (
    DEFAULT_RULES,
    AssetFold,
    AssetState,
    FoldResult,
    LocationFold,
    LocationState,
    MergeRules,
    PalletFold,
    PalletState,
    TargetState,
    ordered,
)
from assets.operations import Operation

AnyFold = AssetFold | PalletFold | LocationFold


@dataclass(frozen=True, slots=True)
class TargetKind:
    name: str  # "asset", "pallet", "location_tag": the change feed's entity, the projection
    prefix: str  # how its keys begin
    state: type[AssetState] | type[PalletState] | type[LocationState]
    fold: type[AssetFold] | type[PalletFold] | type[LocationFold]


ASSET = TargetKind("asset", "asset:", AssetState, AssetFold)
PALLET = TargetKind("pallet", "pallet:", PalletState, PalletFold)
LOCATION_TAG = TargetKind("location_tag", "location:", LocationState, LocationFold)
KINDS = (ASSET, PALLET, LOCATION_TAG)


def kind_of(key: str) -> TargetKind:
    """The kind of a target key: pallets and location tags by prefix, anything else an asset."""
    for kind in (PALLET, LOCATION_TAG):
        if key.startswith(kind.prefix):
            return kind
    return ASSET


def state_from_dict(key: str, data: dict[str, object]) -> TargetState:
    return kind_of(key).state.from_dict(data)


def new_fold(
    key: str,
    rules: MergeRules = DEFAULT_RULES,
    state: TargetState | None = None,
    conflicts: dict[str, Conflict] | None = None,
) -> AnyFold:
    """The fold for `key`, resuming from `state` and its known `conflicts` when given."""
    kind = kind_of(key)
    if state is None:
        return kind.fold(key, rules, None, conflicts)
    if isinstance(state, AssetState) and kind is ASSET:
        return AssetFold(key, rules, state, conflicts)
    if isinstance(state, PalletState) and kind is PALLET:
        return PalletFold(key, rules, state, conflicts)
    if isinstance(state, LocationState) and kind is LOCATION_TAG:
        return LocationFold(key, rules, state, conflicts)
    raise TypeError(f"{key} folds a {kind.state.__name__}, not a {type(state).__name__}")


def fold_target(
    key: str, ops: Iterable[Operation], rules: MergeRules = DEFAULT_RULES
) -> FoldResult:
    """Fold any target key with the operations that touch it, from nothing."""
    fold = new_fold(key, rules)
    for op in ordered(op for op in ops if key in op.touches):
        fold.apply(op)
    return fold.result
