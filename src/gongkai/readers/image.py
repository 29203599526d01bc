"""Reader for scanned pages as image files (.png, .jpg, .tif…): each frame OCR'd as one page.

Pillow's own decompression-bomb limit is set to ours (readers/limits.py), and every frame's size is checked against
it before the frame is decoded: a huge image is one line of error, never gigabytes or a warning on the terminal.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from gongkai.errors import InputError
from gongkai.readers.document import Document
from gongkai.readers.files import check_size
from gongkai.readers.limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_PAGES
from gongkai.readers.ocr import engine
from gongkai.readers.pages import document


def read_image_file(path: str | Path) -> Document:
    name = str(path)
    check_size(name, MAX_IMAGE_BYTES)
    engine(name)  # a missing OCR install is said before anything is decoded
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow warns above it and refuses above twice it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # refused, never printed
            return _read_frames(name)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        width, height = _size(name)
        raise InputError(name, "errors.image.too_many_pixels", width=width, height=height,
                         limit=f"{MAX_IMAGE_PIXELS:,}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InputError(name, "errors.image.unreadable", detail=f"{type(exc).__name__}: {_one_line(exc)}") from None


def _read_frames(name: str) -> Document:
    """Each frame checked against the pixel limit before it is decoded, then OCR'd as one page."""
    import numpy as np
    from PIL import Image, ImageSequence

    from gongkai.readers.ocr import ocr_page

    with Image.open(name) as image:
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_PAGES:
            raise InputError(name, "errors.file.too_many_pages", count=frames, limit=MAX_PAGES)
        items = []
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            _check_pixels(name, frame.size)
            dpi = _dpi(frame)
            pixels = np.asarray(frame.convert("L"))
            items.extend(ocr_page(pixels, number, name, 72 / dpi if dpi else None))
    return document(name, items, "image")


def _size(name: str) -> tuple[int | str, int | str]:
    """The size an image's header declares, read with Pillow's limit lifted for that moment (nothing is decoded)."""
    from PIL import Image

    try:
        Image.MAX_IMAGE_PIXELS = None
        with Image.open(name) as image:
            return image.size
    except Exception:
        return "?", "?"
    finally:
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def _check_pixels(name: str, size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(name, "errors.image.too_many_pixels", width=width, height=height,
                         limit=f"{MAX_IMAGE_PIXELS:,}")


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "…"


def _dpi(frame) -> float | None:
    """The resolution the scanner recorded, when it is plausible (some files say 1 or 72 for none)."""
    dpi = frame.info.get("dpi")
    value = float(dpi[0]) if dpi else 0.0
    return value if 100 <= value <= 1200 else None
