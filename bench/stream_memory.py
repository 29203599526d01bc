"""`gongkai check` over many reports: does memory stay flat?

Writes N report files (the bundled seeds, each copy with its agency and numbers varied so no
two files are alike) into a temporary folder, runs `gongkai check FOLDER --format json` in a
child process, and prints its peak resident memory and throughput (target: under 200 MB
for 10,000 reports).
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"


def write_corpus(folder: Path, count: int) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    rng = random.Random(2024)
    for i in range(count):
        text = seeds[i % len(seeds)]
        text = re.sub(r"(?m)^\t(\d+)$", lambda m: f"\t{int(m[1]) + rng.randrange(3)}", text)
        (folder / f"report-{i:05d}.txt").write_text(f"第{i}号单位" + text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_corpus(folder, args.reports)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "gongkai", "check", str(folder), "--format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
        elapsed = time.perf_counter() - start
        lines = proc.stdout.count(b"\n")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"check --format json over {args.reports} reports: peak memory {peak_mb:.0f} MB "
          f"(target < 200 MB), {lines} result lines, {args.reports / elapsed:.0f} reports/s, exit {proc.returncode}")


if __name__ == "__main__":
    main()
