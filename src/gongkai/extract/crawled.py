"""Tables flattened into running text (crawled pages): rows found by the official labels, cells split from
the glued digit runs by the format's constraints (extract.glued).

`规章120行政规范性文件3719402` holds table 二's rows 规章 and 行政规范性文件; a row's cells are the run of
digits after its label, up to the next label. Labels are found in the formats' order, tolerating stray spaces
and quotes inside them, and a numbered label (2.其他法律…) keeps its number even when it is glued to the
digits before it. Text is compared after a one-to-one character mapping (full-width → ASCII), so that every
position found is a position in the printed text and the prose around a table is cut out exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from gongkai.extract.context import Extraction
from gongkai.extract.glued import BOUNDARY, COUNT, DECIMAL, MAX_READINGS, SIGNED, Group, Run, readings, settle
from gongkai.extract.values import read_value
from gongkai.formats import Block as Table2Block
from gongkai.formats import Format, Label, all_formats
from gongkai.model import Cell, Source
from gongkai.readers.document import Document, Paragraph, Table

_QUOTES = "“”‘’「」『』\"'"
_ONE_TO_ONE = str.maketrans({**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
                             "\u3000": " ", "\xa0": " ", **dict.fromkeys(_QUOTES, "\x01")})
_FILL = r"[\s\x01]*"  # what may stand between two characters of a label: spaces (&nbsp;), quotes
_NUMBERING = re.compile(r"^(\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}[、.])")
_PAREN = re.compile(r"\([^()]*\)")
_RUN = re.compile(r"[\s\x01]*((?:[0-9.+\-]|无|万|元)(?:[0-9.+\-\s,]|无|万|元)*)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")  # 1,036: one number; any other comma parts two cells
_FILLER = re.compile(_FILL)
_SPACES = re.compile(r"\s+")
_UNIT_SPACE = re.compile(r"\s+(?=万|元)")  # 2500 万: the unit belongs to its number
_SENTENCE_END = re.compile(r"[。；;！？!?]")
SHORT = 4  # a label core shorter than this is only taken with its numbering (3.其他, （七）总计)


def comparable(text: str) -> str:
    """The text with full-width forms as ASCII and quotes marked, character for character."""
    return text.translate(_ONE_TO_ONE)


def _chars(text: str) -> str:
    return _FILL.join(re.escape(c) for c in text)


def _core_pattern(core: str) -> str:
    """A label's words; a parenthetical inside (区分处理的，…) may be left out, unless it is the whole label."""
    if _PAREN.fullmatch(core):
        return _chars(core)
    out, at = [], 0
    for m in _PAREN.finditer(core):
        out.append(_chars(core[at:m.start()]))
        out.append(f"(?:{_FILL}{_chars(m.group())})?")
        at = m.end()
    out.append(_chars(core[at:]))
    return "".join(p for p in out if p)


def _form(label: str) -> str:
    text = re.sub(r"[\s\x01]", "", comparable(label))
    m = _NUMBERING.match(text)
    numbering, core = (m.group(), text[m.end():]) if m else ("", text)
    if not numbering:
        return _core_pattern(core)
    number = re.escape(numbering[:-1]) + "[、.]" if numbering[-1] in "、." else _chars(numbering)
    if len(core) < SHORT:
        return f"{number}{_FILL}{_core_pattern(core)}"
    return f"(?:{number}{_FILL})?{_core_pattern(core)}"


