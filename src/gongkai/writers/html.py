"""Writer for a report as one standalone web page in the official layout.

The page holds the title (in lines at the agency / year boundary), the six numbered section
headings of the report's format each with its prose, tables 二, 三 and 四 in sections 二, 三 and 四
after the section's prose (or where the source printed them: `section_parts`), and the signature
and date right-aligned at the end. Tables come from gongkai.layout with their real rowspan/colspan,
`<th scope>` for header and label cells and `<td>` for data, and are set by
gongkai.writers.typeset as the Word file sets them (column widths, labels in unbreakable word
pieces, rows kept together). The inline style reads well on a phone (tables scroll sideways inside
a wrapper) and prints on A4 as an official document: GB/T 9704 margins and sizes, rows never split,
table headers repeated on every page, page numbers 「— 1 —」 outer-aligned.

The helpers `report_title`, `section_bodies`, `section_parts` and `closing_lines` are shared with
the Word and Markdown writers, so all lay a report out the same way.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from gongkai.atomic import write_text
from gongkai.formats import report_format
from gongkai.labels import SECTION_NUMERALS
from gongkai.layout import LayoutCell, TableLayout, layouts_by_section
from gongkai.model import Report
from gongkai.writers import typeset
from gongkai.writers.typeset import table_rows

# Font names of an official document first, then free faces that cover GB2312 (see fonts.conf). The
# title's heavy Song is named by its faces (local()), so no browser makes a bold of a bold face.
FONTS = '"仿宋_GB2312", "仿宋", FangSong, STFangsong, FandolFang, "Noto Serif CJK SC", serif'
HEADING_FONTS = '"黑体", SimHei, STHeiti, FandolHei, "Noto Sans CJK SC", sans-serif'
NOTE_FONTS = '"楷体_GB2312", "楷体", KaiTi, STKaiti, FandolKai, serif'
TITLE_FACES = ('"方正小标宋简体"', '"FZXiaoBiaoSong-B05S"', '"FandolSong Bold"', '"FandolSong-Bold"',
               '"Noto Serif CJK SC Bold"', '"NotoSerifCJKsc-Bold"', '"Source Han Serif SC Bold"')
_PAGE_NUMBER = '"— " counter(page) " —"'
TITLE_PT = 22  # 二号

STYLE = f"""
@font-face {{ font-family: "gongkai-title"; src: {", ".join(f"local({f})" for f in TITLE_FACES)}; }}
html {{ -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0 auto; max-width: 60em; padding: 1em 1.2em 3em; color: #000; background: #fff;
  font-family: {FONTS}; font-size: 16px; line-height: 1.8; }}
h1 {{ font-family: "gongkai-title", "方正小标宋简体", {FONTS}; font-weight: normal; font-size: 1.45em;
  line-height: 1.5; text-align: center; margin: .8em 0 1.2em; }}
