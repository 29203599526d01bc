"""Word writer: the report in the layout and typography of an official document (GB/T 9704).

Page: A4 portrait, margins 3.7 / 3.5 / 2.8 / 2.6 cm (a 156 × 225 mm text block), body 三号仿宋 on
fixed 28 pt lines, page numbers 「— 1 —」 in 四号 at the foot, right on odd pages and left on even
pages. The title (二号 方正小标宋简体) falls into lines at the agency / year boundary, section
headings are 黑体, and the signature and date stand right-aligned at the end, the date 右空四字 and
the signature centred over it.

Tables are built once as WordprocessingML (w:gridSpan for widths, w:vMerge for heights) from
gongkai.layout, never through python-docx's Table.cell() in a loop (it is quadratic). Column
widths and the lines of every label come from gongkai.writers.typeset, so a label breaks only
between words and the renderer never has to wrap it again. Header rows repeat on every page
(w:tblHeader) and stay with the first data row; no row splits across pages (w:cantSplit); a short
table, and each group of rows under one row-spanning label, is kept on one page (w:keepNext).

Fonts go into the East Asian slot with their official names (方正小标宋简体, 黑体, 仿宋_GB2312,
楷体_GB2312), so a Chinese Windows or WPS desk shows them; the font table gives each a GB2312
charset and an alternative every Chinese Windows has. For PDF, writers/fonts.conf maps them to
free faces. Text is tagged zh-CN, so a renderer picks Simplified Chinese glyphs.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

from gongkai.atomic import replacing
from gongkai.layout import LayoutCell, TableLayout, layouts_by_section
from gongkai.model import Report
from gongkai.writers import typeset
from gongkai.writers.html import closing_lines, report_title, section_headings, section_parts

TITLE_FONT, HEADING_FONT, BODY_FONT, NOTE_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312", "楷体_GB2312"
NUMBER_FONT = "宋体"  # page numbers: 半角宋体阿拉伯数字
LATIN_FONT = "Times New Roman"
# font → (alternative Word falls back to, w:family): GB2312 charset (86) for all
FONT_FALLBACKS = {TITLE_FONT: ("宋体", "roman"), HEADING_FONT: ("SimHei", "modern"), BODY_FONT: ("仿宋", "modern"),
                  NOTE_FONT: ("楷体", "modern")}
TITLE_PT, BODY_PT, NUMBER_PT = 22, 16, 14  # 二号, 三号, 四号 (tables: typeset.TABLE_PT, 五号)
LINE_PT, TITLE_LINE_PT = 28, 35  # fixed line heights
TEXT_WIDTH_TWIPS = round(typeset.TEXT_WIDTH_PT * 20)  # A4 (21 cm) less 2.8 cm and 2.6 cm margins
TITLE_WIDTH_EM = typeset.TEXT_WIDTH_PT / TITLE_PT - 0.5


# ── XML helpers ──────────────────────────────────────────────────────────────

def _set(parent, tag: str, **attrs: str):
    """A child element (lxml's SubElement: OxmlElement parses a snippet of XML for each element,
    ten times slower, and a report has thousands)."""
    return etree.SubElement(parent, qn(tag), {qn(f"w:{name}"): value for name, value in attrs.items()})


def _run(paragraph, text: str, font: str, size: float, bold: bool = False):
    """A run in one East Asian font (Latin letters and digits in Times New Roman), tagged zh-CN."""
    run = _set(paragraph, "w:r")
    pr = _set(run, "w:rPr")
    latin = font if font == NUMBER_FONT else LATIN_FONT
    _set(pr, "w:rFonts", ascii=latin, hAnsi=latin, eastAsia=font, hint="eastAsia")
    if bold:
        _set(pr, "w:b")
    _set(pr, "w:sz", val=str(round(size * 2)))
    _set(pr, "w:szCs", val=str(round(size * 2)))
    _set(pr, "w:lang", val="en-US", eastAsia="zh-CN")
    t = _set(run, "w:t")
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _paragraph_pr(paragraph, line_pt: float, align: str | None = None, keep: bool = False,
                  first_line: float = 0, left: float = 0, right: float = 0, before: float = 0):
    """Paragraph properties in the schema's order; indents and spacing in points."""
    pr = _set(paragraph, "w:pPr")
    if keep:
        _set(pr, "w:keepNext")
    _set(pr, "w:spacing", before=str(round(before * 20)), after="0", line=str(round(line_pt * 20)),
         lineRule="exact")
    if first_line or left or right:
        _set(pr, "w:ind", firstLine=str(round(first_line * 20)), left=str(round(left * 20)),
             right=str(round(right * 20)))
    if align:
        _set(pr, "w:jc", val=align)
    return pr


