"""A text-layer PDF page read by PDFium (pypdfium2): its words and ruled tables as pdfplumber would give them.

pdfplumber interprets a page's content stream with pdfminer, in pure Python: nine tenths of the time of a
text-layer report. PDFium does it in C. Here its characters become pdfplumber's character records — left and right
from the glyph's origin and advance, top, bottom and size replayed from pdfminer's own arithmetic (the descent the
font's descriptor declares, the text's y under the page's matrix), down to its rounding, because pdfplumber cuts
words where that rounding changes — and its path objects pdfminer's lines, rectangles and curves (the same shape
rules); readers/pdf_words.py turns them into words and cell boxes as pdfplumber does. A page this cannot give
exactly — rotated, text that is not upright, glyphs PDFium cannot map to characters, no text at all — is returned
as the reason, and readers/pdf.py reads it with pdfplumber.

PDFium is called through ctypes (readers/pdfium_lib.py), with plain pointer arguments.
"""

from __future__ import annotations

import ctypes
import functools
import re
import struct
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from gongkai.i18n import Message
from gongkai.readers.pdf_words import Box, Char, Edge, curve_edges, line_edge, rect_edges, table_cells, words_of
from gongkai.readers.pdfium_lib import (
    BEZIER_TO,
    FORM_OBJECT,
    IMAGE_OBJECT,
    LINE_TO,
    MOVE_TO,
    PATH_OBJECT,
    TEXT_OBJECT,
    Library,
    PdfiumError,
    library,
)

_VERTICAL_ORIGIN = 0.01  # points: a glyph whose origin is off its text object's baseline is set in vertical writing
_SINGLE = struct.Struct("f")


@dataclass(slots=True)
class PdfiumPage:
    """A page read by PDFium: its words, the cell boxes of its ruled tables and its height."""

    words: list[dict]
    tables: list[list[Box]]
    height: float


class _Fallback(Exception):
    """This page is read with pdfplumber, for this reason."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.id)
        self.reason = reason


@dataclass(slots=True)
class PdfiumDocument:
    """A PDF opened by PDFium, with what reading its pages needs from the file itself."""

    handle: int
    data: bytes  # the file, which PDFium reads from while the document is open
    descents: dict[bytes, float]  # font name → the descent its descriptor declares (see declared_descents)
    ctm: tuple[float, float] = (1.0, 0.0)  # the last page's matrix (_Objects.ctm), for a page without paths
    pages: int = 0

    def __len__(self) -> int:
        return self.pages

    def close(self) -> None:
        library().CloseDocument(self.handle)


def open_document(name: str) -> PdfiumDocument:
    """The document; PdfiumError when PDFium cannot open it (damaged, encrypted), ImportError without PDFium."""
    with open(name, "rb") as f:
        data = f.read()
    lib = library()
    handle = lib.open(data)
    return PdfiumDocument(handle, data, declared_descents(data), pages=lib.GetPageCount(handle))


_DESCRIPTOR = re.compile(rb"/FontDescriptor\b")
_FONT_NAME = re.compile(rb"/FontName\s*/([^\s/<>\[\]()]+)")
_DESCENT = re.compile(rb"/Descent\s+(-?(?:\d+\.?\d*|\.\d+))")
_SUBSET = re.compile(rb"^[A-Z]{6}\+")


def declared_descents(data: bytes) -> dict[bytes, float]:
    """Font name → the /Descent its font descriptor declares, 0 where it declares none or 0, for the descriptors
    stored as plain objects. pdfminer puts a glyph's box on that descent; PDFium makes one up from the glyphs when
    it is 0 or missing (LibreOffice writes /Descent 0), which would move every glyph of the font up or down."""
    found: dict[bytes, set[float]] = {}
    for match in _DESCRIPTOR.finditer(data):
        start = data.rfind(b"endobj", 0, match.start())
        end = data.find(b"endobj", match.end())
        chunk = data[max(start, 0):end if end >= 0 else len(data)]
        name = _FONT_NAME.search(chunk)
        if name is None:  # a font's reference to its descriptor
            continue
        descent = _DESCENT.search(chunk)
        found.setdefault(font_key(name.group(1)), set()).add(-abs(float(descent.group(1))) if descent else 0.0)
    return {name: values.pop() for name, values in found.items() if len(values) == 1}


def font_key(name: bytes) -> bytes:
    """A font's name without its subset tag (ABCDEF+) and #xx escapes, as both the descriptor and PDFium give it."""
    plain = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
    return _SUBSET.sub(b"", plain)


