"""Reader for Word files (.docx; legacy .doc through LibreOffice when it is installed).

python-docx repeats a merged cell in `row.cells`, so tables are rebuilt from the cell XML:
w:gridBefore shifts a row, w:gridSpan widens a cell, w:vMerge="continue" marks a cell covered
by the one above. A covered cell is emitted empty and a wide cell once, exactly like the text
reader's cell-per-line layout, with its true grid column.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from gongkai.errors import InputError
from gongkai.readers.document import Document, Paragraph, Table, TextCell
from gongkai.readers.limits import MAX_DOCX_BYTES
from gongkai.readers.zipguard import WORD, check_package, zip_problem

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_package(name: str) -> None:
    """The zip guard (readers/zipguard.py); a zip without word/document.xml is no Word file at all."""
    if "word/document.xml" not in check_package(name, WORD, max_bytes=MAX_DOCX_BYTES):
        raise InputError(name, "errors.docx.no_document")


def _text(element) -> str:
    """The text of a paragraph or cell: runs joined, paragraphs on their own lines."""
    paragraphs = []
    for p in element.iter(f"{_W}p"):
        parts = []
        for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
            if node.tag == f"{_W}t":
                parts.append(node.text or "")
            else:
                parts.append("\t" if node.tag == f"{_W}tab" else "\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs).strip()


def _int(element, tag: str, default: int) -> int:
    node = element.find(tag) if element is not None else None
    try:
        return int(node.get(f"{_W}val")) if node is not None else default
    except (TypeError, ValueError):
        return default


def _table(tbl, index: int) -> Table:
    rows: list[list[TextCell]] = []
    for r, tr in enumerate(tbl.findall(f"{_W}tr")):
        col = _int(tr.find(f"{_W}trPr"), f"{_W}gridBefore", 0)
        row: list[TextCell] = []
        for tc in tr.findall(f"{_W}tc"):
            pr = tc.find(f"{_W}tcPr")
            span = max(1, _int(pr, f"{_W}gridSpan", 1))
            merge = pr.find(f"{_W}vMerge") if pr is not None else None
            covered = merge is not None and merge.get(f"{_W}val", "continue") == "continue"
            text = "" if covered else _text(tc)
            row.append(TextCell(text, line=r + 1, column=col, span=span))
            col += span
        rows.append(row)
    return Table(rows=rows, index=index, grid=True, layout="docx")


def read_docx_file(path: str | Path) -> Document:
    name = str(path)
    _check_package(name)
    from docx import Document as open_docx

    try:
        body = open_docx(name).element.body
    except Exception as exc:  # lxml's XMLSyntaxError, python-docx's own, a part missing
        raise InputError(name, zip_problem(WORD, exc)) from None
    if body is None:
        raise InputError(name, "errors.package.missing_part", what=WORD.what, entry="w:body")
    doc = Document(path=name, kind="docx")
    tables = 0
    for i, child in enumerate(body.iterchildren()):
        if child.tag == f"{_W}p":
            text = _text(child)
            if text:
                doc.blocks.append(Paragraph(text, line=i + 1))
        elif child.tag == f"{_W}tbl":
            doc.blocks.append(_table(child, tables))
            tables += 1
    return doc


def read_doc_file(path: str | Path) -> Document:
    """Legacy .doc: converted to .docx by LibreOffice headless, then read as .docx."""
    from gongkai.office import convert

    with tempfile.TemporaryDirectory() as tmp:
        doc = read_docx_file(convert(path, "docx", tmp, "reading a legacy .doc"))
    doc.path = str(path)
    return doc
