"""GTIN arithmetic shared by back-ends and the guard: check digits, UPC-E expansion."""

from __future__ import annotations


def check_digit_ok(digits: str) -> bool:
    """True when `digits` is all digits and its last digit is the GS1 mod-10 check digit."""
    if len(digits) < 2 or not digits.isdigit():
        return False
    body = [int(c) for c in digits[:-1]]
    # weights 3,1,3,1... from the right of the body
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(digits[-1])


def upce_to_upca(upce: str) -> str | None:
    """Expand an 8-digit UPC-E (number system, 6 data digits, check) to its 12-digit UPC-A."""
    if len(upce) != 8 or not upce.isdigit() or upce[0] not in "01":
        return None
    ns, d, check = upce[0], upce[1:7], upce[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return ns + body + check


def to_gtin13(digits: str) -> str | None:
    """A 12- or 13-digit UPC/EAN as a 13-digit GTIN (UPC-A gains a leading 0)."""
    if not digits.isdigit():
        return None
    if len(digits) == 12:
        return "0" + digits
    if len(digits) == 13:
        return digits
    return None
