"""Several thousand damaged copies of real report files through the readers: how each ended (goal: 0 unexpected).

    python bench/fuzz_readers.py [COUNT] [--jobs N] [--timeout S]

The mutants are those of tests/mutants.py (bytes flipped, cut, deleted, junk put in; zip members removed, damaged,
swapped, compressed data damaged, unsupported zip features), made from the seed texts, the real PDFs of
shared/fixtures/real and a seed written as Word, Excel and a web page. Each is read in a process of its own, forked
from this one (the libraries already imported), with a wall-time limit and a 2 GB address-space limit, its stderr
kept apart: anything it prints there is counted as noise. Pages whose text layer a mutation broke are not OCR'd
unless --ocr is given (OCR takes seconds a page: the run would take hours). Prints how many mutants ended in a
report, in each error kind, and in an unexpected end (another exception, a timeout, memory exhausted, or noise on
stderr); exits 1 if any was unexpected.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from mutants import mutate, mutations_for, outcome, write_originals  # noqa: E402

MEMORY_LIMIT = 2 * 1024**3


def _child(path: Path, original: bytes, mutation: str, seed: int, conn, stderr_path: str, ocr: bool) -> None:
    if not ocr:  # a page whose text layer a mutation broke ends in errors.pdf.page_needs_ocr, not in OCR
        import gongkai.readers.ocr

        gongkai.readers.ocr.ocr_available = lambda: False
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 2)
    try:
        path.write_bytes(mutate(original, mutation, seed))
        kind, what, noise = outcome(path)
    except MemoryError:
        kind, what, noise = "unexpected", "MemoryError", 0
    except BaseException as exc:
        kind, what, noise = "unexpected", f"{type(exc).__name__} in the harness: {exc}", 0
    conn.send((kind, what, noise))
    conn.close()


class _Run:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.kinds: Counter[str] = Counter()
        self.unexpected: list[str] = []
        self.noisy = 0
        self.caught = 0

    def finish(self, label: str, kind: str, what: str, noise: int, stderr: str) -> None:
        if stderr.strip():
            kind, what = "unexpected", f"printed on stderr: {stderr.strip().splitlines()[0][:160]}"
            self.noisy += 1
        self.caught += bool(noise)  # warnings or log records that escaped the readers (caught here, not printed)
        key = "report" if kind == "report" else what if kind == "error" else "UNEXPECTED"
        self.kinds[key] += 1
        if kind == "unexpected":
            self.unexpected.append(f"{label}: {what}")


def _mutants(names: list[str], count: int) -> list[tuple[str, str, int]]:
    rng = random.Random(12)
    out = []
    for i in range(count):
        name = names[i % len(names)]
        out.append((name, rng.choice(mutations_for(name)), rng.randrange(2**32)))
    return out


def run(count: int, jobs: int, timeout: float, ocr: bool = False) -> int:
    ctx = multiprocessing.get_context("fork")
    run_ = _Run(timeout)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        originals = {name: path.read_bytes() for name, path in write_originals(folder).items()}
        from gongkai.inputs import parse_file  # warm: every library imported before the forks

        for path in write_originals(folder).values():
            with contextlib.suppress(Exception):  # only warming the imports
                parse_file(path)
        todo = _mutants(sorted(originals), count)
        running: dict[int, tuple] = {}
        started = time.perf_counter()
        done = 0
        while todo or running:
            while todo and len(running) < jobs:
                name, mutation, seed = todo.pop()
                slot = next(i for i in range(jobs) if i not in running)
                path = folder / f"m{slot}{Path(name).suffix}"
                err = folder / f"stderr{slot}"
                parent, child = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(path, originals[name], mutation, seed, child, str(err), ocr))
                proc.start()
                child.close()
                running[slot] = (proc, parent, f"{name} {mutation} seed={seed}", time.perf_counter(), err)
            time.sleep(0.002)
            for slot, (proc, parent, label, t0, err) in list(running.items()):
                if parent.poll():
                    kind, what, noise = parent.recv()
                    proc.join()
                    run_.finish(label, kind, what, noise, err.read_text(errors="replace") if err.exists() else "")
                elif not proc.is_alive():
                    proc.join()
                    run_.finish(label, "unexpected", f"worker died (exit {proc.exitcode})", 0, "")
                elif time.perf_counter() - t0 > timeout:
                    proc.kill()
                    proc.join()
                    run_.finish(label, "unexpected", f"timeout after {timeout:.0f} s", 0, "")
                else:
                    continue
                parent.close()
                del running[slot]
                done += 1
        elapsed = time.perf_counter() - started
    return _print(run_, count, elapsed)


def _print(run_: _Run, count: int, elapsed: float) -> int:
    print(f"{count} mutants in {elapsed:.0f} s ({count / elapsed:.1f}/s)")
    for kind, n in run_.kinds.most_common():
        if n:
            print(f"{n:6}  {kind}")
    print(f"unexpected: {len(run_.unexpected)} (printed on stderr: {run_.noisy}; "
          f"warnings or log records out of the readers: {run_.caught})")
    for line in run_.unexpected[:30]:
        print(f"  {line}")
    return 1 if run_.unexpected else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=3000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--ocr", action="store_true", help="read pages with a broken text layer by OCR (slow)")
    args = parser.parse_args()
    sys.exit(run(args.count, args.jobs, args.timeout, args.ocr))


if __name__ == "__main__":
    main()
