"""Test PDFs whose tables have no ruling lines: gongkai's Word output with its tables typed plainly (as
agencies type them) and every border removed, converted by LibreOffice, so the columns are held only
by the spaces between the words."""

from __future__ import annotations

import tempfile
from pathlib import Path

from gongkai.model import Report

_BORDER_TAGS = ("w:tblBorders", "w:tcBorders")
_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def _restyle(table, qn) -> None:
    """Cells aligned as many agencies type them: to the top, labels left, numbers right."""
    import re

    for valign in table._tbl.iter(qn("w:vAlign")):
        valign.set(qn("w:val"), "top")
    for cell in table._tbl.iter(qn("w:tc")):
        text = "".join(t.text or "" for t in cell.iter(qn("w:t")))
        side = "right" if re.fullmatch(r"[\d.,]*", text) else "left"
        for jc in cell.iter(qn("w:jc")):
            jc.set(qn("w:val"), side)


def _typed_plainly(table, qn, text_width: int = 8844) -> None:
    """The table as an agency types it in Word: equal columns, each cell's text one paragraph with
    Word's default spacing and cell margins, centred. (gongkai's own tables are set on compact fixed
    lines in columns fitted to their labels, each label broken into lines of its own; these tests are
    about tables printed without lines as agencies print them.)"""
    grid = table._tbl.find(qn("w:tblGrid"))
    width = text_width // len(grid)
    for col in grid:
        col.set(qn("w:w"), str(width))
    for margins in list(table._tbl.iter(qn("w:tblCellMar"), qn("w:tcMar"))):
        margins.getparent().remove(margins)
    for cell in table._tbl.iter(qn("w:tc")):
        span = cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").set(qn("w:w"), str(width * int(span.get(qn("w:val"), "1")
                                                                                  if span is not None else 1)))
        cell.find(f"{qn('w:tcPr')}/{qn('w:vAlign')}").set(qn("w:val"), "center")
        paragraphs = cell.findall(qn("w:p"))
        runs = [r for p in paragraphs for r in p.findall(qn("w:r"))]
        first = paragraphs[0]
        for p in paragraphs[1:]:
            cell.remove(p)
        for run in runs:  # every run of the cell into its first paragraph, its text flowing freely
            first.append(run)
            for brk in run.findall(qn("w:br")):
                run.remove(brk)
        pr = first.find(qn("w:pPr"))
        for tag in ("w:spacing", "w:keepNext"):
            for element in pr.findall(qn(tag)):
                pr.remove(element)
        pr.find(qn("w:jc")).set(qn("w:val"), "center")


def _unruled_docx(report: Report, path: Path, restyled: bool) -> None:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from gongkai.writers.docx import write_docx

    write_docx(report, path)
    document = Document(str(path))
    for table in document.tables:
        properties = table._tbl.tblPr
        for element in list(properties.iter(*(qn(t) for t in _BORDER_TAGS))):
            element.getparent().remove(element)
        borders = OxmlElement("w:tblBorders")
        for side in _SIDES:
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "nil")
            borders.append(edge)
        properties.append(borders)
        for cell_borders in list(table._tbl.iter(qn("w:tcBorders"))):
            cell_borders.getparent().remove(cell_borders)
        _typed_plainly(table, qn)
        if restyled:
            _restyle(table, qn)
    document.save(str(path))


def unruled_pdf(report: Report, path: Path, restyled: bool = False) -> Path:
    """`path` (.pdf): the report in the official layout, its tables printed without any lines; the
    cells centred as the official template has them, or `restyled` (top, left, numbers right)."""
    from gongkai.office import convert
    from gongkai.writers.pdf import font_environment

    with tempfile.TemporaryDirectory(prefix="gongkai-unruled-") as tmp:
        source = Path(tmp) / "report.docx"
        _unruled_docx(report, source, restyled)
        converted = convert(source, "pdf", tmp, "making a test PDF", env=font_environment())
        path.write_bytes(converted.read_bytes())
    return path