@cache
def label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a label and its variants, longest first."""
    return re.compile("|".join(f"(?:{_form(t)})" for t in sorted(set(labels), key=len, reverse=True)))


def _pattern(label: Label) -> re.Pattern[str]:
    return label_pattern((label.label, *label.variants))


@dataclass(slots=True)
class Found:
    """A row label found in the text and the run of digits after it."""

    keys: tuple[str, ...]
    kinds: tuple[str, ...]
    printed: str
    run: str
    start: int  # where the row's label starts
    end: int  # where the row's text ends


def _find_in_order(text: str, start: int, stop: int, patterns: list[re.Pattern[str]]) -> list[re.Match | None]:
    """Each label's first match after the previous one; a label found only after the next one is missing."""
    out: list[re.Match | None] = []
    pos = start
    for i, pattern in enumerate(patterns):
        m = pattern.search(text, pos, stop)
        if m and i + 1 < len(patterns):
            after = patterns[i + 1].search(text, pos, stop)
            if after and after.start() < m.start():
                m = None
        out.append(m)
        if m:
            pos = m.end()
    return out


def _run_after(text: str, at: int, stop: int) -> tuple[str, int]:
    """The digits right after a label (up to `stop`), spaces inside kept as boundaries, and where they end."""
    m = _RUN.match(text, at, stop)
    if not m:
        return "", at
    run = m.group(1).rstrip(" \t\n,")
    cells = _THOUSANDS.sub("", _UNIT_SPACE.sub("", run)).replace(",", " ")
    return _SPACES.sub(BOUNDARY, cells), m.start(1) + len(run)


def _rows(text: str, start: int, stop: int, labels: list[tuple[Label, tuple[str, ...], tuple[str, ...]]],
          ) -> list[Found]:
    """Rows (label, its cell keys, their kinds) found in order, each with its run of digits."""
    matches = _find_in_order(text, start, stop, [_pattern(label) for label, _, _ in labels])
    found = []
    for i, (m, (_, keys, kinds)) in enumerate(zip(matches, labels, strict=True)):
        if m is None:
            continue
        nxt = next((n.start() for n in matches[i + 1:] if n), stop)
        run, end = _run_after(text, m.end(), nxt)
        if run:  # a label without digits after it is prose naming the row (or a row left blank): no cells
            found.append(Found(keys, kinds, m.group(), run, m.start(), end))
    return found


@cache
def _opening_rows() -> re.Pattern[str]:
    """Table 三's first row label of any format followed by digits."""
    labels = tuple(f.table3_rows[0].label for f in all_formats().values())
    return re.compile(f"(?:{label_pattern(labels).pattern})" + r"[\s\x01]*\d{3,}")


def glued_rows_in(texts: Iterable[str]) -> bool:
    """Does any of the texts hold table 三's first row with its cells run together?"""
    pattern = _opening_rows()
    return any(pattern.search(comparable(t)) for t in texts)


# ── the format's knowledge: kinds of cells, groups with a total, equations between rows ──────────────────

def _kind(fmt: Format, column: str) -> str:
    if column in fmt.decimal_columns:
        return DECIMAL
    return SIGNED if column in fmt.signed_columns else COUNT


