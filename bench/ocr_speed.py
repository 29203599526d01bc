"""OCR speed: seconds per page for a scanned report (target: under 10 s per page on 2 cores), read the default
way (the cells one by one; GONGKAI_OCR=page for the whole page, bench/ocr_cells_speed.py compares the two).

The real huaian-city-2024 report is rendered with pdftoppm at 200 dpi, each page degraded as a scanner
would (tests/scans.py), saved as an image-only PDF and read back; the model load is timed apart.
Needs the OCR extra, pdftoppm and ../shared beside the checkout.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from gongkai.inputs import parse_file  # noqa: E402
from gongkai.readers.ocr import engine  # noqa: E402
from scans import scanned_pdf  # noqa: E402

SOURCE = ROOT.parent / "shared" / "fixtures" / "real" / "huaian-city-2024.pdf"


def main() -> None:
    start = time.perf_counter()
    engine("bench")
    print(f"model load: {time.perf_counter() - start:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        for seed in (1, 2):
            scan, used = scanned_pdf(SOURCE, Path(folder), seed)
            start = time.perf_counter()
            report = parse_file(scan)
            elapsed = time.perf_counter() - start
            print(f"scan {seed}: {len(used)} pages, {len(report.cells)} cells, {elapsed:.1f} s, "
                  f"{elapsed / len(used):.2f} s per page")


if __name__ == "__main__":
    main()
