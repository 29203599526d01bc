"""Table 三 (收到和处理政府信息公开申请情况): header rows → the applicant columns → each row's label → its values.

The rows nest (三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密): a group label may stand on a row of its own
or beside the first of its items, and a label may wrap onto rows without values; `_RowLabels` carries the
current group and the wrapped text from row to row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.extract.context import Extraction
from gongkai.extract.matching import LabelIndex
from gongkai.extract.placing import Spans, place_row, regrid, total_holds
from gongkai.extract.rows import RowParts
from gongkai.extract.vocabulary import LabelVocabulary, note_variant, vocabulary
from gongkai.formats import Label
from gongkai.labels import core
from gongkai.readers.document import TextCell

_GROUP = object()  # stands for the 法人或其他组织 header among the top-level columns


def extract_table3(rows: list[RowParts], positional: bool, ex: Extraction) -> None:
    voc = vocabulary()
    header, body = _split_header(rows, voc)
    first = next((i for i, parts in enumerate(body) if parts.values), None)
    if first is None:
        return  # no row with values: nothing to read
    columns, spans = table3_columns(header, positional, ex, voc)
    spec = voc.newest.table(3)
    prefer = total_holds(columns)
    state = _RowLabels(pending=[c for parts in body[:first] for c in parts.labels])
    for i in range(first, len(body)):
        parts = body[i]
        regrid(parts, spans)
        if not parts.values:
            state.pending.extend(parts.labels)  # a group label, or a label wrapped onto its own row
            continue
        following = body[i + 1] if i + 1 < len(body) else None
        label = row_label(parts, state, ex, voc, following)
        if label is None:
            _note_unknown(parts, ex, voc)
            continue
        # Positions are no tie-break here: nested labels make spacer cells come and go in flow text.
        place_row(ex, parts, columns, [spec.key(label.key, c) for c in columns], prefer, spans,
                  use_positions=False)


def _split_header(rows: list[RowParts], voc: LabelVocabulary) -> tuple[list[RowParts], list[RowParts]]:
    """The header rows (column labels, no values) before the first row with values; the rows after them."""
    header: list[RowParts] = []
    body: list[RowParts] = []
    for parts in rows:
        if not any(p.values for p in body) and _is_header(parts, voc):
            header.append(parts)
        else:
            body.append(parts)
    return header, body


def _is_header(parts: RowParts, voc: LabelVocabulary) -> bool:
    return not parts.has_values and any(
        voc.t3_columns.find(c.text, fuzzy=False) or core(c.text) in voc.t3_header_words for c in parts.labels)


def _note_unknown(parts: RowParts, ex: Extraction, voc: LabelVocabulary) -> None:
    """A row whose label is no row of table 三; a row of group headings alone is no row at all."""
    if not parts.has_values and all(core(c.text) in voc.t3_groups or core(c.text) in voc.t3_parts
                                    for c in parts.labels):
        return
    where = [ex.source(parts.labels[0] if parts.labels else parts.values[0], parts.table, parts.index)]
    ex.note("unrecognised_label", where=where, table=voc.newest.table(3).name,
            printed="".join(c.text for c in parts.labels).replace("\n", "") or "（无标签）")


# ── header → columns ─────────────────────────────────────────────────────────────────────────────────────────

@dataclass(slots=True)
class _HeaderLabels:
    """The column labels of table 三's header, as they are met."""

    top: list[tuple[int, int, object]] = field(default_factory=list)  # (position, order seen, key or _GROUP)
    subs: list[str] = field(default_factory=list)  # the columns under 法人或其他组织, in order
    spans: Spans = field(default_factory=dict)


def table3_columns(header: list[RowParts], positional: bool, ex: Extraction,
                   voc: LabelVocabulary) -> tuple[list[str], Spans | None]:
    """The applicant columns left to right, from the header labels; their grid spans on a grid."""
    found = _header_labels(header, ex, voc)
    keys = _ordered(found, positional)
    official = [c.key for c in voc.newest.table3_columns]
    if sorted(keys) != sorted(official) or len(set(keys)) != len(keys):
        where = [ex.source(p.labels[0] if p.labels else None, p.table, p.index) for p in header[:1]]
        ex.note("header_unrecognised", where=where, table=voc.newest.table(3).name, found="、".join(keys) or "—")
        return official, None
    positional = all(p.positional for p in header) and len(found.spans) == len(keys)
    return keys, found.spans if positional else None