def read_page(document: PdfiumDocument, number: int) -> PdfiumPage | Message:
    """The words and ruled tables of page `number` (1-based), or why pdfplumber must read it."""
    lib = library()
    page = lib.LoadPage(document.handle, number - 1)
    if not page:
        return Message("readers.pdf.fallback.page_unloaded")
    try:
        return _read(lib, page, document)
    except _Fallback as fallback:
        return fallback.reason
    finally:
        lib.ClosePage(page)


@dataclass(slots=True)
class _Objects:
    """What walking a page's objects finds."""

    height: float
    order: dict[int, int] = field(default_factory=dict)  # text object → its place in drawing order
    edges: list[Edge] = field(default_factory=list)
    images: int = 0
    flips: Counter = field(default_factory=Counter)  # (d, f) of the paths' transformation matrices

    ctm: tuple[float, float] = (1.0, 0.0)

    def guess_ctm(self, before: tuple[float, float]) -> None:
        """(d, f) of the page's usual transformation matrix, guessed from its paths (WPS draws everything under
        `1 0 0 -1 0 H cm`, LibreOffice and Word under none); on a page without paths, the page before's."""
        self.ctm = self.flips.most_common(1)[0][0] if self.flips else before


def _read(lib: Library, page: int, document: PdfiumDocument) -> PdfiumPage:
    found = _Objects(_check_boxes(lib, page))
    _walk(lib, _page_objects(lib, page), (1, 0, 0, 1, 0, 0), found)
    found.guess_ctm(document.ctm)
    document.ctm = found.ctm
    textpage = lib.Text_LoadPage(page)
    if not textpage:
        raise _Fallback(Message("readers.pdf.fallback.failed", kind="FPDFText_LoadPage"))
    try:
        chars = _chars(lib, textpage, found, document.descents)
    finally:
        lib.Text_ClosePage(textpage)
    if not chars and found.images:
        raise _Fallback(Message("readers.pdf.fallback.no_text"))
    return PdfiumPage(words_of(chars), table_cells(found.edges), found.height)


def _check_boxes(lib: Library, page: int) -> float:
    """The page's height; a rotated page, or one whose boxes pdfplumber would shift, goes to pdfplumber.

    pdfplumber measures from the media box, PDFium's bounding box is the crop box where there is one (inherited
    boxes count): they must be one box at the origin."""
    rotation = lib.Page_GetRotation(page)  # quarter turns
    if rotation < 0:
        raise PdfiumError("Failed to get page rotation.")
    if rotation:
        raise _Fallback(Message("readers.pdf.fallback.rotated_page", degrees=rotation * 90))
    bbox = lib.bounding_box(page)
    own = [lib.own_box(page, lib.Page_GetMediaBox), lib.own_box(page, lib.Page_GetCropBox)]  # None: inherited
    if bbox[:2] != (0, 0) or any(box is not None and box != bbox for box in own):
        raise _Fallback(Message("readers.pdf.fallback.page_box"))
    return bbox[3]


# ── path objects → edges ────────────────────────────────────────────────────────────────────────────────────

Matrix = tuple[float, float, float, float, float, float]


def _page_objects(lib: Library, handle: int) -> list[int]:
    return [lib.Page_GetObject(handle, i) for i in range(lib.Page_CountObjects(handle))]


