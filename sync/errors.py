"""Errors of the sync package: one root for the device side, the server side and the protocol."""

from __future__ import annotations


class SyncError(Exception):
    """Root of every error the sync package raises."""


# ---- device side ------------------------------------------------------------------------


class DeviceError(SyncError):
    """Root of the errors raised on a technician's device (local store, service, engine)."""


class DeviceDatabaseError(DeviceError):
    """The device database cannot be opened or upgraded (e.g. written by a newer app)."""


class InvalidInput(DeviceError):
    """A service call with input the domain core refuses; nothing was written.

    `message` is the sentence to show the technician; `cause` is the domain error behind it.
    """

    def __init__(self, message: str, cause: Exception | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause


class NotSignedIn(DeviceError):
    """An operation was attempted with nobody signed in on the device."""


class EngineAlreadyRunning(DeviceError):
    """Another sync engine (this process or another) already holds this device database."""


class NotEnrolled(DeviceError):
    """The device has no token yet: it must enrol before it can sync."""


class ServerRefused(DeviceError):
    """The central store answered with an error the engine cannot retry its way out of."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"the central store refused the request ({status}): {message}")
        self.status = status


class StoreError(SyncError):
    """Root of the central store's errors; each carries a stable code and an HTTP status."""

    status = 400
    code = "store_error"

    def __init__(self, message: str, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class BadRequest(StoreError):
    status, code = 422, "invalid_request"


class NotFound(StoreError):
    status, code = 404, "not_found"


class Unauthorized(StoreError):
    status, code = 401, "unauthorized"


class Forbidden(StoreError):
    status, code = 403, "forbidden"


class TooLarge(StoreError):
    status, code = 413, "too_large"


class SequenceGap(StoreError):
    """A push that skips device sequence numbers: resend from `expected_seq`."""

    status, code = 409, "gap"


class DeviceActive(StoreError):
    """Enrolment of a device id that is still active: an admin must revoke it first."""

    status, code = 409, "device_active"


class TooManyAttempts(StoreError):
    """Sign-ins refused for a while after repeated wrong PINs; `retry_after` is in seconds."""

    status, code = 429, "locked"

    def __init__(self, message: str, retry_after: int, **extra: object) -> None:
        super().__init__(message, retry_after=retry_after, **extra)
        self.retry_after = retry_after


class TagsUsedUp(StoreError):
    """A run of new tags asked for when too few numbers of its kind are left."""

    status, code = 409, "tags_used_up"


class RunOutOfReach(StoreError):
    """A run of new tags reported as numbered offline, starting where no device could count."""

    status, code = 409, "run_out_of_reach"


class AlreadyDecided(StoreError):
    """A decision on a conflict that another decision already closed."""

    status, code = 409, "already_decided"


class ConfigError(StoreError):
    """A setting of the store (database URL, key file) is unusable."""

    status, code = 500, "config"


class DatabaseUnavailable(StoreError):
    """The store's database cannot be reached or opened (server down, wrong URL, no rights)."""

    status = 503
    code = "database_unavailable"


class TamperDetected(StoreError):
    """The operation log does not match its hash chain or its signed heads."""

    status, code = 500, "tampered"


class ServerUnreachable(DeviceError):
    """The central store could not be reached or answered 5xx/429: retry later with backoff."""


class SignInLocked(DeviceError):
    """Sign-in answered 429: too many wrong PINs; the store accepts sign-ins again later."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after  # seconds


class DeviceIdTaken(DeviceError):
    """Enrolment answered 409: this device id is active; an admin must revoke it first."""


class PushGap(DeviceError):
    """Push answered 409: the store expects the device's operations from `expected_seq`."""

    def __init__(self, expected_seq: int, acked_through: int) -> None:
        super().__init__(f"the central store expects operations from #{expected_seq}")
        self.expected_seq = expected_seq
        self.acked_through = acked_through


class BatchTooLarge(DeviceError):
    """Push answered 413: send a smaller batch."""


class ResnapshotRequired(DeviceError):
    """The store no longer keeps changes from this device's cursor: pull from the start."""
