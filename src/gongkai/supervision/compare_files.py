"""A comparison written out: a workbook (indicators per agency and year with the region's quartiles beside each,
the quartiles, the charts as images) and a standalone HTML page (the same tables, the charts inline)."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from gongkai.atomic import replacing, write_text
from gongkai.i18n import t
from gongkai.supervision.compare import Comparison, Indicator, indicators

SUFFIXES = (".xlsx", ".html")
LANG = "zh"
ROW_COLUMNS = ("office.column.agency", "office.column.year", "office.column.file")
QUARTILE_COLUMNS = ("office.column.year", "office.column.indicator", "office.column.p25", "office.column.p50",
                    "office.column.p75")


def shown(indicator: Indicator, value: float | None) -> object:
    """A share as a percentage with one decimal, a count as it is; None stays empty."""
    if value is None:
        return None
    if indicator.share:
        return round(value * 100, 1)
    return int(value) if float(value).is_integer() else round(value, 2)


def _label(indicator: Indicator) -> str:
    return indicator.label[LANG] + ("（%）" if indicator.share else "")


def header() -> list[str]:
    head = [t(c, lang=LANG) for c in ROW_COLUMNS]
    for indicator in indicators():
        head += [_label(indicator), t("office.column.position", lang=LANG, indicator=indicator.label[LANG])]
    return head


def _quartile_text(comparison: Comparison, year: int | None, indicator: Indicator) -> str:
    found = comparison.quartiles.get((year, indicator.id))
    return " / ".join(str(shown(indicator, q)) for q in found) if found else ""


def table_rows(comparison: Comparison) -> list[list[object]]:
    rows = []
    for row in comparison.rows:
        cells: list[object] = [row.agency, row.year, row.file]
        for indicator in indicators():
            cells += [shown(indicator, row.values[indicator.id]), _quartile_text(comparison, row.year, indicator)]
        rows.append(cells)
    return rows


def quartile_rows(comparison: Comparison) -> list[list[object]]:
    return [[year, _label(indicator), *(shown(indicator, q) for q in found)]
            for year in comparison.years() for indicator in indicators()
            if (found := comparison.quartiles.get((year, indicator.id)))]


def write_comparison(comparison: Comparison, charts: list[tuple[str, bytes]], path: str | Path) -> None:
    if Path(path).suffix.lower() == ".html":
        write_text(path, page(comparison, charts))
    else:
        _write_xlsx(comparison, charts, Path(path))


def _safe(sheet, row: list[object]) -> None:
    """Append a row with text never taken for a formula (a name could start with =)."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _write_xlsx(comparison: Comparison, charts: list[tuple[str, bytes]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image

    book = Workbook()
    sheet = book.active
    sheet.title = t("office.sheet.indicators", lang=LANG)
    for row in [header(), *table_rows(comparison)]:
        _safe(sheet, row)
    sheet.freeze_panes = "D2"
    quartiles = book.create_sheet(t("office.sheet.quartiles", lang=LANG))
    for row in [[t(c, lang=LANG) for c in QUARTILE_COLUMNS], *quartile_rows(comparison)]:
        _safe(quartiles, row)
    images = book.create_sheet(t("office.sheet.charts", lang=LANG))
    at = 1
    for title, png in charts:
        images.cell(row=at, column=1, value=title)
        picture = Image(io.BytesIO(png))
        images.add_image(picture, f"A{at + 1}")
        at += int(picture.height / 20) + 3
    with replacing(path) as part:
        book.save(str(part))


def _html_table(header: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{'' if v is None else html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = ("body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif;margin:2em}"
         "table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #999;padding:4px 8px}"
         "th{background:#eef}td{text-align:right}td:first-child{text-align:left}img{max-width:100%}")


def page(comparison: Comparison, charts: list[tuple[str, bytes]]) -> str:
    """One standalone page: everything inline, nothing loaded from elsewhere."""
    title = t("office.compare.title", lang=LANG)
    figures = "".join(f"<figure><img alt=\"{html.escape(name)}\" src=\"data:image/png;base64,"
                      f"{base64.b64encode(png).decode()}\"><figcaption>{html.escape(name)}</figcaption></figure>"
                      for name, png in charts)
    quartile_header = [t(c, lang=LANG) for c in QUARTILE_COLUMNS]
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            f"{_html_table(header(), table_rows(comparison))}"
            f"<h2>{html.escape(t('office.sheet.quartiles', lang=LANG))}</h2>"
            f"{_html_table(quartile_header, quartile_rows(comparison))}{figures}</body></html>\n")
