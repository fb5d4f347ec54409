"""Conflicts: the records a fold derives when two facts cannot both stand.

A conflict's id comes from its type, its target and the operations involved, so deriving it
again (a retry, a refold, another replica) yields the same record, never a second copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assets.vocabulary import Choice, Vocabulary

CONFLICT_TYPES: Vocabulary = Vocabulary(
    "conflict",
    (
        Choice(
            "tag_claimed_twice",
            "Tag claimed twice",
            "#c62828",
            "The same tag was registered to two different devices",
        ),
        Choice(
            "duplicate_tag_sighting",
            "Seen at two sites",
            "#ef6c00",
            "The same tag was scanned at two sites within minutes: a duplicated label?",
        ),
        Choice(
            "scan_after_disposal",
            "Scanned after disposal",
            "#b71c1c",
            "An asset recorded as disposed of was scanned again",
        ),
        Choice(
            "grade_disputed",
            "Grade disputed",
            "#f9a825",
            "Two people graded the asset differently without seeing each other's grade",
        ),
        Choice(
            "transition_after_terminal",
            "Change after final status",
            "#b71c1c",
            "A status change arrived for an asset already in a final status",
        ),
        Choice(
            "diverging_transitions",
            "Diverging status changes",
            "#ef6c00",
            "Two status changes started from the same status and went different ways",
        ),
        Choice(
            "two_pallets",
            "On two pallets",
            "#c62828",
            "The asset was loaded on a second pallet without being unloaded",
        ),
        Choice(
            "load_into_sealed",
            "Loaded after seal",
            "#c62828",
            "An asset was loaded on a pallet that was already sealed",
        ),
        Choice(
            "load_not_sealed",
            "Load missing from seal",
            "#ef6c00",
            "A load happened before the seal but the sealer did not see it",
        ),
        Choice(
            "manifest_mismatch",
            "Manifest mismatch",
            "#ef6c00",
            "A pallet scan found items missing or extra against the manifest",
        ),
        Choice(
            "seal_mismatch",
            "Seal mismatch",
            "#c62828",
            "The seal number does not match the one recorded at sealing",
        ),
        Choice(
            "weight_mismatch",
            "Weight out of tolerance",
            "#ef6c00",
            "The received weight differs from the sealed weight beyond tolerance",
        ),
        Choice(
            "custody_fork",
            "Custody fork",
            "#c62828",
            "Custody was handed off by someone who did not hold it",
        ),
        Choice(
            "sanitization_disputed",
            "Sanitization disputed",
            "#c62828",
            "Two different sanitization results for the same storage device",
        ),
        Choice(
            "disposition_disputed",
            "Disposition disputed",
            "#c62828",
            "Two different final outcomes for the same asset",
        ),
        Choice(
            "missing_in_audit",
            "Missing in audit",
            "#ef6c00",
            "A location audit did not find assets expected there: find them or mark them lost",
        ),
        Choice(
            "unsanitized_disposal",
            "Disposed with data",
            "#b71c1c",
            "A data-bearing asset left for reuse or recycling without a sanitization record",
        ),
    ),
)


def conflict_id(kind: str, target: str, op_ids: tuple[str, ...]) -> str:
    digest = hashlib.sha256("\x1f".join((kind, target, *sorted(op_ids))).encode()).hexdigest()
    return f"c-{digest[:24]}"


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a conflict: the operation and the value it stands for (for the decision)."""

    op_id: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Conflict:
    id: str
    type: str
    target: str
    sides: tuple[Side, ...]
    detail: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    decided_by: str | None = None  # op_id of the decision that closed it
    decision: str | None = None  # "a", "b" or "value"

    @property
    def op_ids(self) -> tuple[str, ...]:
        return tuple(side.op_id for side in self.sides)

    @property
    def is_open(self) -> bool:
        return self.decided_by is None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "type": self.type,
            "target": self.target,
            "sides": [{"op_id": s.op_id, "value": s.value} for s in self.sides],
            "detail": dict(self.detail),
            "decided_by": self.decided_by,
            "decision": self.decision,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Conflict:
        """The inverse of to_dict (a pulled ConflictView carries these fields too)."""
        decided_by, decision = data.get("decided_by"), data.get("decision")
        return cls(
            id=str(data["id"]),
            type=str(data["type"]),
            target=str(data["target"]),
            sides=tuple(Side(str(s["op_id"]), s.get("value")) for s in data.get("sides") or ()),
            detail=dict(data.get("detail") or {}),
            decided_by=None if decided_by is None else str(decided_by),
            decision=None if decision is None else str(decision),
        )


def make_conflict(
    kind: str, target: str, sides: tuple[Side, ...], detail: dict[str, str] | None = None
) -> Conflict:
    if kind not in CONFLICT_TYPES:
        raise ValueError(f"unknown conflict type {kind}")
    return Conflict(
        conflict_id(kind, target, tuple(s.op_id for s in sides)), kind, target, sides, detail or {}
    )
