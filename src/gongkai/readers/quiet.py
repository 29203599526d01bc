"""Third-party libraries kept quiet while a file is read: their warnings never reach the terminal.

pdfminer logs damaged objects through `logging` (several lines per broken PDF, without the file's name), Pillow and
openpyxl warn through `warnings`. A reader runs inside `quiet()`: warnings are dropped, the pdfminer and pdfplumber
loggers are silenced, and both are put back as they were afterwards. What matters about a damaged file is said
once, as the reader's one-line error.

Loggers and warning filters belong to the whole process, so `quiet()` is counted: the first of several threads
reading at once (the web application reads uploads in a thread pool) silences, the last one out restores.
`warnings.catch_warnings` is not used for that reason: it restores the filters of its own entry, whatever other
threads did meanwhile.
"""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_LOGGERS = ("pdfminer", "pdfplumber", "PIL", "fontTools", "openpyxl", "docx")
_lock = threading.Lock()
_depth = 0  # how many readers are inside quiet() now
_saved: tuple[list[tuple[logging.Logger, int, bool, bool]], list[Any]] | None = None


def _silence() -> tuple[list[tuple[logging.Logger, int, bool, bool]], list[Any]]:
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    before = [(log, log.level, log.propagate, log.disabled) for log in loggers]
    for log in loggers:
        log.setLevel(logging.CRITICAL + 1)
        log.propagate = False
        log.disabled = True
    filters = list(warnings.filters)
    warnings.simplefilter("ignore")
    return before, filters


def _restore(saved: tuple[list[tuple[logging.Logger, int, bool, bool]], list[Any]]) -> None:
    before, filters = saved
    for log, level, propagate, disabled in before:
        log.setLevel(level)
        log.propagate = propagate
        log.disabled = disabled
    warnings.filters[:] = filters
    mutated = getattr(warnings, "_filters_mutated", None)  # the filters' cache, as catch_warnings resets it
    if mutated is not None:
        mutated()


@contextmanager
def quiet() -> Iterator[None]:
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = _silence()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                _restore(_saved)
                _saved = None
