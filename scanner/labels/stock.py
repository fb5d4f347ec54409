"""Label stock: the table of sheets and rolls TagTrail prints on.

All lengths are PDF points (1/72 inch). A sheet stock has a grid of labels on a page; a roll
(thermal) stock is one label per page, and only roll stock gets ZPL.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.errors import UnknownStockError

POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4


def inch(value: float) -> float:
    """Inches to points."""
    return value * POINTS_PER_INCH


def mm(value: float) -> float:
    """Millimetres to points."""
    return value * POINTS_PER_INCH / MM_PER_INCH


@dataclass(frozen=True)
class Stock:
    """One kind of label stock and how its labels sit on a page."""

    name: str
    description: str
    page_width: float
    page_height: float
    label_width: float
    label_height: float
    columns: int
    rows: int
    left: float  # page edge to the first column's left edge
    top: float  # page edge to the first row's top edge
    pitch_x: float  # left edge to left edge of neighbouring columns
    pitch_y: float  # top edge to top edge of neighbouring rows
    # The printer's dot grid: module widths are whole dots, so bars print at their true width.
    # Sheets use 300 dpi, which 600 and 1200 dpi lasers also hit exactly.
    dpi: int
    # blank margin inside each label that no ink enters (feed and die-cut tolerance)
    padding: float
    roll: bool = False

    @property
    def per_page(self) -> int:
        """Labels on one page."""
        return self.columns * self.rows

    def label_origin(self, position: int) -> tuple[float, float]:
        """Top-left corner of the label at `position` (0-based, row by row) on its page.

        Measured from the page's top-left corner, y growing downwards.
        """
        slot = position % self.per_page
        row, column = divmod(slot, self.columns)
        return self.left + column * self.pitch_x, self.top + row * self.pitch_y

    def dots(self, points: float) -> int:
        """Points to whole printer dots, rounded down so a box never grows past its edge."""
        return int(points * self.dpi / POINTS_PER_INCH + 1e-6)

    def dot_mm(self) -> float:
        """The size of one printer dot in millimetres."""
        return MM_PER_INCH / self.dpi


STOCKS: dict[str, Stock] = {
    stock.name: stock
    for stock in (
        Stock(
            name="avery-5160",
            description="Avery 5160 address labels, 2.625 × 1 in, 30 on a US letter sheet",
            page_width=inch(8.5),
            page_height=inch(11),
            label_width=inch(2.625),
            label_height=inch(1),
            columns=3,
            rows=10,
            left=inch(0.1875),
            top=inch(0.5),
            pitch_x=inch(2.75),
            pitch_y=inch(1),
            dpi=300,
            padding=mm(1.5),
        ),
        Stock(
            name="avery-l7160",
            description="Avery L7160 address labels, 63.5 × 38.1 mm, 21 on an A4 sheet",
            page_width=mm(210),
            page_height=mm(297),
            label_width=mm(63.5),
            label_height=mm(38.1),
            columns=3,
            rows=7,
            left=mm(7.21),
            top=mm(15.15),
            pitch_x=mm(66.04),
            pitch_y=mm(38.1),
            dpi=300,
            padding=mm(1.5),
        ),
        Stock(
            name="thermal-2x1in",
            description="direct thermal roll, 2 × 1 in labels, 203 dpi (Zebra desktop printers)",
            page_width=inch(2),
            page_height=inch(1),
            label_width=inch(2),
            label_height=inch(1),
            columns=1,
            rows=1,
            left=0.0,
            top=0.0,
            pitch_x=inch(2),
            pitch_y=inch(1),
            dpi=203,
            padding=mm(1.0),
            roll=True,
        ),
        Stock(
            name="thermal-62x29mm",
            description="thermal roll 62 mm wide, 62 × 29 mm labels, 203 dpi",
            page_width=mm(62),
            page_height=mm(29),
            label_width=mm(62),
            label_height=mm(29),
            columns=1,
            rows=1,
            left=0.0,
            top=0.0,
            pitch_x=mm(62),
            pitch_y=mm(29),
            dpi=203,
            padding=mm(1.0),
            roll=True,
        ),
    )
}


def get_stock(stock: Stock | str) -> Stock:
    """The stock named `stock` (or `stock` itself), or UnknownStockError listing the known ones."""
    if isinstance(stock, Stock):
        return stock
    found = STOCKS.get(stock.strip().lower())
    if found is None:
        known = ", ".join(sorted(STOCKS))
        raise UnknownStockError(f"unknown label stock {stock!r}; known stocks: {known}")
    return found
