"""CSV import rules: which column means what, how Snipe-IT's statuses, categories and locations
map onto TagTrail's, and which operations make the store match a row.

Pure functions over plain values; reading the file and writing the log happen in sync/server.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assets.catalogue import CATEGORIES, DATA_BEARING_CATEGORIES
from assets.custom_fields import field_value, parse_fields
from assets.errors import InvalidLocation, InvalidOperation
from assets.hlc import Stamp
from assets.locations import parse_location
from assets.merge import AssetState
from assets.operations import (
    KINDS,
    SCHEMA_VERSION,
    ObserveArgs,
    Operation,
    RegisterArgs,
    TransitionArgs,
    parse_key,
)
from assets.statuses import INITIAL_STATUS, STATUSES, transition_path

FORMATS = ("snipe-it", "tagtrail")

# The columns of TagTrail's own template, in order; custom fields follow them.
TEMPLATE_COLUMNS = (
    "tag",
    "serial",
    "make",
    "model",
    "category",
    "data_bearing",
    "storage_serials",
    "parent",
    "location",
    "status",
)

# Header (case and spacing ignored) -> what the column holds, per format.
HEADERS: dict[str, dict[str, str]] = {
    "snipe-it": {
        "asset tag": "tag",
        "serial": "serial",
        "serial number": "serial",
        "manufacturer": "make",
        "model": "model",
        "model name": "model",
        "category": "category",
        "location": "location",
        "status": "status",
        "status label": "status",
    },
    "tagtrail": {name.replace("_", " "): name for name in TEMPLATE_COLUMNS},
}

# Snipe-IT's status labels (its defaults and common ones) -> TagTrail lifecycle status.
SNIPE_IT_STATUSES: dict[str, str] = {
    "ready to deploy": "in_stock",
    "pending": "in_stock",
    "deployable": "in_stock",
    "deployed": "deployed",
    "checked out": "deployed",
    "archived": "storage",
    "out for diagnostics": "in_repair",
    "out for repair": "in_repair",
    "broken": "in_repair",
    "broken - not fixable": "surplus",
    "undeployable": "surplus",
    "retired": "surplus",
    "lost/stolen": "lost",
    "lost": "lost",
    "stolen": "lost",
}

# Words in a Snipe-IT category name -> TagTrail category; first match wins, else "other".
CATEGORY_WORDS: tuple[tuple[str, str], ...] = (
    ("laptop", "laptop"),
    ("notebook", "laptop"),
    ("chromebook", "laptop"),
    ("macbook", "laptop"),
    ("desktop", "desktop"),
    ("workstation", "desktop"),
    ("server", "server"),
    ("hard drive", "storage_device"),
    ("hdd", "storage_device"),
    ("ssd", "storage_device"),
    ("drive", "storage_device"),
    ("tape", "storage_device"),
    ("storage", "storage_device"),
    ("phone", "phone"),
    ("mobile", "phone"),
    ("tablet", "tablet"),
    ("ipad", "tablet"),
    ("switch", "network"),
    ("router", "network"),
    ("firewall", "network"),
    ("access point", "network"),
    ("network", "network"),
    ("monitor", "monitor"),
    ("display", "monitor"),
    ("printer", "printer"),
    ("keyboard", "peripheral"),
    ("mouse", "peripheral"),
    ("mice", "peripheral"),
    ("headset", "peripheral"),
    ("dock", "peripheral"),
    ("peripheral", "peripheral"),
)

_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}
_NOT_IN_NAME = re.compile(r"[^A-Z0-9_.\-]+")
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"-{2,}")


def normal(text: str) -> str:
    """A header or label as it is looked up: lower case, '_' as a space, single spaces."""
    return _SPACES.sub(" ", text.replace("_", " ").strip().lower())


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Why one row cannot be imported: its number as a spreadsheet shows it, and the column."""

    row: int
    column: str
    message: str


class RowRefused(InvalidOperation):
    """A row breaks a rule; `field` is the column (as the file names it)."""


