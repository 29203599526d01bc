"""Reading a report file's bytes, bounded, with one-line errors."""

from __future__ import annotations

from pathlib import Path

from gongkai.errors import InputError
from gongkai.readers.limits import MAX_TEXT_BYTES, MB


def check_size(path: str | Path, limit: int) -> int:
    """The file's size, or InputError when it is larger than limit (readers/limits.py) or cannot be read."""
    name = str(path)
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise InputError.from_os(name, exc) from None
    if size > limit:
        raise InputError(name, "errors.file.too_large", mb=max(1, size // MB), limit=limit // MB)
    return size


def read_bytes(path: str | Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    name = str(path)
    check_size(path, limit)
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError.from_os(name, exc) from None
