"""Reading the three official tables out of a document's cell grids, by their labels."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from gongkai.extract.context import Extraction
from gongkai.extract.matching import LabelIndex, Match, core
from gongkai.extract.rows import RowParts, fit
from gongkai.formats import Block, Format, Label, all_formats
from gongkai.labels import one_edit_apart
from gongkai.readers.document import TextCell

_PARENTHETICAL = re.compile(r"\(.*?\)")


def _unique(labels: Iterable[Label]) -> list[Label]:
    seen: dict[tuple[str, str | None], Label] = {}
    for label in labels:
        seen.setdefault((label.key, label.group), label)
    return list(seen.values())


@dataclass(slots=True)
class Vocabulary:
    """The labels of every known format, for recognising any of their wordings."""

    formats: list[Format]
    t3_columns: LabelIndex = field(init=False)
    t3_rows_all: LabelIndex = field(init=False)
    t3_ungrouped: LabelIndex = field(init=False)
    t3_groups: dict[str, str] = field(init=False)  # group core → group label
    t3_by_group: dict[str, LabelIndex] = field(init=False)
    t3_parts: set[str] = field(init=False)
    t3_header_words: set[str] = field(init=False)
    t3_column_groups: set[str] = field(init=False)  # 法人或其他组织: a header over sub-columns
    t3_opening: set[str] = field(init=False)  # the first row label (一、本年新收…)
    t2_articles: set[str] = field(init=False)  # 第二十条第（一）项 …
    t2_headers: set[str] = field(init=False)  # 信息内容
    t4_columns: LabelIndex = field(init=False)
    t4_groups: LabelIndex = field(init=False)
    t4_parents: set[str] = field(init=False)
    t2_rows: LabelIndex = field(init=False)
    t2_columns: LabelIndex = field(init=False)

    def __post_init__(self) -> None:
        f = self.formats
        rows = _unique(r for fmt in f for r in fmt.table3_rows)
        self.t3_columns = LabelIndex(_unique(c for fmt in f for c in fmt.table3_columns))
        self.t3_rows_all = LabelIndex(rows)
        self.t3_ungrouped = LabelIndex([r for r in rows if r.group is None])
        self.t3_groups = {core(r.group): r.group for r in rows if r.group}
        self.t3_by_group = {g: LabelIndex([r for r in rows if r.group == label])
                            for g, label in self.t3_groups.items()}
        self.t3_parts = {core(r.part) for r in rows if r.part}
        self.t3_column_groups = {core(c.group) for fmt in f for c in fmt.table3_columns if c.group}
        self.t3_header_words = ({core(c.group) for fmt in f for c in fmt.table3_columns if c.group}
                                | {core(fmt.table3_corner) for fmt in f}
                                | {core(fmt.table3_applicants) for fmt in f})
        self.t3_opening = {core(fmt.table3_rows[0].label) for fmt in f}
        self.t2_articles = {core(b.article) for fmt in f for b in fmt.table2}
        self.t2_headers = {core(fmt.table2_header) for fmt in f}
        self.t4_columns = LabelIndex(_unique(c for fmt in f for c in fmt.table4_columns))
        self.t4_groups = LabelIndex(_unique(g for fmt in f for g in fmt.table4_groups))
        self.t4_parents = {core(g.group) for fmt in f for g in fmt.table4_groups if g.group}
        self.t2_rows = LabelIndex([r for fmt in f for b in fmt.table2 for r in b.rows])
        self.t2_columns = LabelIndex([c for fmt in f for b in fmt.table2 for c in b.columns])


_VOCABULARY: Vocabulary | None = None


def vocabulary() -> Vocabulary:
    global _VOCABULARY
    if _VOCABULARY is None:
        _VOCABULARY = Vocabulary(list(all_formats().values()))
    return _VOCABULARY


def _note_variant(ex: Extraction, match: Match, cell: TextCell, table: int, row: int,
                  key: str) -> None:
    """A label in a non-official spelling is read, and said."""
    printed = cell.text.replace("\n", "")
    if cell.confidence is not None and one_edit_apart(printed, match.label.label):
        return  # read by OCR one character off the official wording: a misreading more likely than a misprint
    if (match.variant or not match.exact) and printed != match.label.label:  # matched with a cell beside it
        ex.note("label_variant", [key], [ex.source(cell, table, row)], printed=printed, official=match.label.label)


# ── 表三 ─────────────────────────────────────────────────────────────────────

@dataclass(slots=True)
class _Table3State:
    group: str | None = None  # core of the current group label (不予公开…)
    pending: list[TextCell] = field(default_factory=list)  # a wrapped label awaiting its values


Spans = dict[str, tuple[int, int]]  # column key → the grid columns its header covers


def table3_columns(header: list[RowParts], positional: bool, ex: Extraction,
                   fmt_columns: tuple[Label, ...]) -> tuple[list[str], Spans | None]:
    """The applicant columns left to right, from the header labels; their grid spans on a grid."""
    voc = vocabulary()
    top: list[tuple[int, int, str]] = []  # (column position, order seen, key or group marker)
    subs: list[str] = []
    spans: Spans = {}
    order = 0
    for parts in header:
        for cell in parts.labels:
            match = voc.t3_columns.find(cell.text, fuzzy=False)
            words = cell.text.split()
            if match is None and len(words) > 1 and core(" ".join(words[:-1])) in voc.t3_column_groups:
                match = voc.t3_columns.find(words[-1], fuzzy=False)  # 「法人或其他组织 商业企业」
            if match is None:
                if core(cell.text) in voc.t3_column_groups:
                    top.append((cell.column or 0, order, "#group"))
                    order += 1
                continue
            if cell.column is not None:
                spans[match.label.key] = (cell.column, cell.column + cell.span)
            _note_variant(ex, match, cell, parts.table, parts.index, "applications.*." + match.label.key)
            if match.label.group:
                subs.append(match.label.key)
            else:
                top.append((cell.column or 0, order, match.label.key))
            order += 1
    top.sort(key=(lambda t: (t[0], t[1])) if positional else (lambda t: t[1]))
    keys: list[str] = []
    for _, _, key in top:
        keys.extend(subs if key == "#group" else [key])
    if "#group" not in [k for _, _, k in top]:
        keys[1:1] = subs
    official = [c.key for c in fmt_columns]
    if sorted(keys) != sorted(official) or len(set(keys)) != len(keys):
        where = [ex.source(p.labels[0] if p.labels else None, p.table, p.index) for p in header[:1]]
        ex.note("header_unrecognised", where=where, table="表三", found="、".join(keys) or "—")
        return official, None
    positional = all(p.positional for p in header) and len(spans) == len(keys)
    return keys, spans if positional else None


def _opens_group(parts: RowParts | None, group: str) -> bool:
    """Does this row carry an item of the group (so the row before was the group's heading)?"""
    if parts is None:
        return False
    index = vocabulary().t3_by_group[group]
    return any(index.find(c.text, fuzzy=False) for c in parts.labels)


def _table3_row_key(parts: RowParts, state: _Table3State, ex: Extraction,
                    following: RowParts | None = None) -> Label | None:
    voc = vocabulary()
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
    if not item:
        if last_marker is None or (not parts.has_values and _opens_group(following, state.group or "")):
            return None  # a group heading on a row of its own
        item = [last_marker]  # 2019: （六）其他处理 is a row of its own
        state.group = None
    anchor = item[-1]
    searches: list[tuple[LabelIndex, bool]] = []
    if state.group:
        searches.append((voc.t3_by_group[state.group], False))
    searches += [(voc.t3_ungrouped, False), (voc.t3_rows_all, False)]
    if state.group:
        searches.append((voc.t3_by_group[state.group], True))
    searches += [(voc.t3_ungrouped, True), (voc.t3_rows_all, True)]
    # The whole label first; then without its outer cells, in case one is garbled (a vertical group
    # label read by OCR as 本年度办理 三 结果 must not hide the row's own label).
    for start in range(len(item)):
        text = "".join(cell.text for cell in item[start:])
        for index, fuzzy in searches:
            match = index.find(text, fuzzy=fuzzy)
            if match:
                state.group = core(match.label.group) if match.label.group else None
                _note_variant(ex, match, anchor, parts.table, parts.index,
                              f"applications.{match.label.key}.*")
                return match.label
    return None


def _row_total_ok(columns: list[str]):
    """Prefer the placement of a surplus cell under which 总计 = the sum of the others."""
    if "total" not in columns:
        return None

    def ok(values: list) -> bool:
        if any(v is None for v in values):
            return False
        t = columns.index("total")
        return values[t] == sum(v for i, v in enumerate(values) if i != t)

    return ok


def extract_table3(rows: list[RowParts], positional: bool, ex: Extraction) -> None:
    voc = vocabulary()
    header: list[RowParts] = []
    state = _Table3State()
    columns: list[str] | None = None
    spans: Spans | None = None
    fmt_columns = voc.formats[-1].table3_columns
    for i, parts in enumerate(rows):
        _regrid(parts, spans)
        if columns is None and not parts.has_values and any(
                voc.t3_columns.find(c.text, fuzzy=False) or core(c.text) in voc.t3_header_words
                for c in parts.labels):
            header.append(parts)
            continue
        if not parts.values:
            state.pending.extend(parts.labels)  # a group label, or a label wrapped onto its own row
            continue
        if columns is None:
            columns, spans = table3_columns(header, positional, ex, fmt_columns)
            _regrid(parts, spans)
        label = _table3_row_key(parts, state, ex, rows[i + 1] if i + 1 < len(rows) else None)
        if label is None and not parts.has_values and all(
                core(c.text) in voc.t3_groups or core(c.text) in voc.t3_parts for c in parts.labels):
            continue
        if label is None:
            where = [ex.source(parts.labels[0] if parts.labels else parts.values[0], parts.table, parts.index)]
            ex.note("unrecognised_label", where=where, table="表三",
                    printed="".join(c.text for c in parts.labels).replace("\n", "") or "（无标签）")
            continue
        # Positions are no tie-break here: nested labels make spacer cells come and go in flow text.
        _place(ex, parts, columns, f"applications.{label.key}.", _row_total_ok(columns), spans,
               use_positions=False)


def _regrid(parts: RowParts, spans: Spans | None) -> None:
    """On a grid, worded cells standing under value columns are values (「十二」 typed as a number)."""
    if not spans or not parts.grid:  # a damaged header can leave no column spans at all
        return
    start = min(s for s, _ in spans.values())
    moved = [c for c in parts.labels if c.column is not None and c.column >= start]
    if moved:
        parts.labels = [c for c in parts.labels if c not in moved]
        parts.values = sorted(moved + parts.values, key=lambda c: c.column or 0)
        parts.has_values = True


def _place_on_grid(ex: Extraction, parts: RowParts, spans: Spans, prefix: str) -> None:
    """On a true grid a value belongs to the header whose columns it stands under."""
    for key, (start, end) in spans.items():
        inside = [c for c in parts.values
                  if c.column is not None and c.column < end and c.column + c.span > start]
        filled = [c for c in inside if c.text]
        if len(filled) > 1:
            where = [ex.source(c, parts.table, parts.index) for c in filled]
            ex.note("ambiguous_values", [prefix + key], where, count=len(filled), expected=1)
            ex.put(prefix + key, None, parts.table, parts.index)
        elif filled or inside:
            ex.put(prefix + key, (filled or inside)[0], parts.table, parts.index)
        else:
            where = [ex.source(parts.labels[-1] if parts.labels else None, parts.table, parts.index)]
            ex.note("too_few_values", [prefix + key], where, count=0, expected=1)
            ex.put(prefix + key, None, parts.table, parts.index)


def _place(ex: Extraction, parts: RowParts, columns: list[str], prefix: str, prefer=None,
           spans: Spans | None = None, use_positions: bool = True) -> None:
    """Store a row's values under its column keys, saying what could not be placed."""
    if spans is not None and parts.grid:
        _place_on_grid(ex, parts, spans, prefix)
        return
    positions = ([spans[c][0] for c in columns]
                 if spans is not None and parts.positional and use_positions else None)
    alignment = fit(parts.values, len(columns), prefer, positions)
    keys = [prefix + c for c in columns]
    where = [ex.source(parts.values[0] if parts.values else None, parts.table, parts.index)]
    if alignment.short:
        ex.note("too_few_values", keys, where, count=sum(1 for c in parts.values if c.text), expected=len(columns))
    elif alignment.ambiguous:
        ex.note("ambiguous_values", keys, where, count=len(columns) + alignment.extra, expected=len(columns))
    elif alignment.extra:
        ex.note("surplus_cell", keys, where, count=len(columns) + alignment.extra, expected=len(columns))
    for key, cell in zip(keys, alignment.cells, strict=True):
        ex.put(key, cell, parts.table, parts.index)


# ── 表四 ─────────────────────────────────────────────────────────────────────

def extract_table4(rows: list[RowParts], ex: Extraction) -> None:
    voc = vocabulary()
    leaves: list[str] = []
    groups: list[str] = []
    leaf_columns: list[int | None] = []
    values: list[TextCell] = []
    row_of: dict[int, RowParts] = {}  # id(cell) → its row, for the sources
    first: RowParts | None = None
    for parts in rows:
        first = first or parts
        if parts.grid and parts.labels and not any(_is_table4_label(c, voc) for c in parts.labels):
            parts.values = sorted(parts.labels + parts.values, key=lambda c: c.column or 0)
            parts.labels = []
        if parts.values and not parts.labels:
            values.extend(parts.values)
            row_of.update((id(c), parts) for c in parts.values)
            continue
        for cell in parts.labels:
            if _table4_label(cell, parts, ex, voc, leaves, groups):
                leaf_columns.append(cell.column if parts.positional else None)
    if first is None:
        return
    official_groups = [g.key for g in voc.formats[-1].table4_groups]
    official_columns = [c.key for c in voc.formats[-1].table4_columns]
    keys = _table4_keys(leaves, groups, official_groups, official_columns)
    if keys is None:
        ex.note("header_unrecognised", where=[ex.source(None, first.table, first.index)], table="表四",
                found="、".join(groups + leaves) or "—")
        keys = [f"{g}.{c}" for g in official_groups for c in official_columns]
    positions = leaf_columns if len(leaf_columns) == len(keys) and None not in leaf_columns else None
    alignment = fit(values, len(keys), positions=positions)  # type: ignore[arg-type]
    where = [ex.source(values[0] if values else None, first.table, first.index)]
    if alignment.short or alignment.ambiguous:
        ex.note("too_few_values" if alignment.short else "ambiguous_values", keys, where,
                count=sum(1 for c in values if c.text), expected=len(keys))
    elif alignment.extra:
        ex.note("surplus_cell", keys, where, count=len(keys) + alignment.extra, expected=len(keys))
    for key, cell in zip(keys, alignment.cells, strict=True):
        parts = row_of[id(cell)] if cell is not None else first
        ex.put(key, cell, parts.table, parts.index)


@lru_cache(maxsize=8192)
def _article(text: str) -> bool:
    return any(article in text for article in vocabulary().t2_articles)


def is_article(text: str) -> bool:
    """Does this normalised label name an article of table 二 (第二十条第（一）项…)?"""
    return _article(text)


@lru_cache(maxsize=8192)
def _table4_group(text: str) -> bool:
    voc = vocabulary()
    for word in [text, *text.split()]:
        label = _PARENTHETICAL.sub("", core(word))
        if label in voc.t4_parents or voc.t4_groups.find(label, fuzzy=False):
            return True
    return False


def is_table4_group(cell: TextCell) -> bool:
    """A group label of table 四 (行政复议, 行政诉讼, 复议后起诉…), also inside a joined header."""
    return _table4_group(cell.text)


def _is_table4_label(cell: TextCell, voc: Vocabulary, words: bool = True) -> bool:
    text = _PARENTHETICAL.sub("", core(cell.text))
    if (text in voc.t4_parents or voc.t4_groups.find(text, fuzzy=False) is not None
            or voc.t4_columns.find(text) is not None):
        return True
    parts = cell.text.split()
    return words and len(parts) > 1 and any(_is_table4_label(TextCell(w), voc, False) for w in parts)


def _table4_label(cell: TextCell, parts: RowParts, ex: Extraction, voc: Vocabulary,
                  leaves: list[str], groups: list[str]) -> bool:
    """Record a header label of table 四; True when it is a leaf (a column over values)."""
    text = _PARENTHETICAL.sub("", core(cell.text))
    words = cell.text.split()
    # 「行政诉讼 复议后起诉 结果维持」: a stacked header joined on one line
    if len(words) > 1 and not _is_table4_label(cell, voc, words=False):
        leaf = False
        for word in words:
            leaf = _table4_label(TextCell(word, cell.line, cell.column, cell.page), parts, ex, voc,
                                 leaves, groups) or leaf
        return leaf
    if text in voc.t4_parents:
        return False
    group = voc.t4_groups.find(text, fuzzy=False)
    if group:
        if not groups or groups[-1] != group.label.key:  # a joined header repeats its group per column
            groups.append(group.label.key)
        return False
    column = voc.t4_columns.find(text)
    if column:
        _note_variant(ex, column, cell, parts.table, parts.index, "*." + column.label.key)
        leaves.append(column.label.key)
        return True
    return False


def _table4_keys(leaves: list[str], groups: list[str], official_groups: list[str],
                 official_columns: list[str]) -> list[str] | None:
    n = len(official_columns)
    if sorted(groups) != sorted(official_groups):
        return None
    if len(leaves) == n:
        leaves = leaves * len(groups)
    if len(leaves) != n * len(groups):
        return None
    chunks = [leaves[i * n:(i + 1) * n] for i in range(len(groups))]
    if any(sorted(chunk) != sorted(official_columns) for chunk in chunks):
        return None
    return [f"{g}.{c}" for g, chunk in zip(groups, chunks, strict=True) for c in chunk]


# ── 表二 ─────────────────────────────────────────────────────────────────────

@dataclass(slots=True)
class Table2Result:
    blocks: list[tuple[list[str], str]] = field(default_factory=list)  # (column keys, row key)
    formats: set[str] = field(default_factory=set)


def _formats_for(row_key: str, column_keys: list[str]) -> set[str]:
    """The formats that have a block with exactly these columns for this row."""
    out = set()
    for fmt in vocabulary().formats:
        for block in fmt.table2:
            if ([c.key for c in block.columns] == column_keys
                    and any(r.key == row_key for r in block.rows)):
                out.add(fmt.id)
    return out


def _block_of(fmt: Format, row_key: str) -> Block | None:
    return next((b for b in fmt.table2 if any(r.key == row_key for r in b.rows)), None)


def extract_table2(rows: list[RowParts], ex: Extraction) -> Table2Result:
    voc = vocabulary()
    result = Table2Result()
    columns: list[str] | None = None
    spans: Spans | None = None
    for parts in rows:
        texts = [core(c.text) for c in parts.labels]
        if any(is_article(t) for t in texts) and not parts.has_values:
            columns = None
            continue
        if texts and (texts[0] in voc.t2_headers or (not parts.has_values and _all_columns(parts, voc))):
            columns, spans = _table2_columns(parts, ex, voc)
            continue
        _regrid(parts, spans)
        if not parts.labels:
            continue
        label_cell = parts.labels[0]
        match = voc.t2_rows.find("".join(c.text for c in parts.labels))
        if match is None or columns is None:
            ex.note("unrecognised_label", where=[ex.source(label_cell, parts.table, parts.index)], table="表二",
                    printed="".join(c.text for c in parts.labels).replace("\n", ""))
            continue
        row_key = match.label.key
        fmts = _formats_for(row_key, columns)
        if not fmts:
            ex.note("block_of_no_format", where=[ex.source(label_cell, parts.table, parts.index)],
                    printed=label_cell.text, columns="、".join(columns))
            continue
        result.formats |= fmts
        official = [_label_in(f, row_key) for f in sorted(fmts)]
        if core("".join(c.text for c in parts.labels)) not in {core(o) for o in official if o}:
            ex.note("label_variant", [f"proactive.{row_key}.*"],
                    [ex.source(label_cell, parts.table, parts.index)],
                    printed=label_cell.text.replace("\n", ""), official=official[-1])
        result.blocks.append((columns, row_key))
        _place(ex, parts, columns, f"proactive.{row_key}.", spans=spans)
    return result


def _label_in(format_id: str, row_key: str) -> str | None:
    from gongkai.formats import get_format

    block = _block_of(get_format(format_id), row_key)
    return next((r.label for r in block.rows if r.key == row_key), None) if block else None


def _all_columns(parts: RowParts, voc: Vocabulary) -> bool:
    return bool(parts.labels) and all(voc.t2_columns.find(c.text, fuzzy=False) for c in parts.labels)


def _table2_columns(parts: RowParts, ex: Extraction, voc: Vocabulary) -> tuple[list[str], Spans | None]:
    keys = []
    spans: Spans = {}
    for cell in parts.labels:
        if core(cell.text) in voc.t2_headers:
            continue
        match = voc.t2_columns.find(cell.text)
        if match is None:
            ex.note("unrecognised_label", where=[ex.source(cell, parts.table, parts.index)], table="表二",
                    printed=cell.text.replace("\n", ""))
            keys.append("?")
            continue
        _note_variant(ex, match, cell, parts.table, parts.index, f"proactive.*.{match.label.key}")
        keys.append(match.label.key)
        if cell.column is not None:
            spans[match.label.key] = (cell.column, cell.column + cell.span)
    positional = parts.positional and len(spans) == len(keys) and "?" not in keys
    return keys, spans if positional else None
