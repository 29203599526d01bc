"""What extraction builds up while it walks a document: cells, notes and their sources."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.extract.values import read_value
from gongkai.model import Cell, Note, Source
from gongkai.readers.document import TextCell


@dataclass(slots=True)
class Extraction:
    """The cells and notes of one document as extraction finds them."""

    path: str
    cells: dict[str, Cell] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    def source(self, cell: TextCell | None, table: int, row: int) -> Source:
        if cell is None:
            return Source(self.path, table=table, row=row)
        return Source(self.path, cell.line, cell.column, cell.page, table, row)

    def note(self, kind: str, cells: list[str] | None = None,
             where: list[Source] | None = None, **params: object) -> None:
        self.notes.append(Note(kind, dict(params), cells or [], where or []))

    def merged_notes(self) -> list[Note]:
        """One note per kind and parameters, listing every cell and place it concerns."""
        merged: dict[tuple[str, str], Note] = {}
        for note in self.notes:
            key = (note.kind, repr(sorted(note.params.items())))
            if key in merged:
                merged[key].cells.extend(c for c in note.cells if c not in merged[key].cells)
                merged[key].where.extend(note.where)
            else:
                merged[key] = Note(note.kind, note.params, list(note.cells), list(note.where))
        return list(merged.values())

    def put(self, key: str, cell: TextCell | None, table: int, row: int) -> None:
        """Store one cell read from text; a cell that could not be placed is stored as null."""
        source = self.source(cell, table, row)
        if key in self.cells:
            self.note("duplicate_cell", [key], [self.cells[key].source, source], key=key)
            return
        if cell is None:
            self.cells[key] = Cell(key, None, "", source, note="unplaced")
            return
        reading = read_value(cell.text)
        self.cells[key] = Cell(key, reading.value, cell.text, source, reading.unit, reading.note, cell.confidence)
