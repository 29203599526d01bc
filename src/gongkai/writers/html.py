"""Writer for a report as one standalone web page in the official layout.

The page holds the title, the six numbered section headings of the report's format each with
its prose, tables 二, 三 and 四 right after the headings of sections 二, 三 and 四 (before the
section's prose), and the signature and date right-aligned at the end. Tables come from
gongkai.layout with their real rowspan/colspan, `<th scope>` for header and label cells and
`<td>` for data. The inline style reads well on a phone (tables scroll sideways inside a
wrapper) and prints on A4 (rows never split, table headers repeat on every page).

The helpers `report_title`, `section_bodies` and `closing_lines` are shared with the Markdown
writer, so both lay a report out the same way.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from gongkai.formats import report_format
from gongkai.labels import SECTION_NUMERALS
from gongkai.layout import LayoutCell, TableLayout, layouts_by_section
from gongkai.model import Report

FONTS = '"仿宋_GB2312", FangSong, STFangsong, "Noto Serif CJK SC", serif'

STYLE = f"""
html {{ -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0 auto; max-width: 60em; padding: 1em 1.2em 3em; color: #000; background: #fff;
  font-family: {FONTS}; font-size: 16px; line-height: 1.8; }}
h1 {{ font-size: 1.45em; line-height: 1.5; text-align: center; margin: .8em 0 1.2em; }}
h2 {{ font-size: 1.12em; margin: 1.4em 0 .5em; }}
p {{ margin: .25em 0; text-indent: 2em; text-align: justify; overflow-wrap: anywhere; }}
.table-wrap {{ overflow-x: auto; -webkit-overflow-scrolling: touch; margin: .8em 0 1em; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9em; line-height: 1.45; }}
table.t3 {{ min-width: 46em; }}
table.t4 {{ min-width: 44em; }}
th, td {{ border: 1px solid #000; padding: .3em .4em; text-align: center; vertical-align: middle; }}
th {{ font-weight: bold; }}
th[scope="row"], th[scope="rowgroup"] {{ font-weight: normal; text-align: left; }}
td {{ font-variant-numeric: tabular-nums; white-space: nowrap; }}
.closing {{ margin-top: 2.5em; }}
.closing p {{ text-indent: 0; text-align: right; }}
@media (max-width: 40em) {{
  body {{ font-size: 15px; padding: .6em .8em 2em; }}
  table {{ font-size: .82em; }}
}}
@media print {{
  @page {{ size: A4; margin: 2.5cm 2.2cm; }}
  body {{ max-width: none; padding: 0; font-size: 12pt; }}
  .table-wrap {{ overflow: visible; }}
  table {{ min-width: 0 !important; }}
  thead {{ display: table-header-group; }}
  tr {{ break-inside: avoid; page-break-inside: avoid; }}
  h1, h2 {{ break-after: avoid; page-break-after: avoid; }}
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
    signature = report.meta.signature or report.meta.agency
    closing = [text for text in (signature, published_text(report.meta.published)) if text]
    return bodies, closing


def section_parts(report: Report, number: int, has_table: bool) -> tuple[list[str], list[str]]:
    """A section's prose lines before its table and after it: all before, unless the source printed
    some of them after the table (Section.table_at)."""
    section = report.section(number)
    if section is None:
        return [], []
    lines = section.text.split("\n")
    at = len(lines) if section.table_at is None or not has_table else section.table_at
    return [x for x in lines[:at] if x.strip()], [x for x in lines[at:] if x.strip()]


def table_rows(table: TableLayout) -> list[list[LayoutCell]]:
    """The anchor cells of each grid row, left to right."""
    rows: list[list[LayoutCell]] = [[] for _ in range(table.nrows)]
    for cell in table.cells:
        rows[cell.row].append(cell)
    for row in rows:
        row.sort(key=lambda c: c.col)
    return rows


def header_rows(table: TableLayout) -> int:
    """How many leading rows hold only column headers, when no header comes after them (else 0)."""
    rows = table_rows(table)
    count = 0
    while count < len(rows) and rows[count] and all(c.header for c in rows[count]):
        count += 1
    if any(c.header for row in rows[count:] for c in row):
        return 0  # table 二: every block has its own header rows
    return count


# ── HTML ─────────────────────────────────────────────────────────────────────

def _text(text: str) -> str:
    """Escaped text, runs of spaces kept as &nbsp; (a browser would fold them into one)."""
    out = escape(text, quote=False)
    if "  " in out:
        out = out.replace("  ", "\xa0\xa0").replace("\xa0 ", "\xa0\xa0")
    return out.replace("\xa0", "&nbsp;")


def _cell(cell: LayoutCell) -> str:
    spans = ""
    if cell.rowspan > 1:
        spans += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        spans += f' colspan="{cell.colspan}"'
    text = "<br>".join(_text(part) for part in cell.text.split("\n"))
    if cell.key is not None:
        return f'<td{spans} data-key="{escape(cell.key)}">{text}</td>'
    if cell.header:  # a column header: over one column or a group of them
        return f'<th scope="{"colgroup" if cell.colspan > 1 else "col"}"{spans}>{text}</th>'
    # a row label: of one row or a group of them
    return f'<th scope="{"rowgroup" if cell.rowspan > 1 else "row"}"{spans}>{text}</th>'


def render_table(table: TableLayout) -> str:
    rows = table_rows(table)
    head = header_rows(table)
    out = [f'<div class="table-wrap"><table class="t{table.spec.number}" aria-label="{escape(table.title)}">']
    if head:
        out.append("<thead>")
    for r, row in enumerate(rows):
        if r == head and head:
            out.append("</thead>")
        if r == head:
            out.append("<tbody>")
        out.append("<tr>" + "".join(_cell(c) for c in row) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def render_html(report: Report) -> str:
    """The report as one standalone UTF-8 web page."""
    title = report_title(report)
    bodies, closing = section_bodies(report)
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
        f"<h1>{_text(title)}</h1>",
    ]
    for number, heading in section_headings(report):
        out.append(f'<section id="s{number}">')
        out.append(f"<h2>{_text(heading)}</h2>")
        if number in tables:
            out.append(render_table(tables[number]))
        out.extend(f"<p>{_text(line)}</p>" for line in bodies.get(number, []))
        out.append("</section>")
    if closing:
        out.append('<div class="closing">')
        out.extend(f"<p>{_text(line)}</p>" for line in closing)
        out.append("</div>")
    out += ["</article>", "</body>", "</html>", ""]
    return "\n".join(out)


def write_html(report: Report, path: str | Path) -> None:
    Path(path).write_text(render_html(report), encoding="utf-8")
