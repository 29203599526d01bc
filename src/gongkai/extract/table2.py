"""Table 二 (主动公开政府信息情况): blocks, each an article header → its columns → rows of values.

Reports mix the wordings of the formats block by block (seed 002), so each row is read with the columns
its own block's header names, and the formats whose wording that is are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.extract.context import Extraction
from gongkai.extract.placing import Spans, place_row, regrid
from gongkai.extract.rows import RowParts
from gongkai.extract.vocabulary import LabelVocabulary, is_article, note_variant, vocabulary
from gongkai.formats import Format
from gongkai.labels import core

UNKNOWN_COLUMN = "?"


@dataclass(slots=True)
class Table2Result:
    """What table 二 gave: each block's column keys and row key, and the formats its wording follows."""

    blocks: list[tuple[list[str], str]] = field(default_factory=list)  # (column keys, row key)
    formats: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Block:
    """The columns of the block of table 二 being read."""

    columns: list[str] | None = None
    spans: Spans | None = None


def extract_table2(rows: list[RowParts], ex: Extraction) -> Table2Result:
    voc = vocabulary()
    result = Table2Result()
    block = _Block()
    for parts in rows:
        texts = [core(c.text) for c in parts.labels]
        if any(is_article(t) for t in texts) and not parts.has_values:
            block = _Block()  # a new article: its own header follows
        elif texts and (texts[0] in voc.t2_headers or (not parts.has_values and _all_columns(parts, voc))):
            block = _Block(*_columns(parts, ex, voc))
        else:
            regrid(parts, block.spans)
            if parts.labels:
                _row(parts, block, ex, voc, result)
    return result


def _row(parts: RowParts, block: _Block, ex: Extraction, voc: LabelVocabulary, result: Table2Result) -> None:
    label_cell = parts.labels[0]
    printed = "".join(c.text for c in parts.labels)
    match = voc.t2_rows.find(printed)
    if match is None or block.columns is None:
        ex.note("unrecognised_label", where=[ex.source(label_cell, parts.table, parts.index)],
                table=voc.newest.table(2).name, printed=printed.replace("\n", ""))
        return
    row = match.label.key
    formats = _formats_for(voc, row, block.columns)
    if not formats:
        ex.note("block_of_no_format", where=[ex.source(label_cell, parts.table, parts.index)],
                printed=label_cell.text, columns="、".join(block.columns))
        return
    result.formats |= {f.id for f in formats}
    official = [label for f in formats if (label := _row_label(f, row))]
    spec = voc.newest.table(2)
    if core(printed) not in {core(o) for o in official}:
        ex.note("label_variant", [spec.key(row, "*")], [ex.source(label_cell, parts.table, parts.index)],
                printed=label_cell.text.replace("\n", ""), official=official[-1])
    result.blocks.append((block.columns, row))
    place_row(ex, parts, block.columns, [spec.key(row, c) for c in block.columns], spans=block.spans)


def _formats_for(voc: LabelVocabulary, row: str, columns: list[str]) -> list[Format]:
    """The formats that have a block with exactly these columns for this row, oldest first."""
    return [fmt for fmt in voc.formats
            if any([c.key for c in b.columns] == columns and any(r.key == row for r in b.rows) for b in fmt.table2)]


def _row_label(fmt: Format, row: str) -> str | None:
    return next((r.label for b in fmt.table2 for r in b.rows if r.key == row), None)


def _all_columns(parts: RowParts, voc: LabelVocabulary) -> bool:
    return bool(parts.labels) and all(voc.t2_columns.find(c.text, fuzzy=False) for c in parts.labels)


def _columns(parts: RowParts, ex: Extraction, voc: LabelVocabulary) -> tuple[list[str], Spans | None]:
    """A block's header row: its column keys left to right, and their grid spans where they tell the columns."""
    keys: list[str] = []
    spans: Spans = {}
    for cell in parts.labels:
        if core(cell.text) in voc.t2_headers:
            continue
        match = voc.t2_columns.find(cell.text)
        if match is None:
            ex.note("unrecognised_label", where=[ex.source(cell, parts.table, parts.index)],
                    table=voc.newest.table(2).name, printed=cell.text.replace("\n", ""))
            keys.append(UNKNOWN_COLUMN)
            continue
        note_variant(ex, match, cell, parts.table, parts.index, voc.newest.table(2).key("*", match.label.key))
        keys.append(match.label.key)
        if cell.column is not None:
            spans[match.label.key] = (cell.column, cell.column + cell.span)
    positional = parts.positional and len(spans) == len(keys) and UNKNOWN_COLUMN not in keys
    return keys, spans if positional else None
