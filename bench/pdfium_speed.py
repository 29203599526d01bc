"""The PDFium backend's speed, as ratios measured in one run (targets of issue 17, on the 6-page huaian report):

- parse + check in-process ≤ 4× pypdfium2's plain text extraction of the same file (pdfplumber: ~27×);
- the whole `gongkai check --jobs 1 FILE` process ≤ 6× a `pdftotext -layout FILE` process (pdfplumber: ~44×).

Each figure is CPU time (this process's, or the child's own from wait4): on a machine shared with other work the wall
time of a short task and of a long one are disturbed unequally, their CPU time is not. The fastest of several
interleaved rounds is kept, for the default reading (PDFium, pdfplumber only for the pages it cannot read) and for
every page read by pdfplumber (GONGKAI_PDF_BACKEND=pdfplumber: the reading before PDFium). The process is
`gongkai check --jobs 1 FILE`: one file is read in gongkai's own process, whose CPU time then holds all of it.
On a host shared with other work even the CPU time of a short process varies by half from one minute to the
next; `--instructions` also counts the instructions each process executes (valgrind's cachegrind, ~15 s), a figure
that does not vary: the ratio of work done, not of time (C code runs more instructions per cycle than Python).
Run: python bench/pdfium_speed.py [PDF] [--instructions]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from gongkai.checks import run_checks
from gongkai.inputs import parse_file
from gongkai.readers.pdf import BACKEND

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "real"
ROUNDS = 7
PROCESS_ROUNDS = 15  # short processes on a shared host: the fastest of many


def plain_text(pdf: Path) -> None:
    """pypdfium2's plain text extraction of every page: the floor of any reading through PDFium."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    for page in document:
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    document.close()


def parse_and_check(pdf: Path, backend: str | None) -> Callable[[], None]:
    def run() -> None:
        if backend:
            os.environ[BACKEND] = backend
        try:
            run_checks(parse_file(pdf))
        finally:
            os.environ.pop(BACKEND, None)

    return run


def fastest(tasks: dict[str, Callable[[], float | None]], rounds: int) -> dict[str, float]:
    for task in tasks.values():  # warm-up: imports, caches
        task()
    best = dict.fromkeys(tasks, float("inf"))
    for _ in range(rounds):
        for name, task in tasks.items():
            start = time.process_time()
            spent = task()
            best[name] = min(best[name], spent if spent is not None else time.process_time() - start)
    return best


def child_env(backend: str | None = None) -> dict[str, str]:
    """This checkout's gongkai, its bytecode cached (as an installed one is), the PDF backend chosen."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    src = str(Path(__file__).resolve().parent.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    if backend:
        env[BACKEND] = backend
    return env


def process(command: list[str], backend: str | None = None) -> Callable[[], float]:
    env = child_env(backend)

    def run() -> float:
        """The child's own CPU time (user + system)."""
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0
        return usage.ru_utime + usage.ru_stime

    return run


def instructions(command: list[str]) -> int:
    """The instructions the process executes, counted by valgrind (deterministic, unlike its time)."""
    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                           *command], capture_output=True, text=True, env=child_env())
    return int(re.search(r"I\s+refs:\s+([\d,]+)", done.stderr).group(1).replace(",", ""))


def check_command(pdf: Path) -> list[str]:
    return [sys.executable, "-m", "gongkai", "check", "--jobs", "1", str(pdf)]


def show(label: str, value: float, unit: str = "ms", base: tuple[float, str] | None = None, note: str = "") -> None:
    """One line of figures: the value (seconds shown as ms, counts as millions), its ratio to a base."""
    shown = f"{value * 1000:7.1f} ms" if unit == "ms" else f"{value / 1e6:7.0f} M "
    ratio = f"  = {value / base[0]:5.1f}× {base[1]}" if base else ""
    print(f"  {label:<25} {shown}{ratio}{note}")


def in_process(pdf: Path) -> dict[str, float]:
    inside = fastest({"plain": lambda: plain_text(pdf), "pdfium": parse_and_check(pdf, None),
                      "pdfplumber": parse_and_check(pdf, "pdfplumber")}, ROUNDS)
    print(f"{pdf.name}: in-process CPU time, fastest of {ROUNDS}")
    show("pypdfium2 plain text", inside["plain"])
    show("parse + check, pdfium", inside["pdfium"], base=(inside["plain"], "plain text"), note="  (target ≤ 4×)")
    show("parse + check, pdfplumber", inside["pdfplumber"], base=(inside["plain"], "plain text"), note="  (before)")
    return inside


def whole_processes(pdf: Path, inside: dict[str, float]) -> None:
    check = check_command(pdf)
    whole = fastest({"pdftotext": process(["pdftotext", "-layout", str(pdf), "-"]), "pdfium": process(check),
                     "pdfplumber": process(check, "pdfplumber"),
                     "python": process([sys.executable, "-c", "pass"]),
                     "click": process([sys.executable, "-c", "import click"]),
                     "help": process([sys.executable, "-m", "gongkai", "--help"])}, PROCESS_ROUNDS)
    base = (whole["pdftotext"], "pdftotext")
    print(f"whole processes, their CPU time, fastest of {PROCESS_ROUNDS}")
    show("pdftotext -layout", whole["pdftotext"])
    show("gongkai check, pdfium", whole["pdfium"], base=base, note="  (target ≤ 6×)")
    show("gongkai check, pdfplumber", whole["pdfplumber"], base=base, note="  (before)")
    print("where the process's time goes: processes that stop earlier on the same path")
    show("python -c pass", whole["python"])
    show("python -c 'import click'", whole["click"])
    show("gongkai --help", whole["help"])
    show("parse + check in process", inside["pdfium"], note="  (from above: the reading itself)")


def count_instructions(pdf: Path) -> None:
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: no instruction counts")
    counted = {"pdftotext": instructions(["pdftotext", "-layout", str(pdf), "-"]),
               "check": instructions(check_command(pdf)), "python": instructions([sys.executable, "-c", "pass"])}
    print("instructions executed (valgrind)")
    show("pdftotext -layout", counted["pdftotext"], "count")
    show("gongkai check, pdfium", counted["check"], "count", base=(counted["pdftotext"], "pdftotext"))
    show("python -c pass", counted["python"], "count")


def main() -> None:
    arguments = [a for a in sys.argv[1:] if a != "--instructions"]
    pdf = Path(arguments[0]) if arguments else REAL / "huaian-city-2024.pdf"
    if not pdf.exists():
        sys.exit(f"{pdf} not found: put shared/ beside the checkout or name a PDF")
    inside = in_process(pdf)
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext (poppler-utils) is not installed: no process figures")
    whole_processes(pdf, inside)
    if "--instructions" in sys.argv:
        count_instructions(pdf)


if __name__ == "__main__":
    main()
