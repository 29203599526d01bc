"""Test PDFs whose tables have no ruling lines: gongkai's Word output with every border removed,
converted by LibreOffice, so the columns are held only by the spaces between the words."""

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
