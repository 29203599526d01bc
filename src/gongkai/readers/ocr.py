"""OCR of page images (scans): the table grid from its ruling lines, the text from rapidocr.

A page image is straightened by the angle of its long horizontal lines and its ruled tables are found
as the holes enclosed by their lines (OpenCV); rapidocr's models ship inside the package (nothing is
downloaded). By default each cell of a found grid is recognised from its own crop, without the
detector, and the rest of the page (or a page without a grid) is detected and recognised
(readers/ocr_cells.py). With $GONGKAI_OCR=page the whole page is detected and recognised and the
number cells read again on their own, as before: slower (bench/ocr_cells_speed.py), kept to
compare and to fall back on. Every word keeps the engine's confidence, so the checks can ask a person
to confirm what was not read surely. Positions are converted to PDF points, so the page assembly is
the one the text-layer reader uses.
"""

from __future__ import annotations

import os
import re
from functools import cache

from gongkai.errors import InputError
from gongkai.i18n import Message
from gongkai.readers.ocr_numbers import LOOKALIKE_CHARS, LOOKALIKE_CONFIDENCE, LOOKALIKES, number_like, read_numbers
from gongkai.readers.pages import PageTable, page_items
from gongkai.readers.pdf_layout import Line

A4_WIDTH_PT = 595.0  # an image without a known resolution is taken as an A4 page
MISSING = Message("errors.ocr.missing")
METHOD_ENV = "GONGKAI_OCR"  # "page": the whole page recognised, as before the cells were read one by one
METHODS = ("cells", "page")
_MAX_SKEW = 5.0  # degrees; beyond this the lines found are not the page's rows
CELL_MARGIN = 3  # pixels a cell box grows by on each side: from the hole to the middle of its lines
CROP_PAD = 3  # pixels of white around ink cropped for the recogniser: with more, a lone 0 shrinks into a full stop
MIN_INK = 12  # pixels of ink that make a mark, not specks of a scan
_NUMBERISH = re.compile(rf"^[\d,.{LOOKALIKE_CHARS}]{{1,12}}$")  # digits, separators and their look-alikes
_SPECK = 10  # pixels: smaller blobs of ink are the grain of the scan
_DISAGREEMENT = 0.5  # a number read differently on the page and in its cell alone: flagged


@cache
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        return None
    return RapidOCR()


def ocr_available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def engine(name: str):
    """The shared recogniser (loaded once per process), or a one-line error naming the file."""
    found = _engine() if ocr_available() else None
    if found is None:
        raise InputError(name, MISSING)
    return found


def ocr_method() -> str:
    """"cells" (the default) or "page", from $GONGKAI_OCR."""
    method = os.environ.get(METHOD_ENV, "cells")
    return method if method in METHODS else "cells"


def ocr_page(image, number: int, name: str, points_per_pixel: float | None = None,
             method: str | None = None) -> list[Line | PageTable]:
    """The lines and tables of one page image (a numpy array, grey or BGR), in PDF points.

    `method` "cells" reads a found grid cell by cell and the rest of the page with the detector;
    "page" recognises the whole page and reads number cells again (the earlier way, kept to compare).
    """
    import cv2

    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    method = method if method in METHODS else ocr_method()
    gray = _straighten(gray, fitted=method == "cells")
    scale = points_per_pixel or A4_WIDTH_PT / gray.shape[1]
    ink = _binary(gray)
    grid = _grid_lines(ink)
    tables = _table_boxes(grid)
    ocr = engine(name)
    if method == "page":
        words = _recognise(ocr, gray)
        words += _cell_readings(ocr, gray, ink & ~grid, tables, words)
    else:
        from gongkai.readers.ocr_cells import cell_words, prose_words

        words = prose_words(ocr, gray, tables) + cell_words(ocr, gray, ink & ~grid, tables)
    for word in words:
        if any(_centre_in(word, box) for table in tables for box in table):
            _clean_number(word)
    points = [_to_points(w, scale) for w in words]
    boxes = [[tuple(v * scale for v in box) for box in table] for table in tables]
    return page_items(points, boxes, number, gray.shape[0] * scale)


