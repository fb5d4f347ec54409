"""The labelled public images of `../shared/barcodes`: which symbology, what text to expect."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scanner.backends.gtin import to_gtin13, upce_to_upca
from scanner.model import (
    CODE39,
    CODE128,
    DATAMATRIX,
    EAN8,
    EAN13,
    ITF,
    PDF417,
    QR,
    UPCA,
    UPCE,
)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".pgm", ".tif"})
# folder name prefix ("qrcode-3" -> "qrcode") -> TagTrail symbology
FOLDER_SYMBOLOGY: dict[str, str] = {
    "qrcode": QR,
    "datamatrix": DATAMATRIX,
    "code128": CODE128,
    "code39": CODE39,
    "ean13": EAN13,
    "ean8": EAN8,
    "upca": UPCA,
    "upce": UPCE,
    "itf": ITF,
    "pdf417": PDF417,
}
NO_CODE = "no code"


@dataclass(frozen=True, slots=True)
class Sample:
    path: Path
    symbology: str  # a TagTrail symbology, or NO_CODE
    expected_text: str | None
    expected_bytes: bytes | None


def default_root() -> Path:
    """`../shared/barcodes` beside the repository this package lives in."""
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "barcodes"


def _folder_kind(name: str) -> str | None:
    if name.startswith("falsepositives-"):
        return NO_CODE
    prefix, _, rest = name.partition("-")
    # "-extension" sets test EAN add-ons, which TagTrail does not read
    if not rest.isdigit():
        return None
    return FOLDER_SYMBOLOGY.get(prefix)


def load(root: Path) -> list[Sample]:
    """Every usable image under `root`: labelled ones of our symbologies and no-code ones."""
    if not root.is_dir():
        raise FileNotFoundError(f"benchmark images not found at {root} (use --images PATH)")
    samples: list[Sample] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        kind = _folder_kind(folder.name)
        if kind is None:
            continue
        for img in sorted(folder.iterdir()):
            if img.suffix.lower() not in IMAGE_SUFFIXES:
                continue
            if kind == NO_CODE:
                samples.append(Sample(img, NO_CODE, None, None))
                continue
            txt, binf = img.with_suffix(".txt"), img.with_suffix(".bin")
            if txt.exists():
                # bytes, not read_text: expected values keep their \r\n
                samples.append(Sample(img, kind, txt.read_bytes().decode("utf-8"), None))
            elif binf.exists():
                samples.append(Sample(img, kind, None, binf.read_bytes()))
            # images without their own expected file (multi-part sets) are skipped
    return samples


def _canonical(text: str) -> str:
    """EAN/UPC spelled as GTIN-13 so that 12-, 13- and 8-digit UPC forms compare equal."""
    if text.isdigit():
        if len(text) == 8 and text[0] in "01":
            upca = upce_to_upca(text)
            if upca is not None:
                return "0" + upca
        gtin = to_gtin13(text)
        if gtin is not None:
            return gtin
    return text


def matches(sample: Sample, text: str, raw: bytes) -> bool:
    """Is one decoded value the one the sample expects?"""
    if sample.expected_bytes is not None:
        return raw == sample.expected_bytes
    if sample.expected_text is None:
        return False
    return text == sample.expected_text or (_canonical(text) == _canonical(sample.expected_text))
