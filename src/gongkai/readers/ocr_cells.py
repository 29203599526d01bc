"""OCR where the table grid is known: each cell's crop goes straight to the recogniser.

Inside a cell found from the ruling lines the detector has nothing to find: the cell's ink is cut
into its text lines by where the ink lies (a header broken over lines, a label written downwards one
character a line), and each line's crop is recognised in batches of similar widths, as rapidocr
batches. The recogniser's cost is the width of what it reads, and three frames a character read
Chinese text as well as the full width does, so every line is first read narrowed; one that reads
as a number, or as nothing, is read again at its full width (digits are narrow), a narrow crop (a
lone 1) widened with white first, and where it is alone in its cell its frames are decoded over the
digits alone (readers/ocr_numbers.py). The rest of the page (prose, headings, page numbers) is
found by the detector on the page scaled down (its lines are tall enough for it), the tables left
out, and each line is read narrowed.

A cell with ink but no reading is given a "?" with no confidence: it is reported, never guessed.
"""

from __future__ import annotations

import math

from gongkai.readers.ocr import CROP_PAD, cell_ink
from gongkai.readers.ocr_numbers import digit_indices, number_like, read_frames

UNREAD = "?"  # what a cell with ink but nothing recognisable holds: S207 names it
_BATCH = 32  # crops per run of the model at most
_SPREAD = 1.15  # a run's widest crop is at most this much wider than its narrowest: little padding
_MIN_RATIO = 1.5  # width to height: a digit alone, or on grey padding, is read less surely
_THIN = 0.5  # a band of ink lower than this share of the cell's tallest (or usual) line: a character's stroke
_DETECT_SIDE = 1000  # pixels: text lines are found on the page scaled to this long side
_SQUEEZE = 0.6  # a cell's lines are first read narrowed to this share of their width: 3 frames a character
_PROSE_SQUEEZE = 0.5  # and a detected line to this: a long line gives each character its context
_TEXT_SCORE = 0.5  # a detected line read less surely than this is dropped, as rapidocr does


# ── the cells ─────────────────────────────────────────────────────────────────

def cell_words(ocr, gray, ink, tables) -> list[dict]:
    """One word per text line of each cell with ink, in page pixels; numbers decoded over the digits."""
    inks = [found for box in (b for t in tables for b in t) if (found := cell_ink(ink, box)) is not None]
    typical = _typical_height(inks)
    lines = [(crop, place, len(found) == 1) for cell in inks
             for found in [_cell_lines(gray, cell, typical)] for crop, place in found]
    words = []
    for (_, place, _), (text, confidence) in zip(lines, _read_lines(ocr, lines), strict=True):
        if not text:
            text, confidence = UNREAD, 0.0
        words.append({**place, "text": text, "confidence": confidence})
    return words


def _read_lines(ocr, lines: list[tuple]) -> list[tuple[str, float]]:
    """Every line read narrowed, as prose is; those that read as a number (or as nothing) read again at
    their full width, widened, and decoded over the digits where the cell holds that line alone."""
    characters = ocr.text_rec.postprocess_op.character
    digits = digit_indices(characters)
    readings = [read_frames(f, characters, digits, numbers=False)
                for f in recognise(ocr, [crop for crop, _, _ in lines], _SQUEEZE)]
    again = [i for i, (text, _) in enumerate(readings) if not text or (lines[i][2] and number_like(text))]
    for i, frames in zip(again, recognise(ocr, [_widened(lines[i][0]) for i in again]), strict=True):
        readings[i] = read_frames(frames, characters, digits, numbers=lines[i][2])
    return readings


def _typical_height(inks: list[tuple]) -> int:
    """The usual height of a line of the page's cells: the median of each cell's tallest run of ink."""
    import numpy as np

    heights = [max(b - a for a, b in _bands(mask.any(axis=1), 0)) for _, _, mask in inks]
    return int(np.median(heights)) if heights else 0


def _cell_lines(gray, cell: tuple, typical: int) -> list[tuple]:
    """The crops of a cell's text lines, top to bottom, with where each is on the page."""
    import numpy as np

    x0, top, mask = cell
    out = []
    for start, end in _bands(mask.any(axis=1), typical):
        xs = np.nonzero(mask[start:end].any(axis=0))[0]
        left, right = x0 + xs.min(), x0 + xs.max() + 1
        crop = gray[max(0, top + start - CROP_PAD):top + end + CROP_PAD, max(0, left - CROP_PAD):right + CROP_PAD]
        out.append((crop, {"x0": left, "x1": right, "top": top + start, "bottom": top + end}))
    return out


