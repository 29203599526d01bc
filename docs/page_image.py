"""Make docs/table3-page.png: the page of a written report where table 三 begins, as the README shows it.

Builds the PDF the way a user does (`gongkai build SOURCE -o x.pdf --force`), finds the first page
that holds table 三's header (申请人情况), and renders it with pdftoppm. The source is the real
huaian-city-2024 report where ../shared is beside the checkout, else the bundled seed 004.
Run: python docs/page_image.py [SOURCE]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "table3-page.png"
SOURCES = [ROOT.parent / "shared" / "fixtures" / "real" / "huaian-city-2024.pdf",
           ROOT / "examples" / "seeds" / "004_c82a2c402dd56cf8.txt"]
DPI = 60
MARK = "申请人情况"  # the header of table 三


def first_page_with(pdf: Path, text: str) -> int:
    with pdfplumber.open(str(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            if text in "".join((page.extract_text() or "").split()):
                return number
    raise SystemExit(f"{text} is on no page of {pdf}")


def main(source: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        subprocess.run([sys.executable, "-m", "gongkai", "build", str(source), "-o", str(pdf), "--force"],
                       check=True, capture_output=True)
        page = first_page_with(pdf, MARK)
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(OUT.with_suffix(""))], check=True)
    print(f"{OUT.relative_to(ROOT)}: page {page} of {source.name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else next(p for p in SOURCES if p.exists()))
