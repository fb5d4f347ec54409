"""How states read on screen: labels, colours, allowed choices, manifest checks, sync badges.

Everything here is plain data from the domain's vocabularies and tables, so the views never
decide a rule of their own and every rule shown is the one the fold applies.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from assets.errors import AssetsError
from assets.grades import DEFAULT_LETTER_SCALE, grade_for_letter, letter_of, parse_grade
from assets.statuses import STATUSES, TRANSITIONS, is_terminal
from assets.vocabulary import Choice
from assets.weights import KG_PER_LB, parse_weight
from sync.device.audit import AuditReport
from sync.device.progress import IDLE, OFFLINE, STOPPED, SYNCING, SyncProgress

UNKNOWN_COLOUR = "#9e9e9e"


def status_choice(value: str) -> Choice:
    return STATUSES.get(value) or Choice(value, value.replace("_", " "), UNKNOWN_COLOUR)


def next_statuses(current: str) -> list[Choice]:
    """The statuses an asset may go to from `current`, in the vocabulary's order."""
    allowed = TRANSITIONS.get(current, frozenset())
    return [STATUSES[value] for value in STATUSES if value in allowed]


def final(current: str) -> bool:
    return is_terminal(current)


@dataclass(frozen=True, slots=True)
class GradeText:
    grade: str  # "F4/C6"
    letter: str  # "B"
    label: str  # "B  Good"
    colour: str


def grade_text(grade: str | None) -> GradeText | None:
    """A stored grade with its letter on the default scale; None when not graded (or bad)."""
    if not grade:
        return None
    try:
        parsed = parse_grade(grade)
    except AssetsError:
        return GradeText(grade, "?", grade, UNKNOWN_COLOUR)
    letter = letter_of(parsed, DEFAULT_LETTER_SCALE)
    rule = DEFAULT_LETTER_SCALE.rule(letter)
    return GradeText(str(parsed), letter, rule.label, rule.colour)


def letter_choices() -> list[tuple[str, str, str, str]]:
    """(letter, label, colour, the R2v3 grade it records) for the quick-pick row."""
    return [
        (r.letter, r.label, r.colour, str(grade_for_letter(r.letter, DEFAULT_LETTER_SCALE)))
        for r in DEFAULT_LETTER_SCALE.rules
    ]


@dataclass(frozen=True, slots=True)
class ManifestCheck:
    """A crew's scan of a pallet against its manifest."""

    expected: tuple[str, ...]
    present: tuple[str, ...]  # on the manifest and scanned
    missing: tuple[str, ...]  # on the manifest, not scanned
    extra: tuple[str, ...]  # scanned, not on the manifest, not known to be elsewhere
    unexpected: tuple[str, ...]  # scanned, and the device believes it is on another pallet

    @property
    def clean(self) -> bool:
        return not (self.missing or self.extra or self.unexpected)


def check_manifest(
    pallet: str,
    manifest: Iterable[str],
    scanned: Iterable[str],
    pallet_of: Callable[[str], str | None] = lambda _key: None,
) -> ManifestCheck:
    """Compare keys scanned against a manifest; `pallet_of` says where an asset is believed."""
    expected = tuple(sorted(set(manifest)))
    seen = list(dict.fromkeys(scanned))
    present = tuple(k for k in seen if k in expected)
    missing = tuple(k for k in expected if k not in seen)
    outside = [k for k in seen if k not in expected]
    unexpected = tuple(k for k in outside if (pallet_of(k) or pallet) != pallet)
    extra = tuple(k for k in outside if k not in unexpected)
    return ManifestCheck(expected, present, missing, extra, unexpected)


def weight_dict(text: str, unit: str) -> dict[str, str]:
    """A typed weight as the wire's {value, unit}; raises AssetsError with a sentence."""
    cleaned = text.strip().replace(",", ".")
    return parse_weight({"value": cleaned, "unit": unit}).to_dict()


def kg_text(kg: str | None, unit: str = "kg") -> str:
    """A stored kg figure shown in the chosen unit."""
    if kg is None:
        return "—"
    value = Decimal(kg)
    if unit == "lb":
        value = value / KG_PER_LB
    return f"{value.quantize(Decimal('0.1'))} {unit}"


def short_key(key: str | None) -> str:
    """`asset:TA-0000001-H` -> `TA-0000001-H` (holders keep their kind: `person:alice`)."""
    if not key:
        return "—"
    kind, _, rest = key.partition(":")
    return rest if kind in ("asset", "pallet", "location") and rest else key


