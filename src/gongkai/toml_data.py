"""gongkai's own TOML data files (formats, catalogues, holidays, provinces…), read through a marshal cache.

Parsing TOML is pure Python, and a single `gongkai check FILE` reads half a dozen of these files: parsing them cost
more than the reading of a small report. Like the interpreter's bytecode cache, each parsed file is kept beside it
in __pycache__ as marshal data, stamped with the file's mtime and size, and parsed again only when it changed.
Files outside the package (a folder of $GONGKAI_FORMATS, an office's letter templates) are parsed every time:
nothing is written into folders that are not ours.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent


def load_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML file; OSError when it cannot be read, tomllib.TOMLDecodeError when it is not TOML,
    UnicodeDecodeError when it is not UTF-8."""
    path = Path(path)
    if not path.resolve().is_relative_to(PACKAGE_DIR):
        return _parse(path)
    stamp = path.stat()
    key = (stamp.st_mtime_ns, stamp.st_size)
    cache = path.parent / "__pycache__" / f"{path.name}.marshal"
    cached = _cached(cache, key)
    if cached is not None:
        return cached
    data = _parse(path)
    _keep(cache, key, data)
    return data


def _parse(path: Path) -> dict[str, Any]:
    import tomllib  # only for a file changed since it was last parsed

    return tomllib.loads(path.read_text(encoding="utf-8"))


def _cached(cache: Path, key: tuple[int, int]) -> dict[str, Any] | None:
    try:
        stored_key, data = marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return data if tuple(stored_key) == key and isinstance(data, dict) else None


def _keep(cache: Path, key: tuple[int, int], data: dict[str, Any]) -> None:
    temporary = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:  # a read-only installation simply parses every time
        cache.parent.mkdir(exist_ok=True)
        temporary.write_bytes(marshal.dumps((key, data)))
        os.replace(temporary, cache)
    except (OSError, ValueError):  # ValueError: a value marshal cannot store (TOML dates); parsed each time
        temporary.unlink(missing_ok=True)
