"""`tagtrail labels`: print TagTrail asset, location and pallet labels as PDF sheets or ZPL.

The domain (assets.tags) makes the tag texts and their URLs; the scanner's label renderer turns
them into Code 128, QR code and text on the chosen stock.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from assets.errors import AssetsError
from assets.tags import TAG_KINDS, make_tag, resolve, tag_url
from scanner.errors import ScannerError
from scanner.labels import STOCKS, LabelContent, get_stock, labels_zpl, write_sheet_pdf

TITLES = {"asset": "Asset", "location": "Location", "pallet": "Pallet"}
# below this many labels a progress bar would only flicker
PROGRESS_FROM = 50


def numbered_labels(
    kind: str, start: int, count: int, *, title: str | None = None, lines: Sequence[str] = ()
) -> list[LabelContent]:
    """Labels for tags `start` … `start + count - 1` of `kind`, each QR carrying the tag URL."""
    contents = []
    for number in range(start, start + count):
        tag = make_tag(kind, number)
        contents.append(
            LabelContent(
                code=tag,
                qr=tag_url(tag),
                title=TITLES[kind] if title is None else title,
                lines=tuple(lines),
            )
        )
    return contents


def text_label(text: str, *, title: str | None = None, lines: Sequence[str] = ()) -> LabelContent:
    """A label for an explicit text.

    A TagTrail tag (in any case, with or without hyphens) is printed in its canonical form with
    its URL in the QR; a damaged tag (wrong check character) is refused; any other text is
    printed as it is in both symbols.
    """
    found = resolve(text)
    if found.kind == "invalid_tag":
        raise click.BadParameter(f"{text!r}: {found.problem}", param_hint="--text")
    if found.is_tagtrail_tag:
        tag = found.fields["tag"]
        kind = found.fields["tag_kind"]
        heading = TITLES.get(kind, "") if title is None else title
        return LabelContent(code=tag, qr=tag_url(tag), title=heading, lines=tuple(lines))
    return LabelContent(code=text, qr=text, title=title or "", lines=tuple(lines))


@contextmanager
def _progress(total: int, what: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long runs, or None for short ones."""
    if total < PROGRESS_FROM:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=total)

        def advance(done: int, _total: int) -> None:
            bar.update(task, completed=done)

        yield advance


@click.command("labels")
@click.option("--kind", type=click.Choice(TAG_KINDS), help="Print numbered tags of this kind.")
@click.option(
    "--start", type=click.IntRange(min=0), default=1, show_default=True, help="First tag number."
)
@click.option(
    "--count",
    type=click.IntRange(min=1),
    help="How many numbered tags (default: one sheet, or one label on roll stock).",
)
@click.option(
    "--text",
    "texts",
    multiple=True,
    metavar="TEXT",
    help="Print a label for this exact text (repeatable); TagTrail tags get their URL as QR.",
)
@click.option(
    "--stock",
    type=click.Choice(sorted(STOCKS)),
    default="avery-5160",
    show_default=True,
    help="Label stock.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (PDF, or ZPL with --zpl). ZPL goes to stdout without it.",
)
@click.option("--zpl", is_flag=True, help="Write ZPL for a Zebra printer (roll stock only).")
@click.option("--title", help="Heading on each label (default: Asset, Location or Pallet).")
@click.option("--line", "lines", multiple=True, metavar="TEXT", help="Extra line (repeatable).")
@click.option(
    "--skip",
    type=click.IntRange(min=0),
    default=0,
    help="Labels already used on the first sheet; printing starts after them.",
)
@click.option("--outline", is_flag=True, help="Draw label edges (to check alignment on paper).")
def labels(  # noqa: PLR0917  (click passes every option as an argument)
    kind: str | None,
    start: int,
    count: int | None,
    texts: tuple[str, ...],
    stock: str,
    output: Path | None,
    zpl: bool,
    title: str | None,
    lines: tuple[str, ...],
    skip: int,
    outline: bool,
) -> None:
    """Print TagTrail labels: Code 128, QR code and text, as PDF sheets or ZPL.

    \b
    tagtrail labels --kind asset --start 1 --count 30 --stock avery-5160 -o labels.pdf
    tagtrail labels --kind pallet --count 5 --stock thermal-2x1in --zpl -o pallets.zpl
    tagtrail labels --text TA-0001234-K --text TL-0000042-7 -o two.pdf
    """
    chosen = get_stock(stock)
    if kind is None and not texts:
        raise click.UsageError("say what to print: --kind (numbered tags) or --text")
    if zpl and not chosen.roll:
        rolls = ", ".join(name for name, s in sorted(STOCKS.items()) if s.roll)
        raise click.UsageError(f"--zpl needs roll stock ({rolls}); {stock} is a sheet")
    if not zpl and output is None:
        raise click.UsageError("a PDF needs a file: add -o FILE.pdf")
    try:
        contents = [text_label(text, title=title, lines=lines) for text in texts]
        if kind is not None:
            how_many = count if count is not None else (1 if chosen.roll else chosen.per_page)
            contents += numbered_labels(kind, start, how_many, title=title, lines=lines)
        pages = 0
        with _progress(len(contents), "Rendering labels") as progress:
            if zpl:
                text = labels_zpl(contents, chosen, progress=progress)
                if output is None:
                    sys.stdout.write(text)
                else:
                    output.write_text(text, encoding="utf-8")
                pages = len(contents)
            elif output is not None:
                pages = write_sheet_pdf(
                    contents, chosen, output, skip=skip, outline=outline, progress=progress
                )
    except (ScannerError, AssetsError) as exc:
        raise click.ClickException(str(exc)) from exc
    if output is not None:
        unit = "label formats" if zpl else ("pages" if pages != 1 else "page")
        click.echo(f"{len(contents)} labels on {chosen.name}: {output} ({pages} {unit})", err=True)
