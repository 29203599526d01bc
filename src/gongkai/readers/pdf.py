"""Reader for PDF files (pdfplumber): words with their positions → Document.

Each page gives its words and the cell boxes of its ruled tables; readers/pages.py turns those into
grids, lines and paragraphs, joining tables across page breaks. A page without a text layer (a scan)
or with a broken one ((cid:NN) glyphs, private-use characters) is rendered and read by OCR
(readers/ocr.py, the [ocr] extra). Tables printed without any ruling lines are rebuilt from the
positions of their words (readers/pdf_unruled.py).
"""

from __future__ import annotations

from pathlib import Path

from gongkai.errors import InputError
from gongkai.i18n import Message
from gongkai.readers.document import Document
from gongkai.readers.pages import PageTable, document, page_items
from gongkai.readers.pdf_layout import Line

MAX_PAGES = 300  # a report has 5–20 pages; a yearbook of reports is not one report
PDF_MAGIC = b"%PDF-"
OCR_DPI = 200  # pages are rendered at least at this resolution for OCR, at their scan's where higher
MAX_OCR_DPI = 400
BROKEN_SHARE = 0.02  # a text layer with more unmapped glyphs than this is OCR'd instead


def read_pdf_file(path: str | Path) -> Document:
    name = str(path)
    _check_header(name)
    import pdfplumber

    try:
        pdf = pdfplumber.open(name)
    except Exception as exc:  # pdfminer raises many types for encrypted and damaged files
        raise InputError(name, _open_problem(exc)) from None
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as exc:
            raise InputError(name, _open_problem(exc)) from None
        if count > MAX_PAGES:
            raise InputError(name, "errors.file.too_many_pages", count=count, limit=MAX_PAGES)
        items = []
        for number, page in enumerate(pdf.pages, start=1):
            try:
                items.extend(_page_items(page, number, name))
            except InputError:
                raise
            except Exception as exc:
                raise InputError(name, "errors.pdf.page_unreadable", page=number, kind=type(exc).__name__) from None
            finally:
                page.close()  # frees the page's parsed objects: memory stays bounded by one page
    return document(name, items, "pdf")


def _check_header(name: str) -> None:
    try:
        with open(name, "rb") as f:
            head = f.read(1024)
    except OSError as exc:
        raise InputError.from_os(name, exc) from None
    if PDF_MAGIC not in head:
        raise InputError(name, "errors.pdf.not_pdf")


def _open_problem(exc: Exception) -> Message:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # pdfplumber wraps pdfminer's
    kind = type(inner).__name__
    if "Password" in kind or "Encrypt" in kind or "password" in str(inner).lower():
        return Message("errors.pdf.encrypted")
    return Message("errors.pdf.damaged", kind=kind)


def _page_items(page, number: int, name: str) -> list[Line | PageTable]:
    """The lines and ruled tables of one page, top to bottom; a scanned page or one whose text layer
    is broken is read by OCR instead."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, extra_attrs=["size"])
    problem = _text_layer_problem(words, bool(page.images))
    if problem:
        return _ocr_page(page, number, name, problem)
    return page_items(words, [t.cells for t in page.find_tables()], number, page.height)


def _text_layer_problem(words: list[dict], has_images: bool) -> Message | None:
    """Why the page's text cannot be used: a scan (images, no text), or glyphs without characters."""
    if not words:
        return Message("errors.pdf.no_text_layer") if has_images else None
    text = "".join(w["text"] for w in words)
    unmapped = text.count("(cid:") * 6 + sum(1 for c in text if c == "\ufffd" or "\ue000" <= c <= "\uf8ff")
    if unmapped > max(2, len(text) * BROKEN_SHARE):
        return Message("errors.pdf.broken_text_layer")
    return None


def _ocr_page(page, number: int, name: str, problem: Message) -> list[Line | PageTable]:
    from gongkai.readers.ocr import MISSING, ocr_available

    if not ocr_available():
        raise InputError(name, "errors.pdf.page_needs_ocr", page=number, problem=problem, missing=MISSING)
    import numpy as np

    from gongkai.readers.ocr import ocr_page

    dpi = _scan_resolution(page)
    image = page.to_image(resolution=dpi).original.convert("L")
    return ocr_page(np.asarray(image), number, name, 72 / dpi)


def _scan_resolution(page) -> float:
    """The resolution of the page's largest image (a scan is best read at its own), else OCR_DPI."""
    best = max(page.images, key=lambda im: (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]), default=None)
    if best is None or not best.get("srcsize") or best["x1"] - best["x0"] < page.width / 2:
        return OCR_DPI
    dpi = best["srcsize"][0] / ((best["x1"] - best["x0"]) / 72)
    return min(max(dpi, OCR_DPI), MAX_OCR_DPI)


