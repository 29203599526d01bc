"""Time to read one report-size web page: read_html + extract, one core.

Prints the mean time per page (target: under 20 ms) for the fixture pages in the styles of
government sites (site chrome, nested layout tables, Word-pasted markup, a GBK page) and for the
pages the HTML writer makes of the bundled seed reports. Pages are read from memory so that disk
speed does not count.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from gongkai.extract import extract
from gongkai.inputs import parse_file
from gongkai.readers.html import read_html
from gongkai.writers.html import render_html

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "html"


def pages() -> list[tuple[str, bytes]]:
    found = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("*.html"))]
    found += [(p.stem + ".html", render_html(parse_file(p)).encode("utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to run")
    args = parser.parse_args()
    work = pages()
    for name, data in work:  # warm caches (format data, label indexes)
        extract(read_html(data, name))
    times: dict[str, list[float]] = {name: [] for name, _ in work}
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds:
        for name, data in work:
            t = time.perf_counter()
            extract(read_html(data, name))
            times[name].append(time.perf_counter() - t)
    for name, data in work:
        print(f"  {name:<40} {len(data) / 1024:6.1f} KB  {statistics.fmean(times[name]) * 1000:6.2f} ms")
    mean = statistics.fmean(t for ts in times.values() for t in ts)
    size = sum(len(d) for _, d in work) / len(work)
    print(f"read_html + extract: {mean * 1000:.2f} ms per page on average "
          f"({len(work)} pages of {size / 1024:.1f} KB on average; target < 20 ms)")


if __name__ == "__main__":
    main()
