"""Work functions for tests/test_pool.py, in a module of their own so that gongkai.pool's worker processes can
import them (a test module would drag pytest in). Each decides what to do from the name it is given."""

from __future__ import annotations

import os
import signal
import time

from gongkai.i18n import language


def by_name(name: str) -> str:
    """hang… sleeps for an hour, greedy… allocates until the memory runs out, crash… kills its own process,
    bug… raises, sleep-S-… sleeps S seconds; any name gives back "name/language/pid"."""
    kind = name.split("-")[0]
    if kind == "hang":
        time.sleep(3600)
    elif kind == "greedy":
        hoard = []
        while True:
            hoard.append(bytearray(16 * 1024 * 1024))  # pages touched as well as reserved
    elif kind == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "bug":
        raise ValueError("a bug in the work")
    elif kind == "sleep":
        time.sleep(float(name.split("-")[1]))
    return f"{name}/{language()}/{os.getpid()}"