@dataclass(frozen=True, slots=True)
class Columns:
    """What each column of a file holds: a TagTrail attribute, or a custom field's name."""

    format: str
    roles: dict[str, int]  # attribute -> column index (its first column in the file)
    fields: dict[int, str]  # column index -> custom field name
    headers: tuple[str, ...]  # each column's name as reports print it

    def header(self, role: str) -> str:
        return self.headers[self.roles[role]]


def detect_format(header: Sequence[str]) -> str | None:
    names = {normal(cell) for cell in header}
    if "asset tag" in names:
        return "snipe-it"
    if "tag" in names:
        return "tagtrail"
    return None


def map_columns(header: Sequence[str], fmt: str) -> Columns:
    """Assign each column. A blank header cell becomes 'Column N'; a repeated name (say a
    second 'Location') is kept as a custom field 'Location (2)' rather than dropped."""
    known = HEADERS[fmt]
    roles: dict[str, int] = {}
    fields: dict[int, str] = {}
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _SPACES.sub(" ", cell.strip()) or f"Column {index + 1}"
        count = seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
        if count > 1:
            name = f"{name} ({count})"
        headers.append(name)
        role = known.get(normal(cell))
        if role is not None and role not in roles and count == 1:
            roles[role] = index
        else:
            fields[index] = name
    return Columns(fmt, roles, fields, tuple(headers))


@functools.lru_cache(maxsize=4096)  # a file repeats the same few values
def map_status(raw: str, fmt: str) -> str:
    """A status cell -> TagTrail status; RowRefused naming what is known when it is not."""
    text = normal(raw)
    for value in STATUSES:
        if text in (value, normal(STATUSES.label(value)), value.replace("_", " ")):
            return value
    if fmt == "snipe-it":
        bare = re.sub(r"\s*\(.*\)$", "", text)  # "Ready to Deploy (Deployable)"
        if bare in SNIPE_IT_STATUSES:
            return SNIPE_IT_STATUSES[bare]
        known = ", ".join(sorted(SNIPE_IT_STATUSES))
        raise RowRefused("status", f"'{raw[:60]}' is not in the status table ({known})")
    raise RowRefused("status", f"'{raw[:60]}' is not a TagTrail status ({', '.join(STATUSES)})")


@functools.lru_cache(maxsize=4096)  # a file repeats the same few values
def map_category(raw: str, fmt: str) -> str:
    text = normal(raw)
    for value in CATEGORIES:
        if text in (value, normal(CATEGORIES.label(value)), value.replace("_", " ")):
            return value
    if fmt == "tagtrail":
        raise RowRefused("category", f"'{raw[:60]}' is not one of {', '.join(CATEGORIES)}")
    return next((cat for word, cat in CATEGORY_WORDS if word in text), "other")


@functools.lru_cache(maxsize=4096)  # a file repeats the same few values
def map_location(raw: str, site: str | None) -> str:
    """A location cell -> a TagTrail path. A path already under `site` (or any path when no
    site is given) is taken as it is; a Snipe-IT location name goes under the site as one
    place, e.g. 'Main Office - Room 101' at site HQ -> HQ/MAIN-OFFICE-ROOM-101."""
    text = raw.strip()
    try:
        path = parse_location(text).key
    except InvalidLocation as exc:
        path = None
        why = str(exc)
    if path is not None and (site is None or path.split("/", 1)[0] == site.upper()):
        return path
    if site is None:
        raise RowRefused("location", f"{why}; give --site to place Snipe-IT locations in a site")
    name = _DASHES.sub("-", _NOT_IN_NAME.sub("-", text.upper())).strip("-._")[:40].strip("-._")
    if not name:
        raise RowRefused("location", f"'{text[:60]}' has no letters or digits to name a place")
    try:
        return parse_location(f"{site}/{name}").key
    except InvalidLocation as exc:
        raise RowRefused("location", str(exc)) from exc