def ago(ms: int | None, now_ms: int | None = None) -> str:
    if ms is None:
        return "never"
    now = int(time.time() * 1000) if now_ms is None else now_ms
    seconds = max(0, (now - ms) // 1000)
    if seconds < 5:
        return "just now"
    if seconds < 90:
        return f"{seconds} s ago"
    if seconds < 90 * 60:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


@dataclass(frozen=True, slots=True)
class SyncBadge:
    text: str
    colour: str
    icon: str  # a name from ft.Icons
    busy: bool


def sync_badge(progress: SyncProgress) -> SyncBadge:
    """The small sync indicator shown on every screen."""
    pending = progress.pending
    waiting = f"{pending} to send" if pending else "all sent"
    if progress.state == SYNCING:
        return SyncBadge(f"Syncing · {waiting}", "#42a5f5", "SYNC", True)
    if progress.state == OFFLINE:
        return SyncBadge(f"Offline · {waiting}", "#ffa726", "CLOUD_OFF", False)
    if progress.state == STOPPED:
        return SyncBadge(f"Sync stopped · {waiting}", "#9e9e9e", "SYNC_DISABLED", False)
    if progress.rejected:
        return SyncBadge(f"{progress.rejected} refused · {waiting}", "#ef5350", "ERROR", False)
    if progress.state == IDLE and progress.last_error:
        return SyncBadge(f"Sync problem · {waiting}", "#ef5350", "ERROR", False)
    return SyncBadge(f"Synced · {waiting}", "#66bb6a", "CLOUD_DONE", False)


def audit_sentence(report: AuditReport) -> str:
    """The result of checking the store's log, in one sentence."""
    if report.ok:
        return (
            f"The store's log is intact: {report.entries} entries, "
            f"{report.heads_checked} signed heads from this device all found."
        )
    first = report.problems[0] if report.problems else "the store could not prove its log"
    more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
    return f"The store's log does NOT match what this device saw: {first}{more}. Tell IT security."


def weight_text(weight: Mapping[str, str] | None) -> str:
    """A weight as it was entered ("412.5 lb")."""
    if not weight or "value" not in weight:
        return "—"
    return f"{weight['value']} {weight.get('unit', 'kg')}"


def net_weight(gross: Mapping[str, str], tare: Mapping[str, str]) -> str:
    """Gross minus tare, in the gross weight's unit ("380 lb"); "—" when it cannot be had."""
    try:
        g, t = parse_weight(dict(gross)), parse_weight(dict(tare))
    except AssetsError:
        return "—"
    tare_value = t.value if t.unit == g.unit else (t.kg if g.unit == "kg" else t.kg / KG_PER_LB)
    net = (g.value - tare_value).quantize(Decimal("0.1"))
    return f"{net} {g.unit}"


def confirm_sentence(check: ManifestCheck) -> str:
    """What a crew's confirmation found, in one sentence."""
    if check.clean:
        return f"Contents confirmed: all {len(check.expected)} on the manifest, nothing extra."
    parts = []
    for title, keys in (
        ("missing", check.missing),
        ("extra", check.extra),
        ("on another pallet", check.unexpected),
    ):
        if keys:
            parts.append(f"{len(keys)} {title} ({', '.join(short_key(k) for k in keys[:5])})")
    return "Recorded with differences: " + "; ".join(parts) + ". A supervisor will review it."


_PREFIXES = re.compile(r"\b(asset|pallet|location):")


def plain(text: object) -> str:
    """A stored text in people's words: tags without their `asset:`/`pallet:` prefixes."""
    return _PREFIXES.sub("", str(text))


def iso_when(iso: str | None) -> str:
    """A stored ISO time as people read it ("1 Dec 10:05 UTC"); "—" when absent or odd."""
    if not iso:
        return "—"
    try:
        at = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return "—"
    return f"{at.day} {at:%b %H:%M} UTC"


def state_label(value: str | None) -> str:
    """A stored state word (`in_transit`) as a label ("In transit")."""
    if not value:
        return "—"
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]


# Conflicts whose two sides are "what was sealed" and "what arrived": titled so, not A and B.
SIDE_TITLES: dict[str, tuple[str, str]] = {
    "seal_mismatch": ("Sealed", "Received"),
    "weight_mismatch": ("Sealed", "Received"),
}
# Conflicts whose side values are weights in kg (the fold compares in kg).
KG_SIDES = frozenset({"weight_mismatch"})


def side_titles(conflict_type: object) -> tuple[str, str]:
    return SIDE_TITLES.get(str(conflict_type), ("A", "B"))


def side_value(conflict_type: object, value: object) -> str:
    """A side's value in people's words: a weight in kg and lb, a tag without its prefix."""
    if value is None or value == "":
        return "—"
    if str(conflict_type) in KG_SIDES:
        try:
            return f"{kg_text(str(value))} · {kg_text(str(value), 'lb')}"
        except ArithmeticError:  # decimal.InvalidOperation: not a figure after all
            return plain(value)
    return plain(value)


def conflict_facts(conflict: Mapping[str, object]) -> str:
    """The detail line under a conflict's title ("" when it has none)."""
    detail = conflict.get("detail")
    facts = dict(detail) if isinstance(detail, Mapping) else {}
    if conflict.get("type") == "weight_mismatch":
        return _weight_facts(conflict.get("sides"), facts)
    return plain(", ".join(f"{k}: {v}" for k, v in facts.items()))


def _figure(side: object) -> Decimal | None:
    value = side.get("value") if isinstance(side, Mapping) else None
    try:
        figure = Decimal(str(value))
    except ArithmeticError:  # decimal.InvalidOperation: not a figure
        return None
    return figure if figure.is_finite() else None


def _weight_facts(sides: object, facts: Mapping[str, object]) -> str:
    allowed = f"allowed {facts.get('tolerance_pct', '?')} %"
    pair = [_figure(s) for s in sides[:2]] if isinstance(sides, list) else []
    if len(pair) != 2 or pair[0] is None or pair[1] is None:
        return f"Weight difference {allowed}"
    sealed, received = pair[0], pair[1]
    diff = received - sealed
    sign = "+" if diff > 0 else ""
    try:
        pct = f" ({sign}{(diff * 100 / sealed).quantize(Decimal('0.1'))} %)" if sealed else ""
        return f"Received {sign}{kg_text(str(diff))}{pct} against the seal; {allowed}"
    except ArithmeticError:  # figures too large to quantize: the store checks weights first
        return f"Weight difference {allowed}"