h2 {{ font-family: {HEADING_FONTS}; font-weight: normal; font-size: 1em; margin: 1.4em 0 .5em; text-indent: 2em; }}
p {{ margin: .25em 0; text-indent: 2em; text-align: justify; overflow-wrap: anywhere; }}
.lead, .note {{ font-family: {NOTE_FONTS}; }}
.w {{ white-space: nowrap; }}
.table-wrap {{ overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .8em 0 1em; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9em; line-height: 1.45; }}
table.t3 {{ min-width: 46em; }}
table.t4 {{ min-width: 44em; }}
th, td {{ border: 1px solid #000; padding: .3em .4em; text-align: center; vertical-align: middle; }}
th {{ font-family: {HEADING_FONTS}; font-weight: normal; }}
th[scope="row"], th[scope="rowgroup"] {{ font-family: {FONTS}; text-align: left; }}
th.top {{ vertical-align: top; }}
td {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
.closing {{ margin-top: 2.5em; }}
.closing p {{ text-indent: 0; text-align: right; }}
@media (max-width: 40em) {{
  body {{ font-size: 15px; padding: .6em .8em 2em; }}
  table {{ font-size: .82em; }}
}}
@page {{ size: A4; margin: 3.7cm 2.6cm 3.5cm 2.8cm; }}
@page :right {{ @bottom-right {{ content: {_PAGE_NUMBER}; font: 14pt "宋体", SimSun, FandolSong, serif;
  padding-right: 14pt; vertical-align: top; padding-top: 20pt; }} }}
@page :left {{ @bottom-left {{ content: {_PAGE_NUMBER}; font: 14pt "宋体", SimSun, FandolSong, serif;
  padding-left: 14pt; vertical-align: top; padding-top: 20pt; }} }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 16pt; line-height: 28pt; }}
  h1 {{ font-size: 22pt; line-height: 35pt; margin: 0 0 28pt; }}
  h2 {{ font-size: 16pt; margin: 0; }}
  p {{ margin: 0; }}
  .table-wrap {{ overflow: visible; margin: 0; }}
  table {{ min-width: 0 !important; table-layout: fixed; font-size: {typeset.TABLE_PT}pt;
    line-height: {typeset.TABLE_LINE_PT}pt; }}
  th, td {{ padding: {typeset.CELL_PAD_PT}pt {typeset.CELL_MARGIN_PT}pt; border-width: .5pt;
    box-decoration-break: clone; -webkit-box-decoration-break: clone; }}
  thead {{ display: table-header-group; }}
  tr {{ break-inside: avoid; page-break-inside: avoid; }}
  tr.keep {{ break-after: avoid; page-break-after: avoid; }}
  tr.open {{ break-inside: auto; page-break-inside: auto; }}
  table.keep {{ break-inside: avoid; page-break-inside: avoid; }}
  h1, h2, p.lead-in {{ break-after: avoid; page-break-after: avoid; }}
  .closing {{ margin-top: 56pt; break-inside: avoid; break-before: avoid; }}
  section:last-of-type p:last-child {{ break-after: avoid; }}
}}
"""


# ── what every writer lays out ───────────────────────────────────────────────

def report_title(report: Report) -> str:
    """{agency}{year}年政府信息公开工作年度报告, as the official format titles it."""
    agency, year = report.meta.agency or "", report.meta.year
    if not (agency and year) and report.meta.title:
        return report.meta.title
    return f"{agency}{f'{year}年' if year else ''}{report_format(report).report_title}"


def section_headings(report: Report) -> list[tuple[int, str]]:
    """(number, heading) for the six sections of the report's format, numbered 一、… 六、."""
    return [(int(s.key), f"{SECTION_NUMERALS[int(s.key) - 1]}、{s.label}") for s in report_format(report).sections]


def published_text(published: str | None) -> str | None:
    """2024-01-11 → 2024年1月11日."""
    if not published:
        return None
    try:
        y, m, d = (int(part) for part in published.split("-"))
    except ValueError:
        return published
    return f"{y}年{m}月{d}日"


def section_bodies(report: Report) -> tuple[dict[int, list[str]], list[str]]:
    """The prose lines of each section, and the closing lines (signature, date) for the end.

    Extraction keeps the printed signature and date in the metadata, not in the prose; where the
    report printed no signature, the agency signs.
    """
    bodies: dict[int, list[str]] = {number: [] for number, _ in section_headings(report)}
    for section in report.sections:
        bodies.setdefault(section.number, []).extend(line for line in section.text.split("\n") if line.strip())
    closing = [text for text in closing_lines(report) if text]
    return bodies, closing


def closing_lines(report: Report) -> tuple[str | None, str | None]:
    """(signature, date in Chinese style): the agency signs where the report printed no signature."""
    return report.meta.signature or report.meta.agency, published_text(report.meta.published)


def section_parts(report: Report, number: int, has_table: bool) -> tuple[list[str], list[str]]:
    """A section's prose lines before its table and after it: all before, unless the source printed
    some of them after the table (Section.table_at)."""
    section = report.section(number)
    if section is None:
        return [], []
    lines = section.text.split("\n")
    at = len(lines) if section.table_at is None or not has_table else section.table_at
    return [x for x in lines[:at] if x.strip()], [x for x in lines[at:] if x.strip()]


# ── HTML ─────────────────────────────────────────────────────────────────────

def _text(text: str) -> str:
    """Escaped text, runs of spaces kept as &nbsp; (a browser would fold them into one)."""
    out = escape(text, quote=False)
    if "  " in out:
        out = out.replace("  ", "\xa0\xa0").replace("\xa0 ", "\xa0\xa0")
    return out.replace("\xa0", "&nbsp;")


def _label(cell: LayoutCell) -> str:
    """A label's text with each piece that may not break (typeset.units) kept whole by the browser,
    and a note in parentheses in 楷体 (as the template sets it)."""
    note = typeset.note_start(cell.text)
    main, tail, at = [], [], 0
    for unit in typeset.units(cell.text):  # a note begins with its parenthesis, where a piece begins
        (main if note is None or at < note else tail).append(_piece(unit))
        at += len(unit)
    return "".join(main) + (f'<span class="note">{"".join(tail)}</span>' if tail else "")


def _piece(unit: str) -> str:
    """One unbreakable piece; a long word (more than typeset.SHORT_WORD characters) may break."""
    if len(unit) <= 1 or len(unit) > typeset.SHORT_WORD + 2:
        return _text(unit)
    return f'<span class="w">{_text(unit)}</span>'


