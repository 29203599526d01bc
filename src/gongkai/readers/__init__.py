"""Readers: a file → the neutral Document. One module per file type, imported on demand."""

from __future__ import annotations

from pathlib import Path

from gongkai.errors import InputError
from gongkai.readers.document import Document
from gongkai.readers.quiet import quiet

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")  # scans, read by OCR
# suffix → (module, function): imported only when a file of that kind is read
READERS = {
    ".docx": ("gongkai.readers.docx", "read_docx_file"),
    ".doc": ("gongkai.readers.docx", "read_doc_file"),
    ".html": ("gongkai.readers.html", "read_html_file"),
    ".htm": ("gongkai.readers.html", "read_html_file"),
    ".mht": ("gongkai.readers.mhtml", "read_mhtml_file"),
    ".mhtml": ("gongkai.readers.mhtml", "read_mhtml_file"),
    ".xlsx": ("gongkai.readers.xlsx", "read_xlsx_file"),
    ".pdf": ("gongkai.readers.pdf", "read_pdf_file"),
    **{suffix: ("gongkai.readers.image", "read_image_file")
       for suffix in IMAGE_SUFFIXES},
}
SUFFIXES = TEXT_SUFFIXES | set(READERS)


def read_document(path: str | Path) -> Document:
    """Read any supported file into a Document, or raise InputError naming the file.

    Every reader keeps the limits of readers/limits.py, and runs with the warnings and logs of its libraries
    silenced (readers/quiet.py): what goes wrong is said once, as the one-line error."""
    with quiet():
        doc = _read(path)
    _check_size(doc)
    return doc


def _check_size(doc: Document) -> None:
    """A document far larger than any report is refused before extraction (readers/limits.py)."""
    from gongkai.readers.document import Paragraph
    from gongkai.readers.limits import MAX_CELLS, MAX_PARAGRAPHS

    cells = paragraphs = 0
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            paragraphs += 1
        else:
            cells += sum(len(row) for row in block.rows)
        if cells > MAX_CELLS:
            raise InputError(doc.path, "errors.file.too_many_cells", limit=MAX_CELLS)
        if paragraphs > MAX_PARAGRAPHS:
            raise InputError(doc.path, "errors.file.too_many_paragraphs", limit=MAX_PARAGRAPHS)


def _read(path: str | Path) -> Document:
    p = Path(path)
    if not p.exists():
        raise InputError(str(path), "errors.file.missing")
    if p.is_dir():
        raise InputError(str(path), "errors.file.folder_not_report")
    suffix = p.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from gongkai.readers.text import read_text_file

        return read_text_file(p)
    if suffix in READERS:
        from importlib import import_module

        module, function = READERS[suffix]
        doc: Document = getattr(import_module(module), function)(p)
        doc.path = str(path)
        return doc
    raise InputError(str(path), "errors.file.unsupported_type", suffix=suffix)
