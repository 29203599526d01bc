"""The data model of an annual report: metadata, sections and table cells with their sources.

Plain dataclasses keep parsing fast; the JSON Schema is derived from them on demand
(see gongkai.export.schema), so pydantic is only imported by the commands that need it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Number = int | float
Severity = Literal["error", "warning", "info"]


@dataclass(slots=True)
class Source:
    """Where a piece of a report came from; every field that the reader knows is set."""

    file: str
    line: int | None = None  # 1-based line in a text file
    column: int | None = None  # 0-based cell position in its row, where the layout has one
    page: int | None = None
    table: int | None = None  # 0-based index of the table in the document
    row: int | None = None  # 0-based row within that table


@dataclass(slots=True)
class Cell:
    """One table cell: its value, the text it was read from, and where."""

    key: str  # flat cell key from cell-keys.md
    value: Number | None
    raw: str  # the text as printed
    source: Source
    unit: str | None = None  # a unit typed into the cell (万, 元, 件…)
    note: str | None = None  # why the value is what it is: none_word, blank, unreadable, …
    confidence: float | None = None  # OCR's certainty (0–1) where read from an image; None from text


@dataclass(slots=True)
class Section:
    """One of the six numbered sections, as printed."""

    number: int  # 1..6: which official section the heading names
    heading: str  # the heading line as printed
    numbering: str  # the numbering as printed (一、 / 4、 / …)
    text: str  # the prose of the section (tables excluded)
    source: Source
    # how many lines of text were printed before the section's table; None: no table was read
    # there, and writers print the prose first, then the table
    table_at: int | None = None


@dataclass(slots=True)
class Meta:
    """What a report says of itself: year, agency, format, publication date."""

    year: int | None = None
    agency: str | None = None
    template: str | None = None  # the id of the official format the report follows (gongkai.formats)
    table3_format: str | None = None  # the format whose rows table 三 has: （六）其他处理 split (2021) or not
    published: str | None = None  # YYYY-MM-DD as printed at the end
    title: str | None = None
    signature: str | None = None  # the agency as signed above the date, where printed
    kind: Literal["department", "government"] = "department"
    table2_formats: list[str] = field(default_factory=list)  # the formats whose wording table 二 uses


@dataclass(slots=True)
class Finding:
    """A defect or remark; severity and message come from the check catalogue."""

    code: str
    params: dict[str, object] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)
    where: list[Source] = field(default_factory=list)


@dataclass(slots=True)
class Note:
    """What extraction saw while reading and could not take as it was (a label it did not know, a row with
    too few values…): the checks turn notes into findings (gongkai.checks.reading)."""

    kind: str  # unrecognised_label, surplus_cell, duplicate_cell, label_variant, …
    params: dict[str, object] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)
    where: list[Source] = field(default_factory=list)


@dataclass(slots=True)
class Report:
    """One annual report read: its metadata, sections, cells by key, and what extraction noted."""

    file: str
    meta: Meta
    sections: list[Section] = field(default_factory=list)
    cells: dict[str, Cell] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)  # what extraction noted while reading

    def value(self, key: str) -> Number | None:
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def flat(self) -> dict[str, object]:
        """The flat cell data of cell-keys.md: metadata and the cells present."""
        out: dict[str, object] = {}
        for name in ("year", "agency", "template", "published"):
            value = getattr(self.meta, name)
            if value is not None:
                out[f"meta.{name}"] = value
        out.update((key, cell.value) for key, cell in self.cells.items())
        return out

    def section(self, number: int) -> Section | None:
        return next((s for s in self.sections if s.number == number), None)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
