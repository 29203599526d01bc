"""Word writer: the report in the layout and typography of an official document.

Tables are built once as WordprocessingML (w:gridSpan for widths, w:vMerge for heights) from
gongkai.layout; python-docx's Table.cell() is never called in a loop (it is quadratic).
Fonts go into the East Asian slot: title 方正小标宋简体, headings 黑体, body 仿宋_GB2312; the
Latin slot names fonts every system has. The font table gives each CJK font a GB2312 charset and
an alternative name that every Chinese Windows has (宋体, 黑体, 仿宋), so Word substitutes a
matching face where the official one is missing; for PDF, gongkai.office maps them to Noto CJK.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from gongkai.layout import TableLayout, layouts_by_section
from gongkai.model import Report
from gongkai.writers.html import report_title, section_bodies, section_headings

TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312"
# font → (alternative Word falls back to, w:family): GB2312 charset (86) for all three
FONT_FALLBACKS = {TITLE_FONT: ("宋体", "roman"), HEADING_FONT: ("SimHei", "modern"), BODY_FONT: ("仿宋", "modern")}
TITLE_SIZE, BODY_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(10.5)  # 二号, 三号, 五号
TEXT_WIDTH_TWIPS = 8844  # A4 (21 cm) less 2.8 cm and 2.6 cm margins, in twentieths of a point


def _fonts(run_properties, east_asian: str, size: Pt) -> None:
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.insert(0, fonts)
    for slot, name in (("w:ascii", "Times New Roman"), ("w:hAnsi", "Times New Roman"),
                       ("w:eastAsia", east_asian)):
        fonts.set(qn(slot), name)
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(int(size.pt * 2)))
        run_properties.append(element)


def _paragraph(doc, text: str, font: str, size: Pt, align=None, indent: bool = False):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    _fonts(run._r.get_or_add_rPr(), font, size)
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(28)  # fixed 28 pt lines, the usual spacing of official documents
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)  # two characters
    return paragraph


def _set(parent, tag: str, **attrs: str):
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    parent.append(element)
    return element


def _cell(text: str, colspan: int, merge: str | None, width: int, header: bool):
    tc = OxmlElement("w:tc")
    pr = _set(tc, "w:tcPr")
    _set(pr, "w:tcW", w=str(width * colspan), type="dxa")
    if colspan > 1:
        _set(pr, "w:gridSpan", val=str(colspan))
    if merge:
        _set(pr, "w:vMerge", **({"val": "restart"} if merge == "restart" else {}))
    _set(pr, "w:vAlign", val="center")
    lines = text.split("\n") if text else [""]
    for line in lines:
        p = _set(tc, "w:p")
        _set(_set(p, "w:pPr"), "w:jc", val="center")
        if line:
            r = _set(p, "w:r")
            rpr = _set(r, "w:rPr")
            _fonts(rpr, HEADING_FONT if header else BODY_FONT, TABLE_SIZE)
            t = _set(r, "w:t")
            t.text = line
    return tc


def _table(layout: TableLayout):
    """The table as one w:tbl element, from the layout's anchor cells."""
    width = TEXT_WIDTH_TWIPS // layout.ncols
    tbl = OxmlElement("w:tbl")
    pr = _set(tbl, "w:tblPr")
    _set(pr, "w:tblW", w=str(width * layout.ncols), type="dxa")
    _set(pr, "w:jc", val="center")
    borders = _set(pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set(borders, f"w:{side}", val="single", sz="4", space="0", color="000000")
    _set(pr, "w:tblLayout", type="fixed")
    grid = _set(tbl, "w:tblGrid")
    for _ in range(layout.ncols):
        _set(grid, "w:gridCol", w=str(width))
    owner = layout.owner()
    for r in range(layout.nrows):
        tr = _set(tbl, "w:tr")
        _set(_set(tr, "w:trPr"), "w:cantSplit")
        c = 0
        while c < layout.ncols:
            cell = owner[r][c]
            if cell is None:  # a gap in the layout: an empty cell keeps the grid whole
                tr.append(_cell("", 1, None, width, False))
                c += 1
                continue
            first = cell.row == r
            merge = None if cell.rowspan == 1 else ("restart" if first else "continue")
            text = cell.text if first else ""
            tr.append(_cell(text, cell.colspan, merge, width, cell.header or cell.key is None))
            c += cell.colspan
    return tbl


def _declare_fonts(doc) -> None:
    """Add the CJK fonts to word/fontTable.xml with their charset and fallback names."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from lxml import etree

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


def write_docx(report: Report, path: str | Path) -> None:
    doc = Document()
    _declare_fonts(doc)
    doc.core_properties.title = report_title(report)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    body = doc.element.body
    body.remove(body[0]) if len(body) and body[0].tag == qn("w:p") else None
    _paragraph(doc, report_title(report), TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER)
    bodies, closing = section_bodies(report)
    tables = layouts_by_section(report)
    for number, heading in section_headings(report):
        _paragraph(doc, heading, HEADING_FONT, BODY_SIZE, indent=True)
        if number in tables:
            section._sectPr.addprevious(_table(tables[number]))  # in order, before the closing w:sectPr
        for line in bodies.get(number, []):
            _paragraph(doc, line, BODY_FONT, BODY_SIZE, indent=True)
    for line in closing:
        _paragraph(doc, line, BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(path))
