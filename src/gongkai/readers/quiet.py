"""Third-party libraries kept quiet while a file is read: their warnings never reach the terminal.

pdfminer logs damaged objects through `logging` (several lines per broken PDF, without the file's name), Pillow and
openpyxl warn through `warnings`. A reader runs inside `quiet()`: warnings are recorded and dropped, the pdfminer
and pdfplumber loggers are silenced, and both are put back as they were afterwards. What matters about a damaged
file is said once, as the reader's one-line error.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

_LOGGERS = ("pdfminer", "pdfplumber", "PIL", "fontTools", "openpyxl", "docx")


@contextmanager
def quiet() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    before = [(log.level, log.propagate, log.disabled) for log in loggers]
    for log in loggers:
        log.setLevel(logging.CRITICAL + 1)
        log.propagate = False
        log.disabled = True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for log, (level, propagate, disabled) in zip(loggers, before, strict=True):
            log.setLevel(level)
            log.propagate = propagate
            log.disabled = disabled
