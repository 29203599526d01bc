"""Table 四 (政府信息公开行政复议、行政诉讼情况): header rows → the 15 column keys → the one row of values.

The header nests (行政诉讼 › 未经复议直接起诉 › 结果维持…) and text extraction often joins its rows into one
line (「行政诉讼 复议后起诉 结果维持」), so each header cell may hold several labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.extract.context import Extraction
from gongkai.extract.rows import RowParts, fit
from gongkai.extract.vocabulary import PARENTHETICAL, LabelVocabulary, note_variant, vocabulary
from gongkai.labels import core
from gongkai.readers.document import TextCell


@dataclass(slots=True)
class _Header:
    """The groups and columns of table 四's header."""

    groups: list[str] = field(default_factory=list)  # group keys, left to right
    leaves: list[str] = field(default_factory=list)  # column keys over values, left to right
    leaf_columns: list[int | None] = field(default_factory=list)  # where each leaf stands, where known


def extract_table4(rows: list[RowParts], ex: Extraction) -> None:
    if not rows:
        return
    voc = vocabulary()
    for parts in rows:
        _worded_values(parts, voc)
    header = _Header()
    values: list[tuple[TextCell, RowParts]] = []
    for parts in rows:
        if parts.values and not parts.labels:
            values.extend((cell, parts) for cell in parts.values)
        else:
            _read_header(parts, ex, voc, header)
    keys = _keys(header, voc, ex, rows[0])
    _place(ex, keys, header, values, rows[0])


def _worded_values(parts: RowParts, voc: LabelVocabulary) -> None:
    """On a grid, a row with no label of table 四 is a row of values, worded ones (「十二」) included."""
    if parts.grid and parts.labels and not any(_is_label(c, voc) for c in parts.labels):
        parts.values = sorted(parts.labels + parts.values, key=lambda c: c.column or 0)
        parts.labels = []


def _read_header(parts: RowParts, ex: Extraction, voc: LabelVocabulary, header: _Header) -> None:
    for cell in parts.labels:
        if _header_label(cell, parts, ex, voc, header):
            header.leaf_columns.append(cell.column if parts.positional else None)


def _keys(header: _Header, voc: LabelVocabulary, ex: Extraction, first: RowParts) -> list[str]:
    """The cell keys of the columns left to right; the official order (noted) when the header cannot be read."""
    fmt = voc.newest
    spec = fmt.table(4)
    official_groups = [g.key for g in fmt.table4_groups]
    official_columns = [c.key for c in fmt.table4_columns]
    keys = _header_keys(header, official_groups, official_columns)
    if keys is None:
        ex.note("header_unrecognised", where=[ex.source(None, first.table, first.index)], table=spec.name,
                found="、".join(header.groups + header.leaves) or "—")
        keys = [(g, c) for g in official_groups for c in official_columns]
    return [spec.key(g, c) for g, c in keys]


def _place(ex: Extraction, keys: list[str], header: _Header, values: list[tuple[TextCell, RowParts]],
           first: RowParts) -> None:
    positions = header.leaf_columns if len(header.leaf_columns) == len(keys) and None not in header.leaf_columns \
        else None
    cells = [cell for cell, _ in values]
    alignment = fit(cells, len(keys), positions=positions)  # type: ignore[arg-type]
    where = [ex.source(cells[0] if cells else None, first.table, first.index)]
    if alignment.short or alignment.ambiguous:
        ex.note("too_few_values" if alignment.short else "ambiguous_values", keys, where,
                count=sum(1 for c in cells if c.text), expected=len(keys))
    elif alignment.extra:
        ex.note("surplus_cell", keys, where, count=len(keys) + alignment.extra, expected=len(keys))
    for key, cell in zip(keys, alignment.cells, strict=True):
        parts = next((p for c, p in values if c is cell), first)
        ex.put(key, cell, parts.table, parts.index)


def _is_label(cell: TextCell, voc: LabelVocabulary, words: bool = True) -> bool:
    text = PARENTHETICAL.sub("", core(cell.text))
    if (text in voc.t4_parents or voc.t4_groups.find(text, fuzzy=False) is not None
            or voc.t4_columns.find(text) is not None):
        return True
    parts = cell.text.split()
    return words and len(parts) > 1 and any(_is_label(TextCell(w), voc, False) for w in parts)


def _header_label(cell: TextCell, parts: RowParts, ex: Extraction, voc: LabelVocabulary, header: _Header) -> bool:
    """Record a header label of table 四; True when it is a leaf (a column over values)."""
    words = cell.text.split()
    # 「行政诉讼 复议后起诉 结果维持」: a stacked header joined on one line
    if len(words) > 1 and not _is_label(cell, voc, words=False):
        leaf = False
        for word in words:
            leaf = _header_label(TextCell(word, cell.line, cell.column, cell.page), parts, ex, voc, header) or leaf
        return leaf
    text = PARENTHETICAL.sub("", core(cell.text))
    if text in voc.t4_parents:
        return False
    group = voc.t4_groups.find(text, fuzzy=False)
    if group:
        if not header.groups or header.groups[-1] != group.label.key:  # a joined header repeats its group
            header.groups.append(group.label.key)
        return False
    column = voc.t4_columns.find(text)
    if column:
        note_variant(ex, column, cell, parts.table, parts.index, voc.newest.table(4).key("*", column.label.key))
        header.leaves.append(column.label.key)
        return True
    return False


def _header_keys(header: _Header, official_groups: list[str],
                 official_columns: list[str]) -> list[tuple[str, str]] | None:
    """(group, column) of every value column, when the header names every group and each group's columns."""
    n, groups, leaves = len(official_columns), header.groups, header.leaves
    if sorted(groups) != sorted(official_groups):
        return None
    if len(leaves) == n:
        leaves = leaves * len(groups)  # one row of column heads under all three groups
    if len(leaves) != n * len(groups):
        return None
    chunks = [leaves[i * n:(i + 1) * n] for i in range(len(groups))]
    if any(sorted(chunk) != sorted(official_columns) for chunk in chunks):
        return None
    return [(g, c) for g, chunk in zip(groups, chunks, strict=True) for c in chunk]
