"""Reader for Word files (.docx; legacy .doc through LibreOffice when it is installed).

python-docx repeats a merged cell in `row.cells`, so tables are rebuilt from the cell XML:
w:gridBefore shifts a row, w:gridSpan widens a cell, w:vMerge="continue" marks a cell covered
by the one above. A covered cell is emitted empty and a wide cell once, exactly like the text
reader's cell-per-line layout, with its true grid column.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from gongkai.errors import InputError
from gongkai.readers.document import Document, Paragraph, Table, TextCell

MAX_UNZIPPED = 200 * 1024 * 1024  # a real report unzips to a few MB; more is a zip bomb
MAX_RATIO = 200  # compression ratio beyond which an entry is treated as a bomb
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, and encrypted OOXML files

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(path: str) -> None:
    with open(path, "rb") as f:
        head = f.read(8)
    if head == OLE2_MAGIC:
        raise InputError(path, "errors.docx.ole2")
    if not zipfile.is_zipfile(path):
        raise InputError(path, "errors.docx.not_zip")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if "word/document.xml" not in {i.filename for i in infos}:
                raise InputError(path, "errors.docx.no_document")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNZIPPED or any(
                    i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 10_000_000
                    for i in infos):
                raise InputError(path, "errors.docx.zip_bomb", mb=total // (1024 * 1024))
            bad = z.testzip()
            if bad:
                raise InputError(path, "errors.docx.damaged_entry", entry=bad)
    except zipfile.BadZipFile as exc:
        raise InputError(path, "errors.docx.corrupt", detail=str(exc)) from None


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
    _check_zip(name)
    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        body = open_docx(name).element.body
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(name, "errors.docx.corrupt", detail=str(exc)) from None
    except Exception as exc:  # lxml raises its own XMLSyntaxError for damaged XML
        raise InputError(name, "errors.docx.corrupt", detail=type(exc).__name__) from None
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