def _header_labels(header: list[RowParts], ex: Extraction, voc: LabelVocabulary) -> _HeaderLabels:
    found = _HeaderLabels()
    spec = voc.newest.table(3)
    for parts in header:
        for cell in parts.labels:
            match = voc.t3_columns.find(cell.text, fuzzy=False)
            words = cell.text.split()
            if match is None and len(words) > 1 and core(" ".join(words[:-1])) in voc.t3_column_groups:
                match = voc.t3_columns.find(words[-1], fuzzy=False)  # 「法人或其他组织 商业企业」
            if match is None:
                if core(cell.text) in voc.t3_column_groups:
                    found.top.append((cell.column or 0, len(found.top) + len(found.subs), _GROUP))
                continue
            if cell.column is not None:
                found.spans[match.label.key] = (cell.column, cell.column + cell.span)
            note_variant(ex, match, cell, parts.table, parts.index, spec.key("*", match.label.key))
            if match.label.group:
                found.subs.append(match.label.key)
            else:
                found.top.append((cell.column or 0, len(found.top) + len(found.subs), match.label.key))
    return found


def _ordered(found: _HeaderLabels, positional: bool) -> list[str]:
    """The top-level columns by position (or as seen), the sub-columns where their group header stands."""
    top = sorted(found.top, key=(lambda t: (t[0], t[1])) if positional else (lambda t: t[1]))
    keys: list[str] = []
    for _, _, key in top:
        keys.extend(found.subs if key is _GROUP else [key])  # type: ignore[list-item]
    if not any(key is _GROUP for _, _, key in top):
        keys[1:1] = found.subs
    return keys


# ── a row's label ───────────────────────────────────────────────────────────────────────────────────────────

@dataclass(slots=True)
class _RowLabels:
    """The row labels of table 三 as reading goes down: the current group and a label still wrapping."""

    group: str | None = None  # core of the current group label (不予公开…)
    pending: list[TextCell] = field(default_factory=list)  # a wrapped label awaiting its values


def row_label(parts: RowParts, state: _RowLabels, ex: Extraction, voc: LabelVocabulary,
              following: RowParts | None = None) -> Label | None:
    """The row of table 三 a row of the document is, from its label cells and those carried over."""
    item = _item_cells(parts, state, voc, following)
    if not item:
        return None
    searches = _searches(state, voc)
    # The whole label first; then without its outer cells, in case one is garbled (a vertical group
    # label read by OCR as 本年度办理 三 结果 must not hide the row's own label).
    for start in range(len(item)):
        text = "".join(cell.text for cell in item[start:])
        for index, fuzzy in searches:
            match = index.find(text, fuzzy=fuzzy)
            if match:
                state.group = core(match.label.group) if match.label.group else None
                note_variant(ex, match, item[-1], parts.table, parts.index,
                             voc.newest.table(3).key(match.label.key, "*"))
                return match.label
    return None


def _item_cells(parts: RowParts, state: _RowLabels, voc: LabelVocabulary,
                following: RowParts | None) -> list[TextCell]:
    """The cells naming the row itself; group and part headings set the state instead."""
    item: list[TextCell] = []
    last_marker: TextCell | None = None
    for cell in state.pending + parts.labels:
        c = core(cell.text)
        if c in voc.t3_parts:
            state.group = None
        elif c in voc.t3_groups:
            state.group, last_marker = c, cell
        else:
            item.append(cell)
    state.pending = []
    if item or last_marker is None:
        return item
    if not parts.has_values and _opens_group(following, state.group or "", voc):
        return []  # a group heading on a row of its own
    state.group = None
    return [last_marker]  # 2019: （六）其他处理 is a row of its own


def _opens_group(parts: RowParts | None, group: str, voc: LabelVocabulary) -> bool:
    """Does this row carry an item of the group (so the row before was the group's heading)?"""
    if parts is None:
        return False
    index = voc.t3_by_group[group]
    return any(index.find(c.text, fuzzy=False) for c in parts.labels)


def _searches(state: _RowLabels, voc: LabelVocabulary) -> list[tuple[LabelIndex, bool]]:
    """Where to look for a row label, surest first: within the current group, then anywhere; exact, then close."""
    out: list[tuple[LabelIndex, bool]] = []
    for fuzzy in (False, True):
        if state.group:
            out.append((voc.t3_by_group[state.group], fuzzy))
        out += [(voc.t3_ungrouped, fuzzy), (voc.t3_rows_all, fuzzy)]
    return out
