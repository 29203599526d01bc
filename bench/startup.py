"""How fast the command starts: `gongkai --help` (target: under 0.3 s) and the register's commands on a register
that is up to date (target: under 0.5 s), each also as a ratio to `gongkai --help` measured beside it, which
says more than seconds on a machine shared with other work. Prints the median of several runs.

Runs with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), after one warm-up run, as an installed gongkai
runs: without cached bytecode every module is compiled again at each start.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

RUNS = 15


def _command(*args: str) -> list[str]:
    exe = shutil.which("gongkai")
    return [exe, *args] if exe else [sys.executable, "-m", "gongkai", *args]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _times(command: list[str], env: dict[str, str]) -> list[float]:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
        times.append(time.perf_counter() - start)
    return times


def _prepared_register(folder: Path) -> str:
    """An SQLite register at the newest schema with one agency and one application."""
    from gongkai.register import store
    from gongkai.register.db import open_register

    db = str(folder / "register.sqlite")
    reg = open_register(db)
    store.add_agency(reg, "某市生态环境局")
    store.add_application(reg, "某市生态环境局", number="2026-001", received=date(2026, 2, 10),
                          applicant="natural_person")
    reg.close()
    return db


def main() -> None:
    env = _environment()
    help_times = _times(_command("--help"), env)
    help_median = statistics.median(help_times)
    print(f"gongkai --help: median {help_median * 1000:.0f} ms, "
          f"max {max(help_times) * 1000:.0f} ms over {len(help_times)} runs (target < 300 ms)")
    floor = statistics.median(_times([sys.executable, "-c", "import sqlalchemy.orm"], env))
    print(f"python -c 'import sqlalchemy.orm' (the floor under every register command): median {floor * 1000:.0f} ms "
          f"({floor / help_median:.1f} × gongkai --help)")
    with tempfile.TemporaryDirectory() as tmp:
        db = _prepared_register(Path(tmp))
        for args in (("register", "deadlines", "--db", db), ("register", "counts", "--year", "2025", "--db", db),
                     ("register", "letter", "2026-001", "--db", db)):
            times = _times(_command(*args), env)
            median = statistics.median(times)
            name = " ".join(args[:2])
            print(f"gongkai {name}: median {median * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
                  f"({median / help_median:.1f} × gongkai --help) over {len(times)} runs (target < 500 ms)")


if __name__ == "__main__":
    main()