# ── the image: straightened, binarised, its ruling lines ─────────────────────────

def _binary(gray):
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _long_lines(ink, horizontal: bool, fraction: int):
    """Ruling lines of one direction: ink that survives an opening with a long thin kernel."""
    import cv2

    h, w = ink.shape
    size = (max(15, w // fraction), 1) if horizontal else (1, max(15, h // fraction))
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))


def _straighten(gray, fitted: bool = False):
    """The page turned so that its long horizontal lines are level (scans lean by a degree or two).

    The lines' angle is searched for with a Hough transform, or, `fitted`, is the least-squares slope
    of each long line's pixels: as sure (within 0.01° on the degraded scans) and a tenth of the time
    on a page of tables, where the Hough search over every pixel of the grid was most of the cost.
    """
    import cv2

    lines = _long_lines(_binary(gray), True, 40)
    angles, weights = _fitted_angles(lines) if fitted else _hough_angles(lines)
    if not angles:
        return gray
    angle = _weighted_median(angles, weights)
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def _hough_angles(lines) -> tuple[list[float], list[float]]:
    """Angles (degrees) and lengths of the line segments a probabilistic Hough transform finds."""
    import cv2
    import numpy as np

    found = cv2.HoughLinesP(lines, 1, np.pi / 1800, threshold=100, minLineLength=lines.shape[1] // 4, maxLineGap=8)
    angles, weights = [], []
    for x0, y0, x1, y1 in [] if found is None else found.reshape(-1, 4):
        angle = np.degrees(np.arctan2(y1 - y0, x1 - x0))
        if abs(angle) <= _MAX_SKEW:
            angles.append(float(angle))
            weights.append(float(np.hypot(x1 - x0, y1 - y0)))
    return angles, weights


def _fitted_angles(lines) -> tuple[list[float], list[float]]:
    """Angles (degrees) and widths of the long lines, each the least-squares slope of its pixels."""
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    angles, weights = [], []
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        if w < lines.shape[1] // 4:
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        angle = float(np.degrees(np.arctan(np.polyfit(xs, ys, 1)[0])))
        if abs(angle) <= _MAX_SKEW:
            angles.append(angle)
            weights.append(float(w))
    return angles, weights


def _weighted_median(values: list[float], weights: list[float]) -> float:
    import numpy as np

    order = np.argsort(values)
    cumulative = np.cumsum(np.array(weights)[order])
    return float(np.array(values)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _grid_lines(ink):
    """The table rulings: long horizontal and vertical strokes, closed where a scan broke them."""
    import cv2

    lines = _long_lines(ink, True, 30) | _long_lines(ink, False, 80)
    return cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))


