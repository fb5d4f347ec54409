"""Guards against wrong values: reads that cannot be right are dropped before anyone sees them."""

from __future__ import annotations

from scanner.backends.gtin import check_digit_ok
from scanner.model import EAN8, EAN13, GTIN, ITF, UPCA, UPCE, Decoded

_GTIN_LENGTH = {EAN13: 13, UPCA: 13, UPCE: 13, EAN8: 8}
# Interleaved 2 of 5 encodes digit pairs, so a read has an even number of digits.
_ITF_MIN = 2


def plausible(code: Decoded) -> bool:
    """True when a read passes the checks its symbology allows (check digits, lengths)."""
    if not code.text and not code.raw:
        return False
    if code.symbology in GTIN:
        return len(code.text) == _GTIN_LENGTH[code.symbology] and check_digit_ok(code.text)
    if code.symbology == ITF:
        return code.text.isdigit() and len(code.text) >= _ITF_MIN and len(code.text) % 2 == 0
    return True