@cache
def _equations(fmt_id: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Every identity of the format written out: (left keys, right keys), sum(left) == sum(right)."""
    fmt = all_formats()[fmt_id]
    out = []
    for identity in fmt.identities:
        for binding in fmt.bindings(identity.for_each):
            sums = fmt.bindings(identity.sum_over) if identity.sum_over else [{}]

            def expand(templates: tuple[str, ...], binding: dict = binding, sums: list = sums) -> tuple[str, ...]:
                keys = [t.format(**binding, **s) for t in templates for s in sums]
                return tuple(dict.fromkeys(keys))
            out.append((expand(identity.left), expand(identity.right)))
    return tuple(out)


def _groups(fmt: Format, keys: tuple[str, ...], kinds: tuple[str, ...]) -> tuple[Group, ...]:
    return _groups_of(fmt.id, keys, kinds)


@cache
def _groups_of(fmt_id: str, keys: tuple[str, ...], kinds: tuple[str, ...]) -> tuple[Group, ...]:
    """The run's cells in groups: a total and the cells right before it that it sums; other cells alone."""
    fmt = all_formats()[fmt_id]
    at = {k: i for i, k in enumerate(keys)}
    spans: dict[int, int] = {}
    for left, right in _equations(fmt.id):
        if len(left) == 1 and left[0] in at and right and all(k in at for k in right):
            end, first = at[left[0]], min(at[k] for k in right)
            if sorted(at[k] for k in right) == list(range(first, end)):
                spans[first] = end
    groups, i = [], 0
    while i < len(keys):
        if i in spans:
            groups.append(Group(kinds[i:spans[i] + 1], total=True))
            i = spans[i] + 1
        else:
            j = i
            while j + 1 < len(keys) and j + 1 not in spans:
                j += 1
            groups.append(Group(kinds[i:j + 1]))
            i = j + 1
    return tuple(groups)


# ── the three tables ───────────────────────────────────────────────────────────────────────────────────

def _table3_rows(fmt: Format) -> list[tuple[Label, tuple[str, ...], tuple[str, ...]]]:
    return _table3_rows_of(fmt.id)


@cache
def _table3_rows_of(fmt_id: str) -> list[tuple[Label, tuple[str, ...], tuple[str, ...]]]:
    fmt = all_formats()[fmt_id]
    spec = fmt.table(3)
    kinds = tuple(_kind(fmt, c.key) for c in fmt.table3_columns)
    return [(r, tuple(spec.key(r.key, c.key) for c in fmt.table3_columns), kinds) for r in fmt.table3_rows]


def _table3(text: str, start: int) -> tuple[Format, list[Found]] | None:
    """Table 三 in the shape of the format whose rows are found most completely (the newest on a tie)."""
    best: tuple[int, Format, list[Found]] | None = None
    for fmt in reversed(all_formats().values()):
        header = label_pattern((fmt.table3_corner, fmt.table3_applicants)).search(text, start)
        found = _rows(text, header.start() if header else start, len(text), _table3_rows(fmt))
        if found and (best is None or len(found) > best[0]):
            best = (len(found), fmt, found)
        if len(found) == len(fmt.table3_rows):
            break  # every row of the newest format that has them all
    return (best[1], best[2]) if best else None


def _table4(text: str, start: int) -> tuple[Format, list[Found]] | None:
    """Table 四: its labels and the runs among them, read as one run in the official order of its cells."""
    fmt = list(all_formats().values())[-1]
    columns = label_pattern(tuple(t for c in fmt.table4_columns for t in (c.label, *c.variants)))
    first = columns.search(text, start)
    if not first:
        return None
    words = tuple(t for lab in (*fmt.table4_columns, *fmt.table4_groups) for t in (lab.label, *lab.variants))
    labels = label_pattern(words + tuple(g.group for g in fmt.table4_groups if g.group))
    pos, runs, end = first.end(), [], first.end()
    while pos < len(text):
        m = labels.match(text, _FILLER.match(text, pos).end())
        if m:
            pos = end = m.end()
            continue
        run, after = _run_after(text, pos, len(text))
        if not run:
            break
        runs.append(run)
        pos = end = after
    if not runs:
        return None
    spec = fmt.table(4)
    keys = tuple(spec.key(g.key, c.key) for g in fmt.table4_groups for c in fmt.table4_columns)
    kinds = tuple(_kind(fmt, c.key) for _ in fmt.table4_groups for c in fmt.table4_columns)
    return fmt, [Found(keys, kinds, spec.name, BOUNDARY.join(runs), first.start(), end)]


def _table2(text: str, start: int) -> tuple[list[tuple[Format, list[Found], int]], set[str]]:
    """Table 二 block by block: an article, its header naming the columns of one format's block, its rows."""
    articles = {b.article for f in all_formats().values() for b in f.table2}
    hits = sorted((m.start(), m.end(), a) for a in articles for m in label_pattern((a,)).finditer(text, start))
    out, formats = [], set()
    for i, (begin, at, article) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        chosen = _block_of(text, at, stop, article)
        if chosen is None:
            continue
        fmt, block = chosen
        found = _rows(text, at, stop, _block_rows(fmt.id, fmt.table2.index(block)))
        if found:
            out.append((fmt, found, begin))
            formats.add(fmt.id)
    return out, formats


@cache
def _block_rows(fmt_id: str, index: int) -> list[tuple[Label, tuple[str, ...], tuple[str, ...]]]:
    """A table 二 block's rows with their cell keys and kinds."""
    fmt = all_formats()[fmt_id]
    block, spec = fmt.table2[index], fmt.table(2)
    return [(r, tuple(spec.key(r.key, c.key) for c in block.columns),
             tuple(_kind(fmt, c.key) for c in block.columns)) for r in block.rows]


def _block_of(text: str, at: int, stop: int, article: str) -> tuple[Format, Table2Block] | None:
    """The block whose every column label the header names (the one naming most columns)."""
    best: tuple[int, Format, Table2Block] | None = None
    for fmt in all_formats().values():
        for block in fmt.table2:
            if block.article != article:
                continue
            first_row = min((m.start() for r in block.rows if (m := _pattern(r).search(text, at, stop))),
                            default=None)
            if first_row is None:
                continue
            header = text[at:first_row]
            if all(_pattern(c).search(header) for c in block.columns) and (
                    best is None or len(block.columns) > best[0]):
                best = (len(block.columns), fmt, block)
    return (best[1], best[2]) if best else None


# ── reading the runs and cutting the tables out of the prose ──────────────────────────────────────────────

@dataclass(slots=True)
class SectionBlocks:
    first: int  # index of the section's first block after its heading
    stop: int  # index after its last block


def sections_of(headings: list, blocks: int) -> dict[int, SectionBlocks]:
    """Each section's blocks between its heading and the next (headings: extract.prose.Heading)."""
    ordered = sorted(headings, key=lambda h: h.index)
    return {h.number: SectionBlocks(h.index + 1, ordered[i + 1].index if i + 1 < len(ordered) else blocks)
            for i, h in enumerate(ordered)}


def _cells(fmt: Format, found: list[Found], source: Source, ex: Extraction, table: str) -> None:
    runs = []
    kinds: dict[str, str] = {}
    for row in found:
        kinds.update(zip(row.keys, row.kinds, strict=True))
        groups = _groups(fmt, row.keys, row.kinds)
        found_readings = readings(row.run, groups)
        if found_readings == []:
            found_readings = _surplus(row, groups, source, ex)
        runs.append(Run(row.keys, found_readings))
    settle(runs, kinds, list(_equations(fmt.id)))
    read: list[str] = []
    for row, run in zip(found, runs, strict=True):
        read += _store(row, run, source, ex)
    if read:
        ex.note("glued_read", read, [source], table=table)


def _surplus(row: Found, groups: tuple[Group, ...], source: Source, ex: Extraction) -> list[tuple[str, ...]]:
    """A row printed with one extra cell at either end, a copy of the cell beside it (a merged row, seed 002's
    （六）and（七））: read only when every placement of the extra cell gives the same values (S211), as for
    rows laid out in cells."""
    before = readings(row.run, (Group((row.kinds[0],)), *groups)) or []
    after = readings(row.run, (*groups, Group((row.kinds[-1],)))) or []
    # the extra cell repeats its neighbour, as a cell merged over two columns is printed twice
    values = {r[1:] for r in before if r[0] == r[1]} | {r[:-1] for r in after if r[-1] == r[-2]}
    if len(values) != 1:
        return []
    ex.note("surplus_cell", list(row.keys), [source], count=len(row.keys) + 1, expected=len(row.keys))
    return list(values)


def _agreed(candidates: list[tuple[str, ...]], i: int) -> str | None:
    """The i-th cell's text when every reading gives the same, else None."""
    texts = {c[i] for c in candidates}
    return next(iter(texts)) if len(texts) == 1 else None


def _store(row: Found, run: Run, source: Source, ex: Extraction) -> list[str]:
    """Store a row's cells: read where every remaining reading agrees, null (and said) elsewhere."""
    candidates = run.candidates or []
    agreed = candidates[0] if len(candidates) == 1 else [_agreed(candidates, i) for i in range(len(row.keys))]
    read, unread = [], []
    for key, text in zip(row.keys, agreed, strict=True):
        if text is not None:
            value = read_value(text)
            ex.cells.setdefault(key, Cell(key, value.value, text, source, value.unit, value.note))
            read.append(key)
        else:
            ex.cells.setdefault(key, Cell(key, None, row.run.replace(BOUNDARY, " "), source, note="glued"))
            unread.append(key)
    if unread:
        printed = row.printed.replace("\x01", "")
        digits = row.run.replace(BOUNDARY, " ")
        if not candidates:
            count = f"{MAX_READINGS}+" if run.candidates is None else "0"
            ex.note("glued_unsplit", unread, [source], printed=printed, digits=digits, count=count,
                    expected=len(row.keys))
        else:
            shown = "；".join(" | ".join(c) for c in candidates[:5]) + ("…" if len(candidates) > 5 else "")
            ex.note("glued_ambiguous", unread, [source], printed=printed, digits=digits,
                    count=len(candidates), readings=shown)
    return read


def read_glued_tables(doc: Document, sections: dict[int, SectionBlocks], ex: Extraction) -> tuple[Document, set[str]]:
    """Read the tables inside the sections' text; the document comes back with each table cut out of the
    prose (an empty table block where it stood) and the formats table 二's wording follows."""
    blocks = list(doc.blocks)
    formats: set[str] = set()
    newest = list(all_formats().values())[-1]
    for spec in sorted(newest.tables, key=lambda t: -t.section):  # from the end: indices stay valid
        where = sections.get(spec.section)
        if where is None:
            continue
        paragraphs = [b for b in blocks[where.first:where.stop] if isinstance(b, Paragraph)]
        if not paragraphs:
            continue
        text = comparable("\n".join(p.text for p in paragraphs))
        original = "\n".join(p.text for p in paragraphs)
        source = Source(doc.path, line=paragraphs[0].line, page=paragraphs[0].page, table=spec.number)
        span = _read_table(spec.number, text, source, ex, formats)
        if span is None:
            continue
        start, end = span
        before, after = original[:start].strip(), original[end:].strip()
        cut: list = [Paragraph(before, paragraphs[0].line)] if before else []
        cut.append(Table([], index=spec.number, layout="glued"))
        cut += [Paragraph(after, paragraphs[-1].line)] if after else []
        blocks[where.first:where.stop] = cut
    return replace(doc, blocks=blocks), formats


def _read_table(number: int, text: str, source: Source, ex: Extraction, formats: set[str]) -> tuple[int, int] | None:
    """Read one table in a section's text; (start, end) of the table's text, or None when it is not there."""
    if number == 2:
        blocks, found_formats = _table2(text, 0)
        for fmt, found, _ in blocks:
            _cells(fmt, found, source, ex, fmt.table(2).name)
        formats |= found_formats
        if not blocks:
            return None
        return blocks[0][2], blocks[-1][1][-1].end  # from the first block's article: not an article named in prose
    result = _table3(text, 0) if number == 3 else _table4(text, 0)
    if result is None:
        return None
    fmt, found = result
    _cells(fmt, found, source, ex, fmt.table(number).name)
    return _first_label(text, fmt, number, found), found[-1].end


def _first_label(text: str, fmt: Format, number: int, found: list[Found]) -> int:
    """Where the table's own words begin: its header (申请人情况, the 勾稽关系 corner, 行政复议…) in the
    sentence of its first row."""
    anchor = found[0].start
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, anchor)]
    since = ends[-1] if ends else 0
    if number == 3:
        words: tuple[str, ...] = (fmt.table3_corner, fmt.table3_applicants)
    else:
        words = tuple(g.group or g.label for g in fmt.table4_groups) + tuple(c.label for c in fmt.table4_columns)
    return min([anchor, *(m.start() for m in label_pattern(words).finditer(text, since, anchor))])

