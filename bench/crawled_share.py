"""Crawled page text: the share of table cells read from glued digits, and reading speed on one core.

Random consistent reports of both formats (tests/strategies.py) are laid out as text (tests/layouts.py) and
glued as a crawler saves a page (tests/crawled.py): one line, no separator between table cells. Each is read
(reader + extraction); a cell counts as read when it comes back with its value, and any cell read with another
value is counted as wrong (there must be none). Prints the share read (target ≥ 95%), the wrong cells (0) and
reports per second of one core's time (target ≥ 100).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from crawled import glue  # noqa: E402
from gongkai.extract import extract  # noqa: E402
from gongkai.readers.text import read_text  # noqa: E402
from layouts import render  # noqa: E402
from strategies import consistent_reports, table_keys  # noqa: E402


def reports(count: int, seed: int) -> list[dict]:
    out: list[dict] = []

    @settings(max_examples=count, database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(consistent_reports(prose=False), st.just(seed))
    def collect(report: dict, _: int) -> None:
        out.append(report)

    collect()
    return out[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    made = reports(args.reports, args.seed)
    texts = [glue(render(r, "pipe")) for r in made]
    extract(read_text(texts[0], "warm.txt"))
    start, cpu = time.perf_counter(), time.process_time()
    got = [extract(read_text(text, f"{i}.txt")).flat() for i, text in enumerate(texts)]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    cells = read = wrong = 0
    for report, flat in zip(made, got, strict=True):
        for key in table_keys(report):
            cells += 1
            value = flat.get(key)
            read += value == report[key]
            wrong += value is not None and value != report[key]
    print(f"crawled text: {read / cells:.1%} of {cells} cells read from {len(made)} random reports, "
          f"{wrong} wrong (target ≥ 95%, 0 wrong); {len(made) / cpu:.0f} reports per second of one core's time "
          f"(target ≥ 100; {len(made) / elapsed:.0f} reports/s by the wall clock, which counts other processes' "
          f"time on a shared machine)")


if __name__ == "__main__":
    main()
