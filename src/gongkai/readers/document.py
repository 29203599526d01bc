"""The neutral document every reader produces: paragraphs and cell grids in reading order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gongkai.i18n import Message


@dataclass(slots=True)
class TextCell:
    """The text of one table cell and where it was printed."""

    text: str
    line: int | None = None  # 1-based source line, for text files
    column: int | None = None  # 0-based position in its row (grid column where grid=True)
    page: int | None = None
    span: int = 1  # columns covered, where the reader knows it
    confidence: float | None = None  # OCR's certainty (0–1) where the text was recognised from an image


@dataclass(slots=True)
class Paragraph:
    """A paragraph of prose and where it was printed."""

    text: str
    line: int | None = None
    page: int | None = None


@dataclass(slots=True)
class Table:
    """A table's rows of cells, as the reader found them."""

    rows: list[list[TextCell]]
    index: int = 0  # position among the document's tables
    # True when cell.column is a true grid column (Word, HTML); False when cells merely
    # follow each other in reading order (text extracted from Word or PDF).
    grid: bool = False
    layout: str = ""  # how the reader found it: cell-per-line, tab, pipe, docx, html…


Block = Paragraph | Table


@dataclass(slots=True)
class Document:
    """A file read into paragraphs and tables in reading order, whatever its type (the neutral document)."""

    path: str
    blocks: list[Block] = field(default_factory=list)
    kind: str = "text"
    encoding: str | None = None
    published: str | None = None  # YYYY-MM-DD the page says it was published (a crawler's 发布时间), if any
    # PDF: page → why pdfplumber read it rather than PDFium (readers/pdf.py)
    fallbacks: dict[int, Message] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