def _form_objects(lib: Library, handle: int) -> list[int]:
    return [lib.FormObj_GetObject(handle, i) for i in range(lib.FormObj_CountObjects(handle))]


def _walk(lib: Library, objects: list[int], outer: Matrix, found: _Objects) -> None:
    """Every object in drawing order, into forms: text objects numbered (the content order of their characters),
    paths into edges, images counted."""
    for obj in objects:
        kind = lib.PageObj_GetType(obj)
        if kind == TEXT_OBJECT:
            found.order[obj] = len(found.order)
        elif kind == PATH_OBJECT:
            m = _compose(outer, _matrix(lib, obj))
            found.edges.extend(_path_edges(lib, obj, m, found.height))
            if not m[1] and not m[2]:
                found.flips[(m[3], m[5])] += 1
        elif kind == IMAGE_OBJECT:
            found.images += 1
        elif kind == FORM_OBJECT:
            _walk(lib, _form_objects(lib, obj), _compose(outer, _matrix(lib, obj)), found)


def _matrix(lib: Library, obj: int) -> Matrix:
    m = lib.matrix
    lib.PageObj_GetMatrix(obj, lib.at["matrix"])
    return m.a, m.b, m.c, m.d, m.e, m.f


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    """inner, then outer (a point in the inner space → the outer's)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F


def _segments(lib: Library, path: int, m: Matrix) -> tuple[str, list[tuple[float, float]]]:
    """The path as pdfminer records it: one letter per operator (m, l, c, h) and the point each ends at."""
    shape, points = [], []
    curve = start = 0  # start: where the current subpath's moveto is (a close returns to it)
    for i in range(lib.Path_CountSegments(path)):
        segment = lib.Path_GetPathSegment(path, i)
        lib.PathSegment_GetPoint(segment, lib.at["fx"], lib.at["fy"])
        x, y = lib.fx.value, lib.fy.value
        kind = lib.PathSegment_GetType(segment)
        curve = curve + 1 if kind == BEZIER_TO else 0
        if kind != BEZIER_TO or curve % 3 == 0:  # PDFium keeps a curve's two control points as segments of their own
            start = len(shape) if kind == MOVE_TO else start
            shape.append("m" if kind == MOVE_TO else "l" if kind == LINE_TO else "c")
            points.append((m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]))
        if lib.PathSegment_GetClose(segment):
            shape.append("h")
            points.append(points[start])
    return "".join(shape), points


def _path_edges(lib: Library, path: int, m: Matrix, height: float) -> list[Edge]:
    shape, points = _segments(lib, path, m)
    if shape[:1] != "m":
        return []
    edges = []
    for sub in re.finditer(r"m[^m]+", shape):  # each subpath on its own, as pdfminer paints them
        edges.extend(_subpath_edges(sub.group(), points[sub.start():sub.end()], height))
    return edges


def _subpath_edges(shape: str, points: list[tuple[float, float]], height: float) -> list[Edge]:
    """pdfminer's reading of a subpath: a line, a rectangle, or a curve through its points."""
    if len(shape) > 3 and shape[-2:] == "lh" and points[-2] == points[0]:
        shape, points = shape[:-2] + "h", points[:-1]
    if shape in ("mlh", "ml"):
        (ax, ay), (bx, by) = points[0], points[1]
        return [line_edge(min(ax, bx), height - max(ay, by), max(ax, bx), height - min(ay, by))]
    if shape in ("mlllh", "mllll") and _is_rectangle(points):
        xs, ys = [p[0] for p in points[:4]], [p[1] for p in points[:4]]
        return rect_edges(min(xs), height - max(ys), max(xs), height - min(ys))
    return curve_edges([(x, height - y) for x, y in points])


def _is_rectangle(points: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), end = points
    square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
    return points[0] == end and square


# ── characters ─────────────────────────────────────────────────────────────────────────────────────────────

