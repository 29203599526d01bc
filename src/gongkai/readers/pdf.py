"""Reader for PDF files: words with their positions → Document.

Pages are read by PDFium (readers/pdfium_page.py), which gives the words and ruled cells pdfplumber would, several
times faster; a page it cannot give that way (rotated, glyphs without characters, a scan) is read by pdfplumber,
and the reason kept in the document's `fallbacks`. Setting GONGKAI_PDF_BACKEND=pdfplumber reads every page with
pdfplumber, to compare the two.

Each page gives its words and the cell boxes of its ruled tables; readers/pages.py turns those into
grids, lines and paragraphs, joining tables across page breaks. A page without a text layer (a scan)
or with a broken one ((cid:NN) glyphs, private-use characters) is rendered and read by OCR
(readers/ocr.py, the [ocr] extra). Tables printed without any ruling lines are rebuilt from the
positions of their words (readers/pdf_unruled.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from gongkai.errors import InputError
from gongkai.i18n import Message
from gongkai.readers.document import Document
from gongkai.readers.files import check_size
from gongkai.readers.limits import MAX_PAGES, MAX_PDF_BYTES, MAX_RENDER_PIXELS, MIN_OCR_DPI
from gongkai.readers.pages import PageTable, document, page_items
from gongkai.readers.pdf_layout import Line

if TYPE_CHECKING:
    from gongkai.readers.pdfium_page import PdfiumDocument, PdfiumPage

PDF_MAGIC = b"%PDF-"
OCR_DPI = 200  # pages are rendered at least at this resolution for OCR, at their scan's where higher
MAX_OCR_DPI = 400
BACKEND = "GONGKAI_PDF_BACKEND"  # "pdfplumber": every page read by pdfplumber (to compare the two readings)
BROKEN_SHARE = 0.02  # a text layer with more unmapped glyphs than this is OCR'd instead


def read_pdf_file(path: str | Path) -> Document:
    name = str(path)
    check_size(name, MAX_PDF_BYTES)
    _check_header(name)
    fallbacks: dict[int, Message] = {}
    with _Plumber(name) as plumber:
        if os.environ.get(BACKEND) == "pdfplumber":
            items = plumber.every_page(fallbacks, Message("readers.pdf.fallback.forced", variable=BACKEND))
        else:
            items = _pdfium_pages(name, plumber, fallbacks)
    doc = document(name, items, "pdf")
    doc.fallbacks = fallbacks
    return doc


def _pdfium_pages(name: str, plumber: _Plumber, fallbacks: dict[int, Message]) -> list[Line | PageTable]:
    """Every page read by PDFium, but those it cannot read as pdfplumber would: these by pdfplumber, the reason
    kept in `fallbacks`. A file PDFium cannot open (damaged, encrypted) is left to pdfplumber whole, whose
    errors are the reader's. PDFium's lock is held only while PDFium reads: pdfplumber, and the OCR of a scanned
    page, do not keep another thread's file waiting."""
    from gongkai.readers import pdfium_lib, pdfium_page

    with pdfium_lib.LOCK:
        try:
            pdf = pdfium_page.open_document(name)
        except (pdfium_page.PdfiumError, ImportError, OSError) as exc:
            pages = Message("readers.pdf.fallback.unopened", kind=str(exc))
        else:
            pages = _read_pages(name, pdf)
    if isinstance(pages, Message):
        return plumber.every_page(fallbacks, pages)
    items: list[Line | PageTable] = []
    for number, page in enumerate(pages, start=1):
        if isinstance(page, Message):
            fallbacks[number] = page
            items.extend(plumber.page(number))
        else:
            items.extend(page_items(page.words, page.tables, number, page.height))
    return items


def _read_pages(name: str, pdf: PdfiumDocument) -> list[PdfiumPage | Message]:
    """Each page as PDFium reads it, or why pdfplumber must."""
    try:
        _check_count(name, len(pdf))
        return [_pdfium_page(pdf, number) for number in range(1, len(pdf) + 1)]
    finally:
        pdf.close()


