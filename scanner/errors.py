"""The scanner's errors: one root, so callers can catch everything the scanner raises."""

from __future__ import annotations


class ScannerError(Exception):
    """Root of every error the scanner package raises."""


class ImageError(ScannerError):
    """An image could not be used: missing, empty, corrupt, truncated, too large, wrong type."""


class ImageTooLargeError(ImageError):
    """An image has more pixels than the scanner accepts (protects memory)."""


class BackendError(ScannerError):
    """No decoding back-end is available, or a named one is not installed."""


class SourceError(ScannerError):
    """A frame source could not be opened or read (file, video, camera)."""


class CameraUnavailableError(SourceError):
    """A camera is missing, busy or did not deliver a frame in time."""


class LabelError(ScannerError):
    """A label could not be rendered; the subclasses say why."""


class UnknownStockError(LabelError):
    """A label stock name is not in the table of stocks."""


class EmptyPayloadError(LabelError):
    """A label was asked to carry an empty Code 128 text or QR payload."""


class UnencodablePayloadError(LabelError):
    """A payload holds characters its symbol cannot carry (Code 128 is ASCII only)."""


class PayloadTooLongError(LabelError):
    """A payload is too long for its symbol, or for the label stock at the minimum module size."""