@dataclass(slots=True)
class _Run:
    """What the characters of one text object share: their font size and the top and bottom of their boxes."""

    size: float
    top: float
    bottom: float
    vertical: bool


def _chars(lib: Library, handle: int, found: _Objects, descents: dict[bytes, float]) -> list[Char]:
    """The page's characters in content-stream order (PDFium sorts them by position; pdfplumber takes runs of one
    size in the order they were drawn), without the spaces and line breaks PDFium makes up."""
    count = lib.Text_CountChars(handle)
    text = lib.text(handle, count)
    if len(text) != count:  # a character outside the Basic Multilingual Plane (PDFium counts UTF-16 units), or
        raise _Fallback(Message("readers.pdf.fallback.text_mismatch"))  # characters it left out of its text
    runs = _Runs(lib, handle, found, descents)
    known, new_run = runs.runs.get, runs.new
    generated, unmapped, text_object = lib.Text_IsGenerated, lib.Text_HasUnicodeMapError, lib.Text_GetTextObject
    loose, rect, rect_at, order = lib.Text_GetLooseCharBox, lib.rect, lib.at["rect"], found.order.get
    make = tuple.__new__
    chars = []
    for i, char in enumerate(text):  # this loop runs for every character: calls and lookups kept to a minimum
        if char.isspace() and generated(handle, i):
            continue
        if unmapped(handle, i) or char == "\ufffd" or "\ue000" <= char <= "\uf8ff":
            raise _Fallback(Message("readers.pdf.fallback.unmapped"))
        obj = text_object(handle, i)
        run = known(obj) or new_run(obj, i)
        if run.vertical:
            chars.append((order(obj, -1), i, _vertical_char(lib, handle, i, char, run, found.height)))
            continue
        if not loose(handle, i, rect_at):  # the buffer would still hold the character before's box
            raise _Fallback(Message("readers.pdf.fallback.failed", kind="FPDFText_GetLooseCharBox"))
        chars.append((order(obj, -1), i, make(Char, (char, rect.left, rect.right, run.top, run.bottom, run.size))))
    chars.sort()  # by drawing order, then PDFium's (unique: the characters themselves are never compared)
    return [char for _, _, char in chars]


class _Runs:
    """The run of each text object on a page: what its characters share, worked out once for each text matrix,
    font size and font."""

    def __init__(self, lib: Library, handle: Any, found: _Objects, descents: dict[bytes, float]) -> None:
        self.lib, self.handle, self.height, self.descents = lib, handle, found.height, descents
        self.ctm = found.ctm
        self.runs: dict[int, _Run] = {}
        self.shared: dict[tuple, _Run] = {}
        self.fonts: dict[int, tuple[float, bool]] = {}  # a font's handle → its descent and whether it is vertical
        # called for every text object (WPS draws each character as one): bound once
        self.matrix, self.font_size, self.font = lib.matrix, lib.Text_GetFontSize, lib.TextObj_GetFont
        self.get_matrix = functools.partial(lib.Text_GetMatrix, handle)
        self.matrix_at = lib.at["matrix"]

    def new(self, obj: int, i: int) -> _Run:
        """The run of a text object met for the first time."""
        run = self.runs[obj] = self._make(obj, i)
        return run

    def _make(self, obj: int, i: int) -> _Run:
        m = self.matrix
        self.get_matrix(i, self.matrix_at)
        d, baseline = m.d, m.f
        if m.b or m.c or m.a <= 0 or d <= 0:
            raise _Fallback(Message("readers.pdf.fallback.rotated_text"))
        font_size, font = self.font_size(self.handle, i), self.font(obj)
        key = (d, font_size, font, baseline)
        run = self.shared.get(key)
        if run is None:
            descent, vertical = self._font(font, i, baseline)
            y0, y1 = _box_bottom_top(_decimal(d), _decimal(font_size), descent, baseline, self.ctm)
            run = self.shared[key] = _Run(y1 - y0, self.height - y1, self.height - y0, vertical)
        return run

    def _font(self, font: int | None, i: int, baseline: float) -> tuple[float, bool]:
        known = self.fonts.get(font or 0)
        if known is None:
            lib = self.lib
            lib.Text_GetCharOrigin(self.handle, i, lib.at["x"], lib.at["y"])
            vertical = abs(lib.y.value - baseline) > _VERTICAL_ORIGIN
            known = self.fonts[font or 0] = (_descent(lib, font, self.descents), vertical)
        return known


