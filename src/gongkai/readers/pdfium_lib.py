"""PDFium's shared library, as shipped in the pypdfium2_raw wheel, with the functions gongkai calls declared on it.

pypdfium2's Python layer declares all of PDFium's ~1,000 functions and structures when it is imported: that cost
more CPU than reading a whole 6-page report, and a `gongkai check FILE` process paid it every time. The library
itself is loaded here with ctypes, and only these functions declared, with plain pointer arguments: a page makes
several calls per character, and plain pointers cost a third of pypdfium2's typed calls. A pypdfium2_raw built
against a PDFium elsewhere on the system (no library in the package's folder) is loaded by its own loader.

pypdfium2 itself (page rendering for OCR) may load the same library in the same process: it is one library,
initialised once (FPDF_InitLibrary returns at once when it already is).
"""

from __future__ import annotations

import ctypes
import sys
import threading
from importlib.util import find_spec
from pathlib import Path
from typing import Any

_P, _I, _F, _D = ctypes.c_void_p, ctypes.c_int, ctypes.c_float, ctypes.c_double
_SIGNATURES: dict[str, tuple[Any, tuple]] = {
    "FPDF_InitLibrary": (None, ()),
    "FPDF_LoadMemDocument64": (_P, (_P, ctypes.c_size_t, ctypes.c_char_p)),
    "FPDF_GetLastError": (ctypes.c_ulong, ()),
    "FPDF_GetPageCount": (_I, (_P,)),
    "FPDF_CloseDocument": (None, (_P,)),
    "FPDF_LoadPage": (_P, (_P, _I)),
    "FPDF_ClosePage": (None, (_P,)),
    "FPDFPage_GetRotation": (_I, (_P,)),
    "FPDF_GetPageBoundingBox": (_I, (_P, _P)),
    "FPDFPage_GetMediaBox": (_I, (_P, _P, _P, _P, _P)),
    "FPDFPage_GetCropBox": (_I, (_P, _P, _P, _P, _P)),
    "FPDFText_LoadPage": (_P, (_P,)),
    "FPDFText_ClosePage": (None, (_P,)),
    "FPDFText_GetTextIndexFromCharIndex": (_I, (_P, _I)),
    "FPDFText_GetText": (_I, (_P, _I, _I, _P)),
    "FPDFText_CountChars": (_I, (_P,)),
    "FPDFText_IsGenerated": (_I, (_P, _I)),
    "FPDFText_HasUnicodeMapError": (_I, (_P, _I)),
    "FPDFText_GetTextObject": (_P, (_P, _I)),
    "FPDFText_GetLooseCharBox": (_I, (_P, _I, _P)),
    "FPDFText_GetCharOrigin": (_I, (_P, _I, _P, _P)),
    "FPDFText_GetMatrix": (_I, (_P, _I, _P)),
    "FPDFText_GetFontSize": (_D, (_P, _I)),
    "FPDFTextObj_GetFont": (_P, (_P,)),
    "FPDFFont_GetDescent": (_I, (_P, _F, _P)),
    "FPDFFont_GetBaseFontName": (ctypes.c_size_t, (_P, _P, ctypes.c_size_t)),
    "FPDFPage_CountObjects": (_I, (_P,)),
    "FPDFPage_GetObject": (_P, (_P, _I)),
    "FPDFFormObj_CountObjects": (_I, (_P,)),
    "FPDFFormObj_GetObject": (_P, (_P, ctypes.c_ulong)),
    "FPDFPageObj_GetType": (_I, (_P,)),
    "FPDFPageObj_GetMatrix": (_I, (_P, _P)),
    "FPDFPath_CountSegments": (_I, (_P,)),
    "FPDFPath_GetPathSegment": (_P, (_P, _I)),
    "FPDFPathSegment_GetPoint": (_I, (_P, _P, _P)),
    "FPDFPathSegment_GetType": (_I, (_P,)),
    "FPDFPathSegment_GetClose": (_I, (_P,)),
}
# FPDF_ERR_*: what FPDF_GetLastError says of a document that did not open
_LOAD_ERRORS = {1: "Unknown error", 2: "File access error", 3: "Data format error", 4: "Incorrect password error",
                5: "Unsupported security scheme error", 6: "Page not found or content error"}
# FPDF_PAGEOBJ_*, FPDF_SEGMENT_*
TEXT_OBJECT, PATH_OBJECT, IMAGE_OBJECT, FORM_OBJECT = 1, 2, 3, 5
LINE_TO, BEZIER_TO, MOVE_TO = 0, 1, 2