def _flag(raw: str, column: str) -> bool | None:
    text = normal(raw)
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise RowRefused(column, f"'{raw[:20]}' is not yes or no")


@dataclass(frozen=True, slots=True)
class AssetRow:
    """What one row says an asset is: its register arguments, where it is, its status."""

    row: int
    key: str
    details: dict[str, object]  # register / describe arguments, wire form
    parsed: RegisterArgs  # the same, as the log will read them
    location: str | None
    status: str | None
    sources: dict[str, str] = field(default_factory=dict)  # role -> the cell as written


def read_row(number: int, cells: Sequence[str], columns: Columns, site: str | None) -> AssetRow:
    """One data row -> AssetRow; RowRefused naming the column at the first fault."""
    if columns.format == "tagtrail":
        cells = [from_spreadsheet(cell) for cell in cells]
    role_cells = {
        role: cells[index].strip() if index < len(cells) else ""
        for role, index in columns.roles.items()
    }
    for role, text in role_cells.items():
        _check_cell(text, columns.header(role))
    tag = role_cells.get("tag", "")
    if not tag:
        raise RowRefused(columns.header("tag"), "every row needs an asset tag")
    try:
        key = parse_key(f"asset:{tag}", "tag", "asset")
    except InvalidOperation as exc:
        raise RowRefused(columns.header("tag"), exc.message) from exc
    details = _details(role_cells, columns)
    parsed = _check_details(details, columns)
    fields = {
        name: cells[index] if index < len(cells) else "" for index, name in columns.fields.items()
    }
    try:
        pairs = parse_fields(fields)
    except InvalidOperation as exc:
        raise RowRefused(exc.field.removeprefix("fields."), exc.message) from exc
    details["fields"] = dict(pairs)
    parsed = replace(parsed, fields=pairs)
    if parsed.parent == key:
        raise RowRefused(columns.header("parent"), "an asset cannot be its own parent")
    location = None
    if role_cells.get("location"):
        location = _in_column(columns, "location", map_location, role_cells["location"], site)
    status = None
    if role_cells.get("status"):
        status = _in_column(columns, "status", map_status, role_cells["status"], columns.format)
    return AssetRow(number, key, details, parsed, location, status, role_cells)


def _check_cell(text: str, column: str) -> None:
    try:
        field_value(text, column)
    except InvalidOperation as exc:
        raise RowRefused(column, exc.message) from exc


def _in_column(
    columns: Columns, role: str, mapper: Callable[[str, Any], str], raw: str, extra: object
) -> str:
    try:
        return mapper(raw, extra)
    except RowRefused as exc:
        raise RowRefused(columns.header(role), exc.message) from exc


def _details(cells: Mapping[str, str], columns: Columns) -> dict[str, object]:
    category = "other"
    if cells.get("category"):
        category = _in_column(columns, "category", map_category, cells["category"], columns.format)
    details: dict[str, object] = {"category": category}
    for role, name in (("serial", "serial"), ("make", "make"), ("model", "model")):
        if cells.get(role):
            details[name] = cells[role]
    bearing = None
    if cells.get("data_bearing"):
        bearing = _flag(cells["data_bearing"], columns.header("data_bearing"))
    details["data_bearing"] = category in DATA_BEARING_CATEGORIES if bearing is None else bearing
    if cells.get("storage_serials"):
        details["storage_serials"] = [
            s for s in re.split(r"[\s;,]+", cells["storage_serials"]) if s
        ]
    if cells.get("parent"):
        parent = cells["parent"]
        details["parent"] = parent if parent.startswith("asset:") else f"asset:{parent}"
    return details


# A register argument's fault -> the column to blame.
_ARG_ROLES = {
    "serial": "serial",
    "make": "make",
    "model": "model",
    "category": "category",
    "storage_serials": "storage_serials",
    "parent": "parent",
}


