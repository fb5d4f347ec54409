"""CSV files: reading one as people have it (its header and rows, or a FileRefused saying why
not), and writing one as spreadsheets read it (`write`).

Bytes are decoded by their byte-order mark (UTF-8, UTF-16), else as UTF-8, else as
Windows-1252 (what Excel on Windows writes). The dialect (comma, semicolon, tab; quoting) is the
csv module's Sniffer's guess from the start of the file, the excel dialect when it cannot
tell. Line ends CR, LF and CRLF all read; the reader is strict, so a file cut inside a quoted
field, or a stray quote, is refused with its line number rather than read as something else.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from assets.imports import spreadsheet_safe
from sync.errors import BadRequest

SNIFF_CHARS = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class FileRefused(BadRequest):
    """The file as a whole cannot be read (encoding, quoting, no header)."""

    code = "file_refused"


@dataclass(frozen=True, slots=True)
class CsvText:
    text: str
    encoding: str
    delimiter: str
    dialect: type[csv.Dialect] | csv.Dialect


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of the file's bytes."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise FileRefused(f"the file starts as {encoding} but is not: {exc}") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"the file is neither UTF-8 nor Windows-1252 (byte {exc.start}): "
            "save it as CSV UTF-8 and try again"
        ) from exc


def sniff(text: str) -> CsvText:
    sample = text[:SNIFF_CHARS]
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):  # one column, or too little to tell: excel reads it
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    if dialect.delimiter not in sample.partition("\n")[0]:
        dialect = csv.excel  # a guess the header line does not bear out
    return CsvText(text, "", dialect.delimiter, dialect)


def open_csv(data: bytes) -> CsvText:
    text, encoding = decode(data)
    found = sniff(text)
    return CsvText(found.text, encoding, found.delimiter, found.dialect)


def rows(source: CsvText) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells) for each row, the header being row 1.
    Blank rows are skipped (but counted, as a spreadsheet counts them). FileRefused at the
    first row the csv module cannot read."""
    reader = csv.reader(
        io.StringIO(source.text, newline=""),
        delimiter=source.delimiter,
        quotechar=source.dialect.quotechar or '"',
        doublequote=True,
        skipinitialspace=bool(source.dialect.skipinitialspace),
        strict=True,
    )
    number, line = 0, 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileRefused(
                f"row {number} (line {line}): {exc} — the file may be cut short inside a "
                "quoted value, or hold a stray quote; export it again",
                row=number,
                line=line,
            ) from exc
        if any(cell.strip() for cell in cells):
            yield number, cells
        line = reader.line_num + 1


def write(rows: Iterable[Sequence[object]], page: int = 1000) -> Iterator[str]:
    """CSV text a chunk of `page` rows at a time: a byte-order mark first (so spreadsheets read
    accents right), the excel dialect (quotes as needed, CRLF line ends), None as an empty
    cell, and every cell written so a spreadsheet shows it as text, never runs it as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for count, cells in enumerate(rows, 1):
        writer.writerow([spreadsheet_safe("" if c is None else str(c)) for c in cells])
        if count % page == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
