"""PDF read speed: parse + check of the real text-layer reports (target: a 6-page report < 1 s, one core).

Reads ../shared/fixtures/real/*.pdf (huaian-city-2024 has 6 pages) several times each and prints
the median per report and per page. Run: python bench/pdf_speed.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from gongkai.checks import run_checks
from gongkai.inputs import parse_file

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "real"


def main(rounds: int = 5) -> None:
    import pdfplumber

    pdfs = sorted(REAL.glob("*.pdf"))
    if not pdfs:
        sys.exit(f"no PDFs in {REAL}: put shared/ beside the checkout")
    run_checks(parse_file(pdfs[0]))  # warm imports
    for pdf in pdfs:
        with pdfplumber.open(pdf) as doc:
            pages = len(doc.pages)
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            run_checks(parse_file(pdf))
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f"{pdf.name:<28} {pages} pages  parse + check {median * 1000:6.0f} ms  "
              f"({median / pages * 1000:.0f} ms per page; target < 1 s for 6 pages)")


if __name__ == "__main__":
    main()