def _pdfium_page(pdf: PdfiumDocument, number: int) -> PdfiumPage | Message:
    from gongkai.readers.pdfium_page import read_page

    try:
        return read_page(pdf, number)
    except Exception as exc:  # whatever PDFium or the reading of its records trips on, pdfplumber may still read
        return Message("readers.pdf.fallback.failed", kind=type(exc).__name__)


class _Plumber:
    """pdfplumber on the same file, opened when a page needs it: importing it alone costs more than reading a whole
    report with PDFium."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pdf = None

    def __enter__(self) -> _Plumber:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.pdf is not None:
            try:
                self.pdf.close()
            except Exception as exc:  # a damaged object found while closing
                if exc_info[0] is None:
                    raise InputError(self.name, _open_problem(exc)) from None

    def _open(self):
        if self.pdf is None:
            import pdfplumber

            try:
                self.pdf = pdfplumber.open(self.name)
            except Exception as exc:  # pdfminer raises many types for encrypted and damaged files
                raise InputError(self.name, _open_problem(exc)) from None
        return self.pdf

    def every_page(self, fallbacks: dict[int, Message], reason: Message) -> list[Line | PageTable]:
        pdf = self._open()
        try:
            items = _pages(pdf, self.name)
        except InputError:
            raise
        except Exception as exc:  # a damaged object found between pages
            raise InputError(self.name, _open_problem(exc)) from None
        fallbacks.update(dict.fromkeys(range(1, len(pdf.pages) + 1), reason))
        return items

    def page(self, number: int) -> list[Line | PageTable]:
        try:
            page = self._open().pages[number - 1]
        except InputError:
            raise
        except Exception as exc:
            raise InputError(self.name, "errors.pdf.page_unreadable", page=number, kind=type(exc).__name__) from None
        return _read_page(page, number, self.name)


def _pages(pdf, name: str) -> list[Line | PageTable]:
    """The items of every page in order, one page in memory at a time."""
    try:
        count = len(pdf.pages)
    except Exception as exc:
        raise InputError(name, _open_problem(exc)) from None
    _check_count(name, count)
    items = []
    for number, page in enumerate(pdf.pages, start=1):
        items.extend(_read_page(page, number, name))
    return items


def _check_count(name: str, count: int) -> None:
    if count > MAX_PAGES:
        raise InputError(name, "errors.file.too_many_pages", count=count, limit=MAX_PAGES)


def _read_page(page, number: int, name: str) -> list[Line | PageTable]:
    try:
        return _page_items(page, number, name)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(name, "errors.pdf.page_unreadable", page=number, kind=type(exc).__name__) from None
    finally:
        page.close()  # frees the page's parsed objects: memory stays bounded by one page


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
    from gongkai.readers.pdfium_lib import LOCK

    dpi = _render_resolution(page, number, name)
    with LOCK:  # pypdfium2 renders it, in the PDFium another thread may be reading with
        image = page.to_image(resolution=dpi).original.convert("L")
    return ocr_page(np.asarray(image), number, name, 72 / dpi)


def _render_resolution(page, number: int, name: str) -> float:
    """The scan's resolution, lowered so that the rendered page stays within MAX_RENDER_PIXELS; a page too
    large to render at MIN_OCR_DPI within it is refused (readers/limits.py)."""
    width, height = float(page.width), float(page.height)
    dpi = _scan_resolution(page)
    area = max(width, 1.0) * max(height, 1.0) / (72 * 72)  # square inches
    fits = (MAX_RENDER_PIXELS / area) ** 0.5
    if fits < MIN_OCR_DPI:
        raise InputError(name, "errors.pdf.page_too_large", page=number, width=round(width), height=round(height),
                         dpi=MIN_OCR_DPI)
    return min(dpi, fits)


def _scan_resolution(page) -> float:
    """The resolution of the page's largest image (a scan is best read at its own), else OCR_DPI."""
    best = max(page.images, key=lambda im: (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]), default=None)
    if best is None or not best.get("srcsize") or best["x1"] - best["x0"] < page.width / 2:
        return OCR_DPI
    dpi = best["srcsize"][0] / ((best["x1"] - best["x0"]) / 72)
    return min(max(dpi, OCR_DPI), MAX_OCR_DPI)


