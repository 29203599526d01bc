"""Word writer: the report in the layout and typography of an official document (GB/T 9704).

The page, the fonts, the title and the closing are those of every official document gongkai writes
(gongkai.writers.official): A4, 三号仿宋 body on fixed 28 pt lines, the title in 二号 方正小标宋简体, page
numbers 「— 1 —」 at the foot. The title falls into lines at the agency / year boundary, section headings are
黑体, and the signature and date stand right-aligned at the end.

Tables are built once as WordprocessingML (w:gridSpan for widths, w:vMerge for heights) from
gongkai.layout, never through python-docx's Table.cell() in a loop (it is quadratic). Column
widths and the lines of every label come from gongkai.writers.typeset, so a label breaks only
between words and the renderer never has to wrap it again. Header rows repeat on every page
(w:tblHeader) and stay with the first data row; no row splits across pages (w:cantSplit); a short
table, and each group of rows under one row-spanning label, is kept on one page (w:keepNext).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from docx.oxml import parse_xml

from gongkai.atomic import replacing
from gongkai.layout import LayoutCell, TableLayout, layouts_by_section
from gongkai.model import Report
from gongkai.writers import typeset
from gongkai.writers.html import closing_lines, report_title, section_headings, section_parts
from gongkai.writers.official import (
    BODY_FONT,
    BODY_PT,
    HEADING_FONT,
    LATIN_FONT,
    NOTE_FONT,
    TEXT_WIDTH_TWIPS,
    TITLE_WIDTH_EM,
    Body,
    closing,
    new_document,
    title,
)

# ── prose ────────────────────────────────────────────────────────────────────

def _prose_runs(line: str) -> list[tuple[str, str]]:
    """A paragraph that opens with its own heading (（一）主动公开情况。…) sets it in 楷体, the rest in 仿宋."""
    lead = typeset.lead_heading(line)
    if lead:
        return [(line[:lead], NOTE_FONT), (line[lead:], BODY_FONT)] if lead < len(line) else [(line, NOTE_FONT)]
    return [(line, BODY_FONT)]


def _title(body: Body, report: Report) -> None:
    title(body, typeset.title_lines(report_title(report), report.meta.agency, TITLE_WIDTH_EM))


# ── tables ───────────────────────────────────────────────────────────────────

def _cell_runs(cell: LayoutCell, line: str, start: int) -> list[tuple[str, str]]:
    """One line of a cell in its fonts: headers 黑体, labels 仿宋, notes in parentheses 楷体."""
    base = HEADING_FONT if cell.header else BODY_FONT
    note = typeset.note_start(cell.text) if cell.key is None else None
    if note is None or note >= start + len(line):
        return [(line, base)]
    if note <= start:
        return [(line, NOTE_FONT)]
    cut = note - start
    return [(line[:cut], base), (line[cut:], NOTE_FONT)]


# A table is written as XML text and parsed once: thousands of elements made one by one through
# python-docx or lxml cost more than the rest of the document together.
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TABLE_LINE = round(typeset.TABLE_LINE_PT * 20)
_TABLE_SIZE = round(typeset.TABLE_PT * 2)


def _run_xml(text: str, font: str, newline: bool = False) -> str:
    """A run of a table cell (zh-CN comes from the document defaults); newline: a line break first."""
    return (f'<w:r><w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}" '
            f'w:hint="eastAsia"/><w:sz w:val="{_TABLE_SIZE}"/><w:szCs w:val="{_TABLE_SIZE}"/></w:rPr>'
            f'{"<w:br/>" if newline else ""}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


def _cell_xml(cell: LayoutCell | None, lines: list[str], width: int, merge: str | None, valign: str,
              keep: bool) -> str:
    span = cell.colspan if cell is not None else 1
    pr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        pr += f'<w:gridSpan w:val="{span}"/>'
    if merge:
        pr += '<w:vMerge w:val="restart"/>' if merge == "restart" else "<w:vMerge/>"
    pr += f'<w:vAlign w:val="{valign}"/>'
    align = "left" if cell is not None and cell.key is None and not cell.header else "center"
    ppr = (f'<w:pPr>{"<w:keepNext/>" if keep else ""}<w:spacing w:before="0" w:after="0" w:line="{_TABLE_LINE}" '
           f'w:lineRule="exact"/><w:jc w:val="{align}"/></w:pPr>')
    out, at = [f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p>{ppr}"], 0
    for i, line in enumerate(lines):  # one paragraph, its lines broken by w:br
        if line and cell is not None:
            runs = _cell_runs(cell, line, at)
            out += [_run_xml(t, f, newline=i > 0 and j == 0) for j, (t, f) in enumerate(runs)]
        at += len(line)
    out.append("</w:p></w:tc>")
    return "".join(out)


class _TableWriter:
    """One table as a w:tbl, set on the page by typeset.set_table."""

    def __init__(self, layout: TableLayout) -> None:
        self.layout = layout
        self.set = typeset.set_table(layout)
        self.twips = _twips(self.set.widths, typeset.TABLE_PT * 20)

    def element(self):
        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in self.twips)
        owner = self.layout.owner()
        rows = "".join(self._row(r, owner[r]) for r in range(self.layout.nrows))
        return parse_xml(f'<w:tbl xmlns:w="{_W_NS}">{self._properties()}<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>')

    def _properties(self) -> str:
        borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                          for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        margins = "".join(f'<w:{side} w:w="{round(size * 20)}" w:type="dxa"/>'
                          for side, size in (("top", typeset.CELL_PAD_PT), ("left", typeset.CELL_MARGIN_PT),
                                             ("bottom", typeset.CELL_PAD_PT), ("right", typeset.CELL_MARGIN_PT)))
        return (f'<w:tblPr><w:tblW w:w="{sum(self.twips)}" w:type="dxa"/><w:jc w:val="center"/>'
                f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
                f"<w:tblCellMar>{margins}</w:tblCellMar></w:tblPr>")

    def _row(self, r: int, owner: list[LayoutCell | None]) -> str:
        out = [f'<w:tr><w:trPr><w:cantSplit/>{"<w:tblHeader/>" if r < self.set.head else ""}</w:trPr>']
        keep = self.set.keep[r]
        c = 0
        while c < self.layout.ncols:
            cell = owner[c]
            span = cell.colspan if cell is not None else 1
            width = sum(self.twips[c:c + span])
            if cell is None:  # a gap in the layout: an empty cell keeps the grid whole
                out.append(_cell_xml(None, [""], width, None, "center", keep))
            else:
                first = cell.row == r
                merge = None if cell.rowspan == 1 else ("restart" if first else "continue")
                lines = self.set.lines[id(cell)] if first else [""]
                out.append(_cell_xml(cell, lines, width, merge, "top" if self.set.top(cell) else "center", keep))
            c += span
        out.append("</w:tr>")
        return "".join(out)


def _twips(widths: list[float], em_twips: float) -> list[int]:
    """Column widths in whole twips adding up to the text width exactly."""
    out = [round(w * em_twips) for w in widths]
    out[-1] += TEXT_WIDTH_TWIPS - sum(out)
    return out


# ── the document ─────────────────────────────────────────────────────────────

def _section(body: Body, report: Report, number: int, heading: str, table: TableLayout | None) -> None:
    """A heading, then the section's prose before and after its table, as the source had it."""
    body.paragraph([(heading, HEADING_FONT)], BODY_PT, first_line=2 * BODY_PT, keep=True)
    before, after = section_parts(report, number, table is not None)
    for line in before:
        body.paragraph(_prose_runs(line), BODY_PT, first_line=2 * BODY_PT)
    if table is not None:
        body.keep_last_with_next()  # the heading or lead-in stays with the table's first rows
        body.add(_TableWriter(table).element())
    for line in after:
        body.paragraph(_prose_runs(line), BODY_PT, first_line=2 * BODY_PT)


def write_docx(report: Report, path: str | Path) -> None:
    doc, body = new_document(report_title(report))
    _title(body, report)
    tables = layouts_by_section(report)
    for number, heading in section_headings(report):
        _section(body, report, number, heading, tables.get(number))
    closing(body, *closing_lines(report))
    with replacing(path) as part:  # the previous file stays until the new one is complete
        doc.save(str(part))
