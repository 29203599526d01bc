"""Parse + check throughput on seed-sized text reports, one core.

Prints reports per second (target: 300 or more). Reads the bundled seed reports from memory
so that disk speed does not count; each round parses and checks every seed once.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from gongkai.checks import run_checks
from gongkai.extract import extract
from gongkai.readers.encoding import decode
from gongkai.readers.text import read_text

SEEDS = Path(__file__).resolve().parent.parent / "examples" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to run")
    args = parser.parse_args()
    texts = [(p.name, p.read_bytes()) for p in sorted(SEEDS.glob("*.txt"))]
    for name, data in texts:  # warm caches (format data, label indexes)
        run_checks(extract(read_text(decode(data, name)[0], name)))
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        for name, data in texts:
            text, _ = decode(data, name)
            run_checks(extract(read_text(text, name)))
            done += 1
    elapsed = time.perf_counter() - start
    size = sum(len(d) for _, d in texts) / len(texts)
    print(f"parse+check: {done / elapsed:.0f} reports/s on one core "
          f"({done} reports of {size / 1024:.1f} KB on average in {elapsed:.1f} s; target ≥ 300)")


if __name__ == "__main__":
    main()