def _widened(crop):
    """A crop narrower than _MIN_RATIO × its height, centred on white to that width (a lone 1 or 11)."""
    import cv2

    h, w = crop.shape[:2]
    extra = max(0, round(h * _MIN_RATIO) - w)
    return cv2.copyMakeBorder(crop, 0, 0, extra // 2, extra - extra // 2, cv2.BORDER_CONSTANT, value=255)


def _bands(rows, typical: int) -> list[tuple[int, int]]:
    """Runs of rows with ink; a run much lower than the cell's tallest or the page's typical line (a stroke
    of 三) joins its nearer neighbour."""
    import numpy as np

    edges = np.flatnonzero(np.diff(np.concatenate([[0], rows.astype(np.int8), [0]])))
    bands = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    while len(bands) > 1:
        tallest = max(typical, *(b - a for a, b in bands))
        thin = [i for i, (a, b) in enumerate(bands) if b - a < _THIN * tallest]
        if not thin:
            break
        i = thin[0]
        j = i - 1 if i == len(bands) - 1 or (i > 0 and bands[i][0] - bands[i - 1][1]
                                            <= bands[i + 1][0] - bands[i][1]) else i + 1
        a, b = min(i, j), max(i, j)
        bands[a:b + 1] = [(bands[a][0], bands[b][1])]
    return bands


# ── the recogniser, batched ───────────────────────────────────────────────────

def recognise(ocr, crops: list, squeeze: float = 1.0) -> list:
    """The model's frames (characters × probabilities) for each crop, in order.

    Crops are sorted by width and run in batches padded to the widest of each, as rapidocr does;
    each crop's frames end where its own image does.
    """
    import numpy as np

    recogniser = ocr.text_rec
    height = recogniser.rec_image_shape[1]
    widths = [max(8, math.ceil(height * c.shape[1] / max(1, c.shape[0]) * squeeze)) for c in crops]
    order = sorted(range(len(crops)), key=widths.__getitem__)
    out: list = [None] * len(crops)
    for chosen in _runs(order, widths):
        batch = np.zeros((len(chosen), 3, height, widths[chosen[-1]]), dtype=np.float32)
        for k, i in enumerate(chosen):
            batch[k, :, :, :widths[i]] = _normalised(crops[i], widths[i], height)
        predictions = recogniser.session(batch)[0]
        for k, i in enumerate(chosen):
            out[i] = predictions[k, :max(1, widths[i] // 8)]
    return out


def _runs(order: list[int], widths: list[int]) -> list[list[int]]:
    """Crops in order of width, cut into runs of similar widths."""
    runs: list[list[int]] = []
    for i in order:
        if runs and len(runs[-1]) < _BATCH and widths[i] <= widths[runs[-1][0]] * _SPREAD + 16:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _normalised(crop, width: int, height: int):
    import cv2
    import numpy as np

    image = cv2.resize(crop, (width, height)).astype(np.float32) / 127.5 - 1.0
    return image[np.newaxis] if image.ndim == 2 else image.transpose(2, 0, 1)


# ── the rest of the page: detected lines outside the tables ──────────────────

def prose_words(ocr, gray, tables) -> list[dict]:
    """The text lines the detector finds outside the tables, read across the whole alphabet."""
    import cv2

    regions = [(min(b[0] for b in t), min(b[1] for b in t), max(b[2] for b in t), max(b[3] for b in t))
               for t in tables]
    boxes = [b for b in _detect(ocr, gray) if not any(_centre_in(b, r) for r in regions)]
    if not boxes:
        return []
    crops = ocr.get_crop_img_list(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), boxes)
    characters = ocr.text_rec.postprocess_op.character
    words = []
    for box, frames in zip(boxes, recognise(ocr, crops, _PROSE_SQUEEZE), strict=True):
        text, confidence = read_frames(frames, characters, None, numbers=False)
        if text and confidence >= _TEXT_SCORE:
            xs, ys = box[:, 0], box[:, 1]
            words.append({"x0": float(xs.min()), "x1": float(xs.max()), "top": float(ys.min()),
                          "bottom": float(ys.max()), "text": text, "confidence": confidence})
    return words


def _detect(ocr, gray) -> list:
    """Text line quadrilaterals in page pixels, top to bottom, found on the page scaled down."""
    import cv2
    import numpy as np
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    detector = ocr.text_det
    h, w = gray.shape
    scale = min(1.0, _DETECT_SIDE / max(h, w))
    small = cv2.resize(gray, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    tensor = DetPreProcess(10**6, "max", detector.mean, detector.std)(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    boxes, _ = detector.postprocess_op(detector.infer(tensor)[0], small.shape[:2])
    boxes = detector.filter_tag_det_res(boxes, small.shape[:2])
    if len(boxes) == 0:
        return []
    return [np.asarray(b, dtype=np.float32) / scale for b in ocr.sorted_boxes(boxes)]


def _centre_in(quad, region) -> bool:
    cx, cy = float(quad[:, 0].mean()), float(quad[:, 1].mean())
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]
