"""OCR on the cells against the whole page: the degraded 6-page huaian scan read both ways in one run.

The real huaian-city-2024 report is rendered with pdftoppm at 200 dpi and each page degraded as a scanner would
(tests/scans.py, seed 1 unless another is given), saved as an image-only PDF, and its pages rendered as the PDF
reader renders them for OCR. Each page is then read by both methods in turn, the first of the two alternating
page by page, so that a machine busy with other work slows both alike; CPU seconds (both of onnxruntime's threads)
are printed beside wall seconds, being the steadier on a shared machine. The pages of each method are assembled,
extracted and checked as `parse_file` does, and scored against the truth: cells exact, and the wrong cells no
finding flags (tests/scans.py). The model load is timed apart.

    python bench/ocr_cells_speed.py [SEED]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from gongkai.extract import extract  # noqa: E402
from gongkai.readers.ocr import METHODS, engine, ocr_page  # noqa: E402
from gongkai.readers.pages import document  # noqa: E402
from gongkai.readers.pdf import _render_resolution  # noqa: E402
from scans import scanned_pdf, score  # noqa: E402
from support import truth  # noqa: E402

SOURCE = ROOT.parent / "shared" / "fixtures" / "real" / "huaian-city-2024.pdf"


def pages(scan: Path) -> list[tuple]:
    """Each page of the scan as the PDF reader hands it to OCR: grey pixels and points per pixel."""
    import numpy as np
    import pdfplumber

    out = []
    with pdfplumber.open(scan) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            dpi = _render_resolution(page, number, str(scan))
            out.append((np.asarray(page.to_image(resolution=dpi).original.convert("L")), 72 / dpi))
    return out


def read_both(images: list[tuple]) -> tuple[dict, dict, dict]:
    """Items, wall and CPU seconds of each method, the methods taking turns to go first."""
    items: dict = {m: [] for m in METHODS}
    wall, cpu = dict.fromkeys(METHODS, 0.0), dict.fromkeys(METHODS, 0.0)
    for number, (pixels, scale) in enumerate(images, start=1):
        for method in METHODS if number % 2 else METHODS[::-1]:
            start, start_cpu = time.perf_counter(), time.process_time()
            items[method].extend(ocr_page(pixels, number, "bench", scale, method=method))
            wall[method] += time.perf_counter() - start
            cpu[method] += time.process_time() - start_cpu
    return items, wall, cpu


def main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    start = time.perf_counter()
    engine("bench")
    print(f"model load: {time.perf_counter() - start:.2f} s")
    expected = truth("huaian-city-2024", SOURCE.parent)
    with tempfile.TemporaryDirectory() as folder:
        scan, used = scanned_pdf(SOURCE, Path(folder), seed)
        images = pages(scan)
    items, wall, cpu = read_both(images)
    print(f"degraded huaian scan, seed {seed}: {len(images)} pages, "
          f"lean {', '.join(f'{d.angle:+.1f}°' for d in used)}")
    for method in METHODS:
        report = extract(document(str(scan), items[method], "pdf"))
        cells, exact, unflagged = score(report, expected)
        print(f"{method:>5}: {wall[method]:6.1f} s wall, {cpu[method]:6.1f} s CPU, "
              f"{exact}/{cells} cells exact ({exact / cells:.1%}), wrong and not flagged: {unflagged or 'none'}")
    print(f"cells vs page: {wall['page'] / wall['cells']:.2f}x faster (wall), "
          f"{cpu['page'] / cpu['cells']:.2f}x (CPU)")


if __name__ == "__main__":
    main()
