"""Errors of the domain core: one root, a specific class per fault, messages a technician can act on."""

from __future__ import annotations


class AssetsError(Exception):
    """Root of every error the domain core raises."""


class InvalidOperation(AssetsError, ValueError):
    """An operation envelope or its arguments break a rule; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class UnsupportedSchema(InvalidOperation):
    """An operation written by a newer app than this one understands: keep it, do not apply it."""


class UnknownKind(InvalidOperation):
    """An operation kind this version does not know: keep it, do not apply it."""


class TransitionRefused(AssetsError):
    """A lifecycle transition the table does not allow."""


class InvalidGrade(AssetsError, ValueError):
    """A condition grade outside the R2v3 scales or the letter scale."""


class InvalidWeight(AssetsError, ValueError):
    """A weight that is negative, not a number, or in an unknown unit."""


class InvalidLocation(AssetsError, ValueError):
    """A location key that does not parse."""


class ClockDriftError(AssetsError):
    """A clock stamp further in the future than the allowed drift."""


class InvalidTag(AssetsError, ValueError):
    """A tag asked to be built or printed from bad parts: unknown kind, number out of range,
    characters outside the check alphabet. Scans never raise it: `resolve` reports instead."""
