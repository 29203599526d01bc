"""The official table layouts, built from the format data, for every writer to render.

A layout is a grid of anchor cells with row and column spans, as in the blank official
Word template: table 二 in blocks over 4 columns, table 三 with its 3×3 corner and nested row
labels over 10 columns, table 四 over 15 columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.formats import Block, Format, TableSpec, all_formats, report_format
from gongkai.model import Number, Report

LABEL_COLUMNS_T3 = 3  # the row labels of table 三 take three grid columns


@dataclass(slots=True)
class LayoutCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # the flat key of a data cell; None for labels
    header: bool = False  # a column header (as opposed to a row label or data)


@dataclass(slots=True)
class TableLayout:
    spec: TableSpec  # which table, its name and title
    nrows: int
    ncols: int
    cells: list[LayoutCell] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.spec.title

    def add(self, text: str, row: int, col: int, rowspan: int = 1, colspan: int = 1,
            key: str | None = None, header: bool = False) -> None:
        self.cells.append(LayoutCell(text, row, col, rowspan, colspan, key, header))

    def grid(self) -> list[list[LayoutCell | None]]:
        """Each grid position → its anchor cell where the cell starts, None where it is covered."""
        grid: list[list[LayoutCell | None]] = [[None] * self.ncols for _ in range(self.nrows)]
        for cell in self.cells:
            grid[cell.row][cell.col] = cell
        return grid

    def owner(self) -> list[list[LayoutCell]]:
        """Each grid position → the cell that covers it (merged labels repeated)."""
        owner: list[list[LayoutCell]] = [[None] * self.ncols for _ in range(self.nrows)]  # type: ignore[list-item]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    owner[r][c] = cell
        return owner


def value_text(value: Number | None) -> str:
    """A cell value as the official report prints it."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def _spans(count: int, width: int) -> list[int]:
    """Share width grid columns among count data columns, the last taking the rest."""
    return [1] * (count - 1) + [width - (count - 1)]


def _block_for(report: Report | None, primary: Format, article: str) -> tuple[Block, list[str]] | None:
    """The wording of an article the report uses most (ties: the primary format's), and its rows."""
    own = next((b for b in primary.table2 if b.article == article), None)
    versions = [b for f in all_formats().values() for b in f.table2 if b.article == article]
    spec = primary.table(2)
    best: tuple[int, Block, list[str]] | None = None
    if report is not None:
        for block in versions:
            hits = sum(k in report.cells for k in primary.block_keys(block))
            rows = [r.key for r in block.rows if any(spec.key(r.key, c.key) in report.cells for c in block.columns)]
            if hits and (best is None or hits > best[0] or (hits == best[0] and block is own)):
                best = (hits, block, rows)
    if best is not None:
        return best[1], best[2]
    return (own, [r.key for r in own.rows]) if own else None


def table2(primary: Format, report: Report | None = None) -> TableLayout:
    spec = primary.table(2)
    layout = TableLayout(spec, 0, 4)
    row = 0
    articles = [b.article for b in primary.table2]
    if report is not None:  # blocks the report has in another wording's article list (2019's （九）)
        for fmt in all_formats().values():
            articles += [b.article for b in fmt.table2 if b.article not in articles
                         and any(k in report.cells for k in fmt.block_keys(b))]
    for article in articles:
        found = _block_for(report, primary, article)
        if found is None:
            continue
        block, rows = found
        spans = _spans(len(block.columns), 3)
        layout.add(article, row, 0, colspan=4, header=True)
        layout.add(primary.table2_header, row + 1, 0, header=True)
        col = 1
        for column, span in zip(block.columns, spans, strict=True):
            layout.add(column.label, row + 1, col, colspan=span, header=True)
            col += span
        row += 2
        for label in block.rows:
            if label.key not in rows:
                continue
            layout.add(label.label, row, 0)
            col = 1
            for column, span in zip(block.columns, spans, strict=True):
                layout.add("", row, col, colspan=span, key=spec.key(label.key, column.key))
                col += span
            row += 1
    layout.nrows = row
    return layout


