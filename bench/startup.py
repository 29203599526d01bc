"""How fast the command starts: `gongkai --help` (target: under 0.3 s) and the register's commands on a register
that is up to date (target: under 0.5 s), each also as a ratio to `gongkai --help` measured beside it, which
says more than seconds on a machine shared with other work. Prints the median of several runs.

Runs with bytecode caching on (PYTHONDONTWRITEBYTECODE removed), after one warm-up run, as an installed gongkai
runs: without cached bytecode every module is compiled again at each start.

`--against SRC` compares this checkout with another one's `src` folder (an earlier commit: `git worktree add` or
`git archive REV src | tar -x -C DIR`), the two run by turns so that both see the same load: each command's
median for both and their ratio.
"""

from __future__ import annotations

import argparse
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
    """The wall seconds of RUNS runs, after one warm-up run."""
    _one_run(command, env)
    return [_one_run(command, env)[0] for _ in range(RUNS)]


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


HERE = Path(__file__).resolve().parent.parent / "src"


def _register_args(db: str) -> dict[str, tuple[str, ...]]:
    """The register's commands measured, by name: their arguments."""
    return {"register deadlines": ("register", "deadlines", "--db", db),
            "register counts": ("register", "counts", "--year", "2025", "--db", db),
            "register letter": ("register", "letter", "2026-001", "--db", db)}


def _commands(db: str) -> dict[str, list[str]]:
    """`gongkai --help` and the register's commands, run by this Python (whose PYTHONPATH chooses the checkout)."""
    return {name: [sys.executable, "-m", "gongkai", *args]
            for name, args in {"--help": ("--help",), **_register_args(db)}.items()}


def _children_cpu() -> float:
    """CPU seconds used by the finished child processes (user + system): less shaken by other work on the machine
    than the wall clock."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _one_run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(command, capture_output=True, env=env, check=False)
    return time.perf_counter() - start, _children_cpu() - cpu


def compare(other: Path) -> None:
    """This checkout against another `src`, by turns (who goes first changes every turn), RUNS × 2 runs each."""
    trees = {"this": str(HERE), "other": str(other.resolve())}
    with tempfile.TemporaryDirectory() as tmp:
        commands = _commands(_prepared_register(Path(tmp)))
        runs: dict[tuple[str, str], list[tuple[float, float]]] = {(t, c): [] for t in trees for c in commands}
        envs = {t: {**_environment(), "PYTHONPATH": src} for t, src in trees.items()}
        for command in commands.values():
            for tree in trees:
                subprocess.run(command, capture_output=True, env=envs[tree], check=False)  # warm-up, bytecode
        for turn in range(RUNS * 2):
            for name, command in commands.items():
                for tree in (trees if turn % 2 else reversed(trees)):
                    runs[(tree, name)].append(_one_run(command, envs[tree]))
    for name in commands:
        (wall, cpu), (wall_other, cpu_other) = (
            [statistics.median(r[i] for r in runs[(tree, name)]) for i in (0, 1)] for tree in trees)
        print(f"gongkai {name}: wall clock this {wall * 1000:.0f} ms, other {wall_other * 1000:.0f} ms "
              f"({wall / wall_other:.3f}); CPU this {cpu * 1000:.0f} ms, other {cpu_other * 1000:.0f} ms "
              f"({cpu / cpu_other:.3f}); medians of {RUNS * 2} runs each")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, metavar="SRC", help="another checkout's src folder to compare with")
    if (other := parser.parse_args().against) is not None:
        compare(other)
        return
    env = _environment()
    help_times = _times(_command("--help"), env)
    help_median = statistics.median(help_times)
    print(f"gongkai --help: median {help_median * 1000:.0f} ms, "
          f"max {max(help_times) * 1000:.0f} ms over {len(help_times)} runs (target < 300 ms)")
    # as gongkai ends: gc.freeze() at exit, so that Python's last collections do not walk SQLAlchemy's objects
    floor = statistics.median(_times([sys.executable, "-c", "import sqlalchemy.orm, gc; gc.freeze()"], env))
    print(f"python -c 'import sqlalchemy.orm' (the floor under every register command): median {floor * 1000:.0f} ms "
          f"({floor / help_median:.1f} × gongkai --help)")
    with tempfile.TemporaryDirectory() as tmp:
        db = _prepared_register(Path(tmp))
        for name, args in _register_args(db).items():
            times = _times(_command(*args), env)
            median = statistics.median(times)
            print(f"gongkai {name}: median {median * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
                  f"({median / help_median:.1f} × gongkai --help) over {len(times)} runs (target < 500 ms)")


if __name__ == "__main__":
    main()