@functools.lru_cache(maxsize=4096)
def _decimal(value: float) -> float:
    """The shortest decimal that PDFium's single-precision number stands for: the number as the PDF wrote it."""
    single = _SINGLE.unpack(_SINGLE.pack(value))[0]
    for digits in range(1, 10):
        guess = float(f"{value:.{digits}g}")
        if _SINGLE.unpack(_SINGLE.pack(guess))[0] == single:
            return guess
    return value


def _box_bottom_top(d: float, font_size: float, descent: float, baseline: float,
                    ctm: tuple[float, float]) -> tuple[float, float]:
    """The bottom and top (bottom-up) of a glyph's box as pdfminer computes them, operation for operation: the
    text's y in the content stream under the page's matrix, the descriptor's descent. pdfplumber groups characters
    by their size, and that size carries the rounding of these operations: two fonts on one line are one run of
    characters or two depending on it, and so are the words made of them."""
    ctm_d, ctm_f = _decimal(ctm[0]), _decimal(ctm[1])
    f = ctm_d * _decimal((baseline - ctm_f) / ctm_d) + ctm_f  # b0·e1 + d0·f1 + f0, with b0 = 0
    low = descent * 0.001 * font_size
    high = low + font_size
    return d * low + f, d * high + f


# pdfminer takes these fonts' metrics (by their exact names) from its Adobe font metrics, whatever the PDF says
_AFM_DESCENTS = {
    **{f"{base}{style}": descent for base, styles, descent in (
        ("Courier", ("", "-Bold", "-BoldOblique", "-Oblique"), -194.0),
        ("Helvetica", ("", "-Bold", "-BoldOblique", "-Oblique"), -207.0),
        ("Times", ("-Bold", "-BoldItalic", "-Italic", "-Roman"), -217.0),
        ("Arial", ("", ",Italic", ",Bold", ",BoldItalic"), -207.0),
        ("CourierNew", ("", ",Italic", ",Bold", ",BoldItalic"), -194.0),
        ("TimesNewRoman", ("", ",Italic", ",Bold", ",BoldItalic"), -217.0)) for style in styles},
    "Symbol": 0.0, "ZapfDingbats": 0.0}


def _descent(lib: Library, font: int | None, descents: dict[bytes, float]) -> float:
    """The font's descent in thousandths of the font size, as pdfminer takes it: from its own metrics for the
    standard fonts, else as the font's descriptor declares it."""
    if not font:
        return 0.0
    length = lib.Font_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(length)
    lib.Font_GetBaseFontName(font, buffer, length)
    standard = _AFM_DESCENTS.get(buffer.value.decode("latin-1"))
    if standard is not None:
        return standard
    declared = descents.get(font_key(buffer.value))
    if declared is not None:
        return declared
    return lib.fy.value if lib.Font_GetDescent(font, 1000.0, lib.at["fy"]) else 0.0


def _vertical_char(lib: Library, handle: Any, i: int, text: str, run: _Run, height: float) -> Char:
    """A glyph set in vertical writing: its box stands on its origin, a font size wide and high (as pdfminer has
    it; PDFium's own box for it is not scaled by the text matrix)."""
    lib.Text_GetCharOrigin(handle, i, lib.at["x"], lib.at["y"])
    x0, bottom = lib.x.value, height - lib.y.value
    return Char(text, x0, x0 + run.size, bottom - run.size, bottom, run.size)