class _Body:
    """Appends paragraphs and tables to the document body, before its closing w:sectPr."""

    def __init__(self, doc) -> None:
        self.sect_pr = doc.sections[0]._sectPr
        self.last_paragraph = None

    def add(self, element) -> None:
        self.sect_pr.addprevious(element)
        self.last_paragraph = element if element.tag == qn("w:p") else None

    def paragraph(self, runs: list[tuple[str, str]], size: float, line_pt: float = LINE_PT, **pr) -> None:
        p = OxmlElement("w:p")
        _paragraph_pr(p, line_pt, **pr)
        for text, font in runs:
            _run(p, text, font, size)
        self.add(p)

    def keep_last_with_next(self) -> None:
        """The paragraph just written stays on the page of what follows (a heading, a table's lead-in)."""
        if self.last_paragraph is None:
            return
        pr = self.last_paragraph.find(qn("w:pPr"))
        if pr.find(qn("w:keepNext")) is None:
            pr.insert(0, OxmlElement("w:keepNext"))


# ── prose ────────────────────────────────────────────────────────────────────

def _prose_runs(line: str) -> list[tuple[str, str]]:
    """A paragraph that opens with its own heading (（一）主动公开情况。…) sets it in 楷体, the rest in 仿宋."""
    lead = typeset.lead_heading(line)
    if lead:
        return [(line[:lead], NOTE_FONT), (line[lead:], BODY_FONT)] if lead < len(line) else [(line, NOTE_FONT)]
    return [(line, BODY_FONT)]


def _title(body: _Body, report: Report) -> None:
    lines = typeset.title_lines(report_title(report), report.meta.agency, TITLE_WIDTH_EM)
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        body.paragraph([(line, TITLE_FONT)], TITLE_PT, TITLE_LINE_PT, align="center", keep=True)
        if last:  # one empty line between the title and the text
            body.paragraph([], BODY_PT)


def _closing(body: _Body, signature: str | None, date: str | None) -> None:
    """Signature and date right-aligned at the end, as typeset.closing_offsets places them."""
    sign_right, date_right = typeset.closing_offsets(signature, date)
    body.keep_last_with_next()  # the last paragraph goes with the closing: no page holds a signature alone
    before = LINE_PT * 2  # room for the seal
    if signature:
        body.paragraph([(signature, BODY_FONT)], BODY_PT, align="right", right=sign_right * BODY_PT, before=before,
                       keep=bool(date))
        before = 0
    if date:
        body.paragraph([(date, BODY_FONT)], BODY_PT, align="right", right=date_right * BODY_PT, before=before)


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

def _declare_fonts(doc) -> None:
    """Add the CJK fonts to word/fontTable.xml with their charset and fallback names."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = doc.part.part_related_by(RT.FONT_TABLE)
    table = etree.fromstring(part.blob)
    declared = {f.get(qn("w:name")) for f in table.iterchildren(qn("w:font"))}
    for name, (alternative, family) in FONT_FALLBACKS.items():
        if name in declared:
            continue
        font = _set(table, "w:font", name=name)
        _set(font, "w:altName", val=alternative)
        _set(font, "w:charset", val="86")
        _set(font, "w:family", val=family)
        _set(font, "w:pitch", val="variable")
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _chinese_defaults(doc) -> None:
    """zh-CN as the East Asian language of the document's defaults and theme (python-docx's own
    template says ja-JP, which makes renderers pick Japanese glyph shapes)."""
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    for lang in doc.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")


def _page_numbers(doc, section) -> None:
    """「— 1 —」 in 四号 at the foot, outer-aligned: odd pages right, even pages left, 空一字."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]._p
        indent = {"right": NUMBER_PT} if align == "right" else {"left": NUMBER_PT}
        _paragraph_pr(p, NUMBER_PT * 1.2, align=align, **indent)
        _run(p, "— ", NUMBER_FONT, NUMBER_PT)
        field = _set(p, "w:fldSimple", instr=" PAGE ")
        _run(field, "1", NUMBER_FONT, NUMBER_PT)
        _run(p, " —", NUMBER_FONT, NUMBER_PT)


def _page(doc):
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.2)  # the number's line 7 mm below the text block
    return section


def _section(body: _Body, report: Report, number: int, heading: str, table: TableLayout | None) -> None:
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
    doc = Document()
    _declare_fonts(doc)
    _chinese_defaults(doc)
    doc.core_properties.title = report_title(report)
    section = _page(doc)
    _page_numbers(doc, section)
    root = doc.element.body
    if len(root) and root[0].tag == qn("w:p"):
        root.remove(root[0])
    body = _Body(doc)
    _title(body, report)
    tables = layouts_by_section(report)
    for number, heading in section_headings(report):
        _section(body, report, number, heading, tables.get(number))
    _closing(body, *closing_lines(report))
    with replacing(path) as part:  # the previous file stays until the new one is complete
        doc.save(str(part))