def table3(fmt: Format) -> TableLayout:
    columns = fmt.table3_columns
    ncols = LABEL_COLUMNS_T3 + len(columns)
    spec = fmt.table(3)
    layout = TableLayout(spec, 3 + len(fmt.table3_rows), ncols)
    layout.add(fmt.table3_corner, 0, 0, rowspan=3, colspan=LABEL_COLUMNS_T3, header=True)
    layout.add(fmt.table3_applicants, 0, LABEL_COLUMNS_T3, colspan=len(columns), header=True)
    col = LABEL_COLUMNS_T3
    grouped = [c for c in columns if c.group]
    for column in columns:
        if column.group is None:
            layout.add(column.label, 1, col, rowspan=2, header=True)
        elif column is grouped[0]:
            layout.add(column.group, 1, col, colspan=len(grouped), header=True)
        if column.group:
            layout.add(column.label, 2, col, header=True)
        col += 1
    _table3_labels(layout, fmt)
    for i, row in enumerate(fmt.table3_rows):
        for j, column in enumerate(columns):
            layout.add("", 3 + i, LABEL_COLUMNS_T3 + j, key=spec.key(row.key, column.key))
    return layout


def _run(rows: list, start: int, attr: str) -> int:
    """How many rows from start share the same value of attr."""
    value = getattr(rows[start], attr)
    end = start
    while end < len(rows) and getattr(rows[end], attr) == value:
        end += 1
    return end - start


def _table3_labels(layout: TableLayout, fmt: Format) -> None:
    rows = list(fmt.table3_rows)
    i = 0
    while i < len(rows):
        r = 3 + i
        row = rows[i]
        if row.part is None:
            layout.add(row.label, r, 0, colspan=3)
            i += 1
            continue
        if i == 0 or rows[i - 1].part != row.part:
            layout.add(row.part, r, 0, rowspan=_run(rows, i, "part"))
        if row.group is None:
            layout.add(row.label, r, 1, colspan=2)
        else:
            if rows[i - 1].group != row.group:
                layout.add(row.group, r, 1, rowspan=_run(rows, i, "group"))
            layout.add(row.label, r, 2)
        i += 1


def table4(fmt: Format) -> TableLayout:
    groups, columns = fmt.table4_groups, fmt.table4_columns
    n = len(columns)
    spec = fmt.table(4)
    layout = TableLayout(spec, 4, n * len(groups))
    col = 0
    parents_done: set[str] = set()
    for group in groups:
        if group.group is None:
            layout.add(group.label, 0, col, colspan=n, header=True)
            for j, column in enumerate(columns):
                layout.add(column.label, 1, col + j, rowspan=2, header=True)
        else:
            if group.group not in parents_done:
                width = n * sum(1 for g in groups if g.group == group.group)
                layout.add(group.group, 0, col, colspan=width, header=True)
                parents_done.add(group.group)
            layout.add(group.label, 1, col, colspan=n, header=True)
            for j, column in enumerate(columns):
                layout.add(column.label, 2, col + j, header=True)
        for j, column in enumerate(columns):
            layout.add("", 3, col + j, key=spec.key(group.key, column.key))
        col += n
    return layout


def _table2_format(report: Report, fmt: Format) -> Format:
    """The format whose blocks table 二 is laid out in: the one its wording follows where that is not
    table 三's (a 2021 report that kept the 2019 rows of table 三 still has the 2021 table 二)."""
    wordings = report.meta.table2_formats
    if not wordings or fmt.id in wordings:
        return fmt
    return all_formats().get(wordings[-1], fmt)


def layouts(report: Report) -> list[TableLayout]:
    """The three official tables of a report, filled with its values."""
    fmt = report_format(report)
    tables = [table2(_table2_format(report, fmt), report), table3(fmt), table4(fmt)]
    for table in tables:
        for cell in table.cells:
            if cell.key is not None:
                cell.text = value_text(report.value(cell.key))
    return tables


def layouts_by_section(report: Report) -> dict[int, TableLayout]:
    """The report's tables by the number of the section each is printed in."""
    return {table.spec.section: table for table in layouts(report)}
