"""The page of an official document (GB/T 9704) in Word, shared by the report writer (writers/docx.py) and the
letters an agency sends an applicant (gongkai.letters).

Page: A4 portrait, margins 3.7 / 3.5 / 2.8 / 2.6 cm (a 156 × 225 mm text block), body 三号仿宋 on fixed 28 pt
lines, page numbers 「— 1 —」 in 四号 at the foot, right on odd pages and left on even pages; the title 二号
方正小标宋简体; the signature and date right-aligned at the end, the date 右空四字 and the signature centred over
it, with room above them for the seal.

Fonts go into the East Asian slot with their official names (方正小标宋简体, 黑体, 仿宋_GB2312, 楷体_GB2312), so
a Chinese Windows or WPS desk shows them; the font table gives each a GB2312 charset and an alternative every
Chinese Windows has. For PDF, writers/fonts.conf maps them to free faces. Text is tagged zh-CN, so a renderer
picks Simplified Chinese glyphs.
"""

from __future__ import annotations

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

from gongkai.writers import typeset

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

def element(parent, tag: str, **attrs: str):
    """A child element (lxml's SubElement: OxmlElement parses a snippet of XML for each element,
    ten times slower, and a report has thousands)."""
    return etree.SubElement(parent, qn(tag), {qn(f"w:{name}"): value for name, value in attrs.items()})


def run(paragraph, text: str, font: str, size: float, bold: bool = False):
    """A run in one East Asian font (Latin letters and digits in Times New Roman), tagged zh-CN."""
    r = element(paragraph, "w:r")
    pr = element(r, "w:rPr")
    latin = font if font == NUMBER_FONT else LATIN_FONT
    element(pr, "w:rFonts", ascii=latin, hAnsi=latin, eastAsia=font, hint="eastAsia")
    if bold:
        element(pr, "w:b")
    element(pr, "w:sz", val=str(round(size * 2)))
    element(pr, "w:szCs", val=str(round(size * 2)))
    element(pr, "w:lang", val="en-US", eastAsia="zh-CN")
    t = element(r, "w:t")
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def paragraph_pr(paragraph, line_pt: float, align: str | None = None, keep: bool = False,
                 first_line: float = 0, left: float = 0, right: float = 0, before: float = 0):
    """Paragraph properties in the schema's order; indents and spacing in points."""
    pr = element(paragraph, "w:pPr")
    if keep:
        element(pr, "w:keepNext")
    element(pr, "w:spacing", before=str(round(before * 20)), after="0", line=str(round(line_pt * 20)),
            lineRule="exact")
    if first_line or left or right:
        element(pr, "w:ind", firstLine=str(round(first_line * 20)), left=str(round(left * 20)),
                right=str(round(right * 20)))
    if align:
        element(pr, "w:jc", val=align)
    return pr


class Body:
    """Appends paragraphs and tables to the document body, before its closing w:sectPr."""

    def __init__(self, doc) -> None:
        self.sect_pr = doc.sections[0]._sectPr
        self.last_paragraph = None

    def add(self, element) -> None:
        self.sect_pr.addprevious(element)
        self.last_paragraph = element if element.tag == qn("w:p") else None

    def paragraph(self, runs: list[tuple[str, str]], size: float, line_pt: float = LINE_PT, **pr) -> None:
        p = OxmlElement("w:p")
        paragraph_pr(p, line_pt, **pr)
        for text, font in runs:
            run(p, text, font, size)
        self.add(p)

    def keep_last_with_next(self) -> None:
        """The paragraph just written stays on the page of what follows (a heading, a table's lead-in)."""
        if self.last_paragraph is None:
            return
        pr = self.last_paragraph.find(qn("w:pPr"))
        if pr.find(qn("w:keepNext")) is None:
            pr.insert(0, OxmlElement("w:keepNext"))


# ── the parts of an official document ────────────────────────────────────────

def title(body: Body, lines: list[str]) -> None:
    """The title in 二号小标宋, centred, its lines kept with what follows; one empty line after it."""
    for line in lines:
        body.paragraph([(line, TITLE_FONT)], TITLE_PT, TITLE_LINE_PT, align="center", keep=True)
    body.paragraph([], BODY_PT)


def closing(body: Body, signature: str | None, date: str | None, seal_room: float = LINE_PT * 2,
            seal: str = "") -> None:
    """Signature and date right-aligned at the end, as typeset.closing_offsets places them, with room above them
    for the seal; `seal` (a letter's 「（盖章）」) is printed in that room, centred over the signature."""
    sign_right, date_right = typeset.closing_offsets(signature, date)
    body.keep_last_with_next()  # the last paragraph goes with the closing: no page holds a signature alone
    before = seal_room  # room for the seal
    if seal:
        centred = sign_right + (typeset.text_width(signature or "") - typeset.text_width(seal)) / 2
        body.paragraph([(seal, BODY_FONT)], BODY_PT, align="right", right=max(centred, 0) * BODY_PT,
                       before=seal_room - LINE_PT, keep=True)
        before = 0
    if signature:
        body.paragraph([(signature, BODY_FONT)], BODY_PT, align="right", right=sign_right * BODY_PT, before=before,
                       keep=bool(date))
        before = 0
    if date:
        body.paragraph([(date, BODY_FONT)], BODY_PT, align="right", right=date_right * BODY_PT, before=before)


# ── the document ─────────────────────────────────────────────────────────────

def declare_fonts(doc) -> None:
    """Add the CJK fonts to word/fontTable.xml with their charset and fallback names."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = doc.part.part_related_by(RT.FONT_TABLE)
    table = etree.fromstring(part.blob)
    declared = {f.get(qn("w:name")) for f in table.iterchildren(qn("w:font"))}
    for name, (alternative, family) in FONT_FALLBACKS.items():
        if name in declared:
            continue
        font = element(table, "w:font", name=name)
        element(font, "w:altName", val=alternative)
        element(font, "w:charset", val="86")
        element(font, "w:family", val=family)
        element(font, "w:pitch", val="variable")
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def chinese_defaults(doc) -> None:
    """zh-CN as the East Asian language of the document's defaults and theme (python-docx's own
    template says ja-JP, which makes renderers pick Japanese glyph shapes)."""
    for lang in doc.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    for lang in doc.settings.element.iter(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")


def page_numbers(doc, section) -> None:
    """「— 1 —」 in 四号 at the foot, outer-aligned: odd pages right, even pages left, 空一字."""
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]._p
        indent = {"right": NUMBER_PT} if align == "right" else {"left": NUMBER_PT}
        paragraph_pr(p, NUMBER_PT * 1.2, align=align, **indent)
        run(p, "— ", NUMBER_FONT, NUMBER_PT)
        field = element(p, "w:fldSimple", instr=" PAGE ")
        run(field, "1", NUMBER_FONT, NUMBER_PT)
        run(p, " —", NUMBER_FONT, NUMBER_PT)


def page(doc):
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.2)  # the number's line 7 mm below the text block
    return section


def new_document(title_text: str):
    """An empty official document: fonts declared, zh-CN, the A4 page with its numbers; (document, body)."""
    doc = Document()
    declare_fonts(doc)
    chinese_defaults(doc)
    doc.core_properties.title = title_text
    section = page(doc)
    page_numbers(doc, section)
    root = doc.element.body
    if len(root) and root[0].tag == qn("w:p"):
        root.remove(root[0])
    return doc, Body(doc)
