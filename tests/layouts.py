"""Lay any report out as text, in the three text layouts the reader supports.

`render(report, layout, quirks)` writes a whole annual report: the title, the six section
headings with prose, and tables 二, 三 and 四 of the report's format, in one of

- "cell-per-line": every cell on its own line after a tab, rows separated by a blank line,
  merged-away cells as bare tab lines, a cell's own line breaks as untabbed fragments
  (Word → text, seeds 000/001/003/004);
- "tab": one row per line, cells separated by tabs, with empty spacer cells and trailing tabs
  (PDF → text, seed 002);
- "pipe": `| a | b |  | c |` rows on a full grid, empty cells where cells are merged, an optional
  `|---|` rule after a table's first row (web page → text).

`report` is a flat dict in the form of shared/spec/cell-keys.md (meta.year, meta.agency,
meta.template, optional meta.published, table cells), plus an optional "prose" entry
{section number: [paragraph, …]}. A cell value of None is written as a blank cell.

Every label comes from the format data (gongkai.formats); the only words typed here are the
ones the format data does not hold (the 信息内容 corner of table 二, the section numerals).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gongkai.formats import Format, all_formats

LAYOUTS = ("cell-per-line", "tab", "pipe")

# Not in the format data: the top-left header cell of every table 二 block, and the numerals of
# the six section headings (the official numbering style 一、… 六、).
TABLE2_CORNER = next(iter(all_formats().values())).table2_header
NUMERALS = "一二三四五六七八九十"

_FULL_WIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
_HALF_BRACKETS = str.maketrans({"（": "(", "）": ")"})
_BLANK_FILLERS = (" ", "\u3000", "  ", " \u3000 ")


@dataclass(frozen=True, slots=True)
class Quirks:
    """Real-world quirks the renderer may switch on; `seed` decides which cells they touch."""

    broken_headers: bool = False  # header words over lines: 商业\n企业, 自\n\n然\n\n人, 规    章
    none_word: bool = False  # 无 written for some zeros
    # Blank cells are the report's None values (see strategies.blanked); with `blanks` some of
    # them are written with stray spaces (" ", "\u3000") instead of nothing.
    blanks: bool = False
    fullwidth_digits: bool = False  # ０１２ for some values
    duplicate_cell: bool = False  # a row carries one extra copy of its first or last value
    duplicate_tables: tuple[int, ...] = (2, 3, 4)  # the tables whose rows duplicate_cell touches
    duplicate_rate: float = 0.4  # the share of (unambiguous) rows that get the extra cell
    upheld_typo: bool = False  # 结果维护 for 结果维持 (seeds 000 and 003)
    halfwidth_brackets: bool = False  # (一) instead of （一） in labels
    seed: int = 0


# ── The neutral grid: rows of cells with column spans ───────────────────────

LABEL, VALUE, CONT = "label", "value", "cont"


@dataclass(slots=True)
class GridCell:
    text: str
    kind: str  # LABEL, VALUE, CONT (the continuation of a cell merged from the row above)
    span: int = 1  # grid columns covered (a merged cell)


Row = list[GridCell]


@dataclass(slots=True)
class Grid:
    rows: list[Row]
    width: int


def applicant_header(fmt: Format) -> str:
    return fmt.table3_applicants


class _Renderer:
    def __init__(self, report: dict, fmt: Format, layout: str, quirks: Quirks) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; known: {', '.join(LAYOUTS)}")
        self.report = report
        self.fmt = fmt
        self.layout = layout
        self.quirks = quirks
        self.rng = random.Random(quirks.seed)

    # ── cell texts ──

    def label(self, text: str, header: bool = False) -> str:
        q = self.quirks
        if q.upheld_typo:
            upheld = next((c for c in self.fmt.table4_columns if c.key == "upheld"), None)
            if upheld is not None and upheld.variants and text == upheld.label:
                text = upheld.variants[0]
        if q.halfwidth_brackets:
            text = text.translate(_HALF_BRACKETS)
        if header and q.broken_headers and len(text) >= 2 and self.rng.random() < 0.5:
            text = self.broken(text)
        return text

    def broken(self, text: str) -> str:
        if self.layout != "cell-per-line":
            cut = self.rng.randrange(1, len(text))
            return text[:cut] + " " * self.rng.randint(1, 4) + text[cut:]
        if len(text) <= 3 and self.rng.random() < 0.5:
            return "\n\n".join(text)  # 自\n\n然\n\n人: one character per paragraph
        cut = self.rng.randrange(1, len(text))
        return text[:cut] + "\n" + text[cut:]  # 商业\n企业: a wrapped line

    def value(self, value: object) -> str:
        q = self.quirks
        if value is None:
            return self.rng.choice(_BLANK_FILLERS) if q.blanks and self.rng.random() < 0.5 else ""
        if value == 0 and not isinstance(value, float) and q.none_word and self.rng.random() < 0.5:
            return "无"
        text = str(value)
        if q.fullwidth_digits and self.rng.random() < 0.5:
            text = text.translate(_FULL_WIDTH)
        return text

    def values(self, keys: list[str], table: int, identity=None) -> Row:
        raw = [self.report.get(k) for k in keys]
        cells = [GridCell(self.value(v), VALUE) for v in raw]
        q = self.quirks
        if q.duplicate_cell and table in q.duplicate_tables and self.rng.random() < q.duplicate_rate:
            at_start = self.rng.random() < 0.5
            if duplicate_is_unambiguous(raw, at_start, identity):
                copy = GridCell(cells[0].text if at_start else cells[-1].text, VALUE)
                cells.insert(0 if at_start else len(cells), copy)
        return cells

    # ── tables as grids ──

    def table2(self) -> Grid:
        width = 1 + max(len(b.columns) for b in self.fmt.table2)
        rows: list[Row] = []
        for block in self.fmt.table2:
            rows.append([GridCell(self.label(block.article), LABEL, width)])
            header = [GridCell(self.label(TABLE2_CORNER), LABEL)]
            header += [GridCell(self.label(c.label, header=True), LABEL) for c in block.columns]
            header[-1].span += width - len(header)
            rows.append(header)
            for r in block.rows:
                label = self.label(r.label)
                if self.quirks.broken_headers and len(label) == 2 and self.rng.random() < 0.5:
                    label = label[0] + " " * self.rng.randint(1, 4) + label[1]  # 规    章
                row = [GridCell(label, LABEL)]
                row += self.values([f"proactive.{r.key}.{c.key}" for c in block.columns], 2)
                row[-1].span += max(0, width - len(row))
                rows.append(row)
        return Grid(rows, width)

    def table3(self) -> Grid:
        fmt = self.fmt
        columns = fmt.table3_columns
        ncols = len(columns)
        width = 3 + ncols
        group = next(c.group for c in columns if c.group)
        in_group = [c for c in columns if c.group]
        first_sub = columns.index(in_group[0])
        rows: list[Row] = [
            [GridCell(self.label(fmt.table3_corner), LABEL, 3),
             GridCell(self.label(applicant_header(fmt)), LABEL, ncols)],
        ]
        top: Row = [GridCell("", CONT, 3)]
        for i, c in enumerate(columns):
            if not c.group:
                top.append(GridCell(self.label(c.label, header=True), LABEL))
            elif i == first_sub:
                top.append(GridCell(self.label(group, header=True), LABEL, len(in_group)))
        subs: Row = [GridCell("", CONT, 3)]
        for c in columns:
            subs.append(GridCell(self.label(c.label, header=True), LABEL) if c.group
                        else GridCell("", CONT))
        rows += [top, subs]
        total = [c.key for c in columns].index("total") if any(c.key == "total" for c in columns) \
            else None
        part_seen: set[str] = set()
        group_seen: set[str] = set()
        for r in fmt.table3_rows:
            row: Row = []
            if r.part is None:
                row.append(GridCell(self.label(r.label), LABEL, 3))
            else:
                if r.part in part_seen:
                    row.append(GridCell("", CONT))
                else:
                    part_seen.add(r.part)
                    row.append(GridCell(self.label(r.part), LABEL))
                if r.group is None:
                    row.append(GridCell(self.label(r.label), LABEL, 2))
                else:
                    if r.group in group_seen:
                        row.append(GridCell("", CONT))
                    else:
                        group_seen.add(r.group)
                        row.append(GridCell(self.label(r.group), LABEL))
                    row.append(GridCell(self.label(r.label), LABEL))
            row += self.values([f"applications.{r.key}.{c.key}" for c in columns], 3,
                               _sum_identity(total))
            rows.append(row)
        return Grid(rows, width)

    def table4(self) -> Grid:
        fmt = self.fmt
        groups, columns = fmt.table4_groups, fmt.table4_columns
        n = len(columns)
        width = n * len(groups)
        top: Row = []
        second: Row = []
        third: Row = []
        parents_done: set[str] = set()
        for g in groups:
            if g.group is None:
                top.append(GridCell(self.label(g.label), LABEL, n))
                second += [GridCell(self.label(c.label, header=True), LABEL) for c in columns]
                third += [GridCell("", CONT) for _ in columns]
            else:
                if g.group not in parents_done:
                    parents_done.add(g.group)
                    span = n * sum(1 for h in groups if h.group == g.group)
                    top.append(GridCell(self.label(g.group), LABEL, span))
                second.append(GridCell(self.label(g.label, header=True), LABEL, n))
                third += [GridCell(self.label(c.label, header=True), LABEL) for c in columns]
        data = self.values([f"{g.key}.{c.key}" for g in groups for c in columns], 4)
        return Grid([top, second, third, data], width)

    # ── layouts ──

    def lay_out(self, grid: Grid) -> str:
        if self.layout == "cell-per-line":
            return "\n\n".join("\n".join("\t" + c.text for c in row) for row in grid.rows)
        lines = []
        for i, row in enumerate(grid.rows):
            cells = self.expand(row)
            if self.layout == "tab":
                lines.append("\t".join(_one_line(c) for c in cells))
            else:
                lines.append("| " + " | ".join(_one_line(c) for c in cells) + " |")
                if i == 0 and self.rng.random() < 0.5:
                    lines.append("|" + "---|" * len(cells))
        return "\n".join(lines)

    def expand(self, row: Row) -> list[str]:
        """The row on the grid: every merged cell followed by empty cells for the columns it covers.

        The pipe layout keeps the full grid. In the tab layout, PDF text keeps no grid: the empty
        spacer cells between a row's labels and its values are kept or dropped at random, and a
        trailing tab is added at random. Where a spacer would make a blank last value
        indistinguishable from a spacer (the row would read one cell short at either end), the
        row is written without spacers, as a human reading the printed row would place it.
        """
        cells = _flatten(row)
        values = [c for c in row if c.kind == VALUE]
        if self.layout == "pipe" or not values:
            return cells
        first_value = next(i for i, c in enumerate(row) if c.kind == VALUE)
        head = _flatten(row[:first_value])
        worded = [i for i, t in enumerate(head) if t.strip()]
        last_blank = not values[-1].text.strip()
        if worded and (last_blank or self.rng.random() < 0.3):
            head = head[: worded[-1] + 1]
        tail = [""] * sum(c.span - 1 for c in values)
        if self.rng.random() < 0.5:
            tail.append("")  # a trailing tab
        return head + [c.text for c in values] + tail

    # ── the whole report ──

    def text(self) -> str:
        r, fmt = self.report, self.fmt
        agency, year = r["meta.agency"], r["meta.year"]
        prose = r.get("prose") or {}
        out = [f"{agency}{year}年政府信息公开工作年度报告", ""]
        out.append(f"本报告依据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{year}年1月1日起"
                   f"至{year}年12月31日止。")
        tables = {2: self.table2, 3: self.table3, 4: self.table4}
        for section in fmt.sections:
            number = int(section.key)
            out.append(f"{NUMERALS[number - 1]}、{section.label}")
            for paragraph in prose.get(number, _DEFAULT_PROSE[number]):
                out.append(paragraph)
            if number in tables:
                out.append(self.lay_out(tables[number]()))
                out.append("")
                out.append("")
        if r.get("meta.published"):
            y, m, d = (int(x) for x in str(r["meta.published"]).split("-"))
            out += ["", agency, f"{y}年{m}月{d}日"]
        return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return text.replace("\n\n", " ").replace("\n", " ")


def _flatten(cells: Row) -> list[str]:
    out: list[str] = []
    for c in cells:
        out.append(c.text)
        out.extend([""] * (c.span - 1))
    return out


def _sum_identity(total: int | None):
    """The row identity of table 三: 总计 = the sum of the other columns."""
    if total is None:
        return None

    def holds(values: list) -> bool:
        if any(v is None for v in values):
            return False
        return values[total] == sum(v for i, v in enumerate(values) if i != total)

    return holds


def duplicate_is_unambiguous(values: list, at_start: bool, identity=None) -> bool:
    """Would one extra copy of the first (or last) value leave only one reading of the row?

    Strict: every way of dropping one cell from the lengthened row must give the same values,
    or, where the row has an identity (table 三: 总计 = the sum of the others), exactly one
    distinct way that satisfies it, and that is the true row.
    """
    if not values or any(v is None for v in values):
        return False
    longer = [values[0], *values] if at_start else [*values, values[-1]]
    readings = {tuple(longer[:i] + longer[i + 1:]) for i in range(len(longer))}
    if len(readings) == 1:
        return True
    if identity is None:
        return False
    consistent = {r for r in readings if identity(list(r))}
    return consistent == {tuple(values)}


_DEFAULT_PROSE = {
    1: ["本年度，本机关坚持以公开为常态、不公开为例外，进一步健全政府信息公开工作机制，"
        "加强组织领导，规范公开程序，切实提升政务公开质量和实效。"],
    2: ["本机关通过门户网站、政务新媒体等渠道及时主动公开政府信息，主动公开情况统计如下表所示。"],
    3: ["本机关严格按照条例规定的程序和时限办理政府信息公开申请，办理情况统计如下表所示。"],
    4: ["本年度本机关因政府信息公开引起的行政复议、行政诉讼情况统计如下表所示。"],
    5: ["本年度政府信息公开工作仍存在公开内容不够丰富、更新不够及时等问题，"
        "下一步将加强业务培训，完善工作制度，进一步提高政府信息公开工作水平。"],
    6: ["本机关本年度未收取信息处理费，无其他需要报告的事项。"],
}


def render(report: dict, layout: str, quirks: Quirks | None = None) -> str:
    """The report as text in the given layout, with the quirks switched on."""
    fmt = all_formats()[str(report["meta.template"])]
    return _Renderer(report, fmt, layout, quirks or Quirks()).text()
