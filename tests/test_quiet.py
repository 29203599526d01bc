"""readers.quiet: third-party warnings and logs silenced while files are read, by several threads at once."""

from __future__ import annotations

import logging
import threading
import warnings

from gongkai.readers.quiet import quiet


def test_quiet_silences_and_restores() -> None:
    log = logging.getLogger("pdfminer")
    log.setLevel(logging.INFO)
    filters = list(warnings.filters)
    with quiet():
        assert log.disabled
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")  # what a library might do: quiet() is outside, so it shows
            warnings.warn("seen inside a catch_warnings of its own", stacklevel=1)
        assert len(caught) == 1
    assert not log.disabled
    assert log.level == logging.INFO
    assert warnings.filters == filters


def test_warnings_raised_inside_quiet_are_dropped() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with quiet():
            warnings.warn("a library's warning while a file is read", stacklevel=1)
        warnings.warn("after the reading", stacklevel=1)
    assert [str(w.message) for w in caught] == ["after the reading"]


def test_quiet_holds_until_the_last_thread_leaves() -> None:
    """The first reader out must not restore the loggers while another thread is still reading."""
    log = logging.getLogger("pdfplumber")
    inside, first_out, checked = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def long_reader() -> None:
        with quiet():
            inside.set()
            first_out.wait(5)
            seen.append(log.disabled)
            checked.set()

    thread = threading.Thread(target=long_reader)
    thread.start()
    inside.wait(5)
    with quiet():
        pass
    first_out.set()
    checked.wait(5)
    thread.join(5)
    assert seen == [True]
    assert not log.disabled
