"""PDF write speed: a report written as Word and converted by LibreOffice headless (target < 5 s).

Writes each bundled seed report (and the three real reports, where ../shared is beside the
checkout) to PDF a few times, one conversion at a time, and prints the median and the slowest.
Each conversion starts its own LibreOffice with a fresh profile, as `gongkai build … -o x.pdf` does.
Run: python bench/pdf_write_speed.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from gongkai.inputs import parse_file
from gongkai.office import soffice_path
from gongkai.writers.pdf import write_pdf

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples" / "seeds"
REAL = ROOT.parent / "shared" / "fixtures" / "real"


def main(rounds: int = 2) -> None:
    if soffice_path() is None:
        sys.exit("LibreOffice (soffice) is not installed")
    sources = sorted(SEEDS.glob("*.txt")) + sorted(REAL.glob("*.pdf"))
    reports = [parse_file(p) for p in sources]
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        write_pdf(reports[0], out)  # warm the disk cache and fontconfig's cache
        for _ in range(rounds):
            for report in reports:
                start = time.perf_counter()
                write_pdf(report, out)
                times.append(time.perf_counter() - start)
    print(f"PDF write (Word → LibreOffice): median {statistics.median(times):.1f} s, slowest {max(times):.1f} s "
          f"(target < 5 s); {len(times)} conversions of {len(reports)} reports")


if __name__ == "__main__":
    main()
