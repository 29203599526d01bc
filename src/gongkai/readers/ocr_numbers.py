"""Numbers in table cells, recognised with the answer's alphabet known: digits only.

The recogniser decodes a whole line over thousands of characters; in a cell of its own a small 0
has no line around it to show its size and comes out as a full stop, a 7 as a comma. A number cell
can only hold digits (or a dash), so its frames are decoded again over the blank and the ten digits
alone (constrained CTC decoding on the model's own output), and the confidence is that of the least
sure digit. The frames come from the pass that read the cell (read_frames), or, for the whole-page
method, from a second reading of the number cells in one batch per page (read_numbers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.labels import has_cjk

# A dash or slash for "none" is kept as printed: the extraction knows these placeholders.
PLACEHOLDERS = frozenset("-—－–/／\\×*")
_BATCH = 32
# Letters and marks the recogniser reads for digits; a number made of them is always doubted.
# A lone small 0 is often taken for a full stop or a circle: a crop carries no sense of scale.
LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "。": "0", "○": "0", "〇": "0", "l": "1", "I": "1",
                            "|": "1", "Z": "2", "S": "5", "B": "8"})
LOOKALIKE_CONFIDENCE = 0.5
LOOKALIKE_CHARS = re.escape("".join(map(chr, LOOKALIKES)))
_LOOKALIKE_NUMBER = re.compile(rf"^[\d{LOOKALIKE_CHARS}]{{1,12}}$")
_DECIMAL = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+\.\d+$")


@dataclass(slots=True)
class NumberReading:
    text: str  # the digits, or the free reading where it is a placeholder or no digit was seen
    confidence: float
    free: str  # what the recogniser read without the constraint


def digit_indices(characters: list[str]):
    """The blank (index 0) and the ten digits among the recogniser's characters."""
    import numpy as np

    return np.array([0] + [characters.index(d) for d in "0123456789"])


def number_like(text: str) -> bool:
    """No CJK and short: a number, perhaps misread as punctuation or look-alike letters."""
    text = text.replace(" ", "")
    return 0 < len(text) <= 12 and not has_cjk(text)


def read_frames(frames, characters: list[str], digits, numbers: bool) -> tuple[str, float]:
    """Text and confidence of one crop from the model's frames; with `numbers`, a reading that is
    nothing or number-like is decoded again over the digits alone."""
    text, confidence = _ctc(frames.argmax(axis=1), frames.max(axis=1), characters)
    if numbers and (not text.strip() or number_like(text)):
        reading = _decode(frames, characters, digits)
        return reading.text, reading.confidence
    return text.strip(), confidence


def read_numbers(ocr, crops: list) -> list[NumberReading]:
    """One reading per crop (grey numpy arrays), in order."""
    import numpy as np

    recogniser = ocr.text_rec
    characters = recogniser.postprocess_op.character  # index 0 is the CTC blank
    digits = digit_indices(characters)
    out: list[NumberReading] = []
    for start in range(0, len(crops), _BATCH):
        batch = [_bgr(c) for c in crops[start:start + _BATCH]]
        shape = recogniser.rec_image_shape  # channels, height, width of the model's input
        ratio = max(max(c.shape[1] / c.shape[0] for c in batch), shape[2] / shape[1])
        tensor = np.concatenate([recogniser.resize_norm_img(c, ratio)[np.newaxis, :] for c in batch])
        predictions = recogniser.session(tensor.astype(np.float32))[0]
        out.extend(_decode(p, characters, digits) for p in predictions)
    return out


def _bgr(gray):
    import numpy as np

    return np.repeat(gray[:, :, np.newaxis], 3, axis=2) if gray.ndim == 2 else gray


def _decode(frames, characters: list[str], digits) -> NumberReading:
    import numpy as np

    free, free_conf = _ctc(frames.argmax(axis=1), frames.max(axis=1), characters)
    constrained = frames[:, digits]
    index = constrained.argmax(axis=1)
    if not (index != 0).any() and _LOOKALIKE_NUMBER.match(free):
        return NumberReading(free.translate(LOOKALIKES), min(free_conf, LOOKALIKE_CONFIDENCE), free)
    if free and not (index != 0).any():
        # The recogniser saw a mark (a comma for a 7) where no digit beat the blank: the best digit
        # at each frame of that mark, with its own (low) probability.
        marked = frames.argmax(axis=1) != 0
        index = np.where(marked, constrained[:, 1:].argmax(axis=1) + 1, 0)
    text, _ = _ctc(index, constrained.max(axis=1), ["", *"0123456789"])
    if (free and set(free) <= PLACEHOLDERS) or _DECIMAL.match(free):
        return NumberReading(free, free_conf, free)  # a dash, or a number with its point or commas
    if not text:
        return NumberReading(free, free_conf, free)
    return NumberReading(text, _least_sure(index, constrained), free)


def _ctc(index, prob, alphabet: list[str]) -> tuple[str, float]:
    """Greedy CTC: repeats merged, blanks (index 0) dropped; confidence the mean of the kept frames."""
    chars, probs, previous = [], [], -1
    for i, p in zip(index.tolist(), prob.tolist(), strict=True):
        if i != previous and i != 0:
            chars.append(alphabet[i])
            probs.append(p)
        previous = i
    return "".join(chars), (sum(probs) / len(probs) if probs else 0.0)


def _least_sure(index, constrained) -> float:
    """The probability of each digit at its surest frame; the least of those."""
    best: list[float] = []
    previous = -1
    for i, row in zip(index.tolist(), constrained, strict=True):
        if i != 0:
            p = float(row[i])
            if i != previous:
                best.append(p)
            else:
                best[-1] = max(best[-1], p)
        previous = i
    return min(best) if best else 0.0
