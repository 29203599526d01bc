"""What several bench scripts measure the same way (a plain module: `from measure import …`, with bench/ on the path).

On a shared machine the wall times say little: Linux shares the processors between sessions (autogroup), so a
run of several processes gets no more than one of a single process while other sessions keep the cores busy.
`watched` therefore also sums the processor time of every process of a child's run (read from /proc while they
run), and `on_idle_cores` gives the wall time that processor time would take on idle cores.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

T = TypeVar("T")


def cpu_of_group(group: int, seen: dict[int, float]) -> None:
    """Note the processor seconds so far of every process of the group (a process's last note stands)."""
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:
            seen[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick


def watched(command: list[str], stdout: IO[Any] | int, stderr: IO[Any] | int) -> tuple[float, dict[int, float], int]:
    """Run `command` as a child in a process group of its own: its wall seconds, the processor seconds of each
    process of the group (the child and every process it started), and its exit code."""
    cpu: dict[int, float] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=stdout, stderr=stderr, start_new_session=True)
    while proc.poll() is None:
        cpu_of_group(proc.pid, cpu)
        time.sleep(0.05)
    return time.perf_counter() - start, cpu, proc.returncode


def on_idle_cores(cpu: dict[int, float], cores: int) -> float:
    """The wall time the processor time of a run would take on idle cores, at best."""
    return max(sum(cpu.values()) / cores, max(cpu.values(), default=0))


def gongkai(*args: str) -> list[str]:
    """The command line of `gongkai ARGS` run by this Python."""
    return [sys.executable, "-m", "gongkai", *args]


def in_turn(runs: dict[str, Callable[[], T]], rounds: int) -> Iterator[tuple[str, T]]:
    """Each run's result, the runs in turn, round after round (a busy spell of the machine hits each alike)."""
    for _ in range(rounds):
        for name, run in runs.items():
            yield name, run()


def get_seconds(client: Any, path: str, requests: int) -> list[float]:
    """The wall seconds of `requests` GETs of `path` through a test client; any answer but 200 ends the script."""
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            sys.exit(f"{path}: {response.status_code} {response.text[:200]}")
    return times


def median_ms(client: Any, path: str, requests: int) -> float:
    """The median of get_seconds, in milliseconds."""
    return statistics.median(get_seconds(client, path, requests)) * 1000