# PDFium is not thread-safe, nor are the buffers of Library: one document at a time, and pypdfium2's page rendering
# (pdfplumber's to_image, for OCR) under the same lock, since it calls into the same library
LOCK = threading.RLock()


class PdfiumError(Exception):
    """PDFium could not open the document or one of its pages."""


class Rect(ctypes.Structure):  # FS_RECTF
    _fields_ = [("left", _F), ("top", _F), ("right", _F), ("bottom", _F)]


class Matrix(ctypes.Structure):  # FS_MATRIX
    _fields_ = [(name, _F) for name in "abcdef"]


class Library:
    """PDFium's functions (named without their FPDF prefix: Text_CountChars) and the buffers they write into."""

    def __init__(self, library: ctypes.CDLL) -> None:
        for name, (restype, argtypes) in _SIGNATURES.items():
            try:
                function = library[name]  # a fresh function object: another loader's keep their own argument types
            except AttributeError:  # an older PDFium on the system: pdfplumber reads instead
                raise ImportError(f"PDFium lacks {name}") from None
            function.restype, function.argtypes = restype, argtypes
            setattr(self, name.removeprefix("FPDF").lstrip("_"), function)
        self.rect, self.matrix = Rect(), Matrix()
        self.x, self.y, self.fx, self.fy = _D(), _D(), _F(), _F()
        self.box = (_F * 4)()
        self.at = {name: ctypes.addressof(getattr(self, name)) for name in ("rect", "matrix", "x", "y", "fx", "fy")}
        self.InitLibrary()

    def open(self, data: bytes) -> int:
        """The document held in `data` (which must outlive it); PdfiumError when PDFium cannot open it."""
        handle = self.LoadMemDocument64(data, len(data), None)
        if not handle:
            error = self.GetLastError()
            raise PdfiumError(f"Failed to load document (PDFium: {_LOAD_ERRORS.get(error, error)}).")
        return handle

    def own_box(self, page: int, getter: Any) -> tuple[float, ...] | None:
        """A box the page itself declares (FPDFPage_GetMediaBox, …GetCropBox); None where it inherits one."""
        box = self.box
        step = ctypes.sizeof(_F)
        start = ctypes.addressof(box)
        if not getter(page, start, start + step, start + 2 * step, start + 3 * step):
            return None
        return tuple(box)

    def bounding_box(self, page: int) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) of what the page shows: its media box cut by its crop box."""
        if not self.GetPageBoundingBox(page, self.at["rect"]):
            raise PdfiumError("Failed to get page bounding box.")
        rect = self.rect
        return rect.left, rect.bottom, rect.right, rect.top

    def text(self, textpage: int, count: int) -> str:
        """The text of the page's `count` characters (UTF-16 code units, as PDFium counts them). Characters PDFium
        leaves out of its text at either end are not asked for: it would read past them (crbug.com/pdfium/2079)."""
        first, last = 0, count - 1
        while first <= last and self.Text_GetTextIndexFromCharIndex(textpage, first) == -1:
            first += 1
        while first <= last and self.Text_GetTextIndexFromCharIndex(textpage, last) == -1:
            last -= 1
        if first > last:
            return ""
        size = self.Text_GetTextIndexFromCharIndex(textpage, last) - self.Text_GetTextIndexFromCharIndex(
            textpage, first) + 2  # and the terminating NUL
        buffer = (ctypes.c_ushort * size)()
        written = self.Text_GetText(textpage, first, last - first + 1, buffer)
        return bytes(memoryview(buffer).cast("B")[:max(written - 1, 0) * 2]).decode("utf-16-le", "ignore")


_library: Library | ImportError | None = None


def library() -> Library:
    """PDFium, loaded and initialised on first use; ImportError, every time, when it cannot be. Callers hold
    LOCK: PDFium is not thread-safe."""
    global _library
    if _library is None:
        try:
            _library = Library(_load())
        except ImportError as exc:
            _library = exc
    if isinstance(_library, ImportError):
        raise ImportError(*_library.args)
    return _library


def _load() -> ctypes.CDLL:
    """The library in pypdfium2_raw's folder; else the one its own loader finds; ImportError when there is none."""
    spec = find_spec("pypdfium2_raw")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pypdfium2_raw is not installed")
    name = {"win32": "pdfium.dll", "darwin": "libpdfium.dylib"}.get(sys.platform, "libpdfium.so")
    shipped = Path(spec.submodule_search_locations[0]) / name
    if shipped.exists():
        return ctypes.CDLL(str(shipped))
    from pypdfium2_raw import bindings

    return bindings._libs["pdfium"]  # no public name for it