def _table_boxes(grid) -> list[list[tuple[int, int, int, int]]]:
    """Each ruled table's cell boxes (x0, top, x1, bottom) in pixels: the holes its lines enclose.

    Each table is closed by its bounding rectangle first: a row cut by a page break has no line
    under it (or above it, on the next page).
    """
    import cv2

    w = grid.shape[1]
    outlines, _ = cv2.findContours(grid, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    regions = [r for r in map(cv2.boundingRect, outlines) if r[2] >= w // 4 and r[3] >= 20]
    closed = grid.copy()
    for x, y, rw, rh in regions:
        cv2.rectangle(closed, (x, y), (x + rw - 1, y + rh - 1), 255, 3)
    count, _, stats, _ = cv2.connectedComponentsWithStats(255 - closed, connectivity=4)
    tables = []
    for tx, ty, tw, th in regions:
        boxes = []
        for x, y, cw, ch, area in stats[1:count]:
            inside = x > tx and y > ty and x + cw < tx + tw and y + ch < ty + th
            if inside and cw >= 8 and ch >= 8 and area >= 0.6 * cw * ch:
                m = CELL_MARGIN
                boxes.append((int(x) - m, int(y) - m, int(x + cw) + m, int(y + ch) + m))
        if len(boxes) >= 2:
            tables.append(boxes)
    return tables


# ── the text ──────────────────────────────────────────────────────────────────

def _recognise(ocr, gray) -> list[dict]:
    result, _ = ocr(gray)
    words = []
    for box, text, score in result or []:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        words.append({"x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys), "text": text,
                      "confidence": float(score)})
    return words


def _cell_readings(ocr, gray, ink, tables, words) -> list[dict]:
    """Cells that hold a number (or nothing detected) read again on their own, digits only.

    A cell with ink but no detected text gets its reading (detection misses a lone "1"). A number
    read on the page is compared with its digits-only reading: where the two differ (9 and 6 of a
    blurred scan) the surer is kept and marked doubtful; a full stop or comma read where a number
    stands becomes the digits, with the digits' own confidence.
    """
    todo = []
    for box in (b for table in tables for b in table):
        mine = [w for w in words if _centre_in(w, box)]
        if len(mine) > 1 or (mine and not number_like(mine[0]["text"])):
            continue
        crop = _crop(gray, ink, box)
        if crop is not None:
            todo.append((mine[0] if mine else None, crop))
    found = []
    for (word, (_, place)), reading in zip(todo, read_numbers(ocr, [c[0] for _, c in todo]), strict=True):
        if word is None:
            if reading.text:
                found.append({**place, "text": reading.text, "confidence": reading.confidence})
        elif reading.text.isdigit():
            _second_opinion(word, reading.text, reading.confidence)
    return found


def without_specks(ink):
    """The ink of a cell without the grain of the scan (specks would widen the crop around a digit)."""
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(count, dtype=bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= _SPECK
    return keep[labels]


def _second_opinion(word: dict, digits: str, confidence: float) -> None:
    first = word["text"].replace(" ", "")
    if first.replace(",", "").replace(".", "") == digits:  # the same number (a point the crop lost)
        return
    if first.isdigit():  # two readings of digits that disagree: keep the surer, but doubt it
        if confidence > word["confidence"]:
            word["text"] = digits
        word["confidence"] = min(word["confidence"], confidence, _DISAGREEMENT)
    else:
        word["text"], word["confidence"] = digits, confidence


def cell_ink(ink, box) -> tuple | None:
    """The ink inside a cell's lines, without the grain, and where it starts; None for an empty cell."""
    inner = 2 * CELL_MARGIN
    x0, top, x1, bottom = box[0] + inner, box[1] + inner, box[2] - inner, box[3] - inner
    if x1 <= x0 or bottom <= top:
        return None
    mask = without_specks(ink[top:bottom, x0:x1])
    return (x0, top, mask) if mask.sum() >= MIN_INK else None


def _crop(gray, ink, box):
    """The ink inside a cell's lines with a tight margin, and where it is; None for an empty cell."""
    import numpy as np

    found = cell_ink(ink, box)
    if found is None:
        return None
    x0, top, mask = found
    ys, xs = np.nonzero(mask)
    pad = CROP_PAD
    image = gray[max(0, top + ys.min() - pad):top + ys.max() + pad, max(0, x0 + xs.min() - pad):x0 + xs.max() + pad]
    place = {"x0": x0 + xs.min(), "x1": x0 + xs.max(), "top": top + ys.min(), "bottom": top + ys.max()}
    return image, place


def _centre_in(word: dict, box) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _clean_number(word: dict) -> None:
    """A table cell of digits and letters that look like digits (1O → 10, D → 0) is read as the number,
    but doubted."""
    text = word["text"].replace(" ", "")
    if _NUMBERISH.match(text) and text != text.translate(LOOKALIKES):
        word["text"] = text.translate(LOOKALIKES)
        word["confidence"] = min(word["confidence"], LOOKALIKE_CONFIDENCE)


def _to_points(word: dict, scale: float) -> dict:
    out = {k: float(word[k]) * scale for k in ("x0", "x1", "top", "bottom")}
    out.update(text=word["text"], confidence=word["confidence"], size=out["bottom"] - out["top"])
    return out