def _check_details(details: dict[str, object], columns: Columns) -> RegisterArgs:
    """Parse the arguments as the log will; name the file's column when they are refused."""
    try:
        parsed: RegisterArgs = KINDS["register"].parse_args(details)
    except InvalidOperation as exc:
        head = exc.field.removeprefix("args.").partition(".")[0]
        role = _ARG_ROLES.get(head)
        column = columns.header(role) if role in columns.roles else head
        raise RowRefused(column, exc.message) from exc
    return parsed


@dataclass(frozen=True, slots=True)
class Step:
    """One operation the import will write for a row: its wire arguments and, already
    parsed by the kind's own parser, the arguments the log will read back from them."""

    kind: str
    args: dict[str, object]
    parsed: RegisterArgs | ObserveArgs | TransitionArgs
    expects: dict[str, str | None] = field(default_factory=dict)

    def operation(  # noqa: PLR0917 - the envelope's own fields, in its order
        self, op_id: str, device_id: str, device_seq: int, hlc: Stamp, actor: str, target: str
    ) -> Operation:
        """The step as an operation. Its parts were checked when the row was read (the same
        parsers parse_operation runs), so it is not parsed a second time: a 100,000-row file
        would spend a fifth of its import doing so."""
        return Operation(
            op_id,
            device_id,
            device_seq,
            hlc,
            actor,
            self.kind,
            target,
            self.parsed,
            self.expects,
            SCHEMA_VERSION,
            self.args,
        )


def described(state: AssetState) -> RegisterArgs:
    """The details an asset holds now, in the shape a register's arguments parse to."""
    return RegisterArgs(
        serial=state.serial,
        make=state.make,
        model=state.model,
        category=state.category,
        data_bearing=state.data_bearing,
        storage_serials=state.storage_serials,
        parent=state.parent,
        fields=tuple(sorted(state.fields.items())),
    )


def steps_for(row: AssetRow, current: AssetState | None) -> list[Step]:
    """The operations that make the store say what the row says; [] when it already does."""
    steps: list[Step] = []
    if current is None or not current.registered:
        steps.append(Step("register", row.details, row.parsed))
        status, location = INITIAL_STATUS, None
    else:
        if row.parsed != described(current):
            steps.append(Step("describe", row.details, row.parsed))
        status, location = current.status, current.location
    if row.location is not None and row.location != location:
        steps.append(Step("observe", {"location": row.location}, ObserveArgs(row.location)))
    if row.status is not None and row.status != status:
        path = transition_path(status, row.status)
        if path is None:
            raise RowRefused(
                "status",
                f"the asset is {STATUSES.label(status)} in the store, and "
                f"{STATUSES.label(row.status)} cannot follow it",
            )
        for step in path:
            args: dict[str, object] = {"to": step, "reason": "import"}
            parsed = TransitionArgs(step, "import")
            steps.append(Step("transition", args, parsed, {"status": status}))
            status = step
    return steps


def problem(row: int, exc: InvalidOperation) -> RowProblem:
    return RowProblem(row, exc.field, exc.message)


# A cell a spreadsheet would run as a formula (=, +, @, or a tab/CR first) is written with a
# leading apostrophe, which spreadsheets show as text; reading TagTrail's template drops it.
_FORMULA_START = ("=", "+", "@", "\t", "\r", "-")


def spreadsheet_safe(value: str) -> str:
    if not value.startswith(_FORMULA_START) or value == "-" or _is_number(value):
        return value
    return "'" + value


def from_spreadsheet(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def template_row(state: AssetState, field_names: Sequence[str]) -> list[str]:
    """An asset as a row of TagTrail's template (TEMPLATE_COLUMNS, then the fields named)."""
    cells = [
        state.key.removeprefix("asset:"),
        state.serial or "",
        state.make or "",
        state.model or "",
        state.category,
        "yes" if state.data_bearing else "no",
        " ".join(state.storage_serials),
        (state.parent or "").removeprefix("asset:"),
        state.location or "",
        state.status,
    ]
    return cells + [state.fields.get(name, "") for name in field_names]
