"""Reader for scanned pages as image files (.png, .jpg, .tif…): each frame OCR'd as one page."""

from __future__ import annotations

from pathlib import Path

from gongkai.errors import InputError
from gongkai.readers.document import Document
from gongkai.readers.ocr import engine
from gongkai.readers.pages import document
from gongkai.readers.pdf import MAX_PAGES


def read_image_file(path: str | Path) -> Document:
    name = str(path)
    engine(name)  # a missing OCR install is said before anything is decoded
    import numpy as np
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from gongkai.readers.ocr import ocr_page

    try:
        with Image.open(name) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_PAGES:
                raise InputError(name, "errors.file.too_many_pages", count=frames, limit=MAX_PAGES)
            items = []
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                dpi = _dpi(frame)
                pixels = np.asarray(frame.convert("L"))
                items.extend(ocr_page(pixels, number, name, 72 / dpi if dpi else None))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise InputError(name, "errors.image.unreadable", detail=f"{type(exc).__name__}: {exc}") from None
    return document(name, items, "image")


def _dpi(frame) -> float | None:
    """The resolution the scanner recorded, when it is plausible (some files say 1 or 72 for none)."""
    dpi = frame.info.get("dpi")
    value = float(dpi[0]) if dpi else 0.0
    return value if 100 <= value <= 1200 else None
