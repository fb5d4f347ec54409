"""ZPL II for Zebra thermal printers, from the same layout as the PDF and raster labels.

The printer draws the symbols itself (^BC Code 128, ^BQ QR Code), so bars land on its own dot
grid; the field data is written so that the printer makes exactly the symbols the layout
measured: Code 128 with explicit code-set invocations taken from python-barcode's encoding,
and QR Code in manual byte mode at the error level and mask segno chose.

Data never reaches the printer raw: every field uses ^FH (hex escapes with "_"), and the
characters ZPL would read as commands (^ and ~), the escape character itself and anything
outside printable ASCII are sent as _XX hex bytes (UTF-8, announced with ^CI28).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from scanner.errors import LabelError
from scanner.labels.content import LabelContent
from scanner.labels.layout import LabelLayout, layout_label
from scanner.labels.stock import Stock, get_stock
from scanner.labels.symbols import START_A, START_B, START_C, Code128Symbol

HEX_ESCAPE = "_"
# ^BQ prints its symbol this many dots below the field origin, so the origin is raised by it.
QR_TOP_OFFSET = 10
MAX_MAGNIFICATION = 10  # ^BQ and ^BY accept 1 to 10 dots per module

# Code 128 code-set switches and starts as ZPL invocation codes.
_STARTS = {START_A: (">9", "A"), START_B: (">:", "B"), START_C: (">;", "C")}
_CODE_A, _CODE_B, _CODE_C = 101, 100, 99  # switch values (CODE B is FNC4 inside set B)
# Set B values ZPL cannot take as plain text: ">" and "~" have invocation codes, DEL too.
_SET_B_INVOCATIONS = {30: ">0", 94: ">=", 95: ">1"}


def escape_field(text: str | bytes) -> str:
    """Field data safe inside ^FH_^FD … ^FS: command characters and non-ASCII as _XX."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    out = []
    for byte in data:
        char = chr(byte)
        if byte < 0x20 or byte > 0x7E or char in "^~" + HEX_ESCAPE:
            out.append(f"{HEX_ESCAPE}{byte:02X}")
        else:
            out.append(char)
    return "".join(out)


def code128_field(symbol: Code128Symbol) -> str:
    """The ^BC field data (for ^FH_) that makes exactly `symbol`'s code values.

    Set C and set A values are written as digit pairs, set B values as their characters; the
    printer adds the check value and stop pattern.
    """
    start, code_set = _STARTS[symbol.values[0]]
    out = [start]
    for value in symbol.values[1:]:
        if code_set != "C" and value == _CODE_C:
            out.append(">5")
            code_set = "C"
        elif code_set != "B" and value == _CODE_B:
            out.append(">6")
            code_set = "B"
        elif code_set != "A" and value == _CODE_A:
            out.append(">7")
            code_set = "A"
        elif code_set == "B":
            out.append(_SET_B_INVOCATIONS.get(value) or escape_field(chr(value + 32)))
        else:
            out.append(f"{value:02d}")
    return "".join(out)


def label_zpl(layout: LabelLayout) -> str:
    """One ^XA … ^XZ label format for `layout` (roll stock only)."""
    stock = layout.stock
    if not stock.roll:
        raise LabelError(
            f"ZPL is for thermal roll stock; {stock.name} is a sheet for office printers "
            "(print it as PDF)"
        )
    for what, module in (("Code 128", layout.bar_module), ("QR", layout.qr_module)):
        if module > MAX_MAGNIFICATION:
            raise LabelError(f"the {what} module of {module} dots is more than ZPL can print")
    bars, qr = layout.bars, layout.qr_box
    qr_symbol = layout.qr
    fields = [
        "^XA",
        "^CI28",
        f"^PW{layout.width}",
        f"^LL{layout.height}",
        "^LH0,0",
        f"^FO{bars.x},{bars.y}^BY{layout.bar_module}^BCN,{bars.h},N,N,N,N"
        f"^FH{HEX_ESCAPE}^FD{code128_field(layout.code128)}^FS",
        f"^FO{qr.x},{max(0, qr.y - QR_TOP_OFFSET)}"
        f"^BQN,2,{layout.qr_module},{qr_symbol.error},{qr_symbol.mask}"
        f"^FH{HEX_ESCAPE}^FD{qr_symbol.error}M,B{len(qr_symbol.data):04d}"
        f"{escape_field(qr_symbol.data)}^FS",
    ]
    fields.extend(
        f"^FT{line.x},{line.baseline}^A0N,{line.size},{line.size}"
        f"^FH{HEX_ESCAPE}^FD{escape_field(line.text)}^FS"
        for line in layout.lines
        if line.text
    )
    fields += ["^PQ1", "^XZ"]
    return "\n".join(fields) + "\n"


def labels_zpl(
    contents: Sequence[LabelContent],
    stock: Stock | str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """ZPL for `contents` on roll `stock`, one label format each.

    Every label is laid out first, so a payload that cannot be printed raises its LabelError
    before any ZPL is produced. `progress` is called with (labels done, labels in all).
    """
    stock = get_stock(stock)
    if not contents:
        raise LabelError("no labels to print")
    formats = []
    for done, content in enumerate(contents, start=1):
        formats.append(label_zpl(layout_label(content, stock)))
        if progress is not None:
            progress(done, len(contents))
    return "".join(formats)
