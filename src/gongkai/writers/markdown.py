"""Writer for a report as Markdown that reads alone and reads back.

The title is a `#` heading, the six sections `##` headings with their prose, and tables 二, 三
and 四 are GitHub pipe tables in sections 二, 三 and 四, after the section's prose (or where the
source printed them: writers.html.section_parts). A pipe table
has no merged cells, so every row is written to read alone: a label merged over several rows
(三、本年度办理结果, （三）不予公开) is repeated in each of them, and the cells a label or value
covers to its right in the same row are left empty. The stacked header rows of tables 三 and
四 become one header row, each column's labels joined (法人或其他组织 商业企业), leaving out the
label over every data column (申请人情况). Table 二 keeps its blocks, each with its own header
row, under the first block's article as the pipe table's header row.
"""

from __future__ import annotations

from pathlib import Path

from gongkai.atomic import write_text
from gongkai.layout import LayoutCell, TableLayout, layouts_by_section
from gongkai.model import Report
from gongkai.writers.html import report_title, section_bodies, section_headings, section_parts
from gongkai.writers.typeset import header_rows


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split("\n")).strip()


def _row(texts: list[str]) -> str:
    return "| " + " | ".join(texts) + " |"


def _texts(row: list[LayoutCell]) -> list[str]:
    return [_cell(cell.text) if cell is not None else "" for cell in row]


def _left_merged(row: list[LayoutCell], texts: list[str]) -> list[str]:
    """Blank the columns a cell covers to the right of its first one."""
    return [t if c == 0 or row[c] is not row[c - 1] else "" for c, t in enumerate(texts)]


def _joined_header(table: TableLayout, owner: list[list[LayoutCell]], count: int) -> list[str]:
    """One header row from the stacked ones: each column's labels, top to bottom, joined."""
    data_cols = [c.col for c in table.cells if c.key is not None]
    first_data = min(data_cols) if data_cols else 0
    width = table.ncols - first_data
    texts: list[str] = []
    stacks: list[tuple[int, ...]] = []
    for c in range(table.ncols):
        stack: list[LayoutCell] = []
        for r in range(count):
            cell = owner[r][c]
            if cell is None or (stack and stack[-1] is cell):
                continue
            if cell.col == first_data and cell.colspan == width and width > 1:
                continue  # 申请人情况: over every data column, it says nothing about one
            stack.append(cell)
        key = tuple(id(cell) for cell in stack)
        texts.append("" if stacks and stacks[-1] == key else " ".join(_cell(cell.text) for cell in stack))
        stacks.append(key)
    return texts


def render_table(table: TableLayout) -> str:
    owner = table.owner()
    head = header_rows(table)
    if head:
        header = _joined_header(table, owner, head)
        body = owner[head:]
    else:
        header = _left_merged(owner[0], _texts(owner[0]))
        body = owner[1:]
    lines = [_row(header), _row(["---"] * table.ncols)]
    for row in body:
        lines.append(_row(_left_merged(row, _texts(row))))
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    """The report as Markdown: headings, prose, pipe tables, then the signature and date."""
    _, closing = section_bodies(report)
    tables = layouts_by_section(report)
    out = [f"# {report_title(report)}", ""]
    for number, heading in section_headings(report):
        out += [f"## {heading}", ""]
        before, after = section_parts(report, number, number in tables)
        for line in before:
            out += [line.strip(), ""]
        if number in tables:
            out += [render_table(tables[number]), ""]
        for line in after:
            out += [line.strip(), ""]
    for line in closing:
        out += [line.strip(), ""]
    return "\n".join(out)


def write_markdown(report: Report, path: str | Path) -> None:
    write_text(path, render_markdown(report))