def _cell(cell: LayoutCell, placed: typeset.TableSet) -> str:
    spans = ""
    if cell.rowspan > 1:
        spans += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        spans += f' colspan="{cell.colspan}"'
    if cell.key is not None:
        text = "<br>".join(_text(part) for part in cell.text.split("\n"))
        return f'<td{spans} data-key="{escape(cell.key)}">{text}</td>'
    text = "<br>".join(_label(LayoutCell(part, cell.row, cell.col)) for part in cell.text.split("\n"))
    top = ' class="top"' if placed.top(cell) else ""
    if cell.header:  # a column header: over one column or a group of them
        return f'<th scope="{"colgroup" if cell.colspan > 1 else "col"}"{spans}{top}>{text}</th>'
    # a row label: of one row or a group of them
    return f'<th scope="{"rowgroup" if cell.rowspan > 1 else "row"}"{spans}{top}>{text}</th>'


def _row_class(placed: typeset.TableSet, r: int, row: list[LayoutCell], together: bool) -> str:
    """keep: stays on the page of the next row; open: holds a label over rows that may break across
    pages (Chromium would otherwise keep all the rows under it together, since a row never splits)."""
    classes = []
    if placed.keep[r] and not together:
        classes.append("keep")
    if any(placed.top(cell) for cell in row):
        classes.append("open")
    return f' class="{" ".join(classes)}"' if classes else ""


def render_table(table: TableLayout) -> str:
    """The table with its column widths (as the Word file has them), header rows in <thead> (a
    browser repeats them on every printed page), and rows kept together where Word keeps them."""
    placed = typeset.set_table(table)
    rows = table_rows(table)
    head = placed.head
    together = all(placed.keep[:-1])
    classes = f"t{table.spec.number}" + (" keep" if together else "")
    out = [f'<div class="table-wrap"><table class="{classes}" aria-label="{escape(table.title)}">', "<colgroup>"]
    total = sum(placed.widths)
    out += [f'<col style="width:{100 * w / total:.2f}%">' for w in placed.widths]
    out.append("</colgroup>")
    if head:
        out.append("<thead>")
    for r, row in enumerate(rows):
        if r == head and head:
            out.append("</thead>")
        if r == head:
            out.append("<tbody>")
        out.append(f"<tr{_row_class(placed, r, row, together)}>" + "".join(_cell(c, placed) for c in row) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def _prose(line: str, lead_in: bool = False) -> str:
    """A paragraph; its own （一）… heading in 楷体."""
    cls = ' class="lead-in"' if lead_in else ""
    lead = typeset.lead_heading(line)
    if not lead:
        return f"<p{cls}>{_text(line)}</p>"
    return f'<p{cls}><span class="lead">{_text(line[:lead])}</span>{_text(line[lead:])}</p>'


def _section(report: Report, number: int, heading: str, table: TableLayout | None) -> list[str]:
    """A section: heading, the prose before its table, the table, the prose after it."""
    before, after = section_parts(report, number, table is not None)
    out = [f'<section id="s{number}">', f"<h2>{_text(heading)}</h2>"]
    out += [_prose(line, lead_in=table is not None and i == len(before) - 1) for i, line in enumerate(before)]
    if table is not None:
        out.append(render_table(table))
    out += [_prose(line) for line in after]
    out.append("</section>")
    return out


def _closing(report: Report) -> list[str]:
    signature, date = closing_lines(report)
    if not (signature or date):
        return []
    sign_right, date_right = typeset.closing_offsets(signature, date)
    out = ['<div class="closing">']  # kept with the last paragraph in print (.closing, p:has(+ .closing))
    if signature:
        out.append(f'<p style="padding-right:{sign_right:g}em">{_text(signature)}</p>')
    if date:
        out.append(f'<p style="padding-right:{date_right:g}em">{_text(date)}</p>')
    out.append("</div>")
    return out


def render_html(report: Report) -> str:
    """The report as one standalone UTF-8 web page."""
    title = report_title(report)
    lines = typeset.title_lines(title, report.meta.agency, typeset.TEXT_WIDTH_PT / TITLE_PT - 0.5)
    tables = layouts_by_section(report)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        '<article class="report">',
        f"<h1>{'<br>'.join(_text(line) for line in lines)}</h1>",
    ]
    for number, heading in section_headings(report):
        out += _section(report, number, heading, tables.get(number))
    out += _closing(report)
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out)


def write_html(report: Report, path: str | Path) -> None:
    write_text(path, render_html(report))
