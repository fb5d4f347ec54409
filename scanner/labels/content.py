"""What one label says: the Code 128 text, the QR payload and the human-readable lines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelContent:
    """The payloads and words of one label.

    `code` is carried by the Code 128 and printed in bold (normally the tag text, such as
    "TA-0001234-K"); `qr` is the QR payload (normally the tag URL) and defaults to `code`;
    `title` is a small heading ("Asset"); `lines` are optional small extra lines (a site, a
    model). Titles and extra lines too wide for the label are shortened with an ellipsis.
    """

    code: str
    qr: str | None = None
    title: str = ""
    lines: tuple[str, ...] = ()

    @property
    def qr_payload(self) -> str:
        """The QR payload: `qr`, or the Code 128 text when no separate payload was given."""
        return self.code if self.qr is None else self.qr
