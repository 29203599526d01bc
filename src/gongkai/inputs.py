"""Finding the report files a command was given, and reading each without tracebacks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongkai.errors import InputError
from gongkai.model import Report

# Suffixes picked up when a folder is given; a file named explicitly is read whatever its name.
FOLDER_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".docx", ".doc", ".html", ".htm", ".mht", ".mhtml", ".xlsx",
                   ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # images: scans, read by OCR


def iter_files(paths: list[str]) -> Iterator[str]:
    for path in paths:
        p = Path(path)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for name in sorted(files):
                    if Path(name).suffix.lower() in FOLDER_SUFFIXES:
                        yield os.path.join(root, name)
        else:
            yield path


@dataclass(slots=True)
class Outcome:
    """A file read: its report, or the one-line error that stopped it."""

    path: str
    report: Report | None = None
    error: str | None = None  # one line, naming the file, in the language current when it was read


def parse_file(path: str | Path) -> Report:
    """Any file gongkai reads → a Report: JSON of our model or flat data as it is, anything else read and extracted."""
    if Path(path).suffix.lower() == ".json":
        from gongkai.serialized import read_json_report

        return read_json_report(path)
    from gongkai.extract import extract
    from gongkai.readers import read_document

    return extract(read_document(path))


def read_report(path: str) -> Outcome:
    try:
        return Outcome(path, report=parse_file(path))
    except InputError as exc:
        return Outcome(path, error=str(exc))
    except RecursionError:
        return Outcome(path, error=str(InputError(path, "errors.file.too_deeply_nested")))
    except MemoryError:  # the caller's: gongkai.pool says so in one line and replaces the worker
        raise
    except Exception as exc:  # a bug must still not end the run with a traceback
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        detail = f"{type(exc).__name__}: {exc}"
        return Outcome(path, error=str(InputError(path, "errors.file.internal_error", detail=detail)))
