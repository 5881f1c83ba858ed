"""A4 business documents (purchase orders, commercial invoices) drawn with ReportLab.

Every document has the same frame: a bold title, a few lines of facts, up to three party
blocks side by side, a table that continues on the next page with its headings repeated,
and closing lines under the table. Positions are in millimetres from the left edge.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

# (heading, x in mm, right-aligned): a right-aligned column's x is its right edge.
Column = tuple[str, float, bool]

LINE_HEIGHT = 5 * mm
BLOCK_LINE_HEIGHT = 4.5 * mm
BOTTOM = 25 * mm
LEFT = 15 * mm
RIGHT = 195 * mm
BLOCK_X_MM = (15, 80, 145)


class DocumentPdf:
    """One A4 document being drawn; ``y`` is where the next line goes."""

    def __init__(self, title: str, heading: str, *, compress: bool = True) -> None:
        self._buffer = io.BytesIO()
        # invariant=1 leaves out the creation time, so the same document gives the same bytes.
        self.canvas = Canvas(
            self._buffer, pagesize=A4, pageCompression=1 if compress else 0, invariant=1
        )
        self.canvas.setTitle(title)
        self.height = A4[1]
        self.canvas.setFont("Helvetica-Bold", 16)
        self.canvas.drawString(LEFT, self.height - 20 * mm, heading)
        self.y = self.height - 20 * mm

    def facts(self, lines: Sequence[str]) -> None:
        """Lines of facts under the title (date, currency, terms)."""
        self.canvas.setFont("Helvetica", 9)
        for index, text in enumerate(lines):
            self.canvas.drawString(LEFT, self.height - (28 + 5 * index) * mm, text)

    def parties(self, top_mm: float, blocks: Sequence[tuple[str, Sequence[str]]]) -> None:
        """Party blocks (a bold title over its lines) side by side, ``top_mm`` below the top."""
        top = self.height - top_mm * mm
        for x_mm, (title, lines) in zip(BLOCK_X_MM, blocks, strict=False):
            self.canvas.setFont("Helvetica-Bold", 9)
            self.canvas.drawString(x_mm * mm, top, title)
            self.canvas.setFont("Helvetica", 9)
            for index, text in enumerate((line for line in lines if line), start=1):
                self.canvas.drawString(x_mm * mm, top - index * BLOCK_LINE_HEIGHT, text)
        self.y = top

    def table(
        self, gap_mm: float, columns: Sequence[Column], rows: Iterable[Sequence[str]]
    ) -> None:
        """A table ``gap_mm`` under the party blocks, its headings repeated on every page."""
        headings = [heading for heading, _x, _right in columns]
        self.y -= gap_mm * mm
        self._row(columns, headings, "Helvetica-Bold")
        for cells in rows:
            self.y -= LINE_HEIGHT
            if self.y < BOTTOM:
                self._new_page()
                self._row(columns, headings, "Helvetica-Bold")
                self.y -= LINE_HEIGHT
            self._row(columns, cells)
        self.y -= 2 * LINE_HEIGHT
        if self.y < BOTTOM:
            self._new_page()

    def total(self, text: str) -> None:
        """The bold total under the table, on the right."""
        self.canvas.setFont("Helvetica-Bold", 9)
        self.canvas.drawRightString(RIGHT, self.y, text)

    def closing(self, lines_below: int, text: str, *, right: bool = False, size: int = 9) -> None:
        """A plain line ``lines_below`` lines under the total (a note, weights, a declaration)."""
        self.canvas.setFont("Helvetica", size)
        y = self.y - lines_below * LINE_HEIGHT
        if right:
            self.canvas.drawRightString(RIGHT, y, text)
        else:
            self.canvas.drawString(LEFT, y, text)

    def finish(self) -> bytes:
        """The PDF's bytes."""
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()

    def _new_page(self) -> None:
        self.canvas.showPage()
        self.y = self.height - 20 * mm

    def _row(
        self, columns: Sequence[Column], cells: Sequence[str], font: str = "Helvetica"
    ) -> None:
        self.canvas.setFont(font, 8)
        for (_heading, x, right), text in zip(columns, cells, strict=True):
            if right:
                self.canvas.drawRightString(x * mm, self.y, text)
            else:
                self.canvas.drawString(x * mm, self.y, text)
