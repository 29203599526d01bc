"""Reading a report file's bytes, bounded, with one-line errors."""

from __future__ import annotations

from pathlib import Path

from gongkai.errors import InputError

MAX_BYTES = 64 * 1024 * 1024  # far beyond any real report; bounds memory on hostile input


def read_bytes(path: str | Path) -> bytes:
    name = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise InputError(name, "errors.file.too_large", mb=size // (1024 * 1024))
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError.from_os(name, exc) from None
